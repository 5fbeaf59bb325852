"""Billing inputs never lose or double data silently: compression from content with its
integrity checked, decompression and line caps, literal file names, one currency per report,
the period bounded by plausible rows, DuckDB and decimal errors as one line."""

from __future__ import annotations

import gzip
import os
import re
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan.billing.bounds import MonthRows, find_bounds, plausible_months
from devops_plan.billing.report import run_report
from devops_plan.billing.settings import ReportSettings
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.sources.staging import InputLimits, verify_gzip
from devops_plan.billing.spend import Spend, collect_spend
from devops_plan.errors import BillingInputError
from tests.billing_fixtures import SAMPLE_FOCUS, focus_row, hourly_rows, write_csv


def spend_of(*paths: Path, currency: str | None = None, **options: object) -> Spend:
    with DuckDBEngine.open_files(list(paths), **options) as engine:  # type: ignore[arg-type]
        return collect_spend(engine, currency=currency)


# -- compression from content, integrity ----------------------------------------------------


def test_a_corrupt_gzip_block_is_an_error_naming_file_and_offset(tmp_path: Path) -> None:
    # Before: DuckDB read the garbage after the damaged block as rows and the report said
    # 847.34 from 4,722 of 9,026 rows, exit 0.
    data = bytearray(SAMPLE_FOCUS.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    damaged = tmp_path / "damaged.csv.gz"
    damaged.write_bytes(bytes(data))
    with pytest.raises(
        BillingInputError, match=r"damaged\.csv\.gz: corrupt gzip data between byte"
    ):
        spend_of(damaged)


def test_a_truncated_gzip_is_an_error(tmp_path: Path) -> None:
    data = SAMPLE_FOCUS.read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        BillingInputError, match=r"cut\.csv\.gz: the gzip stream ends early at byte"
    ):
        spend_of(cut)


def test_compression_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    expected = spend_of(SAMPLE_FOCUS).billed_cost
    gzip_named_csv = tmp_path / "really-gzip.csv"
    gzip_named_csv.write_bytes(SAMPLE_FOCUS.read_bytes())
    plain_named_gz = tmp_path / "really-plain.csv.gz"
    plain_named_gz.write_bytes(gzip.decompress(SAMPLE_FOCUS.read_bytes()))
    assert spend_of(gzip_named_csv).billed_cost == expected == Decimal("1725.6225")
    assert spend_of(plain_named_gz).billed_cost == expected


def test_concatenated_gzip_members_are_all_read(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [focus_row(BilledCost="1")]).read_bytes()
    second = b"".join(
        line + b"\n"
        for line in write_csv(tmp_path / "b.csv", [focus_row(BilledCost="2")])
        .read_bytes()
        .splitlines()[1:]
    )
    joined = tmp_path / "joined.csv.gz"
    joined.write_bytes(gzip.compress(first) + gzip.compress(second))
    assert spend_of(joined).billed_cost == Decimal(3)


def test_other_compressions_are_named(tmp_path: Path) -> None:
    zstd = tmp_path / "bill.csv.zst"
    zstd.write_bytes(b"\x28\xb5\x2f\xfd" + b"\0" * 64)
    with pytest.raises(BillingInputError, match="compressed with zstd"):
        spend_of(zstd)


# -- caps -------------------------------------------------------------------------------------


def test_a_decompression_bomb_stops_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.csv.gz"
    header = write_csv(tmp_path / "h.csv", [focus_row()]).read_bytes()
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        out.write(header)
        for _ in range(200):
            out.write(b"\n" * (1 << 20))  # 200 MiB of empty lines in about 200 kB
    started = time.monotonic()
    with pytest.raises(BillingInputError, match="a decompression bomb"):
        spend_of(bomb)
    assert time.monotonic() - started < 10
    # The absolute cap, with the ratio allowed.
    with pytest.raises(BillingInputError, match="decompresses to more than 1,000 bytes"):
        verify_gzip(str(bomb), bomb.stat().st_size, InputLimits(max_decompressed_bytes=1000))


def test_a_line_over_the_cap_is_a_rejected_row_not_a_hang(tmp_path: Path) -> None:
    rows = [focus_row(BilledCost="1"), focus_row(BilledCost="2", Tags="x" * 5000), focus_row()]
    path = write_csv(tmp_path / "long.csv", rows)
    spend = spend_of(path, limits=InputLimits(max_line_bytes=2000))
    assert spend.billed_cost == Decimal("1.096")
    assert [(r.line, "Maximum line size" in r.error) for r in spend.rejected] == [(3, True)]
    header_only = tmp_path / "wide.csv"
    header_only.write_text("BilledCost," + "x" * 5000 + "\n1\n")
    with pytest.raises(BillingInputError, match=r"wide\.csv:1: the header line is longer than"):
        spend_of(header_only, limits=InputLimits(max_line_bytes=2000))


