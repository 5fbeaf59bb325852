"""Footprint: what each deployed resource declares as cost components (one declarer per
resource kind: compute, data, storage, network, traffic, observability, routing), in the
primary region and in the DR region for each strategy. Resources declare; `engine.cost`
prices them all at once."""

from __future__ import annotations

from .base import component, monthly_requests_million, scaled_count
from .dr import STRATEGIES, dr_components, traffic_share
from .network import capacity_units_per_hour, lb_gb_per_month, lcu_per_hour
from .region import Part, region_components
from .traffic import inter_zone_gib

__all__ = [
    "STRATEGIES",
    "Part",
    "capacity_units_per_hour",
    "component",
    "dr_components",
    "inter_zone_gib",
    "lb_gb_per_month",
    "lcu_per_hour",
    "monthly_requests_million",
    "region_components",
    "scaled_count",
    "traffic_share",
]
