"""devops-plan: from one design file to sizing, HA topology, availability, DR and cost.

The pipeline, as the package lays it out: `design` (the file an architect writes) ->
`engine` (sizing, pools, footprint, cost, availability, DR, decisions) -> `plan` (the Plan
every renderer reads) -> `render` (tables, charts, diagram, ADRs, manifests, SLO rules,
runbooks, Terraform variables) -> `export` (into a docs repository). `exploration` sweeps the
design space; `billing` reports on actual spend; `notebooks` and `cli` are the front doors.

`explore`, `design_space` and `run_report` load on first use, so importing the package (and
starting the CLI) does not import pandas, numpy or DuckDB.
"""

__version__ = "0.1.0"

from .catalog import Catalog, load_catalog
from .design import Design, json_schema, load_design, parse_design
from .engine import Planner, PlanOptions, build_plan
from .errors import (
    DesignError,
    DevopsPlanError,
    PlanningError,
    PriceNotFound,
    UserError,
)
from .plan import Plan

_LAZY = {
    "design_space": ("devops_plan.exploration", "design_space"),
    "explore": ("devops_plan.exploration", "explore"),
    "run_report": ("devops_plan.billing.report", "run_report"),
}

__all__ = [
    "Catalog",
    "Design",
    "DesignError",
    "DevopsPlanError",
    "Plan",
    "PlanOptions",
    "Planner",
    "PlanningError",
    "PriceNotFound",
    "UserError",
    "__version__",
    "build_plan",
    "design_space",
    "explore",
    "json_schema",
    "load_catalog",
    "load_design",
    "parse_design",
    "run_report",
]


def __getattr__(name: str) -> object:
    # PEP 562: the heavy entry points load when first asked for.
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'devops_plan' has no attribute {name!r}")
