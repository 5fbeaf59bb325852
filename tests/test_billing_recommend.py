"""Recommendations: the planted waste of the shipped sample, overlaps, prices, commitments."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_plan.billing.commitments import best_level, hourly_series, plan_commitment
from devops_plan.billing.report import Report, build_report, load_catalogs
from devops_plan.billing.rules import recommend, savings_by_kind
from devops_plan.billing.settings import ReportSettings
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.sources.utilization import Utilization, load_utilization_csv
from devops_plan.billing.spend import Spend, collect_spend
from devops_plan.catalog import load_catalog
from tests.billing_fixtures import (
    SAMPLE_FOCUS,
    SAMPLE_PLANTED,
    SAMPLE_UTILIZATION,
    focus_row,
    load_generator,
    write_csv,
)


@cache
def sample_spend() -> Spend:
    with DuckDBEngine.open_files([SAMPLE_FOCUS]) as engine:
        return collect_spend(engine)


@cache
def sample_usage() -> Utilization:
    return load_utilization_csv(SAMPLE_UTILIZATION)


@cache
def sample_report() -> Report:
    spend = sample_spend()
    catalogs, notes = load_catalogs(spend)
    return build_report(spend, sample_usage(), catalogs, ReportSettings(), notes)


def planted() -> list[dict[str, object]]:
    return list(json.loads(SAMPLE_PLANTED.read_text())["planted"])


def test_the_committed_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    # The data in data/billing is exactly the generator's output for its seed: regenerate
    # and compare bytes, so planted.json cannot drift from the sample it describes.
    generator = load_generator()
    written = generator.write(tmp_path, json.loads(SAMPLE_PLANTED.read_text())["seed"])
    for path in written:
        assert path.read_bytes() == (SAMPLE_FOCUS.parent / path.name).read_bytes(), path.name


def test_every_planted_item_is_found_with_its_expected_savings() -> None:
    report = sample_report()
    found = {
        (r.kind, r.resource_id): (
            None if r.estimated_monthly_savings is None else f"{r.estimated_monthly_savings:.2f}",
            r.counted,
        )
        for r in report.recommendations
    }
    expected = {
        (str(p["kind"]), str(p["resource_id"])): (p["monthly_savings"], p["counted_in_total"])
        for p in planted()
    }
    missing = sorted(set(expected) - set(found))
    unplanted = sorted(set(found) - set(expected))
    assert not missing, f"planted waste not found: {missing}"
    assert not unplanted, f"flagged but not planted: {unplanted}"
    assert found == expected


def test_overlapping_recommendations_count_once() -> None:
    report = sample_report()
    counted = [p for p in planted() if p["counted_in_total"] and p["monthly_savings"]]
    total = sum((Decimal(str(p["monthly_savings"])) for p in counted), Decimal(0))
    assert report.total_savings == total
    naive = sum(
        (r.estimated_monthly_savings or Decimal(0) for r in report.recommendations), Decimal(0)
    )
    assert naive > report.total_savings  # the overlaps exist, and are left out
    by_resource: dict[str, int] = {}
    for r in report.recommendations:
        if r.counted:
            by_resource[r.resource_id] = by_resource.get(r.resource_id, 0) + 1
    assert max(by_resource.values()) == 1
    assert sum(v for _, v in report.savings_by_kind) == report.total_savings


def test_findings_carry_evidence_and_a_price_source() -> None:
    report = sample_report()
    by_name = {(r.kind, r.resource_name): r for r in report.recommendations}
    oversized = by_name[("rightsizing", "reporting-host")]
    assert "m5.2xlarge" in oversized.evidence and oversized.action.startswith("Resize to m5.large")
    assert oversized.price_source.startswith("catalog aws")
    assert oversized.confidence == "high"
    assert "P95 CPU" in oversized.evidence and "peak memory" in oversized.evidence
    modern = by_name[("modernization", "legacy-app")]
    assert "m6i.xlarge" in modern.action and "m6g.xlarge" in modern.evidence  # Graviton noted
    idle = by_name[("idle", "idle-dev-box")]
    assert idle.current_monthly_cost == idle.estimated_monthly_savings
    commitment = next(r for r in report.recommendations if r.kind == "commitment")
    assert "breaks even" in commitment.evidence and "coverage" in commitment.evidence


def test_without_a_catalog_nothing_is_invented() -> None:
    spend = sample_spend()
    findings = recommend(spend, sample_usage(), {}, ReportSettings())
    for rec in findings.recommendations:
        needs_catalog = rec.kind in ("rightsizing", "spot", "commitment") or (
            rec.kind == "modernization" and rec.resource_id.startswith("i-")
        )
        if needs_catalog and rec.estimated_monthly_savings is not None:
            pytest.fail(f"priced without a catalog: {rec}")
    gp2 = [
        r
        for r in findings.recommendations
        if r.resource_id.startswith("vol-") and r.kind == "modernization"
    ]
    assert gp2 and all(r.estimated_monthly_savings is None for r in gp2)
    # Idle and waste findings are priced from what the bill says was paid.
    idle = [r for r in findings.recommendations if r.kind == "idle"]
    assert idle and all(r.price_source == "billed cost" for r in idle)
    assert any("no price catalog" in n for n in findings.notes)


def test_the_bill_list_price_stands_in_for_a_missing_catalog_product(tmp_path: Path) -> None:
    # An on-demand machine of a type the catalog does not have, tagged for spot: its current
    # price comes from the bill's ListUnitPrice; with no spot price the finding has no figure.
    rows = [
        focus_row(
            ChargeDescription="$1.234 per On Demand Linux x9z.large Instance Hour",
            ListUnitPrice="1.234",
            BilledCost="1.234",
            Tags=json.dumps({"environment": "ci", "owner": "me", "workload": "batch"}),
            ChargePeriodStart=f"2024-09-01 {h:02d}:00:00",
            ChargePeriodEnd=f"2024-09-01 {h + 1:02d}:00:00",
        )
        for h in range(23)
    ]
    with DuckDBEngine.open_files([write_csv(tmp_path / "x.csv", rows)]) as engine:
        spend = collect_spend(engine)
    findings = recommend(spend, Utilization(), {"aws": load_catalog("aws")}, ReportSettings())
    (spot,) = [r for r in findings.recommendations if r.kind == "spot"]
    assert spot.estimated_monthly_savings is None and "no spot price" in spot.evidence
    assert any("x9z.large" in n for n in findings.notes)


def test_required_tags_and_spot_rules_are_settings() -> None:
    spend = sample_spend()
    catalogs, _ = load_catalogs(spend)
    owner_only = build_report(
        spend, sample_usage(), catalogs, ReportSettings(required_tags=("owner",))
    )
    both = sample_report()
    assert owner_only.tag_hygiene.untagged_cost < both.tag_hygiene.untagged_cost
    assert {rid for rid, *_ in owner_only.tag_hygiene.untagged} == {
        r.resource_id for r in spend.lines if r.resource_name == "idle-dev-box"
    }
    no_spot = build_report(
        spend, sample_usage(), catalogs, ReportSettings(spot_tags={}, spot_name_patterns=())
    )
    assert not [r for r in no_spot.recommendations if r.kind == "spot"]


def test_too_little_utilization_data_means_no_idle_or_rightsizing_verdict() -> None:
    spend = sample_spend()
    catalogs, _ = load_catalogs(spend)
    strict = build_report(spend, sample_usage(), catalogs, ReportSettings(min_days=45))
    kinds = {r.kind for r in strict.recommendations}
    assert "idle" not in kinds and "rightsizing" not in kinds
    assert any("less than 45 days" in n for n in strict.data_quality.notes)


def test_without_utilization_machines_are_not_judged() -> None:
    spend = sample_spend()
    catalogs, _ = load_catalogs(spend)
    report = build_report(spend, None, catalogs)
    kinds = {r.kind for r in report.recommendations}
    assert "idle" not in kinds and "rightsizing" not in kinds
    assert "modernization" in kinds and "commitment" in kinds
    assert any("no utilization data" in n for n in report.data_quality.notes)


# -- the commitment arithmetic ----------------------------------------------------------------


def _brute(series: list[Decimal], discount: Decimal) -> tuple[Decimal, Decimal]:
    best = (Decimal(0), Decimal(0))
    for level in sorted(set(series)):
        net = sum((min(v, level) for v in series), Decimal(0)) / len(series) - level * (
            1 - discount
        )
        if net > best[1]:
            best = (level, net)
    return best


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 500), min_size=1, max_size=80),
    st.integers(1, 80),
)
def test_best_level_is_the_brute_force_optimum(cents: list[int], pct: int) -> None:
    series = [Decimal(c) / 100 for c in cents]
    discount = Decimal(pct) / 100
    level, _, net = best_level(series, discount)
    assert (level, net) == _brute(series, discount)


def test_commitment_break_even_coverage_and_rounding() -> None:
    series = [Decimal(1)] * 60 + [Decimal(2)] * 40
    plan = plan_commitment(series, "savings_plan_1y", Decimal("0.3"))
    # Above $1/h only 40% of hours use it, less than the 70% a commitment must be used.
    assert plan.level_per_hour == Decimal(1)
    assert plan.commitment_per_hour == Decimal("0.700")
    assert plan.break_even_utilization == Decimal("0.7")
    assert plan.coverage == Decimal(1) / Decimal("1.4")
    assert plan.utilization == Decimal(1)
    assert plan.net_savings_per_hour == Decimal("0.3")


def test_daily_charge_periods_are_spread_over_their_hours() -> None:
    start = datetime(2024, 9, 1)
    series = hourly_series(
        [
            (start, start + timedelta(days=1), Decimal(48)),
            (start, start + timedelta(hours=1), Decimal(1)),
        ],
        start,
        start + timedelta(days=2),
    )
    assert len(series) == 48
    assert series[0] == Decimal(3) and series[1] == Decimal(2) and series[24] == Decimal(0)


def test_savings_by_kind_keeps_the_report_order() -> None:
    report = sample_report()
    kinds = [k for k, _ in savings_by_kind(report.recommendations)]
    assert kinds == [
        "idle",
        "rightsizing",
        "modernization",
        "spot",
        "waste",
        "endpoints",
        "storage_class",
        "commitment",
    ]
