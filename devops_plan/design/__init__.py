"""The design file: its models (what an architect writes) and loading it from YAML with the
location of every problem."""

from __future__ import annotations

from .base import Model
from .fields import SLUG, Cloud, DeployStrategy, DRStrategy, Kind, Platform, Purchase
from .loader import MAX_DESIGN_BYTES, load_design, parse_design, validate_files
from .locations import format_path
from .models import (
    DR,
    SERVICE_MODELS,
    Budget,
    CacheService,
    CacheSize,
    DatabaseService,
    DatabaseSize,
    DataService,
    Defaults,
    Deploy,
    Design,
    Environment,
    Health,
    Load,
    ObjectStorageService,
    QueueService,
    Replica,
    Service,
    ServiceBase,
    StatelessService,
    StorageSize,
    Targets,
    Transfer,
)
from .schema import json_schema

__all__ = [
    "DR",
    "MAX_DESIGN_BYTES",
    "SERVICE_MODELS",
    "SLUG",
    "Budget",
    "CacheService",
    "CacheSize",
    "Cloud",
    "DRStrategy",
    "DataService",
    "DatabaseService",
    "DatabaseSize",
    "Defaults",
    "Deploy",
    "DeployStrategy",
    "Design",
    "Environment",
    "Health",
    "Kind",
    "Load",
    "Model",
    "ObjectStorageService",
    "Platform",
    "Purchase",
    "QueueService",
    "Replica",
    "Service",
    "ServiceBase",
    "StatelessService",
    "StorageSize",
    "Targets",
    "Transfer",
    "format_path",
    "json_schema",
    "load_design",
    "parse_design",
    "validate_files",
]
