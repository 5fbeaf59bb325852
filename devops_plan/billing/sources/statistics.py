"""What a bill spans (the rows of `sql/span.sql`) from its Parquet files' row-group
statistics, reading only the row groups they do not settle; None for inputs where the
whole query has to run.

span.sql counts rows per month of ChargePeriodStart and per currency, and takes the months
their ends fall in and their largest amounts. A row group answers that without being read
when its statistics say its rows start in one month and are in one currency (or none), and
give exact bounds of the ends and amounts (DOUBLE with no NaN, currencies as exact text).
The other row groups (one that spans two months, missing statistics) are read, and only
they: the same aggregates over their rows, picked by row number. Only FOCUS Parquet whose
periods are plain TIMESTAMP columns qualifies; CSV, CUR 2.0, text or zoned periods keep
the whole query.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from .exports import InputFile, sql_string
from .formats import MONEY_SQL, quote

_START, _END, _CURRENCY = "chargeperiodstart", "chargeperiodend", "billingcurrency"
_AMOUNTS = {"billedcost": "max_billed", "effectivecost": "max_effective", "listcost": "max_list"}
# Text statistics longer than this may have been truncated by the writer.
_EXACT_TEXT = 64


class _Unproven(Exception):
    """The statistics do not prove a figure: the span query has to run."""


@dataclass(frozen=True)
class _Stat:
    """One column chunk's statistics, as parquet_metadata gives them."""

    physical: str
    low: str | None
    high: str | None
    nulls: int | None
    values: int
    nans: int | None
    exact: bool

    @property
    def all_null(self) -> bool:
        return self.nulls is not None and self.nulls == self.values

    def bounds(self) -> tuple[str, str]:
        """The exact minimum and maximum of the non-NULL values."""
        if self.low is None or self.high is None or self.nulls is None or not self.exact:
            raise _Unproven
        return self.low, self.high


def _month(text: str) -> int:
    """A TIMESTAMP statistic's month index (year * 12 + month - 1)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise _Unproven from None
    return when.year * 12 + when.month - 1


def _amount(stat: _Stat) -> float | None:
    """The largest absolute value of a DOUBLE chunk, None when it is all NULL."""
    if stat.all_null:
        return None
    if stat.physical != "DOUBLE" or stat.nans != 0:
        raise _Unproven
    low, high = (float(v) for v in stat.bounds())
    if not (math.isfinite(low) and math.isfinite(high)):
        raise _Unproven
    return max(abs(low), abs(high))


def _usable(file: InputFile) -> bool:
    """Whether the view reads the file's span columns as they are stored."""
    if file.container != "parquet" or file.format.name != "focus":
        return False
    types = {name.lower(): sql_type for name, sql_type in file.columns}
    if len(types) != len(file.columns):
        return False  # names that differ only in case: which one the view reads is unclear
    if types.get(_START) != "TIMESTAMP" or types.get(_END) != "TIMESTAMP":
        return False
    wanted = {_CURRENCY: "VARCHAR", **dict.fromkeys(_AMOUNTS, "DOUBLE")}
    return all(types.get(name, kind) == kind for name, kind in wanted.items())


# Run a query, its (column names, rows) back (the engine's, with its error messages).
Run = Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]


def span_from_statistics(
    con: duckdb.DuckDBPyConnection, files: Sequence[InputFile], run: Run
) -> list[dict[str, Any]] | None:
    """sql/span.sql's rows from the files' statistics and the row groups they leave open,
    or None when the files do not qualify."""
    if not files or not all(_usable(f) for f in files):
        return None
    buckets: dict[tuple[Any, Any, str | None], dict[str, Any]] = {}
    for f in files:
        unproven: list[tuple[int, int]] = []  # [first, last) row numbers to read
        offset = 0
        for _, group in sorted(_row_groups(con, f.path).items()):
            try:
                _add(buckets, group)
            except _Unproven:
                unproven.append((offset, offset + group["rows"]))
            offset += group["rows"]
        if unproven:
            names, rows = run(_scan_sql(f, unproven))
            for row in rows:
                _merge(buckets, dict(zip(names, row, strict=True)))
    return list(buckets.values())


