"""Planning environments: each environment's design (the base with its overlay applied) planned
by one Planner, so catalogs and memos are shared; the cost of each and their total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..design import Design
from ..design.environments import environment_design
from ..plan import Plan
from .context import PlanOptions
from .planner import Planner

__all__ = ["EnvironmentCost", "environment_costs", "plan_environment", "plan_environments"]


def plan_environment(
    planner: Planner,
    design: Design,
    name: str,
    options: PlanOptions = PlanOptions(),
    *,
    decisions: bool = True,
) -> Plan:
    """The plan of environment `name` ("" plans the base design), marked with its name."""
    plan = planner.plan(environment_design(design, name), options, decisions=decisions)
    return plan.model_copy(update={"environment": name}) if name else plan


def plan_environments(
    planner: Planner,
    design: Design,
    options: PlanOptions = PlanOptions(),
    *,
    decisions: bool = True,
) -> dict[str, Plan]:
    """Every environment's plan, in the design's order."""
    return {
        name: plan_environment(planner, design, name, options, decisions=decisions)
        for name in design.environments
    }


@dataclass(frozen=True)
class EnvironmentCost:
    """One environment's row in `plan --all-envs`."""

    name: str
    cloud: str
    regions: tuple[str, ...]
    zones: int
    purchase: str
    dr: str
    monthly_total: Decimal


def environment_costs(plans: Mapping[str, Plan]) -> tuple[list[EnvironmentCost], Decimal]:
    """Each environment's cost and the total (the exact sum of the rounded totals)."""
    rows = [
        EnvironmentCost(
            name,
            p.cloud,
            p.regions,
            p.zones,
            p.purchase.value,
            p.dr.strategy.value if p.dr.deployed else "none",
            p.cost.monthly_total,
        )
        for name, p in plans.items()
    ]
    return rows, sum((r.monthly_total for r in rows), Decimal(0))
