"""Billing export files on disk (FOCUS or CUR 2.0; CSV, gzip CSV or Parquet) read in place
by DuckDB: what each file is, and the SQL of the one `billing` view over all of them.

Files arrive checked and linked by `staging`. CSV is read with every column named and typed
up front (no type guessing), its compression as its bytes say (never its name), `NULL` as
the empty value, lines capped in length, and rejected rows recorded with their line numbers
rather than dropped. Parquet files are grouped and read with `union_by_name`, so FOCUS
versions can mix.
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
from ...escape import terminal
from ..sqlfiles import render_sql
from .formats import (
    MONEY_SQL,
    NARROW_LIMIT,
    NARROW_MONEY_SQL,
    NARROW_QUANTITY_SQL,
    QUANTITY_SQL,
    BillingFormat,
    detect_format,
    is_text,
    quote,
    raw_projection,
)
from .staging import InputLimits, StagedFile

Container = Literal["csv", "parquet"]

# Types of the typed CSV columns; everything else is read as text so a stray value in a
# column the report does not use never costs a row.
_CSV_TYPES = {"money": MONEY_SQL, "timestamp": "TIMESTAMPTZ"}


# The columns giving each row of `billing` its file (its place in the file list) and its row
# number in that file, as the placeholder of the view SQL writes them (see rows_identified).
ROW_COLUMNS = ", RowFile, RowNumber"
# How much text after the header is looked at for a first data row.
_HEAD_SCAN = 1 << 20


@dataclass(frozen=True)
class InputFile:
    """One billing file as inspected: its format, container and columns. `path` is what
    DuckDB reads (a link with a plain name), `shown` the name the user gave."""

    path: str
    shown: str
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


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """A text stream over a plain or gzip-compressed file (UTF-8, a BOM dropped)."""
    compressed = _is_gzip(path)
    with (
        gzip.open(path, "rb") if compressed else path.open("rb") as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
    ):
        yield text


def read_header(path: Path, shown: str, max_line: int) -> tuple[list[str], bool]:
    """The header fields and whether a data line seems to follow, reading at most one line
    of `max_line` characters and a bounded stretch after it (a file of a billion empty
    lines, or one endless line, is not read to its end here)."""
    try:
        with open_text(path) as text:
            line = text.readline(max_line + 1)
            if len(line) > max_line:
                raise BillingInputError(
                    f"{shown}:1: the header line is longer than {max_line:,} characters "
                    "(--max-line-kib)"
                )
            header = next(csv.reader([line]), [])
            rest = text.read(_HEAD_SCAN)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise BillingInputError(f"{shown}: cannot read this file as CSV: {exc}") from None
    return header, bool(rest.strip(" \r\n\t,")) or len(rest) == _HEAD_SCAN


def inspect_file(
    staged: StagedFile, describe_parquet: ParquetDescriber, limits: InputLimits
) -> InputFile:
    """What a staged billing file is; BillingInputError naming the file when it cannot be
    used."""
    if staged.content == "parquet":
        return _parquet_file(staged, describe_parquet)
    return _csv_file(staged, limits)


def _parquet_file(staged: StagedFile, describe: ParquetDescriber) -> InputFile:
    p, shown = staged.path, staged.shown
    columns = describe(p, shown)
    fmt = detect_format([c for c, _ in columns], shown)
    _check_types(fmt, columns, shown)
    if describe.row_count(p) == 0:
        raise BillingInputError(f"{shown}: the Parquet file holds no rows")
    bounds = describe.bounded(p, (*fmt.money_columns, *fmt.quantity_columns))
    return InputFile(
        str(p),
        shown,
        fmt,
        "parquet",
        False,
        tuple(columns),
        staged.size_bytes,
        narrow_money=all(bounds[c.lower()] < NARROW_LIMIT for c in fmt.money_columns),
        narrow_quantity=all(bounds[c.lower()] < NARROW_LIMIT for c in fmt.quantity_columns),
    )


# Parquet types a column of each kind may have (DuckDB's names, by prefix); what a value of
# another type would become is wrong (a BOOLEAN amount reads as 1) or not castable at all.
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")
_TYPES_OF = {
    "money": (*_INTEGERS, "UINTEGER", "UBIGINT", "UHUGEINT", "DECIMAL", "DOUBLE", "FLOAT"),
    "timestamp": ("TIMESTAMP", "DATE"),
}
_EXPECTED = {
    "money": "a number or text holding one",
    "timestamp": "a TIMESTAMP, a DATE or ISO 8601 text",
}


def _parquet_column(fmt: BillingFormat, column: str, present: dict[str, str]) -> str | None:
    """The name under which a Parquet file holds `fmt`'s `column` (or an alias of it)."""
    for candidate in (column, *fmt.aliases.get(column, ())):
        if candidate.lower() in present:
            return present[candidate.lower()]
    return None


def _check_types(fmt: BillingFormat, columns: Sequence[tuple[str, str]], shown: str) -> None:
    """BillingInputError naming the file and column when an amount or a date column has a
    type no amount or date can be read from (text is checked value by value later)."""
    types = dict(columns)
    present = {name.lower(): name for name in types}
    for column, kind in fmt.columns.items():
        name = _parquet_column(fmt, column, present)
        if name is None or kind not in _TYPES_OF:
            continue
        sql_type = types[name].upper()
        if sql_type == '"NULL"' or is_text(sql_type) or sql_type.startswith(_TYPES_OF[kind]):
            continue
        raise BillingInputError(
            f"{shown}: column {name} is {types[name]}; expected {_EXPECTED[kind]}"
        )


