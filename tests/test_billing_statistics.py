"""What a bill spans from Parquet statistics (billing/sources/statistics.py): the same rows as
sql/span.sql, reading only the row groups the statistics do not settle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.sources.statistics import span_from_statistics


def _write(path: Path, select: str, row_group_size: int = 2048) -> Path:
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY ({select}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE {row_group_size})"
        )
    finally:
        con.close()
    return path


# 6,000 hourly rows from 2024-09-30 22:00, three row groups; the first spans two months.
_HOURLY = """
SELECT TIMESTAMP '2024-09-30 22:00:00' + to_hours(i // 1000) AS ChargePeriodStart,
  TIMESTAMP '2024-09-30 23:00:00' + to_hours(i // 1000) AS ChargePeriodEnd,
  {currency} AS BillingCurrency, ((i % 7) * 1.25 - 2.5)::DOUBLE AS BilledCost,
  ((i % 5) * 0.5)::DOUBLE AS EffectiveCost, ({list_cost})::DOUBLE AS ListCost, 'r-' || (i % 10) AS ResourceId
FROM range(6000) t(i)
"""


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["start_year"], r["start_month"], r["currency"] or ""))


@pytest.mark.parametrize(
    ("currency", "list_cost", "scanned"),
    [
        ("'USD'", "NULL::DOUBLE", 1),  # only the row group across September/October is read
        ("CASE WHEN i < 3000 THEN 'USD' ELSE 'EUR' END", "1.0", 2),  # and one with two currencies
        ("NULL::VARCHAR", "CASE WHEN i = 5999 THEN 1e16 ELSE 1.0 END", 1),
    ],
)
def test_the_statistics_give_the_span_query_rows(
    tmp_path: Path, currency: str, list_cost: str, scanned: int
) -> None:
    path = _write(tmp_path / "bill.parquet", _HOURLY.format(currency=currency, list_cost=list_cost))
    with DuckDBEngine.open_files([path]) as engine:
        queries: list[str] = []

        def run(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
            queries.append(sql)
            return engine.execute(sql, "span")

        found = span_from_statistics(engine.connection, engine.files, run)
        assert found is not None
        assert _sorted(found) == _sorted(engine.query("span"))
        assert _sorted(engine.span()) == _sorted(found)
    # One query for the file, over the row groups the statistics left open.
    assert len(queries) == 1
    assert queries[0].count("file_row_number >=") == scanned


def test_settled_row_groups_are_not_read(tmp_path: Path) -> None:
    select = _HOURLY.format(currency="'USD'", list_cost="1.0").replace("22:00", "00:00")
    select = select.replace("23:00:00' + to_hours", "01:00:00' + to_hours")
    path = _write(tmp_path / "bill.parquet", select)
    with DuckDBEngine.open_files([path]) as engine:
        found = span_from_statistics(engine.connection, engine.files, _no_query)
        assert found is not None
        assert found == engine.query("span")
        assert found[0]["row_count"] == 6000


def _no_query(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    raise AssertionError(f"no row should be read: {sql}")


def test_csv_and_text_periods_keep_the_query(tmp_path: Path) -> None:
    text = _HOURLY.format(currency="'USD'", list_cost="1.0").replace(
        "AS ChargePeriodStart", "AS ChargePeriodStartTs"
    )
    text = f"SELECT *, CAST(ChargePeriodStartTs AS VARCHAR) AS ChargePeriodStart FROM ({text})"
    parquet = _write(tmp_path / "text.parquet", text)
    csv = tmp_path / "bill.csv"
    con = duckdb.connect()
    plain = _HOURLY.format(currency="'USD'", list_cost="1.0")
    con.execute(f"COPY ({plain}) TO '{csv}'")
    con.close()
    for path in (parquet, csv):
        with DuckDBEngine.open_files([path]) as engine:
            files = engine.files
            assert span_from_statistics(engine.connection, files, _no_query) is None
            assert _sorted(engine.span()) == _sorted(engine.query("span"))
