"""DuckDB over Parquet reads the spend query's grains by fingerprints (billing/sources/
fingerprints.py, ADR 0026). Whatever the bill, the report must get exactly what sql/spend.sql
gives (the portable query Athena and CSV inputs run): the same charge lines, days, compute
hours and file totals, to the last digit."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from devops_plan.billing.sources import fingerprints
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.spend import Spend, collect_spend
from tests.billing_fixtures import REFERENCE_CSV, SAMPLE_DIR, SAMPLE_FOCUS, write_parquet


def _to_parquet(source: Path, target: Path) -> Path:
    return write_parquet(
        target, f"SELECT * FROM read_csv('{source}', header = true, nullstr = ['NULL', ''])"
    )


def _write(path: Path, sql: str) -> Path:
    return write_parquet(path, sql, row_group_size=2048)  # several row groups per file


# An hourly bill: 60 resources over two months, a resource starting mid-month, rows with no
# resource (tax), one with a quantity and none, tags as text; `{where}` picks its rows.
_HOURLY = """
SELECT
  CASE WHEN r % 7 = 0 THEN 'Compute' WHEN r % 7 = 1 THEN 'Storage' ELSE 'Networking' END
    AS ServiceCategory,
  'Amazon ' || (r % 5) AS ServiceName, 'AWS' AS ProviderName,
  ['us-east-1', 'eu-west-1'][1 + r % 2] AS RegionId,
  CASE WHEN r = 59 THEN NULL ELSE 'res-' || r END AS ResourceId,
  'name-' || r AS ResourceName, 'type-' || (r % 3) AS ResourceType,
  'SKU' || (r % 4) AS SkuId,
  CASE WHEN r = 59 THEN 'Tax' ELSE '$0.' || (r % 9) || ' per hour of thing ' || (r % 6) END
    AS ChargeDescription,
  CASE WHEN r = 59 THEN 'Tax' ELSE 'Usage' END AS ChargeCategory,
  CASE WHEN r % 11 = 0 THEN 'Committed' ELSE 'Standard' END AS PricingCategory,
  CASE WHEN r % 13 = 0 THEN 'Hrs' WHEN r % 3 = 0 THEN 'Hours' ELSE 'GB-Mo' END AS ConsumedUnit,
  CASE WHEN r % 10 = 4 THEN NULL ELSE (1 + r % 3) / 3.0 END AS ConsumedQuantity,
  '123' || (r % 4) AS SubAccountId,
  {currency} AS BillingCurrency,
  CASE WHEN r % 4 = 0 THEN NULL ELSE '{{"team": "t' || (r % 5) || '"}}' END AS Tags,
  TIMESTAMP '2024-09-01' + to_hours(h) AS ChargePeriodStart,
  TIMESTAMP '2024-09-01' + to_hours(h + 1) AS ChargePeriodEnd,
  round(0.001 * (1 + (r * 7919 + h * 104729) % 997), 6) AS BilledCost,
  round(0.0009 * (1 + (r * 31 + h) % 991), 6) AS EffectiveCost,
  CASE WHEN r % 6 = 0 THEN NULL ELSE round(0.0011 * (1 + r % 17), 6) END AS ListCost,
  0.011 * (1 + r % 17) AS ListUnitPrice
FROM range(60) a(r), range(1464) b(h)
WHERE (r <> 17 OR h >= 300) AND ({where})
"""


def _hourly(path: Path, where: str, currency: str = "'USD'") -> Path:
    return _write(path, _HOURLY.format(where=where, currency=currency))


def _spend(paths: list[Path], **kwargs: Any) -> Spend:
    with DuckDBEngine.open_files(paths) as engine:
        return collect_spend(engine, **kwargs)


def _answers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, per report, whether the fingerprint path answered (not fallen back)."""
    answered: list[bool] = []
    read = fingerprints.spend_rows

    def spy(*args: Any) -> Any:
        found = read(*args)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(fingerprints, "spend_rows", spy)
    return answered


