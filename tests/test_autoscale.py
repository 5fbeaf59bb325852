"""Autoscaled compute priced hour by hour over the load profile, commitments on the always-on
baseline, the HPA, node pool bounds and Terraform variables agreeing with the plan; the
catalog freshness warning; an ingest API's load balancer capacity from its own bytes."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from devops_plan import build_plan, load_design
from devops_plan.catalog import load_catalog, write_catalog
from devops_plan.design import Design, StatelessService
from devops_plan.engine.formulas import PodGroup, node_shape, pack_first_fit_decreasing
from devops_plan.render import k8s
from devops_plan.render.tfvars import tfvars

from .conftest import DESIGNS, ROOT

DIURNAL = YAML(typ="safe").load((ROOT / "data" / "sizing.yaml").read_text())["traffic"]["diurnal"]


@pytest.fixture(scope="module")
def shop() -> Design:
    return load_design(DESIGNS / "shop.yaml")


def test_the_diurnal_profile_is_24_factors_peaking_at_1() -> None:
    assert len(DIURNAL) == 24 and max(DIURNAL) == 1 and min(DIURNAL) == 0.3
    assert sum(DIURNAL) / 24 == pytest.approx(0.65, abs=0.001)


def test_replicas_follow_the_hpa_rule_hour_by_hour(shop: Design) -> None:
    plan = build_plan(shop)
    manifests = {
        d["metadata"]["name"]: d
        for docs in k8s.manifests(plan, shop).values()
        for d in docs
        if d.get("kind") == "HorizontalPodAutoscaler"
    }
    for s in plan.services:
        if s.kind != "stateless":
            continue
        sizing = s.sizing
        assert sizing is not None
        # The HPA's target: the planned replicas' CPU use at the peak, in whole percent.
        target = math.floor(100 * sizing.offered_load_vcpu / (sizing.vcpu_per_replica * s.replicas))
        # The floor: one per zone, two from 99.9%, in whole zones (shop: 3).
        floor = math.ceil(sizing.n_minimum / s.zones) * s.zones
        expected = tuple(
            max(
                floor,
                min(
                    s.replicas,
                    math.ceil(
                        f * sizing.offered_load_vcpu / (sizing.vcpu_per_replica * target / 100)
                        - 1e-9
                    ),
                ),
            )
            for f in DIURNAL
        )
        assert s.hourly_replicas == expected
        assert s.min_replicas == floor and max(expected) == s.replicas
        spec = manifests[s.name]["spec"]
        assert (spec["minReplicas"], spec["maxReplicas"]) == (floor, s.replicas)
        assert spec["metrics"][0]["resource"]["target"]["averageUtilization"] == target


def test_nodes_are_each_hours_pods_packed_and_priced_on_average(shop: Design) -> None:
    plan = build_plan(shop)
    (pool,) = plan.node_pools
    catalog = load_catalog("aws")
    row = catalog.price(pool.instance_type, "us-east-1")
    shape = node_shape(row.product, row.vcpu or 0, row.memory_gib or 0, _rules())
    by_name = {s.name: s for s in plan.services}
    for hour in range(24):
        pods = [
            PodGroup(n, by_name[n].cpu_request_m or 0, by_name[n].memory_request_mib or 0,
                     -(-by_name[n].hourly_replicas[hour] // 3))
            for n in pool.services
        ]  # fmt: skip
        assert pool.hourly_nodes[hour] == 3 * (pack_first_fit_decreasing(pods, shape) or 0)
    assert (pool.min_nodes, pool.nodes) == (min(pool.hourly_nodes), max(pool.hourly_nodes))
    average = Fraction(sum(pool.hourly_nodes), 24)
    nodes = [
        i for i in plan.cost.line_items if i.resource == "node-pool/default" and i.unit == "hour"
    ]
    assert sum(Fraction(str(i.quantity)) for i in nodes) == average * 730
    # tfvars: the cluster autoscaler's bounds are the schedule's extremes.
    pools = tfvars(plan, shop)["node_pools"]
    assert (pools["default"]["min_node_count"], pools["default"]["max_node_count"]) == (
        pool.min_nodes,
        pool.nodes,
    )


def _rules() -> dict:  # type: ignore[type-arg]
    from devops_plan.defaults import sizing_rules

    return dict(sizing_rules().allocatable["aws"])


def test_commitments_cover_the_always_on_nodes_only(shop: Design) -> None:
    plan = build_plan(shop, purchase="reserved_1y")
    (pool,) = plan.node_pools
    low, average = pool.min_nodes, Fraction(sum(pool.hourly_nodes), 24)
    for service in pool.services:
        mine = [
            i
            for i in plan.cost.line_items
            if i.resource == "node-pool/default" and i.service == service and i.unit == "hour"
        ]
        # The fewest nodes any hour needs are committed; the hours above them on demand.
        assert [i.purchase for i in mine] == ["reserved_1y", "on_demand"]
        base, above = (Fraction(str(i.quantity)) for i in mine)
        assert base / (base + above) == pytest.approx(float(low / average), rel=1e-5)


def test_peak_provisioned_is_the_plan_with_every_instance_at_its_peak(shop: Design) -> None:
    plan = build_plan(shop)
    pinned = shop.model_copy(
        update={
            "services": tuple(
                s.model_copy(
                    update={
                        "scaling": s.scaling.model_copy(
                            update={"min_replicas": plan.service(s.name).replicas}
                        )
                    }
                )
                if isinstance(s, StatelessService)
                else s
                for s in shop.services
            )
        }
    )
    flat = build_plan(pinned)
    assert all(p.hourly_nodes == (p.nodes,) * 24 for p in flat.node_pools)
    assert plan.cost.peak_provisioned == flat.cost.monthly_total
    assert plan.cost.monthly_total < plan.cost.peak_provisioned


# -- catalog freshness ----------------------------------------------------------------------


def test_an_old_catalog_warns_how_to_refresh_it(shop: Design, tmp_path: Path) -> None:
    # The shipped prices are dated 2025-01-01: fresh until six months have passed.
    fresh = build_plan(shop, today="2025-06-30")
    assert fresh.catalog.oldest_price == "2025-01-01" and not fresh.catalog.stale
    assert not any("months old" in w for w in fresh.warnings)
    stale = build_plan(shop, today="2025-07-01")
    assert stale.catalog.stale and stale.catalog.source == "shipped"
    assert (
        "prices from the aws catalog as of 2025-01-01 are more than 6 months old; refresh them "
        "with `devops-plan catalog refresh aws --region us-east-1 --out DIR/aws.csv` and plan "
        "with `--catalog DIR` (or DEVOPS_PLAN_CATALOG=DIR)"
    ) in stale.warnings
    # A catalog whose prices are all recent does not warn.
    from dataclasses import replace

    rows = [replace(p, as_of="2026-11-30") for p in load_catalog("aws").rows]
    write_catalog("aws", rows, tmp_path / "aws.csv")
    recent = build_plan(shop, today="2026-12-05", catalog_dir=tmp_path)
    assert not recent.catalog.stale and recent.catalog.source == str(tmp_path / "aws.csv")


# -- an ingest API's capacity units ---------------------------------------------------------


def test_an_ingest_api_returning_202_needs_an_order_of_magnitude_fewer_lcus() -> None:
    plan = build_plan(load_design(DESIGNS / "ingest.yaml"))
    (lcus,) = [
        i
        for i in plan.cost.line_items
        if i.resource == "load-balancer/collector" and i.unit == "LCU-hour"
    ]
    # Before: every response counted as 16 KiB at half the peak: 10,000 rps x 16 KiB x 3,600 s
    # = 589.8 GB an hour -> 589.8 LCU, 430,556 LCU-hours, 3,444.45 USD a month.
    before = Fraction(20000, 2) * 16 * 1024 * 3600 / 10**9 * 730
    # Now: its own 0.5 KiB in and 0.5 KiB out over the diurnal day (mean 0.65 of peak):
    # 13,017 rps x 1 KiB x 3,600 s = 47.99 GB an hour, against 1,301.7 new connections a
    # second / 25 = 52.07 LCU: the new connections bind.
    mean = Fraction(sum(Fraction(str(f)) for f in DIURNAL), 24)
    rps = 20000 * mean
    now = max(rps / 10 / 25, rps * 1024 * 3600 / Fraction(10**9), rps / 10 * 60 / 3000)
    assert now == rps / 10 / 25
    assert lcus.quantity == pytest.approx(float(now * 730), abs=1e-3)
    assert before / Fraction(str(lcus.quantity)) > 10
    assert Decimal(str(lcus.monthly_cost)) * 10 < Decimal("3444.45")
