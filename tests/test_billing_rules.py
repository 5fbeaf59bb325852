"""The rule registry: each kind of advice is one Rule with its resource kinds and its typed
settings, and `recommend` dispatches by resource kind without losing a finding."""

from __future__ import annotations

from functools import cache

from devops_plan.billing.inventory import Resource, build_inventory
from devops_plan.billing.report import load_catalogs
from devops_plan.billing.rules import (
    KINDS,
    RESOURCE_RULES,
    RULES,
    RuleContext,
    recommend,
    rules_for,
)
from devops_plan.billing.settings import ReportSettings
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.sources.utilization import load_utilization_csv
from devops_plan.billing.spend import Spend, collect_spend
from tests.billing_fixtures import SAMPLE_FOCUS, SAMPLE_UTILIZATION


@cache
def sample() -> tuple[Spend, tuple[Resource, ...]]:
    with DuckDBEngine.open_files([SAMPLE_FOCUS]) as engine:
        spend = collect_spend(engine)
    return spend, build_inventory(spend.lines)


def test_the_seven_kinds_in_the_report_order() -> None:
    assert list(KINDS) == [
        "idle",
        "rightsizing",
        "modernization",
        "spot",
        "waste",
        "commitment",
        "tag_hygiene",
    ]
    assert [rule.kind for rule in RULES] == list(KINDS)
    assert KINDS["waste"] == "Storage and network waste"


def test_report_settings_is_every_rules_settings() -> None:
    # recommend() hands each rule the ReportSettings: it must be an instance of the rule's model,
    # and every field of the report's model belongs to a rule, but for the report's own list size.
    fields: set[str] = set()
    for rule in RULES:
        assert issubclass(ReportSettings, rule.settings_model), rule.kind
        fields |= set(rule.settings_model.model_fields)
    assert set(ReportSettings.model_fields) == fields | {"top_resources"}
    assert len(ReportSettings.model_fields) == 15


def test_settings_keep_the_order_report_json_has_always_had() -> None:
    assert list(ReportSettings.model_fields) == [
        "headroom",
        "min_days",
        "idle_cpu_p95_pct",
        "idle_network_mb_per_day",
        "idle_volume_ops_per_day",
        "snapshot_max_age_days",
        "snapshot_created_tags",
        "idle_nat_gb_per_month",
        "idle_lb_lcu_per_hour",
        "required_tags",
        "spot_tags",
        "spot_name_patterns",
        "commitment_options",
        "min_monthly_savings",
        "top_resources",
    ]


def test_dispatch_by_kind_loses_nothing() -> None:
    # Each rule, run on every resource of the sample whatever its kind, flags only resources
    # of the kinds it declares: so running it only on those kinds finds the same.
    spend, inventory = sample()
    catalogs, _ = load_catalogs(spend)
    ctx = RuleContext(spend, load_utilization_csv(SAMPLE_UTILIZATION), catalogs)
    settings = ReportSettings()
    flagged: dict[str, set[str]] = {}
    for rule in RESOURCE_RULES:
        for r in inventory:
            if rule.recommend(r, ctx, settings):
                flagged.setdefault(rule.kind, set()).add(r.kind)
        assert flagged.get(rule.kind, set()) <= rule.resource_kinds, rule.kind
    assert set(flagged) == {"idle", "rightsizing", "modernization", "spot", "waste"}
    assert flagged["modernization"] == {"vm", "volume"}
    assert [rule.kind for rule in rules_for("volume")] == ["modernization", "waste"]
    assert rules_for("other") == ()


def test_recommend_needs_no_inventory_from_the_caller() -> None:
    spend, inventory = sample()
    catalogs, _ = load_catalogs(spend)
    usage = load_utilization_csv(SAMPLE_UTILIZATION)
    given = recommend(spend, usage, catalogs, ReportSettings(), inventory)
    built = recommend(spend, usage, catalogs, ReportSettings())
    assert given == built
    assert len(given.recommendations) > 10