def _both(monkeypatch: pytest.MonkeyPatch, paths: list[Path], **kwargs: Any) -> Spend:
    """The spend read by fingerprints, checked equal to sql/spend.sql's; the fingerprint
    path must have answered (not fallen back)."""
    answered = _answers(monkeypatch)
    fast = _spend(paths, **kwargs)
    assert answered == [True]
    monkeypatch.setattr(fingerprints, "spend_rows", lambda *args: None)
    portable = _spend(paths, **kwargs)
    assert fast.lines == portable.lines
    assert fast.daily == portable.daily
    assert fast.compute_hours == portable.compute_hours
    assert fast.inputs == portable.inputs
    assert fast == portable
    return fast


def test_the_shipped_sample_as_parquet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spend = _both(monkeypatch, [_to_parquet(SAMPLE_FOCUS, tmp_path / "sample.parquet")])
    assert len(spend.lines) == 35 and spend.compute_hours


def test_the_reconcile_sample_as_parquet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = SAMPLE_DIR / "reconcile-sample.csv.gz"
    _both(monkeypatch, [_to_parquet(source, tmp_path / "reconcile.parquet")])


def test_the_reference_focus_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not REFERENCE_CSV.exists():
        pytest.skip("shared/reference is not beside this checkout")
    _both(monkeypatch, [_to_parquet(REFERENCE_CSV, tmp_path / "reference.parquet")])


def test_a_bill_in_two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lines span both files; resource 17 starts late; the files are named in another order
    # than their months, so each line's first row is not always in file 0.
    october = _hourly(tmp_path / "b-october.parquet", "h >= 720")
    september = _hourly(tmp_path / "a-september.parquet", "h < 720")
    spend = _both(monkeypatch, [october, september])
    assert {i.source for i in spend.inputs} == {str(october), str(september)}
    assert len(spend.lines) == 60 * 1  # one line per resource (the tax row's too)


@pytest.mark.parametrize("file_queries", [6, 0])
def test_new_resources_in_many_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file_queries: int
) -> None:
    # Six weekly files, each bringing resources of its own: the lines' first rows are in
    # six files, read per file (FILE_QUERIES 6) or in one query (0).
    monkeypatch.setattr(fingerprints, "FILE_QUERIES", file_queries)
    weeks = [
        _hourly(tmp_path / f"week-{w}.parquet", f"h // 168 = {w} AND r % 10 <= {w + 4}")
        for w in range(6)
    ]
    spend = _both(monkeypatch, weeks)
    assert len(spend.inputs) == 6 and len(spend.lines) == 60


def test_a_period_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bill = _hourly(tmp_path / "bill.parquet", "TRUE")
    spend = _both(monkeypatch, [bill], since=date(2024, 9, 10), until=date(2024, 10, 5))
    assert spend.filtered and spend.inputs[0].row_count == 60 * 1464 - 300


def test_implausible_rows_and_other_currencies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bill = _hourly(tmp_path / "bill.parquet", "TRUE")
    euros = _hourly(tmp_path / "euros.parquet", "h < 24", currency="'EUR'")
    source = f"read_parquet('{bill}')"
    odd = _write(
        tmp_path / "odd.parquet",
        "(SELECT * REPLACE (TIMESTAMP '2100-01-01' AS ChargePeriodStart, "
        f"TIMESTAMP '2100-01-01 01:00' AS ChargePeriodEnd) FROM {source} LIMIT 3) "
        f"UNION ALL (SELECT * REPLACE (1e17 AS BilledCost) FROM {source} LIMIT 2)",
    )
    spend = _both(monkeypatch, [bill, euros, odd], currency="USD")
    assert spend.implausible_rows == 5
    assert [c for c, _, _ in spend.other_currencies()] == ["EUR"]