def test_a_billion_empty_lines_are_not_read_to_find_a_row(tmp_path: Path) -> None:
    path = tmp_path / "empty-lines.csv"
    with path.open("wb") as out:
        out.write(b"BilledCost,ChargePeriodStart,ChargePeriodEnd\n")
        out.write(b"\n" * (50 << 20))
    started = time.monotonic()
    with pytest.raises(BillingInputError, match="no billing rows could be read"):
        spend_of(path)
    assert time.monotonic() - started < 20


# -- file names are literal; patterns only when asked ------------------------------------------


def test_glob_characters_in_a_name_are_literal(tmp_path: Path) -> None:
    # Before: DuckDB expanded "*.csv" and read both files, doubling the spend silently.
    write_csv(tmp_path / "other.csv", [focus_row(BilledCost="5")])
    star = write_csv(tmp_path / "*.csv", [focus_row(BilledCost="1")])
    brackets = write_csv(tmp_path / "[o]ther.csv", [focus_row(BilledCost="7")])
    spend = spend_of(star, brackets)
    assert spend.billed_cost == Decimal(8)
    assert [i.source for i in spend.inputs] == [str(star), str(brackets)]


def test_patterns_and_folders_are_expanded_when_asked(tmp_path: Path) -> None:
    write_csv(tmp_path / "data" / "a.csv", [focus_row(BilledCost="1")])
    write_csv(tmp_path / "data" / "part" / "b.csv", [focus_row(BilledCost="2")])
    (tmp_path / "data" / ".hidden.csv").write_text("not billing")
    (tmp_path / "data" / "readme.txt").write_text("not billing")
    assert spend_of(tmp_path / "data").billed_cost == Decimal(3)
    with DuckDBEngine.open_files([], globs=[str(tmp_path / "data" / "**" / "*.csv")]) as engine:
        assert collect_spend(engine).billed_cost == Decimal(3)
    with pytest.raises(BillingInputError, match="matches no file"):
        DuckDBEngine.open_files([], globs=[str(tmp_path / "*.parquet")])


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [focus_row()])
    (tmp_path / "link.csv").symlink_to(path)
    with pytest.raises(BillingInputError, match="given twice; its rows would count twice"):
        spend_of(path, tmp_path / "link.csv")


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    with pytest.raises(BillingInputError, match="not a regular file"):
        spend_of(fifo)
    if Path("/dev/zero").exists():
        (tmp_path / "zero.csv").symlink_to("/dev/zero")
        with pytest.raises(BillingInputError, match="not a regular file"):
            spend_of(tmp_path / "zero.csv")


# -- one currency per report -------------------------------------------------------------------


def test_mixed_currencies_are_never_added_together(tmp_path: Path) -> None:
    # Before: 1 + 2 + 4 were summed into "7.00 EUR/JPY/USD".
    rows = [
        focus_row(BilledCost="1", BillingCurrency="USD"),
        focus_row(BilledCost="2", BillingCurrency="EUR"),
        focus_row(BilledCost="4", BillingCurrency="JPY"),
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)
    with pytest.raises(
        BillingInputError, match=r"3 currencies: EUR \(1 rows\), JPY \(1 rows\), USD"
    ):
        spend_of(path)
    spend = spend_of(path, currency="EUR")
    assert (spend.currency, spend.billed_cost) == ("EUR", Decimal(2))
    assert spend.other_currencies() == [("JPY", 1, Decimal(4)), ("USD", 1, Decimal(1))]
    with pytest.raises(BillingInputError, match="--currency 'GBP': no billing row is in it"):
        spend_of(path, currency="GBP")


def test_the_report_shows_the_bills_own_currency(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "eur.csv", [focus_row(BilledCost="3", BillingCurrency="EUR")])
    report = run_report([path])
    assert report.currency == "EUR"
    assert report.data_quality.other_currencies == ()


# -- the period bounded by plausible rows ------------------------------------------------------


def test_one_row_dated_2100_is_rejected_not_the_period(tmp_path: Path) -> None:
    # Before: the period ran to 2100, "per month" was 1.92 USD and every saving 0.
    rows = [
        *hourly_rows(240, BilledCost="1"),
        focus_row(
            BilledCost="9",
            ChargePeriodStart="2100-01-01 00:00:00",
            ChargePeriodEnd="2100-01-01 01:00:00",
        ),
    ]
    path = write_csv(tmp_path / "far.csv", rows)
    spend = spend_of(path)
    assert spend.billed_cost == Decimal(240)
    assert (spend.period.start.isoformat(), spend.period.hours) == (
        "2024-09-01T00:00:00",
        Decimal(240),
    )
    assert spend.implausible_rows == 1
    (example,) = spend.implausible
    assert example.period_start.startswith("2100-01-01") and example.billed_cost.startswith("9")
    assert "outside the billing period's months" in example.reason
    report = run_report([path])
    assert report.monthly_billed_cost == Decimal(730)
    assert report.data_quality.implausible_rows == 1


