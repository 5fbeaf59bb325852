"""`terraform.tfvars.json` from the plan: the sizing a user's own Terraform modules need —
instance types and node counts per node pool, database classes and Multi-AZ, cache nodes,
and what runs in each region (the primary, and the DR region as the chosen strategy leaves
it: nothing for backup and restore, the database replica for pilot light, a scaled-down copy
for warm standby, everything for active-active).

Counts in the DR region are read from the plan's priced line items (what the cost model put
there), not recomputed. Pure and deterministic: sorted keys, two-space indent, final newline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..design import Design
from ..plan import LineItemOut, Plan, ServiceOut
from ..units import HOURS_PER_MONTH

__all__ = ["Settings", "artefacts", "tfvars"]


@dataclass(frozen=True)
class Settings:
    folder: str = "terraform"


def _hours_count(items: Iterable[LineItemOut]) -> int:
    """How many units run all month: an hourly line item's quantity is units x 730."""
    return round(sum(i.quantity for i in items) / HOURS_PER_MONTH)


def _in(plan: Plan, region: str, resource: str) -> list[LineItemOut]:
    return [
        i
        for i in plan.cost.line_items
        if i.region == region and i.resource == resource and i.unit == "hour"
    ]


def _warm_replicas(s: ServiceOut, fraction: float) -> int:
    # The cost model's warm-standby rule: the fraction of the replicas, whole zones, at least
    # one per zone (topology.region_components); tests check it against the VM line items.
    z = max(1, s.zones)
    return max(z, math.ceil(s.replicas * fraction / z) * z)


def _region(plan: Plan, design: Design, region: str, role: str) -> dict[str, Any]:
    strategy = plan.dr.strategy
    full = role == "primary" or strategy == "active_active"
    pools = {
        p.name: p.nodes
        if role == "primary"
        else _hours_count(_in(plan, region, f"node-pool/{p.name}"))
        for p in plan.node_pools
    }
    replicas: dict[str, int] = {}
    databases: dict[str, Any] = {}
    caches: dict[str, Any] = {}
    for s in plan.services:
        if s.kind == "stateless":
            if full:
                replicas[s.name] = s.replicas
            elif s.platform == "vm":
                replicas[s.name] = _hours_count(_in(plan, region, f"vm/{s.name}"))
            elif strategy == "warm_standby":
                replicas[s.name] = _warm_replicas(s, design.dr.warm_fraction)
            else:
                replicas[s.name] = 0
        elif s.kind == "database":
            if full:
                databases[s.name] = {
                    "instance_class": s.instance_class,
                    "multi_az": bool(s.multi_az),
                    "read_replicas": s.read_replicas,
                    "cross_region_replica": role != "primary",
                }
            elif _in(plan, region, f"dr-db/{s.name}"):
                databases[s.name] = {
                    "instance_class": s.instance_class,
                    "multi_az": False,
                    "read_replicas": 0,
                    "cross_region_replica": True,
                }
        elif s.kind == "cache":
            if full:
                caches[s.name] = {"node_type": s.instance_class, "num_nodes": s.cache_nodes}
            elif items := _in(plan, region, f"dr-cache/{s.name}"):
                caches[s.name] = {"node_type": s.instance_class, "num_nodes": _hours_count(items)}
    return {
        "role": role,
        "availability_zones": plan.topology.zone_names.get(region, []),
        "node_counts": pools,
        "replicas": replicas,
        "databases": databases,
        "caches": caches,
    }


def tfvars(plan: Plan, design: Design) -> dict[str, Any]:
    """The variables as a dict (what `artefacts` writes as JSON)."""
    serving = plan.topology.serving_regions
    regions = {
        r: _region(plan, design, r, "primary" if r == plan.topology.primary_region else "serving")
        for r in serving
    }
    if plan.dr.dr_region not in regions:
        regions[plan.dr.dr_region] = _region(plan, design, plan.dr.dr_region, "dr")
    by_kind: dict[str, list[ServiceOut]] = {}
    for s in plan.services:
        by_kind.setdefault(s.kind, []).append(s)
    return {
        "design": plan.design,
        "cloud": plan.cloud,
        "primary_region": plan.topology.primary_region,
        "dr_region": plan.dr.dr_region,
        "serving_regions": list(serving),
        "zones": plan.zones,
        "purchase_option": plan.purchase,
        "dr_strategy": plan.dr.strategy,
        "dr_warm_fraction": design.dr.warm_fraction,
        "rto_seconds": plan.dr.rto,
        "rpo_seconds": plan.dr.rpo,
        "node_pools": {
            p.name: {
                "instance_type": p.instance_type,
                "node_count": p.nodes,
                "nodes_per_zone": p.nodes // max(1, p.zones),
                "zones": p.zones,
                "max_pods": p.max_pods,
                "purchase_option": p.purchase,
                "services": list(p.services),
            }
            for p in plan.node_pools
        },
        "services": {
            s.name: {
                "platform": s.platform,
                "replicas": s.replicas,
                "cpu_request_m": s.cpu_request_m,
                "memory_request_mib": s.memory_request_mib,
                "memory_limit_mib": s.memory_limit_mib,
                "instance_type": s.instance_class if s.platform == "vm" else None,
                "node_pool": s.pool
                and next((p.name for p in plan.node_pools if s.name in p.services), None),
                "purchase_option": s.purchase,
            }
            for s in by_kind.get("stateless", [])
        },
        "databases": {
            s.name: {
                "engine": s.engine,
                "instance_class": s.instance_class,
                "multi_az": bool(s.multi_az),
                "read_replicas": s.read_replicas,
                "storage_gib": s.storage_gib,
                "purchase_option": s.purchase,
            }
            for s in by_kind.get("database", [])
        },
        "caches": {
            s.name: {
                "engine": s.engine,
                "node_type": s.instance_class,
                "num_nodes": s.cache_nodes,
                "multi_az": bool(s.multi_az),
                "purchase_option": s.purchase,
            }
            for s in by_kind.get("cache", [])
        },
        "buckets": {
            s.name: {"product": s.instance_class, "storage_gib": s.storage_gib}
            for s in by_kind.get("object_storage", [])
        },
        "queues": {s.name: {"product": s.instance_class} for s in by_kind.get("queue", [])},
        "regions": regions,
    }


def artefacts(plan: Plan, design: Design, settings: Settings = Settings()) -> dict[str, str]:
    """{"terraform/<design>/terraform.tfvars.json": text} for `devops-plan export`."""
    text = json.dumps(tfvars(plan, design), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return {f"{settings.folder}/{plan.design}/terraform.tfvars.json": text}
