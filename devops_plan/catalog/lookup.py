"""Price catalogs: load a cloud's shipped (or refreshed) price table once, then look prices up.

One CSV row per product, region, purchase option (and engine / deployment for managed
databases). Loading validates every row and names the file, line and column of a
problem; after loading, a Catalog is immutable and every lookup is a dictionary hit.
Unit vocabulary, product ids and planner roles are documented in docs/pricing.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..errors import CatalogError
from ..paths import data_path
from ..units import HOURS_PER_MONTH

CLOUDS = ("aws", "gcp", "azure")
# The region each cloud's list prices are transcribed for; the CLI's default region.
BASE_REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
PURCHASES = (
    "on_demand",
    "spot",
    "reserved_1y",
    "reserved_3y",
    "savings_plan_1y",
    "savings_plan_3y",
)
# The fixed unit vocabulary. Hourly units are multiplied by 730 for a month.
UNITS = ("hour", "GB-month", "GB", "LCU-hour", "request-million", "vCPU-hour", "GB-hour")
HOURLY_UNITS = frozenset({"hour", "LCU-hour", "vCPU-hour", "GB-hour"})
CATEGORIES = (
    "compute",
    "database",
    "database_storage",
    "cache",
    "block_storage",
    "snapshot",
    "object_storage",
    "load_balancer",
    "nat",
    "kubernetes",
    "network",
    "containers",
    "queue",
)
ENGINES = ("postgres", "mysql", "redis")
DEPLOYMENTS = ("single_az", "multi_az")
GENERATIONS = ("current", "previous")
ARCHES = ("x86_64", "arm64")

REQUIRED_COLUMNS = (
    "cloud",
    "service",
    "product",
    "region",
    "purchase",
    "unit",
    "unit_price",
    "currency",
    "vcpu",
    "memory_gib",
    "family",
    "generation",
    "arch",
    "as_of",
    "source",
)
EXTRA_COLUMNS = ("category", "engine", "deployment")
COLUMNS = REQUIRED_COLUMNS + EXTRA_COLUMNS

_MONTH = Decimal(HOURS_PER_MONTH)
# A database class without --multi-az means the base single-AZ offering.
DEFAULT_DEPLOYMENT = "single_az"

Key = tuple[str, str, str, str, str]  # product, region, purchase, engine, deployment

# Burstable and shared-core types, per cloud: their list price assumes mostly idle CPU, so
# sustained load also pays CPU credits (AWS T family, Azure B-series and the Burstable
# database tier) or gets a fraction of a core (GCP shared-core e2-micro/small/medium,
# f1-micro, g1-small, db-f1-micro / db-g1-small). GCP's T2A and T2D ("Tau") are full cores.
_BURSTABLE_FAMILY = {
    "aws": re.compile(r"^((db|cache)\.)?t\d+[a-z]*$"),
    "gcp": re.compile(r"^db-shared$"),
    "azure": re.compile(r"^(B|Burstable)$"),
}
_BURSTABLE_PRODUCT = {
    "aws": re.compile(r"^((db|cache)\.)?t\d+[a-z]*\."),
    "gcp": re.compile(r"^(e2-(micro|small|medium)|f1-micro|g1-small|db-(f1-micro|g1-small))$"),
    "azure": re.compile(r"^(Standard_B\d|B_)"),
}


@dataclass(frozen=True, slots=True)
class Price:
    """One catalog row: the list price of one unit of a product in a region."""

    cloud: str
    service: str
    category: str
    product: str
    region: str
    purchase: str
    unit: str
    unit_price: Decimal
    currency: str
    vcpu: float | None
    memory_gib: float | None
    family: str
    generation: str
    arch: str
    engine: str
    deployment: str
    as_of: str
    source: str

    @property
    def hourly(self) -> bool:
        """True when the unit is a per-hour unit (hour, LCU-hour, vCPU-hour, GB-hour)."""
        return self.unit in HOURLY_UNITS

    @property
    def monthly(self) -> Decimal:
        """One unit for a 730-hour month for hourly units; the unit price otherwise."""
        return self.unit_price * _MONTH if self.hourly else self.unit_price

    @property
    def key(self) -> Key:
        return (self.product, self.region, self.purchase, self.engine, self.deployment)

    @property
    def burstable(self) -> bool:
        """A burstable or shared-core type: the planner never picks one by default (ADR 0008)."""
        return is_burstable(self.cloud, self.family, self.product)


def is_burstable(cloud: str, family: str, product: str) -> bool:
    """The one burstable rule, for catalog rows and for instance types seen in a bill."""
    by_family = _BURSTABLE_FAMILY.get(cloud)
    by_product = _BURSTABLE_PRODUCT.get(cloud)
    return bool(
        (by_family is not None and family and by_family.match(family))
        or (by_product is not None and by_product.match(product))
    )


def closest(word: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """The choices nearest to `word` (for 'did you mean' messages), best first."""
    pool = sorted(set(choices))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not found:
        low = word.lower()
        found = [c for c in pool if c.lower().startswith(low[:3])][:n] if low else []
    return found


def _hint(word: str, choices: Iterable[str]) -> str:
    near = closest(word, choices)
    return f" (closest: {', '.join(near)})" if near else ""


class Catalog:
    """A cloud's price table, indexed for lookups; immutable after construction."""

    cloud: str
    currency: str
    as_of: str
    path: str

    def __init__(
        self,
        cloud: str,
        rows: Sequence[Price],
        roles: Mapping[str, str] | None = None,
        *,
        path: str = "",
    ) -> None:
        self.cloud = cloud
        self.path = path
        self.rows: tuple[Price, ...] = tuple(rows)
        self._roles = dict(roles or {})
        currencies = sorted({p.currency for p in self.rows})
        if len(currencies) > 1:
            raise CatalogError(f"{path or cloud}: more than one currency: {', '.join(currencies)}")
        self.currency = currencies[0] if currencies else "USD"
        self.as_of = max((p.as_of for p in self.rows), default="")
        self._by_key: dict[Key, Price] = {}
        self._variants: dict[tuple[str, str, str], list[Price]] = {}
        self._by_region: dict[str, list[Price]] = {}
        self._purchases: dict[str, set[str]] = {}
        self._product_regions: dict[str, set[str]] = {}
        self._sold: dict[tuple[str, str], set[str]] = {}
        self._families = {p.family for p in self.rows if p.family}
        for p in self.rows:
            if p.key in self._by_key:
                raise CatalogError(f"{path or cloud}: duplicate row for {_describe(p.key)}")
            self._by_key[p.key] = p
            self._variants.setdefault((p.product, p.region, p.purchase), []).append(p)
            self._by_region.setdefault(p.region, []).append(p)
            self._purchases.setdefault(p.product, set()).add(p.purchase)
            self._product_regions.setdefault(p.product, set()).add(p.region)
            self._sold.setdefault((p.product, p.region), set()).add(p.purchase)
        for region_rows in self._by_region.values():
            region_rows.sort(key=_sort_key)
        self._memo: dict[Key, Price | None] = {}
        self._queries: dict[tuple[Any, ...], tuple[Price, ...]] = {}

    # -- loading -----------------------------------------------------------------

    @classmethod
    def load(cls, cloud: str, path: str | Path | None = None) -> Catalog:
        """The catalog of `cloud` from `path` (default: the shipped snapshot), cached."""
        return load_catalog(cloud, path)

    # -- lookups -----------------------------------------------------------------

    def find(
        self,
        product: str,
        region: str,
        purchase: str = "on_demand",
        *,
        engine: str = "",
        deployment: str = "",
    ) -> Price | None:
        """The price row, or None. Rows without an engine/deployment match any; a
        product sold single- and multi-AZ defaults to single_az; an engine must be
        named when a product has several (None when ambiguous)."""
        key = (product, region, purchase, engine, deployment)
        hit = self._by_key.get(key)
        if hit is not None:
            return hit
        if key in self._memo:
            return self._memo[key]
        found = self._resolve(key)
        self._memo[key] = found
        return found

    def _candidates(self, key: Key) -> list[Price]:
        product, region, purchase, engine, deployment = key
        rows = self._variants.get((product, region, purchase), [])
        if engine:
            rows = [p for p in rows if p.engine in (engine, "")]
            if any(p.engine == engine for p in rows):
                rows = [p for p in rows if p.engine == engine]
        if deployment:
            rows = [p for p in rows if p.deployment in (deployment, "")]
            if any(p.deployment == deployment for p in rows):
                rows = [p for p in rows if p.deployment == deployment]
        elif len({p.deployment for p in rows}) > 1:
            rows = [p for p in rows if p.deployment in (DEFAULT_DEPLOYMENT, "")]
        return rows

    def _resolve(self, key: Key) -> Price | None:
        rows = self._candidates(key)
        return rows[0] if len(rows) == 1 else None

    def price(
        self,
        product: str,
        region: str,
        purchase: str = "on_demand",
        *,
        engine: str = "",
        deployment: str = "",
    ) -> Price:
        """The price row; CatalogError naming the closest valid ids when there is none."""
        found = self.find(product, region, purchase, engine=engine, deployment=deployment)
        if found is not None:
            return found
        raise CatalogError(self.explain_missing(product, region, purchase, engine, deployment))

    def explain_missing(
        self, product: str, region: str, purchase: str, engine: str = "", deployment: str = ""
    ) -> str:
        """Why (product, region, purchase, engine, deployment) has no price, with suggestions."""
        cloud = self.cloud
        if purchase not in PURCHASES:
            return (
                f"unknown purchase option {purchase!r}{_hint(purchase, PURCHASES)}; "
                f"expected one of {', '.join(PURCHASES)}"
            )
        if product not in self._purchases:
            return f"unknown {cloud} product {product!r}{_hint(product, self._purchases)}"
        if region not in self._by_region:
            return (
                f"unknown {cloud} region {region!r}{_hint(region, self._by_region)}; "
                f"regions: {', '.join(self.regions())}"
            )
        if region not in self._product_regions[product]:
            return (
                f"{cloud} {product} has no price in {region}; "
                f"priced in: {', '.join(sorted(self._product_regions[product]))}"
            )
        sold = self.purchases_for(product, region)
        if purchase not in sold:
            return (
                f"{cloud} {product} in {region} is not sold as {purchase}; "
                f"purchase options: {', '.join(sold)}"
            )
        if engine and engine not in ENGINES:
            return f"unknown engine {engine!r}{_hint(engine, ENGINES)}"
        if deployment and deployment not in DEPLOYMENTS:
            return f"unknown deployment {deployment!r}; expected one of {', '.join(DEPLOYMENTS)}"
        rows = self._variants[(product, region, purchase)]
        engines = sorted({p.engine for p in rows if p.engine})
        deployments = sorted({p.deployment for p in rows if p.deployment})
        wanted = ", ".join(
            part for part in (engine and f"engine {engine}", deployment and deployment) if part
        )
        offers = "; ".join(
            part
            for part in (
                engines and f"engines: {', '.join(engines)}",
                deployments and f"deployments: {', '.join(deployments)}",
            )
            if part
        )
        if wanted:
            return f"{cloud} {product} in {region} ({purchase}) has no {wanted}; {offers}"
        return f"{cloud} {product} in {region} ({purchase}) needs an engine; {offers}"

    def products(
        self,
        region: str,
        *,
        category: str | None = None,
        family: str | None = None,
        purchase: str = "on_demand",
        min_vcpu: float | None = None,
        min_memory_gib: float | None = None,
        engine: str | None = None,
        deployment: str | None = None,
        arch: str | None = None,
        generation: str | None = None,
    ) -> list[Price]:
        """Rows in `region` matching every filter given, sorted by unit price then product.

        Remembered per query: a catalog never changes, and a planner's variants repeat them.
        """
        query: tuple[Any, ...] = (region, category, family, purchase, min_vcpu, min_memory_gib)
        query += (engine, deployment, arch, generation)
        found = self._queries.get(query)
        if found is None:
            rows = self._select(
                region,
                category,
                family,
                purchase,
                min_vcpu,
                min_memory_gib,
                engine,
                deployment,
                arch,
                generation,
            )
            found = self._queries[query] = tuple(rows)
        return list(found)

    def _select(
        self,
        region: str,
        category: str | None,
        family: str | None,
        purchase: str,
        min_vcpu: float | None,
        min_memory_gib: float | None,
        engine: str | None,
        deployment: str | None,
        arch: str | None,
        generation: str | None,
    ) -> list[Price]:
        if region not in self._by_region:
            raise CatalogError(
                f"unknown {self.cloud} region {region!r}{_hint(region, self._by_region)}; "
                f"regions: {', '.join(self.regions())}"
            )
        if category is not None and category not in CATEGORIES:
            raise CatalogError(
                f"unknown category {category!r}{_hint(category, CATEGORIES)}; "
                f"expected one of {', '.join(CATEGORIES)}"
            )
        if purchase not in PURCHASES:
            raise CatalogError(
                f"unknown purchase option {purchase!r}{_hint(purchase, PURCHASES)}; "
                f"expected one of {', '.join(PURCHASES)}"
            )
        if family is not None and family not in self._families:
            raise CatalogError(
                f"unknown {self.cloud} family {family!r}{_hint(family, self._families)}"
            )
        for name, value, allowed in (
            ("engine", engine, ENGINES),
            ("deployment", deployment, DEPLOYMENTS),
            ("arch", arch, ARCHES),
            ("generation", generation, GENERATIONS),
        ):
            if value is not None and value not in allowed:
                raise CatalogError(
                    f"unknown {name} {value!r}{_hint(value, allowed)}; "
                    f"expected one of {', '.join(allowed)}"
                )
        out = []
        for p in self._by_region[region]:
            if p.purchase != purchase:
                continue
            if category is not None and p.category != category:
                continue
            if family is not None and p.family != family:
                continue
            if engine is not None and p.engine != engine:
                continue
            if deployment is not None and p.deployment != deployment:
                continue
            if arch is not None and p.arch != arch:
                continue
            if generation is not None and p.generation != generation:
                continue
            if min_vcpu is not None and (p.vcpu is None or p.vcpu < min_vcpu):
                continue
            if min_memory_gib is not None and (
                p.memory_gib is None or p.memory_gib < min_memory_gib
            ):
                continue
            out.append(p)
        return out

    def role(self, role: str) -> str:
        """The product id the planner uses for `role` (data/pricing/roles.yaml)."""
        product = self._roles.get(role)
        if product is None:
            raise CatalogError(
                f"no {self.cloud} product for planner role {role!r}{_hint(role, self._roles)} "
                "in roles.yaml"
            )
        return product

    def find_role(self, role: str) -> str | None:
        """The product id for `role`, or None when this cloud does not bill that role."""
        return self._roles.get(role)

    def roles(self) -> dict[str, str]:
        return dict(sorted(self._roles.items()))

    def regions(self) -> list[str]:
        return sorted(self._by_region)

    def product_ids(self) -> list[str]:
        return sorted(self._purchases)

    def purchases_for(self, product: str, region: str) -> list[str]:
        """Purchase options sold for `product` in `region`, in PURCHASES order."""
        sold = self._sold.get((product, region), set())
        return [p for p in PURCHASES if p in sold]

    def sells(self, product: str, purchase: str) -> bool:
        """Whether `product` is sold as `purchase` in any region of this catalog."""
        return purchase in self._purchases.get(product, ())

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"Catalog({self.cloud!r}, rows={len(self.rows)}, as_of={self.as_of!r})"