def test_a_cur2_bill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CUR 2.0 in Parquet goes through its own mapping view: products, line item types (a
    # Savings Plan's covered hours), tags as a map, a resource-less tax line.
    cur = write_parquet(
        tmp_path / "cur.parquet",
        """
        SELECT
          CASE WHEN r = 9 THEN NULL ELSE 'i-0' || r END AS line_item_resource_id,
          CASE WHEN r = 9 THEN 'Tax' WHEN r % 3 = 0 THEN 'SavingsPlanCoveredUsage'
               ELSE 'Usage' END AS line_item_line_item_type,
          round(0.01 * (1 + (r * 13 + h) % 17), 6) AS line_item_unblended_cost,
          CASE WHEN r % 3 = 0 THEN 0.004 END AS savings_plan_savings_plan_effective_cost,
          CASE WHEN r % 3 = 0 THEN 'arn:sp' END AS savings_plan_savings_plan_a_r_n,
          ['AmazonEC2', 'AmazonRDS', 'AmazonS3'][1 + r % 3] AS line_item_product_code,
          'Compute Instance' AS product_product_family,
          ['us-east-1', 'eu-west-1'][1 + r % 2] AS product_region_code,
          'm5.large' AS product_instance_type, 'BoxUsage:m5.large' AS line_item_usage_type,
          '123' AS line_item_usage_account_id, 'USD' AS line_item_currency_code,
          'Hrs' AS pricing_unit, 1.0 AS line_item_usage_amount,
          0.096 AS pricing_public_on_demand_rate, 0.096 AS pricing_public_on_demand_cost,
          TIMESTAMP '2024-09-01' + to_hours(h) AS line_item_usage_start_date,
          TIMESTAMP '2024-09-01' + to_hours(h + 1) AS line_item_usage_end_date,
          MAP {'user_team': 't' || (r % 4)} AS resource_tags,
          'thing ' || (r % 5) AS line_item_line_item_description
        FROM range(12) a(r), range(200) b(h)
        """,
        row_group_size=512,
    )
    spend = _both(monkeypatch, [cur])
    assert len(spend.lines) == 12 and spend.effective_cost < spend.billed_cost


def test_keys_that_read_the_same_sort_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A NULL and an empty ResourceId are two lines to the query and the same text here; the
    # two paths return them in different orders, and the report must not depend on that
    # (found by the property test).
    bill = _write(
        tmp_path / "bill.parquet",
        "SELECT NULL::DOUBLE AS BilledCost, e AS EffectiveCost, NULL::DOUBLE AS ListCost, "
        "s AS ChargePeriodStart, s + INTERVAL 1 HOUR AS ChargePeriodEnd, "
        "'USD' AS BillingCurrency, r AS ResourceId, 'Compute' AS ServiceCategory, "
        "'Usage' AS ChargeCategory, 'Standard' AS PricingCategory, 'Hours' AS ConsumedUnit, "
        "'AWS' AS ProviderName FROM (VALUES (NULL, NULL, NULL), (NULL, NULL, NULL), "
        "('', NULL, NULL), (NULL, TIMESTAMP '2024-09-09', 0.0)) AS t(r, s, e)",
    )
    spend = _both(monkeypatch, [bill])
    assert [ln.row_count for ln in spend.lines] == [1, 3]


def test_a_shared_category_fingerprint_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two buckets for every category: they collide, the collision is seen, and the report
    # reads the bill with sql/spend.sql instead (the same figures).
    bill = _hourly(tmp_path / "bill.parquet", "TRUE")
    monkeypatch.setattr(fingerprints, "CATEGORY_PRINT", f"({fingerprints.CATEGORY_PRINT} % 2)")
    answered = _answers(monkeypatch)
    fell_back = _spend([bill])
    assert answered == [False]
    monkeypatch.setattr(fingerprints, "spend_rows", lambda *args: None)
    assert fell_back == _spend([bill])


def test_csv_reads_with_the_portable_query(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[int] = []
    monkeypatch.setattr(fingerprints, "spend_rows", lambda *args: called.append(1))
    assert _spend([SAMPLE_FOCUS]).lines
    assert called == []
