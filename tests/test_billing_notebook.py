"""notebooks/cost_report.ipynb: its parameters, its helpers, and a headless run."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import papermill as pm
import pytest

from devops_plan import notebooks as nbk
from devops_plan.billing import notebook as cr
from devops_plan.errors import UserError
from tests.billing_fixtures import ROOT, SAMPLE_FOCUS, SAMPLE_UTILIZATION, focus_row, write_csv

NOTEBOOK = ROOT / "notebooks" / "cost_report.ipynb"


def test_parameters_are_the_issue_contract() -> None:
    info = nbk.find_notebook("cost_report")
    assert [(p.name, p.type) for p in info.parameters] == [
        ("billing", "str"),
        ("utilization", "str"),
        ("since", "str"),
        ("until", "str"),
        ("out_dir", "str"),
        ("history", "str"),
    ]
    raw = pm.inspect_notebook(str(NOTEBOOK))
    assert all(p["help"].strip() for p in raw.values())


def test_committed_without_outputs_paired_and_without_logic() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    py = jupytext.read(NOTEBOOK.with_suffix(".py"), fmt="py:percent")
    assert [(c.cell_type, c.source) for c in jupytext.read(NOTEBOOK).cells] == [
        (c.cell_type, c.source) for c in py.cells
    ]
    for cell in code:
        for line in cell.source.splitlines():
            word = line.strip().split(" ", 1)[0]
            assert word not in {"def", "class", "for", "while", "if", "try:", "with", "lambda"}


def test_helpers_read_comma_separated_paths_and_dates(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", [focus_row(BilledCost="1")])
    b = write_csv(tmp_path / "b.csv", [focus_row(BilledCost="2")])
    report = cr.report_from_parameters(f"{a}, {b}", "", "2024-09-01", "")
    assert report.billed_cost == 3
    assert "Estimated savings per month" in cr.summary_markdown(report)
    assert cr.write_outputs(report, "") == []
    with pytest.raises(UserError, match="parameter until='soon'"):
        cr.report_from_parameters(str(a), until="soon")
    with pytest.raises(UserError, match="at least one billing export"):
        cr.report_from_parameters(" , ")


def test_tables_and_charts_for_display() -> None:
    report = cr.report_from_parameters(str(SAMPLE_FOCUS), str(SAMPLE_UTILIZATION))
    table = cr.recommendations_table(report)
    assert list(table.columns)[:2] == ["kind", "resource"] and len(table) == len(
        report.recommendations
    )
    assert cr.savings_chart(report).data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(cr.services_table(report)) == len(report.by_service)
    assert "taggable spend" in cr.quality_markdown(report)


@pytest.mark.slow
def test_runs_headless_and_writes_the_report(tmp_path: Path) -> None:
    result = nbk.run_notebook("cost_report", out_dir=tmp_path, html=True)
    names = sorted(p.name for p in result.files)
    assert names == [
        "cost_report.html",
        "cost_report.ipynb",
        "recommendations.csv",
        "report.html",
        "report.json",
        "report.md",
    ]
    data = json.loads((tmp_path / "report.json").read_text())
    planted = json.loads((SAMPLE_FOCUS.parent / "planted.json").read_text())["planted"]
    counted = sum(float(p["monthly_savings"]) for p in planted if p["counted_in_total"])
    assert float(data["savings"]["monthly_total"]) == pytest.approx(counted, abs=0.001)


def test_the_notebook_shows_the_reports_own_tables() -> None:
    # As report.html: money with its currency, no pandas index, no cut text, services with
    # their category (three "Amazon Elastic Compute Cloud" rows told apart).
    report = cr.report_from_parameters(str(SAMPLE_FOCUS), str(SAMPLE_UTILIZATION))
    services = cr.section_html(report, "services").data
    assert "<th>Category</th>" in services and "dataframe" not in services
    assert services.count("<td>Amazon Elastic Compute Cloud</td><td>") == 3
    recommendations = cr.section_html(report, "recommendations").data
    assert " USD</td>" in recommendations and "..." not in recommendations
    longest = max((r.evidence for r in report.recommendations), key=len)
    assert (
        longest.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in recommendations
    )
    assert "<th>Not judged, and why</th>" in cr.section_html(report, "coverage").data
    with pytest.raises(UserError, match="section 'x'"):
        cr.section_html(report, "x")


def test_the_quality_markdown_shows_bill_text_as_text(tmp_path: Path) -> None:
    # Before: a reason quoting the bill (a provider without a catalog) went into the
    # notebook's Markdown as it was, and cost_report.html held a live <script> element.
    payload = "<script>alert(1)</script>[x](javascript:alert(1))"
    bill = write_csv(tmp_path / "b.csv", [focus_row(ProviderName=payload)])
    report = cr.report_from_parameters(str(bill))
    assert payload in str(report.coverage)  # the reason quotes the bill
    text = cr.quality_markdown(report)
    assert "<script>" not in text and "[x](" not in text  # no element, no link
    assert r"&lt;script&gt;alert(1)&lt;/script&gt;\[x\](javascript:alert(1))" in text
