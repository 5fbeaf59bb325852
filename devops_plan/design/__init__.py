"""The design file: its models (what an architect writes), and loading it from YAML with the
location of every problem."""

from __future__ import annotations

from .loader import MAX_DESIGN_BYTES, format_path, load_design, parse_design, validate_files
from .models import (
    DR,
    SLUG,
    Budget,
    Cloud,
    Defaults,
    Design,
    DRStrategy,
    Kind,
    Load,
    Model,
    Platform,
    Purchase,
    Replica,
    Service,
    Size,
    Targets,
    Transfer,
    json_schema,
)

__all__ = [
    "DR",
    "MAX_DESIGN_BYTES",
    "SLUG",
    "Budget",
    "Cloud",
    "DRStrategy",
    "Defaults",
    "Design",
    "Kind",
    "Load",
    "Model",
    "Platform",
    "Purchase",
    "Replica",
    "Service",
    "Size",
    "Targets",
    "Transfer",
    "format_path",
    "json_schema",
    "load_design",
    "parse_design",
    "validate_files",
]
