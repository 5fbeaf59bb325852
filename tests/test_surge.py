"""Deploy surge worked by hand: a blue-green service's second copy priced as its own line item."""

from __future__ import annotations

from decimal import Decimal

from devops_plan.design import parse_design
from devops_plan.engine import build_plan
from devops_plan.engine.surge import rolling_surge, surge_nodes, surge_pods

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


def test_blue_green_surge_is_its_own_line_item_equal_to_the_hand_computation() -> None:
    plan = build_plan(parse_design(DESIGN), decisions=False)
    api = plan.service("api")
    pool = plan.node_pools[0]
    # By hand: 6 replicas of 1000m CPU (2 vCPU offered at peak, zone loss, 3 zones); a
    # c6g.large node offers 1930m to pods, so 1 pod a node; blue-green runs all 6 again: 6
    # more nodes, 2 a zone. Deploy time a month: 4 a day x 730/24 days x 0.5 h = 60.8333 h;
    # 6 nodes x 60.8333 h = 365 node-hours; x 0.068 USD/h (c6g.large on demand, us-east-1)
    # = 24.82 USD.
    assert (api.replicas, api.cpu_request_m) == (6, 1000)
    assert (pool.instance_type, pool.allocatable_cpu_m) == ("c6g.large", 1930)
    items = [i for i in plan.cost.line_items if i.category == "deploy"]
    assert len(items) == 1
    item = items[0]
    assert item.service == "api" and item.resource == "node-pool/default"
    assert item.quantity == 365
    assert item.unit_price == 0.068
    assert item.monthly_cost == Decimal("24.82")
    assert pool.surge_nodes == 6
    # The pool's cost includes its surge; the total includes the line item.
    assert plan.cost.by_category["deploy"] == Decimal("24.82")


def test_rolling_on_three_zones_adds_no_surge_and_one_zone_adds_a_node() -> None:
    assert rolling_surge(6, 3) == 0
    assert rolling_surge(2, 1) == 1
    design = parse_design(DESIGN.replace("blue_green", "rolling"))
    assert not [
        i for i in build_plan(design, decisions=False).cost.line_items if i.category == "deploy"
    ]


def test_canary_pods_and_nodes() -> None:
    assert surge_pods("canary", 20, 3, 10) == 2
    assert surge_pods("canary", 3, 3, 10) == 1
    assert surge_pods("blue_green", 9, 3, 10) == 9
    # 2 canary pods over 3 zones: 2 zones, 1 pod each, 1 node each.
    assert surge_nodes(2, 3, 4) == 2
    # 9 pods over 3 zones, 2 pods a node: 3 zones x ceil(3 / 2) = 6 nodes.
    assert surge_nodes(9, 3, 2) == 6
    assert surge_nodes(0, 3, 2) == 0
