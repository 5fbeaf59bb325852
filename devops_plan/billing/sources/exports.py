"""Billing export files on disk (FOCUS or CUR 2.0; CSV, gzip CSV or Parquet) read in place
by DuckDB: what each file is, and the SQL of the one `billing` view over all of them.

CSV is read with every column named and typed up front (no type guessing), `NULL` as the
empty value, and rejected rows recorded with their line numbers rather than dropped.
Parquet files are grouped and read with `union_by_name`, so FOCUS versions can mix.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

import duckdb

from ...errors import BillingInputError
from ..sqlfiles import render_sql
from .formats import (
    MONEY_SQL,
    NARROW_LIMIT,
    NARROW_MONEY_SQL,
    NARROW_QUANTITY_SQL,
    QUANTITY_SQL,
    BillingFormat,
    detect_format,
    raw_projection,
)

Container = Literal["csv", "parquet"]

# Types of the typed CSV columns; everything else is read as text so a stray value in a
# column the report does not use never costs a row.
_CSV_TYPES = {"money": MONEY_SQL, "timestamp": "TIMESTAMPTZ"}


@dataclass(frozen=True)
class InputFile:
    """One billing file as inspected: its format, container and columns."""

    path: str
    format: BillingFormat
    container: Container
    compressed: bool
    columns: tuple[tuple[str, str], ...]  # (name, SQL type) in file order
    size_bytes: int
    # Whether every value in the money (quantity) columns is proven, by the file's own
    # statistics, to fit NARROW_MONEY_SQL (NARROW_QUANTITY_SQL); only Parquet can say so.
    narrow_money: bool = False
    narrow_quantity: bool = False

    @property
    def label(self) -> str:
        kind = "gzip CSV" if self.compressed else self.container.upper()
        return f"{self.format.title} {kind}"


def sql_string(text: str) -> str:
    """A SQL string literal (both engines)."""
    return "'" + text.replace("'", "''") + "'"


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PAR1"


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """A text stream over a plain or gzip-compressed file (UTF-8, a BOM dropped)."""
    compressed = _is_gzip(path)
    with (
        gzip.open(path, "rb") if compressed else path.open("rb") as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
    ):
        yield text


def _csv_head(path: Path) -> tuple[list[str], bool]:
    """The header fields and whether at least one data line follows."""
    try:
        with open_text(path) as text:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                return [], False
            for row in reader:
                if any(field.strip() for field in row):
                    return header, True
            return header, False
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise BillingInputError(f"{path}: cannot read this file as CSV: {exc}") from None


def inspect_file(path: str | Path, describe_parquet: ParquetDescriber) -> InputFile:
    """What a billing file is; BillingInputError naming the file when it cannot be used."""
    p = Path(path)
    shown = str(path)
    if p.is_dir():
        raise BillingInputError(
            f"{shown}: is a folder; pass the files in it (e.g. {shown}/*.parquet)"
        )
    if not p.is_file():
        raise BillingInputError(f"{shown}: no such file")
    size = p.stat().st_size
    if size == 0:
        raise BillingInputError(
            f"{shown}: empty file; expected a FOCUS or CUR 2.0 export with a header row"
        )
    if _is_parquet(p):
        return _parquet_file(p, shown, size, describe_parquet)
    return _csv_file(p, shown, size)


def _parquet_file(p: Path, shown: str, size: int, describe: ParquetDescriber) -> InputFile:
    columns = describe(p)
    fmt = detect_format([c for c, _ in columns], shown)
    if describe.row_count(p) == 0:
        raise BillingInputError(f"{shown}: the Parquet file holds no rows")
    bounds = describe.bounded(p, (*fmt.money_columns, *fmt.quantity_columns))
    return InputFile(
        shown,
        fmt,
        "parquet",
        False,
        tuple(columns),
        size,
        narrow_money=all(bounds[c.lower()] < NARROW_LIMIT for c in fmt.money_columns),
        narrow_quantity=all(bounds[c.lower()] < NARROW_LIMIT for c in fmt.quantity_columns),
    )


def _csv_file(p: Path, shown: str, size: int) -> InputFile:
    compressed = _is_gzip(p)
    header, has_rows = _csv_head(p)
    if not header or not any(h.strip() for h in header):
        raise BillingInputError(
            f"{shown}: empty file; expected a FOCUS or CUR 2.0 export with a header row"
        )
    fmt = detect_format(header, shown)
    if not has_rows:
        raise BillingInputError(f"{shown}: the file has a header but no billing rows")
    kinds = {name.lower(): kind for name, kind in fmt.columns.items()}
    for name, aliases in fmt.aliases.items():
        for alias in aliases:
            kinds[alias.lower()] = fmt.columns[name]
    typed = tuple((h, _CSV_TYPES.get(kinds.get(h.lower(), "text"), "VARCHAR")) for h in header)
    seen: set[str] = set()
    for name, _ in typed:
        if name.lower() in seen:
            raise BillingInputError(f"{shown}:1: column {name!r} appears twice in the header")
        seen.add(name.lower())
    return InputFile(shown, fmt, "csv", compressed, typed, size)


class ParquetDescriber:
    """Reads a Parquet file's schema and row count (footer only) through DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __call__(self, path: Path) -> list[tuple[str, str]]:
        try:
            rows = self._con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({sql_string(str(path))})"
            ).fetchall()
        except Exception as exc:  # duckdb raises its own error types
            raise BillingInputError(f"{path}: cannot read this Parquet file: {exc}") from None
        return [(str(r[0]), str(r[1])) for r in rows]

    def row_count(self, path: Path) -> int:
        row = self._con.execute(
            f"SELECT sum(num_rows) FROM parquet_file_metadata({sql_string(str(path))})"
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def bounded(self, path: Path, columns: Sequence[str]) -> dict[str, float]:
        """Per column (lower case), the largest absolute value the row-group statistics
        prove: 0 for a column absent or always NULL, infinity where nothing is proven (not
        a float column, a row group without its minimum and maximum, NaN)."""
        bounds = {c.lower(): 0.0 for c in columns}
        wanted = ", ".join(sql_string(c) for c in bounds)
        rows = self._con.execute(
            "SELECT lower(path_in_schema), type, stats_min_value, stats_max_value, "
            f"num_values, stats_null_count FROM parquet_metadata({sql_string(str(path))}) "
            f"WHERE lower(path_in_schema) IN ({wanted})"
        ).fetchall()
        for name, physical, low, high, values, nulls in rows:
            if values is not None and nulls is not None and values == nulls:
                continue  # a row group where the column is all NULL
            bounds[name] = max(bounds[name], _proven_bound(str(physical), low, high))
        return bounds


def _proven_bound(physical: str, low: str | None, high: str | None) -> float:
    """The largest absolute value a row group's float statistics allow; infinity when
    they prove nothing (another type, a missing minimum or maximum, NaN)."""
    if physical.upper() not in ("DOUBLE", "FLOAT") or low is None or high is None:
        return math.inf
    try:
        bound = max(abs(float(low)), abs(float(high)))
    except ValueError:
        return math.inf
    return math.inf if math.isnan(bound) else bound


def _csv_reader(files: Sequence[InputFile]) -> str:
    columns = ", ".join(f"{sql_string(n)}: {sql_string(t)}" for n, t in files[0].columns)
    paths = ", ".join(sql_string(f.path) for f in files)
    # store_rejects: malformed rows go to reject_errors with file and line, not away.
    return (
        f"read_csv([{paths}], header = true, columns = {{{columns}}}, "
        "auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        "nullstr = ['NULL', ''], store_rejects = true, filename = true)"
    )


