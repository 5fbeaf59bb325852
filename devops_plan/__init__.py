"""devops-plan: from one design file to sizing, HA topology, availability, DR and cost."""

from __future__ import annotations

__version__ = "0.1.0"

from .design import Design, json_schema
from .designfile import load_design, parse_design
from .errors import (
    DesignError,
    DevopsPlanError,
    PlanningError,
    PriceNotFound,
    UserError,
)

__all__ = [
    "Design",
    "DesignError",
    "DevopsPlanError",
    "PlanningError",
    "PriceNotFound",
    "UserError",
    "__version__",
    "json_schema",
    "load_design",
    "parse_design",
]
