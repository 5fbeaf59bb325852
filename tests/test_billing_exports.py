"""Reading billing exports: FOCUS 1.0-1.2 and CUR 2.0, CSV / gzip / Parquet, and their quirks."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan.billing.inventory import build_inventory
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.spend import collect_spend
from devops_plan.errors import BillingInputError
from tests.billing_fixtures import (
    FOCUS_COLUMNS,
    REFERENCE_CSV,
    SAMPLE_FOCUS,
    decimal_sum,
    focus_row,
    write_csv,
    write_parquet,
)


def spend_of(*paths: Path, since: date | None = None, until: date | None = None):  # type: ignore[no-untyped-def]
    with DuckDBEngine.open_files(list(paths)) as engine:
        return collect_spend(engine, since, until)


# -- the real FOCUS 1.0 sample (FinOps Foundation, CC BY 4.0) ---------------------------------


@pytest.mark.skipif(not REFERENCE_CSV.is_file(), reason="shared/reference is not beside the repo")
def test_reference_sample_total_equals_the_files_sum_to_the_cent() -> None:
    expected, rows = decimal_sum(REFERENCE_CSV)
    spend = spend_of(REFERENCE_CSV)
    assert spend.billed_cost == expected  # exact, not just to the cent
    assert f"{spend.billed_cost:.2f}" == f"{expected:.2f}"
    assert spend.row_count == rows == 1000
    assert sum(i.row_count for i in spend.inputs) == 1000
    assert spend.rejected == ()


@pytest.mark.skipif(not REFERENCE_CSV.is_file(), reason="shared/reference is not beside the repo")
def test_reference_sample_providers_services_and_tags_are_read() -> None:
    with REFERENCE_CSV.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    spend = spend_of(REFERENCE_CSV)
    assert {d.provider for d in spend.daily} == {r["ProviderName"] for r in rows}
    assert {(d.provider, d.service) for d in spend.daily} == {
        (r["ProviderName"], r["ServiceName"]) for r in rows
    }
    # EffectiveCost and ListCost are exact too.
    for column, total in (("EffectiveCost", spend.effective_cost), ("ListCost", spend.list_cost)):
        assert total == sum(
            (Decimal(r[column]) for r in rows if r[column] not in ("", "NULL")), Decimal(0)
        )
    # Tags are JSON; the NULL string is an empty value, never the text "NULL".
    tagged = [ln for ln in spend.lines if ln.tags]
    assert tagged and all(json.loads(ln.tags) for ln in tagged)
    assert not any(ln.resource_id == "NULL" or ln.tags == "NULL" for ln in spend.lines)
    # Per-provider sums add up to the per-provider sums of the file.
    by_provider: dict[str, Decimal] = {}
    for r in rows:
        by_provider[r["ProviderName"]] = by_provider.get(r["ProviderName"], Decimal(0)) + Decimal(
            r["BilledCost"]
        )
    got: dict[str, Decimal] = {}
    for d in spend.daily:
        got[d.provider] = got.get(d.provider, Decimal(0)) + d.billed_cost
    assert got == by_provider


# -- FOCUS quirks ----------------------------------------------------------------------------


def test_null_strings_and_empty_values_are_nulls(tmp_path: Path) -> None:
    rows = [
        focus_row(ResourceId="NULL", Tags="NULL", PricingCategory="", ResourceName="NULL"),
        focus_row(ResourceId="i-0aaaaaaaaaaaaaaa1", BilledCost="1.5"),
    ]
    spend = spend_of(write_csv(tmp_path / "f.csv", rows))
    assert spend.billed_cost == Decimal("1.596")
    no_resource = [ln for ln in spend.lines if not ln.resource_id]
    assert len(no_resource) == 1
    assert no_resource[0].tags == "" and no_resource[0].pricing_category == ""
    assert no_resource[0].resource_name == ""


def test_quoted_numbers_and_json_tags(tmp_path: Path) -> None:
    rows = [focus_row(BilledCost="12.345678901234", Tags='{"owner": "a, b", "environment": "x"}')]
    spend = spend_of(write_csv(tmp_path / "q.csv", rows, quote_all=True))
    assert spend.billed_cost == Decimal("12.345678901234")
    (line,) = spend.lines
    assert json.loads(line.tags) == {"owner": "a, b", "environment": "x"}


def test_missing_optional_columns_are_allowed(tmp_path: Path) -> None:
    columns = ("BilledCost", "ChargePeriodStart", "ChargePeriodEnd", "ServiceName")
    rows = [focus_row(BilledCost="2"), focus_row(BilledCost="3", ServiceName="S3")]
    spend = spend_of(write_csv(tmp_path / "minimal.csv", rows, columns))
    assert spend.billed_cost == Decimal(5)
    assert {d.service for d in spend.daily} == {"Amazon Elastic Compute Cloud", "S3"}
    assert {d.provider for d in spend.daily} == {""}


def test_focus_versions_mix_in_one_view(tmp_path: Path) -> None:
    v10 = write_csv(tmp_path / "v10.csv", [focus_row(BilledCost="1")])
    # FOCUS 1.1 adds columns such as ServiceSubcategory, SkuMeter, CapacityReservationId.
    cols11 = (*FOCUS_COLUMNS, "ServiceSubcategory", "SkuMeter", "CapacityReservationId")
    v11 = write_csv(
        tmp_path / "v11.csv",
        [focus_row(BilledCost="2", ServiceSubcategory="Virtual Machines", SkuMeter="Hours")],
        cols11,
    )
    # FOCUS 1.2 adds InvoiceId, BillingAccountType, PricingCurrency columns.
    cols12 = (*cols11, "InvoiceId", "BillingAccountType", "PricingCurrency")
    v12 = write_csv(tmp_path / "v12.csv", [focus_row(BilledCost="4", InvoiceId="INV-1")], cols12)
    # FOCUS 1.3 names the provider ServiceProviderName.
    cols13 = tuple("ServiceProviderName" if c == "ProviderName" else c for c in FOCUS_COLUMNS)
    v13 = write_csv(
        tmp_path / "v13.csv",
        [{**focus_row(BilledCost="8"), "ServiceProviderName": "Microsoft"}],
        cols13,
    )
    spend = spend_of(v10, v11, v12, v13)
    assert spend.billed_cost == Decimal(15)
    assert [i.row_count for i in spend.inputs] == [1, 1, 1, 1]
    assert {d.provider for d in spend.daily} == {"AWS", "Microsoft"}


def test_gzip_and_plain_csv_read_the_same(tmp_path: Path) -> None:
    rows = [focus_row(BilledCost=str(i), ProviderName=p) for i, p in enumerate(("AWS", "Oracle"))]
    plain = spend_of(write_csv(tmp_path / "a.csv", rows))
    packed = spend_of(write_csv(tmp_path / "a.csv.gz", rows, compress=True))
    assert plain.billed_cost == packed.billed_cost == Decimal(1)
    assert [d.provider for d in plain.daily] == [d.provider for d in packed.daily]


def test_parquet_with_map_tags_iso_timestamps_and_mixed_columns(tmp_path: Path) -> None:
    first = write_parquet(
        tmp_path / "a.parquet",
        "SELECT 1.25::DOUBLE AS BilledCost, 1.25::DOUBLE AS EffectiveCost, "
        "'2024-09-01T00:00:00Z' AS ChargePeriodStart, '2024-09-01T01:00:00Z' AS ChargePeriodEnd, "
        "'AWS' AS ProviderName, 'Amazon S3' AS ServiceName, 'bucket-1' AS ResourceId, "
        "MAP {'owner': 'me', 'environment': 'prod'} AS Tags",
    )
    second = write_parquet(
        tmp_path / "b.parquet",
        "SELECT 2.5::DECIMAL(18, 6) AS BilledCost, TIMESTAMP '2024-09-02 00:00:00' AS "
        "ChargePeriodStart, TIMESTAMP '2024-09-02 01:00:00' AS ChargePeriodEnd, "
        "'Google Cloud' AS ProviderName, 'Compute Engine' AS ServiceName",
    )
    spend = spend_of(first, second)
    assert spend.billed_cost == Decimal("3.75")
    tagged = [ln for ln in spend.lines if ln.resource_id == "bucket-1"]
    assert json.loads(tagged[0].tags) == {"owner": "me", "environment": "prod"}
    assert spend.period.start.isoformat() == "2024-09-01T00:00:00"
    assert {d.provider for d in spend.daily} == {"AWS", "Google Cloud"}


def test_malformed_rows_are_counted_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    write_csv(path, [focus_row(BilledCost="1.00"), focus_row(BilledCost="2.00")])
    with path.open("a") as handle:
        handle.write("abc" + ",x" * (len(FOCUS_COLUMNS) - 1) + "\n")  # line 4: not a number
        handle.write("1.0,2.0\n")  # line 5: too few columns
        bad_date = focus_row(BilledCost="4.00", ChargePeriodStart="not a date")
        csv.writer(handle, lineterminator="\n").writerow([bad_date[c] for c in FOCUS_COLUMNS])
    spend = spend_of(path)
    assert spend.billed_cost == Decimal("3.00")
    assert [r.line for r in spend.rejected] == [4, 5, 6]
    assert spend.rejected[0].column == "BilledCost"
    assert "more column" in spend.rejected[0].error  # "x" fails in the other typed columns too
    assert spend.rejected[2].column == "ChargePeriodStart"
    assert all(r.file == str(path) for r in spend.rejected)
    assert sum(i.row_count for i in spend.inputs) + len(spend.rejected) == 5


def test_an_unescaped_quote_rejects_the_row_not_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "quotes.csv", [focus_row()])
    with path.open("a") as handle:
        row = focus_row()
        handle.write(
            ",".join(f'"{row[c]}"' for c in FOCUS_COLUMNS) + "\n"
        )  # JSON quotes not doubled
    spend = spend_of(path)
    assert spend.billed_cost == Decimal("0.096")
    assert [r.line for r in spend.rejected] == [3]


def test_a_file_duckdb_cannot_parse_is_named(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    header = ",".join(FOCUS_COLUMNS)
    row = focus_row()
    plain = ",".join(row[c] if c != "Tags" else "NULL" for c in FOCUS_COLUMNS)
    broken = ",".join(f'"{row[c]}"' for c in FOCUS_COLUMNS)  # JSON quotes not doubled
    # Windows line ends, then Unix ones, then a line whose quotes do not pair up.
    path.write_bytes(f"{header}\r\n{plain}\r\n{plain}\n{broken}\n".encode())
    with pytest.raises(BillingInputError, match=r"mixed\.csv: cannot read this CSV"):
        spend_of(path)


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(BillingInputError, match=r"empty\.csv: empty file"):
        spend_of(empty)
    header_only = write_csv(tmp_path / "header.csv", [])
    with pytest.raises(BillingInputError, match=r"header\.csv: the file has a header but no"):
        spend_of(header_only)
    with pytest.raises(BillingInputError, match=r"nowhere\.csv: no such file"):
        spend_of(tmp_path / "nowhere.csv")


def test_files_that_are_not_billing_exports(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,value\na,1\n")
    with pytest.raises(BillingInputError, match="expected a BilledCost column"):
        spend_of(other)
    legacy = tmp_path / "legacy.csv"
    legacy.write_text("lineItem/UnblendedCost,lineItem/UsageStartDate\n1,2024-09-01\n")
    with pytest.raises(BillingInputError, match="legacy Cost and Usage Report"):
        spend_of(legacy)
    incomplete = tmp_path / "incomplete.csv"
    incomplete.write_text("BilledCost,ServiceName\n1,EC2\n")
    with pytest.raises(BillingInputError, match=r"needs the column.*ChargePeriodStart"):
        spend_of(incomplete)


def test_period_filter_and_what_falls_outside(tmp_path: Path) -> None:
    rows = [
        focus_row(BilledCost="1", ChargePeriodStart="2024-08-31 23:00:00"),
        focus_row(BilledCost="2", ChargePeriodStart="2024-09-01 00:00:00"),
        focus_row(BilledCost="4", ChargePeriodStart="2024-09-30 23:00:00"),
        focus_row(BilledCost="8", ChargePeriodStart="2024-10-01 00:00:00"),
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    spend = spend_of(path, since=date(2024, 9, 1), until=date(2024, 10, 1))
    assert spend.billed_cost == Decimal(6)
    assert spend.period.hours == Decimal(720)
    assert sum((i.billed_cost for i in spend.inputs), Decimal(0)) == Decimal(15)
    with pytest.raises(BillingInputError, match="must be after"):
        spend_of(path, since=date(2024, 9, 2), until=date(2024, 9, 1))


def test_cur2_parquet_maps_onto_focus(tmp_path: Path) -> None:
    base = (
        "'AmazonEC2' AS line_item_product_code, 'Compute Instance' AS product_product_family, "
        "'us-east-1' AS product_region_code, 'm5.large' AS product_instance_type, "
        "'BoxUsage:m5.large' AS line_item_usage_type, '123' AS line_item_usage_account_id, "
        "'USD' AS line_item_currency_code, 'Hrs' AS pricing_unit, 1.0 AS line_item_usage_amount, "
        "0.096 AS pricing_public_on_demand_rate, 0.096 AS pricing_public_on_demand_cost, "
        "TIMESTAMP '2024-09-01 00:00:00' AS line_item_usage_start_date, "
        "TIMESTAMP '2024-09-01 01:00:00' AS line_item_usage_end_date, "
        "MAP {'user_owner': 'me'} AS resource_tags, "
        "'$0.096 per On Demand Linux m5.large Instance Hour' AS line_item_line_item_description"
    )
    path = write_parquet(
        tmp_path / "cur.parquet",
        f"SELECT 'i-0aaa' AS line_item_resource_id, 'Usage' AS line_item_line_item_type, "
        f"0.096 AS line_item_unblended_cost, NULL AS savings_plan_savings_plan_effective_cost, "
        f"NULL AS savings_plan_savings_plan_a_r_n, {base} "
        f"UNION ALL SELECT 'i-0bbb', 'SavingsPlanCoveredUsage', 0.096, 0.06, 'arn:sp', {base}",
    )
    spend = spend_of(path)
    assert spend.billed_cost == Decimal("0.192")
    assert spend.effective_cost == Decimal("0.156")
    by_id = {ln.resource_id: ln for ln in spend.lines}
    assert by_id["i-0aaa"].pricing_category == "Standard"
    assert by_id["i-0bbb"].pricing_category == "Committed"
    assert by_id["i-0aaa"].service == "Amazon Elastic Compute Cloud"
    assert by_id["i-0aaa"].service_category == "Compute"
    assert by_id["i-0aaa"].instance_type == "m5.large"
    assert json.loads(by_id["i-0aaa"].tags) == {"user_owner": "me"}
    (machine, _) = build_inventory(spend.lines)
    assert machine.kind == "vm" and machine.instance_type == "m5.large"
    assert len(spend.compute_hours) == 1  # only the on-demand hour is baseline


def test_cur2_gzip_csv_with_json_tags(tmp_path: Path) -> None:
    columns = (
        "line_item_unblended_cost",
        "line_item_usage_start_date",
        "line_item_usage_end_date",
        "line_item_line_item_type",
        "line_item_product_code",
        "line_item_resource_id",
        "line_item_usage_type",
        "line_item_usage_amount",
        "pricing_unit",
        "resource_tags",
    )
    rows = [
        {
            "line_item_unblended_cost": "10.0",
            "line_item_usage_start_date": "2024-09-01T00:00:00Z",
            "line_item_usage_end_date": "2024-09-02T00:00:00Z",
            "line_item_line_item_type": "Usage",
            "line_item_product_code": "AmazonEC2",
            "line_item_resource_id": "vol-0abc",
            "line_item_usage_type": "EBS:VolumeUsage.gp2",
            "line_item_usage_amount": "3.2",
            "pricing_unit": "GB-Mo",
            "resource_tags": '{"user_owner": "x"}',
        },
        {
            "line_item_unblended_cost": "1.0",
            "line_item_usage_start_date": "2024-09-01T00:00:00Z",
            "line_item_usage_end_date": "2024-09-02T00:00:00Z",
            "line_item_line_item_type": "Tax",
            "line_item_product_code": "AmazonEC2",
        },
    ]
    spend = spend_of(write_csv(tmp_path / "cur.csv.gz", rows, columns, compress=True))
    assert spend.billed_cost == Decimal(11)
    assert {d.charge_category for d in spend.daily} == {"Usage", "Tax"}
    (volume,) = build_inventory(spend.lines)
    assert volume.kind == "volume" and volume.volume_type == "gp2"


def test_progress_is_reported_while_reading(tmp_path: Path) -> None:
    seen: list[tuple[str, float | None]] = []
    path = write_csv(tmp_path / "f.csv", [focus_row()])
    with DuckDBEngine.open_files([path], progress=lambda label, pct: seen.append((label, pct))):
        pass
    assert ("reading billing files", 100.0) in seen


def test_the_shipped_sample_reads_cleanly() -> None:
    spend = spend_of(SAMPLE_FOCUS)
    assert spend.rejected == ()
    assert spend.period.hours == Decimal(720)
    assert {d.provider for d in spend.daily} == {"AWS", "Microsoft"}


# -- money: the narrow exact type only where the file's statistics prove it fits -------------

_HOURS = (
    "TIMESTAMP '2024-09-01' + to_hours(i::BIGINT % 48) AS ChargePeriodStart, "
    "TIMESTAMP '2024-09-01' + to_hours(i::BIGINT % 48 + 1) AS ChargePeriodEnd, "
    "'AWS' AS ProviderName, 'svc-' || (i % 3) AS ServiceName, 'r-' || (i % 7) AS ResourceId"
)


def _spend_and_files(path: Path):  # type: ignore[no-untyped-def]
    from devops_plan.billing.sources.exports import ParquetDescriber, inspect_file
    from devops_plan.billing.sources.staging import InputLimits, StagedFile

    staged = StagedFile(str(path), path, "parquet", path.stat().st_size)
    with DuckDBEngine.open_files([path]) as engine:
        described = inspect_file(staged, ParquetDescriber(engine.connection), InputLimits())
        return collect_spend(engine), described


def test_small_double_amounts_take_the_narrow_type_with_the_same_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Awkward doubles: thirds, tiny unit prices, negatives (credits), values near 10^5.
    path = write_parquet(
        tmp_path / "f.parquet",
        "SELECT ((i % 997) / 3.0 - 100 + i * 0.0000123)::DOUBLE AS BilledCost, "
        "((i % 13) * 12345.678901 / 7)::DOUBLE AS EffectiveCost, "
        "(0.0000166667 * i)::DOUBLE AS ListCost, "
        f"{_HOURS} FROM range(20000) t(i)",
    )
    narrow, described = _spend_and_files(path)
    assert described.narrow_money
    monkeypatch.setattr("devops_plan.billing.sources.exports.NARROW_LIMIT", 0.0)
    wide, described = _spend_and_files(path)
    assert not described.narrow_money
    assert narrow.billed_cost == wide.billed_cost and narrow.list_cost == wide.list_cost
    assert [(ln.billed_cost, ln.effective_cost, ln.list_cost) for ln in narrow.lines] == [
        (ln.billed_cost, ln.effective_cost, ln.list_cost) for ln in wide.lines
    ]
    assert [(d.billed_cost, d.effective_cost) for d in narrow.daily] == [
        (d.billed_cost, d.effective_cost) for d in wide.daily
    ]
    assert narrow.inputs[0].billed_cost == wide.inputs[0].billed_cost


def test_one_large_amount_keeps_the_wide_type_and_is_counted(tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "f.parquet",
        "SELECT (CASE WHEN i = 7 THEN 2500000.5 ELSE 0.25 END)::DOUBLE AS BilledCost, "
        f"0.25::DOUBLE AS EffectiveCost, {_HOURS} FROM range(100) t(i)",
    )
    spend, described = _spend_and_files(path)
    assert not described.narrow_money
    assert spend.billed_cost == Decimal("2500000.5") + Decimal("0.25") * 99


def test_a_large_cur_list_cost_is_not_lost_to_a_narrow_try_cast(tmp_path: Path) -> None:
    # ListCost comes through TRY_CAST, which would turn an amount too large into NULL.
    path = write_parquet(
        tmp_path / "cur.parquet",
        "SELECT 1.5::DOUBLE AS line_item_unblended_cost, "
        "3000000.25::DOUBLE AS pricing_public_on_demand_cost, "
        "TIMESTAMP '2024-09-01 00:00:00' AS line_item_usage_start_date, "
        "TIMESTAMP '2024-09-01 01:00:00' AS line_item_usage_end_date, "
        "'Usage' AS line_item_line_item_type, 'AmazonEC2' AS line_item_product_code",
    )
    spend, described = _spend_and_files(path)
    assert not described.narrow_money
    assert spend.list_cost == Decimal("3000000.25")


def test_without_statistics_the_wide_type_is_kept(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "nostats.parquet"
    table = pa.table(
        {
            "BilledCost": pa.array([0.5, 1.25], pa.float64()),
            "ChargePeriodStart": pa.array(["2024-09-01 00:00:00"] * 2),
            "ChargePeriodEnd": pa.array(["2024-09-01 01:00:00"] * 2),
        }
    )
    pq.write_table(table, path, write_statistics=False)
    spend, described = _spend_and_files(path)
    assert not described.narrow_money
    assert spend.billed_cost == Decimal("1.75")


def test_quantities_are_summed_exactly_so_every_run_agrees(tmp_path: Path) -> None:
    # Ten hours of 0.1 GB-month: a float sum gives 0.9999999999999999, and a parallel float
    # sum can give different last digits from one run to the next.
    parquet = write_parquet(
        tmp_path / "q.parquet",
        "SELECT 0.01::DOUBLE AS BilledCost, 0.1::DOUBLE AS ConsumedQuantity, "
        "TIMESTAMP '2024-09-01' + to_hours(i::BIGINT) AS ChargePeriodStart, "
        "TIMESTAMP '2024-09-01' + to_hours(i::BIGINT + 1) AS ChargePeriodEnd, "
        "'vol-0abc' AS ResourceId FROM range(10) t(i)",
    )
    rows = [focus_row(ConsumedQuantity="0.1", ConsumedUnit="GB-Mo") for _ in range(10)]
    csv_path = write_csv(tmp_path / "q.csv", rows)
    for path in (parquet, csv_path):
        (line,) = spend_of(path).lines
        assert line.consumed_quantity == 1.0, path


def test_a_file_separated_by_semicolons_is_named_briefly_with_a_hint(tmp_path: Path) -> None:
    # Before: the whole one-column header was the message (124 kB on one line for a wide
    # export saved with ';', as spreadsheets in many locales do), with no hint.
    path = tmp_path / "semi.csv"
    path.write_text(";".join(FOCUS_COLUMNS * 300) + "\n1;2\n")
    with pytest.raises(BillingInputError) as caught:
        spend_of(path)
    assert str(caught.value) == (
        f"{path}: not a FOCUS or AWS CUR 2.0 export: expected a BilledCost column (FOCUS) or "
        "line_item_unblended_cost (CUR 2.0); found columns "
        "BilledCost;EffectiveCost;ListCost;Lis...; the header is one column: is the file "
        "separated by ';'? Export it comma-separated"
    )


def test_cur2_tags_are_read_without_their_user_prefix(tmp_path: Path) -> None:
    # CUR 2.0 writes a user tag `cost-center` as `user_cost_center` in resource_tags. Before,
    # the rules compared keys as they were: every tagged CUR 2.0 resource lacked
    # `environment` and `owner` (untagged share 100%), and `workload=batch` marked nothing.
    from devops_plan.billing.inventory import tag_key
    from devops_plan.billing.report import run_report

    assert tag_key("user_cost_center") == tag_key("cost-center") == tag_key("user:Cost-Center")
    assert tag_key("user_") == "user" and tag_key("User") == "user"
    path = write_parquet(
        tmp_path / "cur.parquet",
        "SELECT 0.096 AS line_item_unblended_cost, 'USD' AS line_item_currency_code, "
        "TIMESTAMP '2024-09-01' + to_hours(i::INT) AS line_item_usage_start_date, "
        "TIMESTAMP '2024-09-01 01:00' + to_hours(i::INT) AS line_item_usage_end_date, "
        "'Usage' AS line_item_line_item_type, 'AmazonEC2' AS line_item_product_code, "
        "'i-0aaa' AS line_item_resource_id, 'us-east-1' AS product_region_code, "
        "'m5.large' AS product_instance_type, 'BoxUsage:m5.large' AS line_item_usage_type, "
        "'Hrs' AS pricing_unit, 1.0 AS line_item_usage_amount, 'OnDemand' AS pricing_term, "
        "'$0.096 per On Demand Linux m5.large Instance Hour' AS line_item_line_item_description, "
        "MAP {'user_environment': 'prod', 'user_owner': 'me', 'user_workload': 'batch'} "
        "AS resource_tags FROM range(720) t(i)",
    )
    report = run_report([path])
    assert report.tag_hygiene.untagged_cost == 0
    (spot,) = [r for r in report.recommendations if r.kind == "spot"]
    assert "tag workload=batch" in spot.finding
