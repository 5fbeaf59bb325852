"""Node pools: the chosen type is the cheapest, and the candidates are the cheapest five."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devops_plan import Planner, load_design
from devops_plan.engine.formulas import PodGroup, pack_first_fit_decreasing
from devops_plan.engine.pools import CANDIDATES, PoolPlanner, node_shapes
from devops_plan.engine.services import size_services
from devops_plan.units import HOURS_PER_MONTH

from .conftest import DESIGNS


@pytest.mark.parametrize("case", ["shop", "payments", "startup"])
def test_candidates_are_the_cheapest_types_by_brute_force(case: str) -> None:
    # The search stops early on lower bounds; it must still find the CANDIDATES cheapest
    # types (it used to stop after four results once a bound passed the best, so shop listed
    # c6g.2xlarge third although c7g.4xlarge and c7g.8xlarge cost less).
    planner = Planner()
    ctx = planner.context(load_design(DESIGNS / f"{case}.yaml"))
    services, _ = size_services(ctx, planner.memo.sizer)
    (pool,) = PoolPlanner().plan_pools(ctx, services)
    members = [s for s in services if s.name in pool.services]
    pods = [
        PodGroup(s.name, s.cpu_request_m or 0, s.memory_request_mib or 0, s.replicas // ctx.zones)
        for s in members
    ]
    every = []
    for price, shape in node_shapes(ctx, pool.purchase):
        per_zone = pack_first_fit_decreasing(pods, shape)
        if per_zone is not None:
            nodes = per_zone * ctx.zones
            every.append((nodes * price.unit_price, -nodes, price.product, nodes))
    every.sort()
    expected = [
        (product, nodes, (hourly * HOURS_PER_MONTH).quantize(Decimal("0.01")))
        for hourly, _, product, nodes in every[:CANDIDATES]
    ]
    got = [(c.instance_type, c.nodes, c.monthly_cost) for c in pool.candidates]
    assert got == expected
    assert pool.instance_type == expected[0][0]
