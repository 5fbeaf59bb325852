"""Footprint: what each deployed resource declares as cost components (one declarer per
resource kind), in the primary region and in the DR region for each strategy. Resources
declare; `engine.cost` prices them all at once."""

from __future__ import annotations

from .base import component, monthly_requests_million, scaled_count
from .dr import STRATEGIES, dr_components
from .network import inter_zone_gib, lb_gb_per_month, lcu_per_hour
from .region import region_components

__all__ = [
    "STRATEGIES",
    "component",
    "dr_components",
    "inter_zone_gib",
    "lb_gb_per_month",
    "lcu_per_hour",
    "monthly_requests_million",
    "region_components",
    "scaled_count",
]