def _parquet_reader(files: Sequence[InputFile]) -> str:
    paths = ", ".join(sql_string(f.path) for f in files)
    return f"read_parquet([{paths}], union_by_name = true, filename = true)"


def _merged_columns(files: Sequence[InputFile]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for f in files:
        for name, sql_type in f.columns:
            merged.setdefault(name, sql_type)
    return merged


def view_sql(files: Sequence[InputFile]) -> str:
    """One SELECT over every file, in the canonical columns: the `billing` relation.

    CSV files with the same header share one reader; Parquet files of one format share
    one reader (union_by_name fills columns missing in some files with NULL). Money
    (quantities) take the narrow type when every file proved its values fit it.
    """
    money = NARROW_MONEY_SQL if all(f.narrow_money for f in files) else MONEY_SQL
    quantity = NARROW_QUANTITY_SQL if all(f.narrow_quantity for f in files) else QUANTITY_SQL
    groups: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[InputFile]] = {}
    for f in files:
        key_columns = f.columns if f.container == "csv" else ()
        groups.setdefault((f.format.name, f.container, key_columns), []).append(f)
    parts = []
    for (_, container, _), members in groups.items():
        fmt = members[0].format
        reader = _csv_reader(members) if container == "csv" else _parquet_reader(members)
        items = raw_projection(fmt, _merged_columns(members), "duckdb", "filename")
        raw = "(SELECT " + ", ".join(items) + f" FROM {reader})"
        parts.append(render_sql(fmt.view_sql, raw=raw, money=money, quantity=quantity))
    return "\nUNION ALL\n".join(parts)
