"""The written report: files, determinism, self-contained HTML, JSON totals, CSV rows."""

from __future__ import annotations

import csv
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan.billing import run_report, write_report
from devops_plan.billing.report_data import RECOMMENDATION_COLUMNS, report_to_dict
from devops_plan.billing.writer import FILE_NAMES, parse_formats
from devops_plan.errors import UserError
from tests.billing_fixtures import REFERENCE_CSV, SAMPLE_FOCUS, SAMPLE_UTILIZATION, decimal_sum

ALL = ("html", "md", "json", "csv")


@pytest.fixture(scope="module")
def sample_report():  # type: ignore[no-untyped-def]
    return run_report([SAMPLE_FOCUS], utilization=SAMPLE_UTILIZATION)


def test_all_formats_are_written_and_byte_identical_on_a_rerun(
    tmp_path: Path, sample_report
) -> None:  # type: ignore[no-untyped-def]
    first = write_report(sample_report, tmp_path / "a", ALL)
    again = run_report([SAMPLE_FOCUS], utilization=SAMPLE_UTILIZATION)
    second = write_report(again, tmp_path / "b", ALL)
    assert [p.name for p in first] == [FILE_NAMES[f] for f in ALL]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    leftovers = [p.name for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_html_is_self_contained_and_readable(tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    (html,) = write_report(sample_report, tmp_path, ("html",))
    text = html.read_text()
    assert text.count('src="data:image/png;base64,') == 2  # waterfall and spend over time
    for external in ('src="http', 'href="http', "<script", "<link"):
        assert external not in text
    data = report_to_dict(sample_report)
    assert f"{Decimal(data['totals']['billed_cost']):,.2f} USD" in text
    assert f"{Decimal(data['totals']['monthly_savings']):,.2f} USD" in text
    for heading in (
        "Where the savings are",
        "Recommendations",
        "Spend over time",
        "Spend by provider",
        "Spend by service",
        "Top resources",
        "Tag hygiene",
    ):
        assert f"<h2>{heading}</h2>" in text
    assert "reporting-host" in text and "Resize to m5.large" in text


def test_json_totals_match_the_input_to_the_cent(tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    (path,) = write_report(sample_report, tmp_path, ("json",))
    data = json.loads(path.read_text())
    import gzip

    text = gzip.decompress(SAMPLE_FOCUS.read_bytes()).decode()
    plain = tmp_path / "sample.csv"
    plain.write_text(text)
    expected, rows = decimal_sum(plain)
    assert data["totals"]["billed_cost"] == f"{expected.quantize(Decimal('0.01')):.2f}"
    assert Decimal(data["totals"]["billed_cost_exact"]) == expected
    assert data["data_quality"]["rows_read"] == rows
    assert data["data_quality"]["rows_rejected"] == 0
    assert data["schema"] == "devops-plan/cost-report/1"
    by_service = sum(Decimal(s["billed_cost"]) for s in data["by_service"])
    assert abs(by_service - expected) < Decimal("0.01") * len(data["by_service"])
    assert data["savings"]["monthly_total"] == f"{sample_report.total_savings:.2f}"
    assert len(data["recommendations"]) == len(sample_report.recommendations)


def test_recommendations_csv(tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    (path,) = write_report(sample_report, tmp_path, ("csv",))
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == RECOMMENDATION_COLUMNS
        rows = list(reader)
    assert len(rows) == len(sample_report.recommendations)
    counted = sum(
        Decimal(r["estimated_monthly_savings"])
        for r in rows
        if r["counted_in_total"] == "yes" and r["estimated_monthly_savings"]
    )
    assert counted == sample_report.total_savings


def test_markdown_has_the_summary_and_tables(tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    (path,) = write_report(sample_report, tmp_path, ("md",))
    text = path.read_text()
    assert text.startswith("# Cloud cost report")
    assert "| Kind | Resource | Finding |" in text
    assert "Estimated savings per month" in text


def test_a_failed_write_leaves_the_previous_report(
    tmp_path: Path, sample_report, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    (path,) = write_report(sample_report, tmp_path, ("json",))
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_report(sample_report, tmp_path, ("json",))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_format_names_are_checked() -> None:
    assert parse_formats("html, md,html") == ("html", "md")
    with pytest.raises(UserError, match=r"unknown format.*pdf"):
        parse_formats("html,pdf")


@pytest.mark.skipif(not REFERENCE_CSV.is_file(), reason="shared/reference is not beside the repo")
def test_reference_report_total_is_the_files_sum(tmp_path: Path) -> None:
    expected, rows = decimal_sum(REFERENCE_CSV)
    report = run_report([REFERENCE_CSV])
    (path,) = write_report(report, tmp_path, ("json",))
    data = json.loads(path.read_text())
    assert Decimal(data["totals"]["billed_cost_exact"]) == expected
    assert data["totals"]["billed_cost"] == f"{expected.quantize(Decimal('0.01'))}"
    assert data["data_quality"]["rows_read"] == rows
    assert {p["provider"] for p in data["by_provider"]} == {"AWS", "Microsoft", "Oracle"}


def test_money_for_people_names_the_bills_currency(tmp_path: Path) -> None:
    # One money format everywhere a person reads money: "1,234.56 EUR", never a bare "$"
    # (the Markdown, HTML and the evidence texts showed "$" even for a bill in euros).
    from tests.billing_fixtures import focus_row, write_csv

    rows = [
        focus_row(
            BillingCurrency="EUR",
            BilledCost="1234.5",
            Tags="{}",
            ChargePeriodStart=f"2024-09-{day:02d} 00:00:00",
            ChargePeriodEnd=f"2024-09-{day + 1:02d} 00:00:00",
        )
        for day in (1, 2)
    ]
    report = run_report([write_csv(tmp_path / "eur.csv", rows)])
    html, md, csv_path = write_report(report, tmp_path / "out", ("md", "html", "csv"))
    for path in (md, html, csv_path):
        assert "$" not in path.read_text(), path.name
    assert "| Billed in the period | 2,469.00 EUR |" in md.read_text()
    assert "2,469.00 EUR" in html.read_text()
    (tags,) = [r for r in report.recommendations if r.kind == "tag_hygiene"]
    assert "a month of " in tags.evidence and " EUR cannot be attributed" in tags.evidence
    assert report_to_dict(report)["totals"]["billed_cost"] == "2469.00"  # JSON: exact, bare


def test_the_package_exports_a_small_public_surface() -> None:
    # What `devops_plan.billing` offers is exactly its __all__ (submodules aside).
    import types

    import devops_plan.billing as billing

    public = {
        name
        for name, value in vars(billing).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(billing.__all__)
    assert billing.__all__ == sorted(billing.__all__)
    assert {"run_report", "Report", "ReportSettings", "write_report"} <= public
