"""devops-plan: from one design file to sizing, HA topology, availability, DR and cost."""

from __future__ import annotations

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
    "json_schema",
    "load_catalog",
    "load_design",
    "parse_design",
]
