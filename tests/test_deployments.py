"""Plan.deployments: what runs in each region equals what the cost model prices there."""

from __future__ import annotations

from collections import defaultdict

import pytest

from devops_plan import build_plan, load_design
from devops_plan.design import Design, DRStrategy, Platform
from devops_plan.plan import Plan
from devops_plan.units import HOURS_PER_MONTH

from .conftest import DESIGNS


def _variant(strategy: DRStrategy, platform: Platform) -> Design:
    shop = load_design(DESIGNS / "shop.yaml")
    return shop.model_copy(
        update={
            "dr": shop.dr.model_copy(update={"strategy": strategy}),
            "defaults": shop.defaults.model_copy(update={"platform": platform}),
        }
    )


def _running(plan: Plan) -> dict[tuple[str, str], float]:
    """Instances the line items keep running on average over the month, by (region,
    resource)."""
    hours: dict[tuple[str, str], float] = defaultdict(float)
    for i in plan.cost.line_items:
        if (
            i.unit == "hour"
            and not i.resource.startswith("containers/")
            and "IPv4" not in i.component
        ):
            hours[(i.region, i.resource)] += i.quantity
    return {key: round(h / HOURS_PER_MONTH, 4) for key, h in hours.items()}


def _average(peak: int, low: int, hourly: tuple[int, ...]) -> float:
    """What runs on average: the hourly schedule where it autoscales, else the count."""
    return round(sum(hourly) / len(hourly), 4) if low != peak else float(peak)


@pytest.mark.parametrize("platform", [Platform.kubernetes, Platform.vm])
@pytest.mark.parametrize("strategy", list(DRStrategy))
def test_deployments_are_what_the_cost_model_prices(
    strategy: DRStrategy, platform: Platform
) -> None:
    plan = build_plan(_variant(strategy, platform))
    running = _running(plan)
    assert set(plan.deployments) == {*plan.topology.serving_regions, plan.dr.dr_region}
    pools = {p.name: p for p in plan.node_pools}
    for region, d in plan.deployments.items():
        for pool, nodes in d.node_pools.items():
            low, hourly = d.min_node_pools[pool], pools[pool].hourly_nodes
            if low != nodes:  # it autoscales: its peak and floor are the schedule's
                assert (max(hourly), min(hourly)) == (nodes, low), (region, pool)
            priced = running.get((region, f"node-pool/{pool}"), 0)
            assert priced == _average(nodes, low, hourly), (region, pool)
        for s in plan.services:
            if s.platform == Platform.vm:
                priced = running.get((region, f"vm/{s.name}"), 0)
                expected = _average(d.replicas[s.name], d.min_replicas[s.name], s.hourly_replicas)
                assert priced == expected, (region, s.name)
        for name, cache in d.caches.items():
            prefix = "cache" if d.role != "dr" else "dr-cache"
            assert running[(region, f"{prefix}/{name}")] == cache.nodes, (region, name)
        for name, db in d.databases.items():
            prefix = "db" if d.role != "dr" else "dr-db"
            primary = [
                i
                for i in plan.cost.line_items
                if i.region == region
                and i.resource == f"{prefix}/{name}"
                and i.component.startswith("primary")
            ]
            assert len(primary) == 1
            assert ("multi-az" in primary[0].component) == db.multi_az
        priced_lbs = {
            r.split("/", 1)[1] for (reg, r) in running if reg == region and "load-balancer/" in r
        }
        assert set(d.load_balancers) == priced_lbs
        has_plane = any(
            reg == region and r in ("kubernetes", "dr-kubernetes") for reg, r in running
        )
        assert d.control_plane == has_plane
