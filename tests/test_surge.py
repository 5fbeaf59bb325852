"""Deploy surge worked by hand: a blue-green service's second copy priced as its own line item,
hour by hour over its autoscaled replicas, bought as its pool is but never committed."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ruamel.yaml import YAML

from devops_plan.design import parse_design
from devops_plan.engine import build_plan
from devops_plan.engine.surge import rolling_surge, surge_nodes, surge_pods

ROOT = Path(__file__).resolve().parents[1]
SIZING = YAML(typ="safe").load((ROOT / "data" / "sizing.yaml").read_text(encoding="utf-8"))
DIURNAL = [Fraction(str(f)) for f in SIZING["traffic"]["diurnal"]]

DESIGN = """
name: bg
cloud: aws
regions: [us-east-1]
zones: 3
services:
  - name: api
    kind: stateless
    entrypoint: true
    load: {peak_rps: 100, cpu_ms: 20}
    deploy: {strategy: blue_green, deploys_per_day: 4, duration: 30m}
    depends_on: [db]
  - name: db
    kind: database
    size: {vcpu: 2, memory_gib: 8, storage_gib: 50}
"""
C6G_LARGE = Decimal("0.068")  # USD an hour, on demand, us-east-1 (the catalog's row)
DEPLOY_HOURS = 4 * Fraction(730, 24) * Fraction(1, 2)  # 4 a day x 30.4167 days x 0.5 h


def deploy_items(text: str) -> list:  # type: ignore[type-arg]
    plan = build_plan(parse_design(text), decisions=False)
    return [i for i in plan.cost.line_items if i.category == "deploy"]


def api_hours_by_hand() -> list[int]:
    """api's replicas in each hour by the HPA rule: 2 vCPU offered at the peak on 6 replicas
    of 1 vCPU, so the target is floor(100 x 2 / 6) = 33%; each hour asks for
    ceil(f x 2 / 0.33), between the floor (3: one a zone, rounded up to whole zones) and 6."""
    return [max(3, min(6, math.ceil(f * 2 / Fraction(33, 100)))) for f in DIURNAL]


def test_blue_green_surge_is_its_own_line_item_equal_to_the_hand_computation() -> None:
    plan = build_plan(parse_design(DESIGN), decisions=False)
    api = plan.service("api")
    pool = plan.node_pools[0]
    # 6 replicas of 1000m CPU at the peak (2 vCPU offered, zone loss, 3 zones); a c6g.large
    # offers 1930m to pods, so 1 pod a node. Blue-green runs every replica again: 3 pods
    # over 3 zones are 3 nodes; 4 to 6 pods over 3 zones are 2 a zone, 6 nodes.
    assert (api.replicas, api.cpu_request_m) == (6, 1000)
    assert (pool.instance_type, pool.allocatable_cpu_m) == ("c6g.large", 1930)
    hours = api_hours_by_hand()
    assert list(api.hourly_replicas) == hours
    assert hours.count(3) == 9  # 00:00 to 09:00; 4 to 6 replicas the other 15 hours
    nodes = Fraction(9 * 3 + 15 * 6, 24)  # 4.875 on average over the day
    # Deploys spread over the day: 4.875 nodes x 60.8333 h = 296.5625 node-hours x 0.068 USD
    # = 20.16625 -> 20.17 USD.
    node_hours = nodes * DEPLOY_HOURS
    assert node_hours == Fraction("296.5625")
    (item,) = [i for i in plan.cost.line_items if i.category == "deploy"]
    assert item.service == "api" and item.resource == "node-pool/default"
    assert item.quantity == float(node_hours)
    assert item.unit_price == float(C6G_LARGE)
    assert item.monthly_cost == Decimal("20.17")
    assert item.purchase == "on_demand"
    # The pool keeps room for the peak's surge; its standing cost leaves the surge out.
    assert pool.surge_nodes == 6
    (surge,) = plan.deploy_surges
    assert (surge.surge_nodes, surge.average_surge_nodes) == (6, 4.875)
    assert plan.cost.by_category["deploy"] == Decimal("20.17")
    # Without autoscaling the surge is the peak's every hour: 6 x 60.8333 = 365 node-hours,
    # 24.82 USD, part of the at-peak total.
    still = build_plan(parse_design(DESIGN.replace("deploys_per_day: 4", "deploys_per_day: 0")))
    assert plan.cost.peak_provisioned - still.cost.peak_provisioned == Decimal("24.82")


def test_a_committed_pool_buys_its_surge_on_demand_and_a_spot_pool_on_spot() -> None:
    reserved = DESIGN.replace("zones: 3\n", "zones: 3\ndefaults: {purchase: reserved_1y}\n", 1)
    (item,) = deploy_items(reserved)
    assert (item.purchase, item.unit_price, item.monthly_cost) == (
        "on_demand",
        float(C6G_LARGE),
        Decimal("20.17"),
    )
    # by_purchase prices every option the same way: the surge is on demand under each
    # commitment (the plan without deploys differs by exactly the surge's on-demand cost).
    plan = build_plan(parse_design(DESIGN))
    still = build_plan(parse_design(DESIGN.replace("deploys_per_day: 4", "deploys_per_day: 0")))
    for option in ("reserved_1y", "reserved_3y", "savings_plan_1y", "savings_plan_3y"):
        difference = plan.cost.by_purchase[option] - still.cost.by_purchase[option]
        assert difference == Decimal("20.17"), option
    spot = DESIGN.replace("zones: 3\n", "zones: 3\ndefaults: {purchase: spot}\n", 1)
    (item,) = deploy_items(spot)
    assert item.purchase == "spot" and item.unit_price < float(C6G_LARGE)


def test_every_region_serving_users_deploys_and_a_standby_does_not() -> None:
    two = DESIGN.replace("regions: [us-east-1]", "regions: [us-east-1, us-west-2]")
    assert sorted(i.region for i in deploy_items(two)) == ["us-east-1", "us-west-2"]
    warm = DESIGN.replace("zones: 3\n", "zones: 3\ndr: {strategy: warm_standby}\n", 1)
    assert [i.region for i in deploy_items(warm)] == ["us-east-1"]


def test_rolling_on_three_zones_adds_no_surge_and_one_zone_adds_a_node() -> None:
    assert rolling_surge(6, 3) == 0
    assert rolling_surge(2, 1) == 1
    assert not deploy_items(DESIGN.replace("blue_green", "rolling"))


def test_canary_pods_and_nodes() -> None:
    assert surge_pods("canary", 20, 3, 10) == 2
    assert surge_pods("canary", 3, 3, 10) == 1
    assert surge_pods("blue_green", 9, 3, 10) == 9
    # 2 canary pods over 3 zones: 2 zones, 1 pod each, 1 node each.
    assert surge_nodes(2, 3, 4) == 2
    # 9 pods over 3 zones, 2 pods a node: 3 zones x ceil(3 / 2) = 6 nodes.
    assert surge_nodes(9, 3, 2) == 6
    assert surge_nodes(0, 3, 2) == 0
