"""Decisions: every option is priced as the plan it stands for."""

from __future__ import annotations

import pytest

from devops_plan import Planner, load_design

from .conftest import DESIGNS


@pytest.mark.parametrize("case", ["shop", "payments"])
def test_node_type_options_cost_what_planning_with_that_type_costs(case: str) -> None:
    # payments serves from two regions: a pool's instance type is paid in both, so an option
    # priced from the primary region's difference alone was too cheap (it showed c6g.2xlarge
    # at 16,993.60 USD; planning with node_types [c6g.2xlarge] gives 17,428.43).
    design = load_design(DESIGNS / f"{case}.yaml")
    planner = Planner()
    plan = planner.plan(design)
    (decision,) = [d for d in plan.decisions if d.id == "compute-platform"]
    pool = plan.node_pools[0]
    checked = 0
    for option in decision.options:
        if not option.name.startswith(f"Kubernetes, pool {pool.name} on "):
            continue
        instance_type = option.name.split(" on ")[1].split(" x ")[0]
        defaults = design.defaults.model_copy(update={"node_types": (instance_type,)})
        alone = planner.plan(design.model_copy(update={"defaults": defaults}))
        assert alone.node_pools[0].instance_type == instance_type
        assert option.monthly_cost == alone.cost.monthly_total, option.name
        checked += 1
    assert checked == 3
