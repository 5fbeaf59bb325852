"""The planning engine: pure functions from a validated design to sized, placed and priced
resources. The pipeline, module by module: context (the design on a cloud and regions) ->
formulas -> services -> pools -> footprint (cost components each resource declares) -> cost
(priced line items) -> availability and dr -> core (one pass) -> decisions and variants ->
deployments and assemble (the Plan) -> planner (the entry point)."""

from __future__ import annotations

from .context import PlanOptions
from .planner import Planner, build_plan

__all__ = ["PlanOptions", "Planner", "build_plan"]