def _sort_key(p: Price) -> tuple[Decimal, str, str, str]:
    return (p.unit_price, p.product, p.engine, p.deployment)


def _describe(key: Key) -> str:
    product, region, purchase, engine, deployment = key
    extra = "".join(f", {part}" for part in (engine, deployment) if part)
    return f"{product} in {region} ({purchase}{extra})"


# -- reading files ---------------------------------------------------------------


class _RowProblem(Exception):
    def __init__(self, column: str, message: str):
        self.column = column
        super().__init__(message)


def _choice(column: str, value: str, allowed: Sequence[str], *, empty_ok: bool) -> str:
    if value == "" and empty_ok:
        return value
    if value not in allowed:
        raise _RowProblem(
            column, f"expected one of {', '.join(allowed)}{_hint(value, allowed)} (got {value!r})"
        )
    return value


def _decimal(column: str, value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _RowProblem(column, f"expected a decimal number (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise _RowProblem(column, f"expected a number >= 0 (got {value!r})")
    return number


def _float(column: str, value: str) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise _RowProblem(column, f"expected a number or empty (got {value!r})") from None
    if not (number > 0 and number != float("inf")):
        raise _RowProblem(column, f"expected a number > 0 (got {value!r})")
    return number


def _text(column: str, value: str) -> str:
    if not value.strip():
        raise _RowProblem(column, "must not be empty")
    return value


def _as_of(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _RowProblem(
            "as_of", f"expected an ISO date such as 2025-01-01 (got {value!r})"
        ) from None
    return value


def _parse_row(cloud: str, cell: Mapping[str, str]) -> Price:
    if cell["cloud"] != cloud:
        raise _RowProblem("cloud", f"expected {cloud!r} (got {cell['cloud']!r})")
    return Price(
        cloud=cloud,
        service=_text("service", cell["service"]),
        category=_choice("category", cell["category"], CATEGORIES, empty_ok=False),
        product=_text("product", cell["product"]),
        region=_text("region", cell["region"]),
        purchase=_choice("purchase", cell["purchase"], PURCHASES, empty_ok=False),
        unit=_choice("unit", cell["unit"], UNITS, empty_ok=False),
        unit_price=_decimal("unit_price", cell["unit_price"]),
        currency=_text("currency", cell["currency"]),
        vcpu=_float("vcpu", cell["vcpu"]),
        memory_gib=_float("memory_gib", cell["memory_gib"]),
        family=cell["family"],
        generation=_choice("generation", cell["generation"], GENERATIONS, empty_ok=True),
        arch=_choice("arch", cell["arch"], ARCHES, empty_ok=True),
        engine=_choice("engine", cell["engine"], ENGINES, empty_ok=True),
        deployment=_choice("deployment", cell["deployment"], DEPLOYMENTS, empty_ok=True),
        as_of=_as_of(cell["as_of"]),
        source=_text("source", cell["source"]),
    )


_MAX_PROBLEMS = 20


def read_rows(cloud: str, path: Path) -> list[Price]:
    """Every row of a catalog CSV; CatalogError naming file, line and column on a problem."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise CatalogError(
            f"{path}: cannot read the {cloud} price catalog: {exc.strerror}"
        ) from None
    problems: list[str] = []
    rows: list[Price] = []
    seen: dict[Key, int] = {}
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise CatalogError(f"{path}:1: empty file; expected a header row") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CatalogError(f"{path}:1: not a CSV file: {exc}") from None
        index = {name.strip(): i for i, name in enumerate(header)}
        missing = [c for c in COLUMNS if c not in index]
        if missing:
            raise CatalogError(
                f"{path}:1: missing column(s) {', '.join(missing)}; "
                f"expected columns: {', '.join(COLUMNS)}"
            )
        positions = [(c, index[c]) for c in COLUMNS]
        width = len(header)
        try:
            for fields in reader:
                line = reader.line_num
                if not fields:
                    continue
                if len(fields) != width:
                    problems.append(f"{path}:{line}: expected {width} fields, found {len(fields)}")
                else:
                    cell = {c: fields[i] for c, i in positions}
                    try:
                        price = _parse_row(cloud, cell)
                    except _RowProblem as exc:
                        col = index[exc.column] + 1
                        problems.append(f"{path}:{line}:{col}: column {exc.column}: {exc}")
                    else:
                        first = seen.setdefault(price.key, line)
                        if first != line:
                            problems.append(
                                f"{path}:{line}: duplicate of line {first}: {_describe(price.key)}"
                            )
                        else:
                            rows.append(price)
                if len(problems) >= _MAX_PROBLEMS:
                    problems.append("(stopped after 20 problems)")
                    break
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(f"{path}:{reader.line_num}: not valid CSV: {exc}")
    if problems:
        raise CatalogError("\n".join(problems))
    if not rows:
        raise CatalogError(f"{path}: no price rows")
    return rows


def read_roles(cloud: str, path: Path) -> dict[str, str]:
    """The planner roles of `cloud` from a roles.yaml file."""
    try:
        raw: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read planner roles: {exc.strerror}") from None
    except Exception as exc:  # ruamel raises several unrelated error types
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    section = raw.get(cloud) if isinstance(raw, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in section.items()
    ):
        raise CatalogError(f"{path}: {cloud}: expected a mapping of role: product-id")
    return dict(section)


def default_path(cloud: str) -> Path:
    return data_path("pricing", f"{cloud}.csv")


def _roles_path(csv_path: Path) -> Path:
    beside = csv_path.parent / "roles.yaml"
    return beside if beside.is_file() else data_path("pricing", "roles.yaml")


_cache: dict[tuple[str, str, int, int], Catalog] = {}
_lock = threading.Lock()


def load_catalog(cloud: str, path: str | Path | None = None) -> Catalog:
    """The catalog of `cloud` (aws, gcp, azure) from `path`, or the shipped snapshot.

    Loaded once per (cloud, file); a file rewritten in place (e.g. by `catalog refresh`)
    is read again because its size and modification time are part of the cache key.
    """
    if cloud not in CLOUDS:
        raise CatalogError(
            f"unknown cloud {cloud!r}{_hint(cloud, CLOUDS)}; expected one of {', '.join(CLOUDS)}"
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
    for p in sorted(rows, key=lambda r: r.key):
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
