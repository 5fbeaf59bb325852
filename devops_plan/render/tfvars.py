"""`terraform.tfvars.json` from the plan: the sizing a user's own Terraform modules need —
instance types and node counts per node pool, database classes and Multi-AZ, cache nodes,
and what runs in each region (the primary, and the DR region as the chosen strategy leaves
it: nothing for backup and restore, the database replica for pilot light, a scaled-down copy
for warm standby, everything for active-active).

What runs where is read from `Plan.deployments` (the engine's own counts), not recomputed.
Pure and deterministic: sorted keys, two-space indent, final newline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..design import Design
from ..plan import DeploymentOut, Plan, ServiceOut
from ..units import HOURS_PER_MONTH

__all__ = ["Settings", "artefacts", "tfvars"]


@dataclass(frozen=True)
class Settings:
    folder: str = "terraform"


def _region(d: DeploymentOut) -> dict[str, Any]:
    return {
        "role": d.role,
        "availability_zones": list(d.zones),
        "node_counts": dict(d.node_pools),
        "replicas": dict(d.replicas),
        "databases": {name: db.model_dump() for name, db in d.databases.items()},
        "caches": {
            name: {"node_type": c.node_type, "num_nodes": c.nodes} for name, c in d.caches.items()
        },
    }


def tfvars(plan: Plan, design: Design) -> dict[str, Any]:
    """The variables as a dict (what `artefacts` writes as JSON)."""
    by_kind: dict[str, list[ServiceOut]] = {}
    for s in plan.services:
        by_kind.setdefault(s.kind, []).append(s)
    return {
        "design": plan.design,
        "cloud": plan.cloud,
        "primary_region": plan.topology.primary_region,
        # An environment without DR (`dr: none`) deploys and prices no DR copy: no DR region.
        "dr_region": plan.dr.dr_region if plan.dr.deployed else None,
        "serving_regions": list(plan.topology.serving_regions),
        "zones": plan.zones,
        "purchase_option": plan.purchase,
        "dr_strategy": plan.dr.strategy if plan.dr.deployed else "none",
        "dr_warm_fraction": design.dr.warm_fraction,
        "rto_seconds": plan.dr.rto,
        "rpo_seconds": plan.dr.rpo,
        "backup_retention_days": design.dr.backup_retention_days,
        "node_pools": _node_pools(plan),
        "services": _services(plan, by_kind.get("stateless", [])),
        **_data_services(by_kind, spanner_nodes(plan)),
        "vpcs": _vpcs(plan),
        "security_rules": security_rules(plan),
        "regions": {name: _region(d) for name, d in plan.deployments.items()},
        "cost_allocation_tags": cost_allocation_tags(plan, tag_separator(plan.cloud)),
    }


def tag_separator(cloud: str) -> str:
    """What stands for '/' in a tag key: Azure tag names may not hold '/' (nor <>%&\\?), so its
    keys are devops-plan_service, which reconcile reads as devops-plan/service (GCP's module
    rewrites its labels itself: they must be lower case too)."""
    return "_" if cloud == "azure" else "/"


def cost_allocation_tags(plan: Plan, separator: str = "/") -> dict[str, dict[str, str]]:
    """Per planned resource (the line items' resource ids: node-pool/default, db/orders-db,
    nat-gateway, ...), the tags `devops-plan reconcile` maps a bill by (docs/reconcile.md);
    a resource several services share lists them all. Built from the line items, so a new
    component gets its tags without a change here. `separator` joins the keys' parts."""
    services: dict[str, list[str]] = {}
    for li in plan.cost.line_items:
        names = services.setdefault(li.resource, [])
        if li.service not in names:
            names.append(li.service)
    return {
        resource: {
            f"devops-plan{separator}design": plan.design,
            f"devops-plan{separator}service": ",".join(names),
            f"devops-plan{separator}component": resource.split("/", 1)[0],
        }
        for resource, names in sorted(services.items())
    }


def _node_pools(plan: Plan) -> dict[str, Any]:
    return {
        p.name: {
            "instance_type": p.instance_type,
            "node_count": p.nodes,
            "nodes_per_zone": p.nodes // max(1, p.zones),
            # The cluster autoscaler's bounds: the fewest nodes any hour needs, and the peak.
            "min_node_count": p.min_nodes,
            "max_node_count": p.nodes,
            "root_volume_gib": p.root_volume_gib,
            "zones": p.zones,
            "max_pods": p.max_pods,
            "purchase_option": p.purchase,
            "services": list(p.services),
            "surge_nodes": p.surge_nodes,
        }
        for p in plan.node_pools
    }


def _services(plan: Plan, stateless: list[ServiceOut]) -> dict[str, Any]:
    return {
        s.name: {
            "platform": s.platform,
            "replicas": s.replicas,
            "min_replicas": s.min_replicas if s.min_replicas is not None else s.replicas,
            "cpu_request_m": s.cpu_request_m,
            "memory_request_mib": s.memory_request_mib,
            "memory_limit_mib": s.memory_limit_mib,
            "instance_type": s.instance_class if s.platform == "vm" else None,
            "node_pool": s.pool
            and next((p.name for p in plan.node_pools if s.name in p.services), None),
            "purchase_option": s.purchase,
        }
        for s in stateless
    }


def spanner_nodes(plan: Plan) -> dict[str, int]:
    """Each Spanner database's nodes, as the cost prices them: its node-hours in the primary
    region (engine/footprint/engines.py sizes them from the callers' queries) over a month's
    hours. The module's Spanner instance reads them; other engines have no such count."""
    engines = {s.name: s.engine for s in plan.services}
    return {
        li.service: round(li.quantity / HOURS_PER_MONTH)
        for li in plan.cost.line_items
        if engines.get(li.service) == "spanner"
        and li.unit == "hour"
        and li.region == plan.topology.primary_region
    }


def _data_services(by_kind: dict[str, list[ServiceOut]], nodes: dict[str, int]) -> dict[str, Any]:
    return {
        "databases": {
            s.name: {
                "engine": s.engine,
                "instance_class": s.instance_class,
                "multi_az": bool(s.multi_az),
                "read_replicas": s.read_replicas,
                "storage_gib": s.storage_gib,
                "purchase_option": s.purchase,
                **({"nodes": nodes[s.name]} if s.name in nodes else {}),
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
    }


def _vpcs(plan: Plan) -> dict[str, Any]:
    """Each region's block and subnets (for the VPC module's subnet lists)."""
    return {
        v.region: {
            "cidr": v.cidr,
            "subnets": [
                {"tier": s.tier, "zone": s.zone, "cidr": s.cidr, "usable": s.usable}
                for s in v.subnets
            ],
        }
        for v in plan.network.vpcs
    }


def security_rules(plan: Plan) -> list[dict[str, Any]]:
    """The plan's rule matrix as security-group rules: one ingress rule on the destination's
    group from the source's group (or the internet), port and protocol, in matrix order."""
    return [
        {
            "source": r.source,
            "destination": r.destination,
            "from_port": r.port,
            "to_port": r.port,
            "protocol": r.protocol.lower(),
            "description": r.reason,
        }
        for r in plan.security.rules
    ]


def artefacts(plan: Plan, design: Design, settings: Settings = Settings()) -> dict[str, str]:
    """{"terraform/<design>/terraform.tfvars.json": text} for `devops-plan export`."""
    text = json.dumps(tfvars(plan, design), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return {f"{settings.folder}/{plan.design}/terraform.tfvars.json": text}
