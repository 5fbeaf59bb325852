"""The rule registry: each kind of advice is one Rule with its resource kinds and its typed
settings, and `recommend` dispatches by resource kind without losing a finding."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from functools import cache

import pytest

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
from devops_plan.billing.rules.modernization import ModernizationRule
from devops_plan.billing.rules.rightsizing import RightsizingRule
from devops_plan.billing.settings import InputSettings, ReportSettings
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.sources.utilization import (
    ResourceUsage,
    Utilization,
    load_utilization_csv,
)
from devops_plan.billing.spend import Period, Spend, collect_spend
from devops_plan.catalog import Catalog, load_catalog
from tests.billing_fixtures import SAMPLE_FOCUS, SAMPLE_UTILIZATION, charge_line


@cache
def sample() -> tuple[Spend, tuple[Resource, ...]]:
    with DuckDBEngine.open_files([SAMPLE_FOCUS]) as engine:
        spend = collect_spend(engine)
    return spend, build_inventory(spend.lines)


def test_the_ten_kinds_in_the_report_order() -> None:
    assert list(KINDS) == [
        "idle",
        "rightsizing",
        "modernization",
        "spot",
        "waste",
        "endpoints",
        "logs",
        "storage_class",
        "commitment",
        "tag_hygiene",
    ]
    assert [rule.kind for rule in RULES] == list(KINDS)
    assert KINDS["waste"] == "Storage and network waste"


def test_report_settings_is_every_rules_settings() -> None:
    # recommend() hands each rule the ReportSettings: it must be an instance of the rule's model,
    # and every field of the report's model belongs to a rule, but for the report's own list size
    # and the limits on input files.
    fields: set[str] = set()
    for rule in RULES:
        assert issubclass(ReportSettings, rule.settings_model), rule.kind
        fields |= set(rule.settings_model.model_fields)
    assert issubclass(ReportSettings, InputSettings)
    assert set(ReportSettings.model_fields) == fields | {"top_resources"} | set(
        InputSettings.model_fields
    )
    assert len(ReportSettings.model_fields) == 21


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
        "max_decompressed_gib",
        "max_compression_ratio",
        "max_line_kib",
        "endpoint_zones",
        "log_retention_days",
        "cold_reads_per_gb_month",
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
    # endpoints and storage_class price NAT endpoints and S3 classes from the catalog rows.
    assert set(flagged) == {
        "idle",
        "rightsizing",
        "modernization",
        "spot",
        "waste",
        "endpoints",
        "storage_class",
    }
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


# -- one burstable rule: Price.burstable, per cloud ------------------------------------------------

MONTH_START, MONTH_END = datetime(2024, 9, 1), datetime(2024, 10, 1)


# Machines of each cloud: provider name, region and resource id as a bill has them.
MACHINES = {
    "aws": ("AWS", "us-east-1", "i-0123456789abcdef0"),
    "azure": (
        "Microsoft",
        "eastus",
        "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/virtualmachines/vm1",
    ),
    "gcp": (
        "Google Cloud",
        "us-central1",
        "//compute.googleapis.com/projects/p/zones/us-central1-a/instances/vm1",
    ),
}


def machine_context(instance_type: str, catalog: Catalog) -> tuple[Resource, RuleContext]:
    """A month of one on-demand machine of the catalog's cloud, quiet (P95 CPU 3%, peak
    memory 10%) for 30 days."""
    provider, region, resource_id = MACHINES[catalog.cloud]
    line = charge_line(
        provider=provider,
        region=region,
        resource_id=resource_id,
        instance_type=instance_type,
        charge_description=f"{instance_type} instance hour",
    )
    spend = Spend(Period(MONTH_START, MONTH_END), (line,), (), (), (), (), "test", False)
    quiet = ResourceUsage(resource_id, 720, 30.0, 3.0, 10.0, 100.0, None)
    (r,) = build_inventory([line])
    usage = Utilization({resource_id: quiet})
    return r, RuleContext(spend, usage, {catalog.cloud: catalog})


@pytest.mark.parametrize(
    ("cloud", "instance_type", "action"),
    [
        # Azure's B-series and GCP's shared-core e2-micro/small/medium are burstable too: the
        # rule once knew only families starting with "t", and offered Standard_B1s and e2-micro.
        ("azure", "Standard_D2s_v5", "Resize to Standard_F2s_v2 (another family)"),
        ("gcp", "e2-standard-2", "Resize to e2-highcpu-2 (same family)"),
        # A burstable machine may stay burstable.
        ("aws", "t3.xlarge", "Resize to t3.small (same family)"),
    ],
)
def test_rightsizing_offers_a_burstable_type_only_to_a_burstable_machine(
    cloud: str, instance_type: str, action: str
) -> None:
    vm, ctx = machine_context(instance_type, load_catalog(cloud))
    (rec,) = RightsizingRule().recommend(vm, ctx, ReportSettings())
    assert rec.action == action


def test_modernization_never_moves_a_full_core_machine_to_a_shared_core_type() -> None:
    # A class is the family's letter; burstability must match too. No shipped catalog has a
    # previous-generation family sharing its letter with a shared-core one, so three rows
    # made from GCP's e2-medium (2 vCPU, 4 GiB, shared core).
    medium = load_catalog("gcp").price("e2-medium", "us-central1")
    assert medium.burstable
    catalog = Catalog(
        "gcp",
        [
            medium,
            replace(
                medium,
                product="e1-standard-2",
                family="e1",
                generation="previous",
                unit_price=Decimal("0.06"),
            ),
            replace(medium, product="e2-custom-2", unit_price=Decimal("0.05")),
        ],
    )
    vm, ctx = machine_context("e1-standard-2", catalog)
    assert catalog.find("e1-standard-2", "us-central1") is not None
    (rec,) = ModernizationRule().recommend(vm, ctx, ReportSettings())
    assert rec.action == "Move to e2-custom-2"
