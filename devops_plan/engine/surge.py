"""Deploy surge: the extra pods a deploy runs beside the old ones (a rolling update's surge, a
blue-green deploy's second copy, a canary), the nodes that hold them and the node-hours a
month they cost. Pure given the sized services and their node pools; the cost is declared as
its own component (category `deploy`) and priced by the catalog like any other.

    surge pods      rolling: maxSurge (0 when the other zones carry the peak, else 1)
                    blue_green: every replica again; canary: ceil(replicas x canary_percent)
    surge nodes     over min(zones, surge pods) zones, each ceil(pods in the zone / pods a
                    node of the pool's type holds) nodes
    node-hours      surge nodes x deploys_per_day x (730 / 24) days x duration in hours
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..design import DeployStrategy, Kind, Platform, StatelessService
from ..units import HOURS_PER_MONTH
from .context import Context, dec
from .cost import CostComponent
from .footprint.base import component
from .pools import NodePoolPlan
from .services import ServicePlan
from .variants import serving_regions

__all__ = [
    "Surge",
    "deploying_regions",
    "pods_per_node",
    "rolling_surge",
    "surge_components",
    "surges",
]

DAYS_PER_MONTH = Decimal(HOURS_PER_MONTH) / 24
CATEGORY = "deploy"


@dataclass(frozen=True)
class Surge:
    """What one service's deploys add to its node pool."""

    service: str
    strategy: str
    pool: str
    instance_type: str
    purchase: str
    surge_pods: int
    pods_per_node: int
    surge_nodes: int
    deploy_hours_month: Decimal  # hours a month a deploy is running
    node_hours_month: Decimal


def rolling_surge(replicas: int, zones: int) -> int:
    """A rolling update's maxSurge: none when two zones or more carry the peak without one
    zone's pods (the sizing proved it), so pods are replaced in place; else one new pod first."""
    return 0 if zones >= 2 and replicas >= 2 else 1


def surge_pods(strategy: str, replicas: int, zones: int, canary_percent: float) -> int:
    if strategy == DeployStrategy.blue_green:
        return replicas
    if strategy == DeployStrategy.canary:
        return max(1, math.ceil(replicas * canary_percent / 100))
    return rolling_surge(replicas, zones)


def pods_per_node(s: ServicePlan, pool: NodePoolPlan) -> int:
    """How many of the service's pods one node of the pool holds (requests and pod slots)."""
    fits = [pool.max_pods]
    if s.cpu_request_m:
        fits.append(pool.allocatable_cpu_m // s.cpu_request_m)
    if s.memory_request_mib:
        fits.append(pool.allocatable_memory_mib // s.memory_request_mib)
    return max(1, min(fits))


def surge_nodes(pods: int, zones: int, per_node: int) -> int:
    """Nodes for `pods` new pods spread evenly over at most `zones` zones."""
    if pods <= 0:
        return 0
    used = min(zones, pods)
    return used * math.ceil(math.ceil(pods / used) / per_node)


def surges(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[Surge]:
    """Each Kubernetes service's deploy surge (services whose deploys add nothing are left out)."""
    out = []
    for s in services:
        if s.kind != Kind.stateless or s.platform != Platform.kubernetes:
            continue
        pool = next((p for p in pools if s.name in p.services), None)
        svc = ctx.service(s.name)
        if pool is None or not isinstance(svc, StatelessService):
            continue
        deploy = svc.deploy
        pods = surge_pods(deploy.strategy, s.replicas, s.zones, deploy.canary_percent)
        per_node = pods_per_node(s, pool)
        nodes = surge_nodes(pods, s.zones, per_node)
        # Exact until the one rounding at the end: 6 nodes x 60.8333... h is 365, not 364.999998.
        hours = (
            Decimal(str(deploy.deploys_per_day))
            * DAYS_PER_MONTH
            * Decimal(str(deploy.duration.total_seconds()))
            / 3600
        )
        if nodes == 0 or hours == 0:
            continue
        out.append(
            Surge(s.name, deploy.strategy.value, pool.name, pool.instance_type, pool.purchase,
                  pods, per_node, nodes, dec(hours), dec(nodes * hours))
        )  # fmt: skip
    return out


def surge_components(ctx: Context, region: str, found: Sequence[Surge]) -> list[CostComponent]:
    """One `deploy` component per service: its surge node-hours in `region`, priced at its
    pool's instance type and purchase option."""
    return [
        component(
            s.service,
            f"node-pool/{s.pool}",
            f"deploy surge ({s.strategy}): {s.surge_nodes} x {s.instance_type} for "
            f"{s.deploy_hours_month.normalize():f} h a month",
            s.instance_type,
            region,
            s.purchase,
            s.node_hours_month,
            "month",
            category=CATEGORY,
        )
        for s in found
    ]


def deploying_regions(ctx: Context, strategy: str) -> tuple[str, ...]:
    """The regions that receive deploys under DR `strategy`: those serving users."""
    serving = serving_regions(strategy, len(ctx.regions))
    if serving <= 1:
        return (ctx.primary,)
    regions = ctx.regions if len(ctx.regions) >= serving else (ctx.primary, ctx.dr_region)
    return tuple(regions[:serving])