def bad_parquet_value(
    con: duckdb.DuckDBPyConnection, files: Sequence[InputFile], column: str
) -> str | None:
    """Where the first Parquet value of an amount or date `column` that cannot be read as
    one is, as a message naming the file, the row and what was expected; None when no file
    holds one (only called after DuckDB failed to cast `column`)."""
    for f in files:
        if f.container != "parquet":
            continue
        present = {name.lower(): name for name, _ in f.columns}
        for canonical, kind in f.format.columns.items():
            name = _parquet_column(f.format, canonical, present)
            if (
                kind not in _TYPES_OF
                or name is None
                or column.lower()
                not in (
                    canonical.lower(),
                    name.lower(),
                )
            ):
                continue
            target = MONEY_SQL if kind == "money" else "TIMESTAMPTZ"
            row = con.execute(
                f"SELECT file_row_number, CAST({quote(name)} AS VARCHAR) FROM read_parquet("
                f"{sql_string(f.path)}, file_row_number = true) WHERE {quote(name)} IS NOT "
                f"NULL AND TRY_CAST({quote(name)} AS {target}) IS NULL LIMIT 1"
            ).fetchone()
            if row is not None:
                value = terminal(str(row[1])[:60], one_line=True)
                expected = (
                    "a finite amount an exact decimal holds"
                    if kind == "money"
                    else ("a timestamp such as 2024-09-01T00:00:00Z")
                )
                return (
                    f"{f.shown}: row {int(row[0]) + 1}, column {name}: '{value}' is not {expected}"
                )
    return None


def _csv_file(staged: StagedFile, limits: InputLimits) -> InputFile:
    shown = staged.shown
    header, has_rows = read_header(staged.path, shown, limits.max_line_bytes)
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
    compressed = staged.content == "gzip"
    return InputFile(str(staged.path), shown, fmt, "csv", compressed, typed, staged.size_bytes)


class ParquetDescriber:
    """Reads a Parquet file's schema and row count (footer only) through DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __call__(self, path: Path, shown: str) -> list[tuple[str, str]]:
        try:
            rows = self._con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({sql_string(str(path))})"
            ).fetchall()
        except duckdb.Error as exc:
            first = (str(exc).strip().replace(str(path), shown).splitlines() or ["?"])[0]
            raise BillingInputError(f"{shown}: cannot read this Parquet file: {first}") from None
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


def _csv_reader(files: Sequence[InputFile], limits: InputLimits) -> str:
    columns = ", ".join(f"{sql_string(n)}: {sql_string(t)}" for n, t in files[0].columns)
    paths = ", ".join(sql_string(f.path) for f in files)
    compression = "gzip" if files[0].compressed else "none"
    # store_rejects: malformed rows (and lines over the cap) go to reject_errors with file
    # and line, not away. The compression is the content's, never guessed from a name.
    return (
        f"read_csv([{paths}], header = true, columns = {{{columns}}}, "
        "auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"compression = '{compression}', max_line_size = {limits.max_line_bytes}, "
        "nullstr = ['NULL', ''], store_rejects = true, filename = true)"
    )


def _parquet_reader(files: Sequence[InputFile], *, numbered: bool = False) -> str:
    paths = ", ".join(sql_string(f.path) for f in files)
    numbers = ", file_row_number = true" if numbered else ""
    return f"read_parquet([{paths}], union_by_name = true, filename = true{numbers})"


def _merged_columns(files: Sequence[InputFile]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for f in files:
        for name, sql_type in f.columns:
            merged.setdefault(name, sql_type)
    return merged


def _readers(files: Sequence[InputFile]) -> list[list[InputFile]]:
    """The files grouped by the reader that reads them: CSV files with the same header share
    one, Parquet files of one format share one."""
    groups: dict[tuple[str, str, bool, tuple[tuple[str, str], ...]], list[InputFile]] = {}
    for f in files:
        key_columns = f.columns if f.container == "csv" else ()
        groups.setdefault((f.format.name, f.container, f.compressed, key_columns), []).append(f)
    return list(groups.values())


def rows_identified(files: Sequence[InputFile]) -> bool:
    """Whether `view_sql` gives each row its file and row number (ROW_COLUMNS): when one
    Parquet reader reads every file, so that RowFile is the file's place in `files`."""
    return _one_parquet_reader(_readers(files))


def _one_parquet_reader(readers: Sequence[Sequence[InputFile]]) -> bool:
    return len(readers) == 1 and readers[0][0].container == "parquet"


def view_sql(files: Sequence[InputFile], limits: InputLimits) -> str:
    """One SELECT over every file, in the canonical columns: the `billing` relation.

    CSV files with the same header share one reader; Parquet files of one format share
    one reader (union_by_name fills columns missing in some files with NULL). Money
    (quantities) take the narrow type when every file proved its values fit it. When
    `rows_identified`, the relation also has the ROW_COLUMNS.
    """
    money = NARROW_MONEY_SQL if all(f.narrow_money for f in files) else MONEY_SQL
    quantity = NARROW_QUANTITY_SQL if all(f.narrow_quantity for f in files) else QUANTITY_SQL
    readers = _readers(files)
    identified = _one_parquet_reader(readers)
    row = ROW_COLUMNS if identified else ""
    parts = []
    for members in readers:
        fmt = members[0].format
        if members[0].container == "csv":
            reader = _csv_reader(members, limits)
        else:
            reader = _parquet_reader(members, numbered=identified)
        items = raw_projection(fmt, _merged_columns(members), "duckdb", "filename")
        if identified:
            items += ["file_index AS RowFile", "file_row_number AS RowNumber"]
        raw = "(SELECT " + ", ".join(items) + f" FROM {reader})"
        parts.append(render_sql(fmt.view_sql, raw=raw, money=money, quantity=quantity, row=row))
    return "\nUNION ALL\n".join(parts)
