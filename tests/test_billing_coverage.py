"""Never a bare "0 savings": per kind of advice, what it looked at, judged and could not judge,
with the reason as a value (krr's "not enough data")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from devops_plan.billing.report import run_report
from devops_plan.billing.report_data import report_to_dict
from devops_plan.billing.rules import KINDS
from devops_plan.billing.rules.coverage import NO_USAGE, NOT_ENOUGH
from devops_plan.billing.settings import ReportSettings
from devops_plan.billing.writer import render_markdown
from tests.billing_fixtures import SAMPLE_FOCUS, SAMPLE_UTILIZATION, focus_row, write_csv


def _kinds(report) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {c["kind"]: c for c in report_to_dict(report)["coverage"]}


def test_without_utilization_the_machines_are_not_judged_and_the_report_says_so() -> None:
    kinds = _kinds(run_report([SAMPLE_FOCUS]))
    assert kinds["idle"]["judged"] == 0
    (gap,) = kinds["idle"]["not_judged"]
    assert (gap["reason"], gap["resources"]) == (NO_USAGE, kinds["idle"]["resources"])
    assert kinds["spot"]["not_judged"] == [] and kinds["commitment"]["judged"] == 1
    # Every kind of advice says what it could judge (the kinds: test_billing_rules.py).
    assert set(kinds) == set(KINDS)


def test_with_utilization_they_are_judged() -> None:
    kinds = _kinds(run_report([SAMPLE_FOCUS], utilization=SAMPLE_UTILIZATION))
    assert kinds["rightsizing"]["judged"] == kinds["rightsizing"]["resources"] > 0
    assert all(g["reason"] != NO_USAGE for g in kinds["waste"]["not_judged"])


def test_a_bill_with_nothing_to_save_says_what_was_not_judged(tmp_path: Path) -> None:
    start = datetime(2024, 9, 1)
    rows = [
        focus_row(
            ChargePeriodStart=f"{start + timedelta(hours=h):%Y-%m-%d %H:%M:%S}",
            ChargePeriodEnd=f"{start + timedelta(hours=h + 1):%Y-%m-%d %H:%M:%S}",
        )
        for h in range(48)
    ]
    utilization = tmp_path / "u.csv"
    utilization.write_text(
        "resource_id,timestamp,cpu_pct,mem_pct\n"
        + "".join(f"i-0123456789abcdef0,2024-09-01 {h:02d}:00:00,50,50\n" for h in range(24))
    )
    no_commitments = ReportSettings(commitment_options=())
    report = run_report(
        [write_csv(tmp_path / "b.csv", rows)], utilization=utilization, settings=no_commitments
    )
    assert report.total_savings == 0
    kinds = _kinds(report)
    assert [g["reason"] for g in kinds["rightsizing"]["not_judged"]] == [NOT_ENOUGH]
    md = render_markdown(report)
    assert "| Rightsizing | 1 | " in md and "not enough data" in md
    assert json.dumps(report_to_dict(report)["coverage"])
