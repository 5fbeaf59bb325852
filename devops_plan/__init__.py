"""devops-plan: from one design file to sizing, HA topology, availability, DR and cost.

The pipeline, as the package lays it out: `design` (the file an architect writes) ->
`engine` (sizing, pools, footprint, cost, availability, DR, decisions) -> `plan` (the Plan
every renderer reads) -> `render` (tables, charts, diagram, ADRs, manifests, SLO rules,
runbooks, Terraform variables) -> `export` (into a docs repository). `exploration` sweeps the
design space; `billing` reports on actual spend; `notebooks` and `cli` are the front doors.

Every name loads on first use (PEP 562), so importing the package, and starting the CLI,
imports neither pydantic nor pandas, numpy, DuckDB or matplotlib. `__version__` here is the
one version source (pyproject.toml reads it).
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and editors see; at run time the names load lazily
    from .billing.report import run_report
    from .catalog import Catalog, load_catalog
    from .design import Design, json_schema, load_design, parse_design
    from .engine import Planner, PlanOptions, build_plan
    from .errors import DesignError, DevopsPlanError, PlanningError, PriceNotFound, UserError
    from .exploration import design_space, explore
    from .plan import Plan

_LAZY = {
    "Catalog": "devops_plan.catalog",
    "load_catalog": "devops_plan.catalog",
    "Design": "devops_plan.design",
    "json_schema": "devops_plan.design",
    "load_design": "devops_plan.design",
    "parse_design": "devops_plan.design",
    "Planner": "devops_plan.engine",
    "PlanOptions": "devops_plan.engine",
    "build_plan": "devops_plan.engine",
    "DesignError": "devops_plan.errors",
    "DevopsPlanError": "devops_plan.errors",
    "PlanningError": "devops_plan.errors",
    "PriceNotFound": "devops_plan.errors",
    "UserError": "devops_plan.errors",
    "Plan": "devops_plan.plan",
    "design_space": "devops_plan.exploration",
    "explore": "devops_plan.exploration",
    "run_report": "devops_plan.billing.report",
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
    # PEP 562: each public name is imported from its module when first asked for.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'devops_plan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