def test_a_period_of_0001_to_9999_is_cut_to_the_bills_months(tmp_path: Path) -> None:
    # Before: the hourly series of 0001-9999 ran out of memory (6.8 GB, MemoryError).
    path = write_csv(tmp_path / "h.csv", hourly_rows(48))
    with DuckDBEngine.open_files([path]) as engine:
        spend = collect_spend(engine, date(1, 1, 1), date(9999, 12, 31))
    assert (spend.period.start.isoformat(), spend.period.end.isoformat()) == (
        "2024-09-01T00:00:00",
        "2024-10-01T00:00:00",
    )
    assert any("cut to the months that hold plausible" in n for n in spend.notes)


def test_dates_spread_over_millennia_are_one_clear_error(tmp_path: Path) -> None:
    rows = [
        focus_row(ChargePeriodStart="0001-01-01 00:00:00", ChargePeriodEnd="0001-01-01 01:00:00"),
        focus_row(ChargePeriodStart="9999-01-01 00:00:00", ChargePeriodEnd="9999-01-01 01:00:00"),
    ]
    path = write_csv(tmp_path / "spread.csv", rows)
    with pytest.raises(
        BillingInputError, match=r"spread over 3,651,725 days \(0001-01 to 9999-02\)"
    ):
        spend_of(path)


def test_plausible_months_keep_the_bill_and_drop_strays() -> None:
    september = 2024 * 12 + 8
    # A month of rows and one stray a year later: the stray goes.
    assert plausible_months({september: 9000, september + 12: 1}) == (september, september)
    # Late charges in the next months stay (no gap over three months).
    assert plausible_months({september: 9000, september + 1: 3, september + 3: 1}) == (
        september,
        september + 3,
    )
    # Two exports a year apart, each a real share: both stay.
    assert plausible_months({september: 500, september + 12: 500}) == (september, september + 12)
    assert plausible_months({}) is None


def test_find_bounds_reports_what_it_cut() -> None:
    months = [MonthRows(2024, 9, "USD", 100, 2024 * 12 + 8, 2024 * 12 + 9, 12.5)]
    bounds = find_bounds(months, None, date(2024, 1, 1), date(2025, 1, 1))
    assert (bounds.since, bounds.until) == (bounds.start, bounds.end)
    assert bounds.plausible_sql() == "TRUE"  # a clean bill pays nothing for the checks
    assert bounds.notes and "cut to the months" in bounds.notes[0]
    with pytest.raises(BillingInputError, match="must be after"):
        find_bounds(months, None, date(2024, 9, 2), date(2024, 9, 1))


# -- DuckDB and decimal errors as one line -----------------------------------------------------


def test_amounts_beyond_exact_decimals_are_rejected_rows(tmp_path: Path) -> None:
    # Before: an OutOfRangeException traceback (HUGEINT addition overflow).
    huge = "99999999999999999999999999"
    rows = [*[focus_row(BilledCost=huge) for _ in range(20)], focus_row(BilledCost="2")]
    rows.append(focus_row(BilledCost="1e40"))
    spend = spend_of(write_csv(tmp_path / "huge.csv", rows))
    assert spend.billed_cost == Decimal(2)
    assert spend.implausible_rows == 20 and len(spend.rejected) == 1
    assert "amount of 1e+15 or more" in spend.implausible[0].reason


def test_non_finite_quantities_and_prices_are_not_a_traceback(tmp_path: Path) -> None:
    rows = [
        focus_row(BilledCost="1", ConsumedQuantity="inf", ListUnitPrice="nan"),
        focus_row(BilledCost="2", ConsumedQuantity="1e400", ListUnitPrice="1e308"),
        focus_row(BilledCost="4", ConsumedQuantity="-inf", ListUnitPrice="-1"),
    ]
    report = run_report([write_csv(tmp_path / "odd.csv", rows)])
    assert report.billed_cost == Decimal(7)


def test_a_parquet_amount_no_decimal_holds_is_one_line(tmp_path: Path) -> None:
    from tests.billing_fixtures import write_parquet

    path = write_parquet(
        tmp_path / "inf.parquet",
        "SELECT 'infinity'::DOUBLE AS BilledCost, TIMESTAMP '2024-09-01' AS ChargePeriodStart, "
        "TIMESTAMP '2024-09-01 01:00:00' AS ChargePeriodEnd",
    )
    with pytest.raises(BillingInputError, match="not a finite amount"):
        spend_of(path)