def _scan_sql(file: InputFile, ranges: Sequence[tuple[int, int]]) -> str:
    """span.sql's aggregates over the rows of `ranges` of one file, read as the view reads
    them (amounts through the exact decimal the report sums)."""
    actual = {name.lower(): name for name, _ in file.columns}

    def column(name: str, missing: str) -> str:
        return quote(actual[name]) if name in actual else missing

    start, end = column(_START, "NULL"), column(_END, "NULL")
    amounts = ", ".join(
        f"max(abs(CAST(CAST({column(name, 'NULL')} AS {MONEY_SQL}) AS DOUBLE))) AS {key}"
        for name, key in _AMOUNTS.items()
    )
    where = " OR ".join(f"(file_row_number >= {a} AND file_row_number < {b})" for a, b in ranges)
    return (
        f"SELECT year({start}) AS start_year, month({start}) AS start_month, "
        f"CAST({column(_CURRENCY, 'NULL')} AS VARCHAR) AS currency, count(*) AS row_count, "
        f"min(year({end}) * 12 + month({end}) - 1) AS first_end_month, "
        f"max(year({end}) * 12 + month({end}) - 1) AS last_end_month, {amounts} "
        f"FROM read_parquet({sql_string(file.path)}, file_row_number = true) WHERE {where} "
        "GROUP BY ALL"
    )


def _row_groups(con: duckdb.DuckDBPyConnection, path: str) -> dict[int, dict[str, Any]]:
    """Per row group: its row count and the statistics of the span's columns."""
    names = ", ".join(sql_string(n) for n in (_START, _END, _CURRENCY, *_AMOUNTS))
    rows = con.execute(
        "SELECT row_group_id, row_group_num_rows, lower(path_in_schema), type, "
        "stats_min_value, stats_max_value, stats_null_count, num_values, stats_nan_count, "
        "coalesce(min_is_exact AND max_is_exact, TRUE) "
        f"FROM parquet_metadata({sql_string(path)}) WHERE lower(path_in_schema) IN ({names})"
    ).fetchall()
    groups: dict[int, dict[str, Any]] = {}
    for group, count, name, physical, low, high, nulls, values, nans, exact in rows:
        found = groups.setdefault(int(group), {"rows": int(count)})
        found[name] = _Stat(str(physical), low, high, nulls, int(values), nans, bool(exact))
    return groups


def _currency(stat: _Stat | None) -> str | None:
    if stat is None or stat.all_null:
        return None
    low, high = stat.bounds()
    if stat.nulls or low != high or len(low) >= _EXACT_TEXT:
        raise _Unproven
    return low


def _bucket(
    buckets: dict[tuple[Any, Any, str | None], dict[str, Any]],
    year: Any,
    month: Any,
    currency: str | None,
) -> dict[str, Any]:
    return buckets.setdefault(
        (year, month, currency),
        {
            "start_year": year,
            "start_month": month,
            "currency": currency,
            "row_count": 0,
            "first_end_month": None,
            "last_end_month": None,
            **dict.fromkeys(_AMOUNTS.values()),
        },
    )


def _merge(buckets: dict[tuple[Any, Any, str | None], dict[str, Any]], row: dict[str, Any]) -> None:
    """Add a row of span figures (of some rows of a month and currency) to its bucket."""
    bucket = _bucket(buckets, row["start_year"], row["start_month"], row["currency"])
    bucket["row_count"] += int(row["row_count"])
    bucket["first_end_month"] = _least(bucket["first_end_month"], row["first_end_month"])
    bucket["last_end_month"] = _greatest(bucket["last_end_month"], row["last_end_month"])
    for key in _AMOUNTS.values():
        bucket[key] = _greatest(bucket[key], row[key])


def _add(buckets: dict[tuple[Any, Any, str | None], dict[str, Any]], group: dict[str, Any]) -> None:
    """Add one row group to its (start month, currency) bucket from its statistics;
    _Unproven (and nothing added) when they do not settle every figure."""
    start, end = group.get(_START), group.get(_END)
    if start is None or start.nulls != 0 or end is None:
        raise _Unproven
    first, last = (_month(v) for v in start.bounds())
    if first != last:
        raise _Unproven
    year, month = divmod(first, 12)
    figures: dict[str, Any] = {
        "start_year": year,
        "start_month": month + 1,
        "currency": _currency(group.get(_CURRENCY)),
        "row_count": group["rows"],
        "first_end_month": None,
        "last_end_month": None,
    }
    if not end.all_null:
        low, high = (_month(v) for v in end.bounds())
        figures["first_end_month"], figures["last_end_month"] = low, high
    for column, key in _AMOUNTS.items():
        stat = group.get(column)
        figures[key] = None if stat is None else _amount(stat)
    _merge(buckets, figures)


def _least(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b < a) else a


def _greatest(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a
