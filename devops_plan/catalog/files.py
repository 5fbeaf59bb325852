"""Catalog files: reading a catalog CSV (every row validated, problems named by file, line
and column), the planner roles beside it, loading a cloud's catalog, and writing one back
atomically."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import CatalogError
from ..inputs import MIB, InputRefused, load_yaml, read_limited
from ..paths import data_path
from .checks import FREE, RowProblem, check_row, parse_price
from .lookup import Catalog
from .price import (
    ARCHES,
    CATEGORIES,
    CLOUDS,
    COLUMNS,
    DEPLOYMENTS,
    ENGINES,
    GENERATIONS,
    PURCHASES,
    TIER_COLUMNS,
    UNITS,
    Price,
    RowKey,
    describe_key,
    hint,
)


def _choice(column: str, value: str, allowed: Sequence[str], *, empty_ok: bool) -> str:
    if value == "" and empty_ok:
        return value
    if value not in allowed:
        raise RowProblem(
            column, f"expected one of {', '.join(allowed)}{hint(value, allowed)} (got {value!r})"
        )
    return value


def _float(column: str, value: str) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowProblem(column, f"expected a number or empty (got {value!r})") from None
    if not (number > 0 and number != float("inf")):
        raise RowProblem(column, f"expected a number > 0 (got {value!r})")
    return number


def _tier(cell: Mapping[str, str]) -> tuple[Decimal, Decimal | None]:
    """Where a tier starts and ends; (0, None) for an untiered row."""
    start = _quantity("tier_start", cell["tier_start"]) if cell["tier_start"] else Decimal(0)
    if not cell["tier_end"]:
        return start, None
    end = _quantity("tier_end", cell["tier_end"])
    if end <= start:
        raise RowProblem("tier_end", f"expected a number above tier_start {start} (got {end})")
    return start, end


def _quantity(column: str, value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowProblem(column, f"expected a number (got {value[:40]!r})") from None
    if not number.is_finite() or number < 0:
        raise RowProblem(column, f"expected a number >= 0 (got {value[:40]!r})")
    return number


def _text(column: str, value: str) -> str:
    if not value.strip():
        raise RowProblem(column, "must not be empty")
    return value


def _parse_row(cloud: str, cell: Mapping[str, str], today: date) -> Price:
    if cell["cloud"] != cloud:
        raise RowProblem("cloud", f"expected {cloud!r} (got {cell['cloud']!r})")
    category = _choice("category", cell["category"], CATEGORIES, empty_ok=False)
    tier_start, tier_end = _tier(cell)
    price = Price(
        cloud=cloud,
        service=_text("service", cell["service"]),
        category=category,
        product=_text("product", cell["product"]),
        region=_text("region", cell["region"]),
        purchase=_choice("purchase", cell["purchase"], PURCHASES, empty_ok=False),
        unit=_choice("unit", cell["unit"], UNITS, empty_ok=False),
        unit_price=parse_price(cell["unit_price"], category),
        currency=_text("currency", cell["currency"]),
        vcpu=_float("vcpu", cell["vcpu"]),
        memory_gib=_float("memory_gib", cell["memory_gib"]),
        family=cell["family"],
        generation=_choice("generation", cell["generation"], GENERATIONS, empty_ok=True),
        arch=_choice("arch", cell["arch"], ARCHES, empty_ok=True),
        engine=_choice("engine", cell["engine"], ENGINES, empty_ok=True),
        deployment=_choice("deployment", cell["deployment"], DEPLOYMENTS, empty_ok=True),
        as_of=cell["as_of"],
        source=_text("source", cell["source"]),
        tier_start=tier_start,
        tier_end=tier_end,
    )
    check_row(price, today)
    return price


_MAX_PROBLEMS = 20


# A refreshed catalog of every region of a cloud is tens of MiB; more is not a catalog.
MAX_CATALOG_BYTES = 64 * MIB
MAX_ROLES_BYTES = 1 * MIB


def read_rows(cloud: str, path: Path, today: date | None = None) -> list[Price]:
    """Every row of a catalog CSV; CatalogError naming file, line and column on a problem.

    The file must be a regular file of at most MAX_CATALOG_BYTES, UTF-8 with or without the
    byte-order mark spreadsheets write; `today` is the date future `as_of` dates are judged
    against (default: the clock's).
    """
    try:
        data = read_limited(path, MAX_CATALOG_BYTES, f"a price catalog for {cloud} (CSV)")
    except InputRefused as exc:
        raise CatalogError(f"{path}: {exc.reason}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"{path}: is not UTF-8 text (bad byte at offset {exc.start}); expected a CSV catalog"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    index = _header(reader, path)
    rows = _Rows(cloud, path, index, today or date.today())
    try:
        for fields in reader:
            if fields and not rows.add(reader.line_num, fields):
                break
    except csv.Error as exc:
        rows.problems.append(f"{path}:{reader.line_num}: not valid CSV: {exc}")
    if rows.problems:
        raise CatalogError("\n".join(rows.problems))
    if not rows.rows:
        raise CatalogError(f"{path}: no price rows")
    return rows.rows


def _header(reader: Any, path: Path) -> dict[str, int]:
    """Column positions by name; CatalogError when the header is missing or incomplete."""
    try:
        header = next(reader)
    except StopIteration:
        raise CatalogError(f"{path}:1: empty file; expected a header row") from None
    except csv.Error as exc:
        raise CatalogError(f"{path}:1: not a CSV file: {exc}") from None
    index = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in COLUMNS if c not in index and c not in TIER_COLUMNS]
    if missing:
        raise CatalogError(
            f"{path}:1: missing column(s) {', '.join(missing)}; "
            f"expected columns: {', '.join(COLUMNS)}"
        )
    index[""] = len(header)  # the width every row must have
    return index


class _Rows:
    """The rows read so far, and every problem (up to a limit) with its line and column."""

    def __init__(self, cloud: str, path: Path, index: dict[str, int], today: date) -> None:
        self.cloud, self.path, self.index, self.today = cloud, path, index, today
        self.rows: list[Price] = []
        self.problems: list[str] = []
        self.seen: dict[RowKey, int] = {}

    def add(self, line: int, fields: list[str]) -> bool:
        """Read one row; False once there are too many problems to go on."""
        width = self.index[""]
        if len(fields) != width:
            self.problems.append(
                f"{self.path}:{line}: expected {width} fields, found {len(fields)}"
            )
        else:
            self._parse(
                line, {c: fields[self.index[c]] if c in self.index else "" for c in COLUMNS}
            )
        if len(self.problems) >= _MAX_PROBLEMS:
            self.problems.append("(stopped after 20 problems)")
            return False
        return True

    def _parse(self, line: int, cell: dict[str, str]) -> None:
        try:
            price = _parse_row(self.cloud, cell, self.today)
        except RowProblem as exc:
            col = self.index[exc.column] + 1
            self.problems.append(f"{self.path}:{line}:{col}: column {exc.column}: {exc}")
            return
        first = self.seen.setdefault(price.row_key, line)
        if first != line:
            self.problems.append(
                f"{self.path}:{line}: duplicate of line {first}: {describe_key(price.row_key)}"
            )
        else:
            self.rows.append(price)


def read_roles(cloud: str, path: Path) -> dict[str, str]:
    """The planner roles of `cloud` from a roles.yaml file (bounded like every YAML input)."""
    try:
        text = read_limited(path, MAX_ROLES_BYTES, "planner roles (YAML)").decode("utf-8-sig")
        raw: Any = load_yaml(text)
    except InputRefused as exc:
        where = f":{exc.line}" if exc.line else ""
        raise CatalogError(f"{path}{where}: {exc.reason}") from None
    except Exception as exc:  # ruamel raises several unrelated error types; UnicodeDecodeError
        raise CatalogError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from None
    section = raw.get(cloud) if isinstance(raw, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in section.items()
    ):
        raise CatalogError(f"{path}: {cloud}: expected a mapping of role: product-id")
    return {str(k): str(v) for k, v in section.items()}


def default_path(cloud: str) -> Path:
    return data_path("pricing", f"{cloud}.csv")


# A folder of catalog CSVs (or one CSV) to use instead of the shipped ones, for every command.
CATALOG_ENV = "DEVOPS_PLAN_CATALOG"


def catalog_path(
    cloud: str, given: str | Path | None = None, env: Mapping[str, str] | None = None
) -> Path | None:
    """The catalog CSV to price `cloud` with: `given` (a folder holding `<cloud>.csv`, or the
    CSV itself), else $DEVOPS_PLAN_CATALOG (the same), else None for the shipped one.
    CatalogError when the folder has no catalog for `cloud` or the path does not exist."""
    source = given or (os.environ if env is None else env).get(CATALOG_ENV) or None
    if source is None:
        return None
    path = Path(source)
    where = str(given) if given else f"{CATALOG_ENV}={source}"
    if path.is_dir():
        csv_path = path / f"{cloud}.csv"
        if not csv_path.is_file():
            raise CatalogError(
                f"{where}: no {cloud}.csv in this catalog folder; refresh one with "
                f"`devops-plan catalog refresh {cloud} --out {csv_path}` or copy the shipped one"
            )
        return csv_path
    if not path.exists():
        raise CatalogError(f"{where}: no such catalog folder or CSV file")
    return path  # load_catalog refuses what is not a regular file, with what it is


def _roles_path(csv_path: Path) -> Path:
    beside = csv_path.parent / "roles.yaml"
    return beside if beside.is_file() else data_path("pricing", "roles.yaml")


_cache: dict[tuple[str, str, int, int], Catalog] = {}
_lock = threading.Lock()


def load_catalog(cloud: str, path: str | Path | None = None) -> Catalog:
    """The catalog of `cloud` (aws, gcp, azure) from the CSV `path`, or the shipped snapshot
    (`catalog_path` turns a catalog folder or $DEVOPS_PLAN_CATALOG into that CSV).

    Loaded once per (cloud, file); a file rewritten in place (e.g. by `catalog refresh`)
    is read again because its size and modification time are part of the cache key.
    """
    if cloud not in CLOUDS:
        raise CatalogError(
            f"unknown cloud {cloud!r}{hint(cloud, CLOUDS)}; expected one of {', '.join(CLOUDS)}"
        )
    csv_path = Path(path) if path is not None else default_path(cloud)
    try:
        stat = csv_path.stat()
    except OSError as exc:
        raise CatalogError(
            f"{csv_path}: cannot read the {cloud} price catalog: {exc.strerror}"
        ) from None
    key = (cloud, str(csv_path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        rows = read_rows(cloud, csv_path)
        roles = read_roles(cloud, _roles_path(csv_path))
        catalog = Catalog(cloud, rows, roles, path=str(csv_path))
        _cache[key] = catalog
        return catalog


# -- writing files ---------------------------------------------------------------


def _fmt_decimal(value: Decimal) -> str:
    # A zero price is only ever read from `free` (checks.parse_price); write it back so.
    return FREE if value == 0 else _fmt_quantity(value)


def _fmt_quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _fmt_float(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_catalog(rows: Iterable[Price]) -> str:
    """CSV text of a catalog: header, then rows sorted by product, region, purchase,
    engine, deployment; the same rows always give the same bytes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in sorted(rows, key=lambda r: r.row_key):
        cells = {
            "cloud": p.cloud,
            "service": p.service,
            "product": p.product,
            "region": p.region,
            "purchase": p.purchase,
            "unit": p.unit,
            "unit_price": _fmt_decimal(p.unit_price),
            "currency": p.currency,
            "vcpu": _fmt_float(p.vcpu),
            "memory_gib": _fmt_float(p.memory_gib),
            "family": p.family,
            "generation": p.generation,
            "arch": p.arch,
            "as_of": p.as_of,
            "source": p.source,
            "category": p.category,
            "engine": p.engine,
            "deployment": p.deployment,
            "tier_start": _fmt_quantity(p.tier_start) if p.tiered else "",
            "tier_end": "" if p.tier_end is None else _fmt_quantity(p.tier_end),
        }
        writer.writerow([cells[c] for c in COLUMNS])
    return buf.getvalue()


def write_catalog(cloud: str, rows: Iterable[Price], path: str | Path) -> Path:
    """Write a catalog CSV atomically: a temp file in the same folder is written, read
    back and validated, then renamed over `path`; a failure leaves `path` untouched."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = format_catalog(rows)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        read_rows(cloud, tmp)  # never rename a catalog we could not load back
        # mkstemp makes the file private; keep the mode of the file being replaced.
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def clear_cache() -> None:
    """Forget loaded catalogs (tests; a long-lived kernel after editing a CSV by hand)."""
    with _lock:
        _cache.clear()
