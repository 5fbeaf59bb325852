"""The spend query's two grains on DuckDB over Parquet, grouped by fingerprints.

sql/spend.sql groups every row twice, by fourteen keys (the charge line) and by eleven
(the charge period and its categories). On a large bill most of its time goes into
comparing those strings row by row. Here the same grains are read with fewer, cheaper
keys (ADR 0026):

- `sql/spend_lines.sql` groups by the resource and a 64-bit hash of the line's other keys,
  and names one row of each line (its file and row number);
- `sql/spend_line_keys.sql` reads the keys of those rows only (per file, a semi join on
  the row number, which DuckDB pushes into the Parquet scan);
- `sql/spend_periods.sql` groups the time grain by the file's index and a hash of the
  categories, which the lines resolve (every category of the bill is some line's).

The rows come out as sql/spend.sql's would, so everything after the query is shared. A
category fingerprint two categories share is detected here, and the caller runs
sql/spend.sql instead (`None`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..sqlfiles import LINE_KEYS, LINE_KEYS_SQL, render_sql

Rows = tuple[list[str], list[tuple[Any, ...]]]
# Runs SQL, returning column names and rows (the engine's `execute`).
Execute = Callable[[str, str], Rows]
# Loads numbers into the temporary table `representatives` (column number).
Load = Callable[[Sequence[int]], None]

_LINE_FIELDS = tuple(field for _, field in LINE_KEYS)
# The categories of the time grain: these line keys, and whether the line is on-demand
# compute (which sql/spend_line_keys.sql computes from them).
_CATEGORY_FIELDS = (
    "provider",
    "service",
    "service_category",
    "charge_category",
    "pricing_category",
    "consumed_unit",
)
_COLUMN = {field: column for column, field in LINE_KEYS}
LINE_PRINT = f"hash({', '.join(column for column, _ in LINE_KEYS)})"
CATEGORY_PRINT = f"hash({', '.join(_COLUMN[field] for field in _CATEGORY_FIELDS)})"
_CATEGORIES = (*_CATEGORY_FIELDS, "on_demand_compute")
_ROW_BITS = 40  # a representative is file << 40 | row number
_REPRESENTATIVE = f"(CAST(RowFile AS BIGINT) << {_ROW_BITS}) + RowNumber"
# Representatives spread over more files than this are read in one query (see _line_keys).
FILE_QUERIES = 4


def spend_rows(
    execute: Execute, load: Load, params: Mapping[str, str], files: Sequence[str]
) -> list[dict[str, Any]] | None:
    """sql/spend.sql's rows (both grains) for the `billing` relation, or None when two
    categories share a fingerprint. `params` are sqlfiles.spend_params with the row columns;
    `files` names the files in RowFile order."""
    names, found = execute(
        render_sql(
            "spend_lines",
            rows=params["rows"],
            line_print=LINE_PRINT,
            representative=_REPRESENTATIVE,
        ),
        "reading charge lines",
    )
    lines = [dict(zip(names, row, strict=True)) for row in found]
    representatives = [line["representative"] for line in lines]
    keys = _line_keys(execute, load, representatives, params["on_demand"])
    categories = _categories(keys.values())
    if categories is None:
        return None
    names, found = execute(
        render_sql("spend_periods", rows=params["rows"], category_print=CATEGORY_PRINT),
        "reading spend over time",
    )
    periods = _periods(names, found, categories, files)
    if periods is None:
        return None
    return [_line_row(line, keys[line["representative"]]) for line in lines] + periods


def _line_keys(
    execute: Execute, load: Load, representatives: Sequence[int], on_demand: str
) -> dict[int, dict[str, Any]]:
    """The keys of each representative row, by representative (file << 40 | row).

    Per file while few files hold representatives: a semi join on the row number alone,
    which DuckDB pushes into the Parquet scan. Beyond FILE_QUERIES files, one query joins
    on the whole representative (one scan of the key columns, not one query per file)."""
    by_file: dict[int, list[int]] = {}
    for key in representatives:
        by_file.setdefault(key >> _ROW_BITS, []).append(key & ((1 << _ROW_BITS) - 1))
    if len(by_file) > FILE_QUERIES:
        load(sorted(set(representatives)))
        return _keys_read(execute, on_demand, _REPRESENTATIVE, "TRUE")
    found: dict[int, dict[str, Any]] = {}
    for file, numbers in sorted(by_file.items()):
        load(sorted(set(numbers)))
        found.update(_keys_read(execute, on_demand, "RowNumber", f"RowFile = {file}"))
    return found


def _keys_read(execute: Execute, on_demand: str, row: str, where: str) -> dict[int, dict[str, Any]]:
    names, rows = execute(
        render_sql(
            "spend_line_keys",
            line_keys=LINE_KEYS_SQL,
            category_print=CATEGORY_PRINT,
            on_demand=on_demand,
            row=row,
            where=where,
        ),
        "reading charge line keys",
    )
    found: dict[int, dict[str, Any]] = {}
    for values in rows:
        record = dict(zip(names, values, strict=True))
        file, number = int(record.pop("row_file")), int(record.pop("row_number"))
        found[(file << _ROW_BITS) | number] = record
    return found


def _categories(keys: Iterable[Mapping[str, Any]]) -> dict[int, tuple[Any, ...]] | None:
    """Category fingerprint -> the category (and whether it is on-demand compute); None
    when two categories share a fingerprint."""
    found: dict[int, tuple[Any, ...]] = {}
    for record in keys:
        category = tuple(record[name] for name in _CATEGORIES)
        if found.setdefault(record["category_print"], category) != category:
            return None
    return found


def _line_row(line: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    row = {name: keys[name] for name in _LINE_FIELDS}
    row.update(line)
    row["grain"] = "line"
    return row


def _periods(
    names: list[str],
    found: list[tuple[Any, ...]],
    categories: dict[int, tuple[Any, ...]],
    files: Sequence[str],
) -> list[dict[str, Any]] | None:
    """The time rows as sql/spend.sql gives them; None for a fingerprint no line has
    (which only a line fingerprint shared by two categories can cause)."""
    rows = []
    for values in found:
        row = dict(zip(names, values, strict=True))
        category = categories.get(row.pop("category_print"))
        if category is None:
            return None
        row.update(zip(_CATEGORIES, category, strict=True))
        row["source_file"] = files[row.pop("file_index")]
        row["grain"] = "time"
        rows.append(row)
    return rows
