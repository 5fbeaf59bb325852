"""The planning engine: pure functions from a validated design to sized, placed and priced
resources. The pipeline, module by module: context (the design on a cloud and regions) ->
formulas -> services -> pools -> footprint (cost components each resource declares) -> cost
(priced line items) -> availability and dr -> core (one pass) -> decisions and variants ->
deployments and assemble (the Plan) -> planner (the entry point)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time __getattr__ below loads them
    from .context import PlanOptions
    from .planner import Planner, build_plan

__all__ = ["PlanOptions", "Planner", "build_plan"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: plan.py imports the engine's result types (engine.formulas,
    # engine.services...) and must not pull in the planner, which imports plan.py.
    if name == "PlanOptions":
        from .context import PlanOptions

        return PlanOptions
    if name in ("Planner", "build_plan"):
        from . import planner

        return getattr(planner, name)
    raise AttributeError(f"module 'devops_plan.engine' has no attribute {name!r}")