def test_input_limits_are_settings() -> None:
    limits = ReportSettings(max_line_kib=8, max_compression_ratio=40).input_limits()
    assert (limits.max_line_bytes, limits.max_compression_ratio) == (8192, 40)


def test_a_period_outside_the_bill_is_one_error_not_an_hour_of_nothing(tmp_path: Path) -> None:
    # Before: exit 0, "Period 2025-01-01 00:00 to 2025-01-01 01:00", billed 0.00 (an hour
    # made up when the period asked for and the bill's months did not overlap).
    months = [MonthRows(2024, 9, "USD", 100, 2024 * 12 + 8, 2024 * 12 + 9, 12.5)]
    expected = "holds no billing rows: the bill's rows are from 2024-09-01 to 2024-10-01"
    for since, until, asked in (
        (date(2025, 1, 1), date(2025, 2, 1), "2025-01-01 to 2025-02-01"),
        (date(2024, 10, 1), None, "from 2024-10-01"),
        (None, date(2024, 9, 1), "until 2024-09-01"),
        (date(2024, 2, 1), date(2024, 3, 1), "2024-02-01 to 2024-03-01"),
    ):
        with pytest.raises(BillingInputError, match=re.escape(f"({asked}) {expected}")):
            find_bounds(months, None, since, until)
    # A period overlapping the bill by a day is kept (cut to the bill's months).
    assert find_bounds(months, None, date(2024, 8, 1), date(2024, 9, 2)).until == datetime(
        2024, 9, 2
    )
    path = write_csv(tmp_path / "h.csv", hourly_rows(48))
    with (
        DuckDBEngine.open_files([path]) as engine,
        pytest.raises(BillingInputError, match=expected),
    ):
        collect_spend(engine, date(2025, 1, 1), date(2025, 2, 1))


def test_a_parquet_column_of_the_wrong_type_names_the_file_and_the_column(
    tmp_path: Path,
) -> None:
    # Before: a BOOLEAN BilledCost was read as 1.00 a row; INTEGER dates failed with
    # "cannot read the billing input: Conversion Error: Unimplemented type for cast", no file.
    from tests.billing_fixtures import write_parquet

    dates = "TIMESTAMP '2024-09-01' AS ChargePeriodStart"
    for name, select, message in (
        (
            "bool.parquet",
            f"SELECT true AS BilledCost, {dates}, TIMESTAMP '2024-09-01 01:00' AS ChargePeriodEnd",
            "bool.parquet: column BilledCost is BOOLEAN; expected a number or text holding one",
        ),
        (
            "int.parquet",
            "SELECT 1.5 AS BilledCost, 20240901 AS ChargePeriodStart, 2 AS ChargePeriodEnd",
            "int.parquet: column ChargePeriodStart is INTEGER; expected a TIMESTAMP, a DATE",
        ),
    ):
        path = write_parquet(tmp_path / name, select)
        with pytest.raises(BillingInputError, match=re.escape(f"{tmp_path / message}")):
            spend_of(path)


def test_a_parquet_value_that_is_not_an_amount_or_a_date_is_named_with_its_row(
    tmp_path: Path,
) -> None:
    # Before: "a number in the billing input is not a finite amount an exact decimal holds:
    # Conversion Error: Could not convert string "abc" ...": neither the file nor the row.
    from tests.billing_fixtures import write_parquet

    hours = "TIMESTAMP '2024-09-01' + to_hours(i::INT)"
    good = f"SELECT '1.5' AS BilledCost, {hours} AS ChargePeriodStart, "
    good += f"{hours} + INTERVAL 1 HOUR AS ChargePeriodEnd FROM range(5) t(i)"
    first = write_parquet(tmp_path / "a.parquet", good)
    amounts = write_parquet(
        tmp_path / "b.parquet",
        good.replace("'1.5' AS", "CASE WHEN i = 3 THEN '1,5\x1b[2J' ELSE '2' END AS"),
    )
    with (
        pytest.raises(BillingInputError) as caught,
        DuckDBEngine.open_files([first, amounts]) as engine,
    ):
        collect_spend(engine, None, None)
    assert str(caught.value) == (
        f"{amounts}: row 4, column BilledCost: '1,5\\x1b[2J' is not a finite amount an "
        "exact decimal holds"
    )
    dates = write_parquet(
        tmp_path / "c.parquet",
        good.replace(f"{hours} AS ChargePeriodStart", "'2024-09-31' AS ChargePeriodStart"),
    )
    with pytest.raises(BillingInputError, match=re.escape(f"{dates}: row 1, column Charge")):
        spend_of(dates)
