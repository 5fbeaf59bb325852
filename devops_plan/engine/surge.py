"""Deploy surge: the extra pods a deploy runs beside the old ones (a rolling update's surge, a
blue-green deploy's second copy, a canary), the nodes that hold them and the node-hours a
month they run. Pure given the sized services (their replicas hour by hour) and their node
pools; footprint/deploy.py declares the node-hours as a cost component (category `deploy`).

    surge pods      rolling: maxSurge (0 when the other zones carry the peak, else 1)
                    blue_green: every replica again; canary: ceil(replicas x canary_percent)
    surge nodes     over min(zones, surge pods) zones, each ceil(pods in the zone / pods a
                    node of the pool's type holds) nodes
    node-hours      the surge nodes of each hour of the load profile, averaged over the day
                    (deploys are spread over the day, and a deploy copies the replicas that
                    run when it starts) x deploys_per_day x (730 / 24) days x duration
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..design import Deploy, DeployStrategy, Kind, Platform, Purchase, StatelessService
from ..units import HOURS_PER_MONTH
from .context import Context, dec
from .pools import NodePoolPlan
from .services import ServicePlan

__all__ = [
    "CATEGORY",
    "Surge",
    "pods_per_node",
    "rolling_surge",
    "surge_nodes",
    "surge_pods",
    "surges",
    "surges_remembered",
]

DAYS_PER_MONTH = Fraction(HOURS_PER_MONTH, 24)
CATEGORY = "deploy"


@dataclass(frozen=True)
class Surge:
    """What one service's deploys add to its node pool."""

    service: str
    strategy: str
    pool: str
    instance_type: str
    purchase: str
    surge_pods: int  # at the peak
    pods_per_node: int
    surge_nodes: int  # at the peak: the headroom the pool's maximum keeps for a deploy
    average_surge_nodes: Decimal  # over the hours of the day a deploy may start in
    deploy_hours_month: Decimal  # hours a month a deploy is running
    node_hours_month: Decimal


def rolling_surge(replicas: int, zones: int) -> int:
    """A rolling update's maxSurge: none when two zones or more carry the peak without one
    zone's pods (the sizing proved it), so pods are replaced in place; else one new pod first.
    The manifests' rollingUpdate uses the same rule (render/k8s.rolling_update)."""
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


def _exact(value: Fraction) -> Decimal:
    """A Fraction to six places, rounded once."""
    return dec(Decimal(value.numerator) / Decimal(value.denominator))


def service_surge(s: ServicePlan, pool: NodePoolPlan, deploy: Deploy) -> Surge | None:
    """One service's surge, hour by hour over its replicas (its peak count when it does not
    autoscale); None when its deploys add nothing."""
    per_node = pods_per_node(s, pool)
    hourly = s.hourly_replicas or (s.replicas,)
    # Each replica count once: a day's 24 hours run a few different counts.
    pods_at = {r: surge_pods(deploy.strategy, r, s.zones, deploy.canary_percent) for r in hourly}
    nodes_at = {r: surge_nodes(p, s.zones, per_node) for r, p in pods_at.items()}
    peak_nodes = max(nodes_at.values())
    if peak_nodes == 0:  # most rolling updates: the other zones carry the peak
        return None
    hours = (
        Fraction(str(deploy.deploys_per_day))
        * DAYS_PER_MONTH
        * Fraction(str(deploy.duration.total_seconds()))
        / 3600
    )
    if hours == 0:
        return None
    average = Fraction(sum(nodes_at[r] for r in hourly), len(hourly))
    # Exact until the one rounding at the end: 6 nodes x 60.8333... h is 365, not 364.999998.
    return Surge(
        s.name, deploy.strategy.value, pool.name, pool.instance_type, pool.purchase,
        max(pods_at.values()), per_node, peak_nodes, _exact(average), _exact(hours),
        _exact(average * hours),
    )  # fmt: skip


def _surge_pool(s: ServicePlan, pools: Sequence[NodePoolPlan]) -> NodePoolPlan | None:
    """The pool a deploy's extra pods land in: on spot with an on-demand floor, the spot
    pool (the floor is the pods that always run; new ones go above it), else the service's."""
    hosts = [p for p in pools if s.name in p.services]
    return next((p for p in hosts if p.purchase == Purchase.spot), hosts[0] if hosts else None)


def surges(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[Surge]:
    """Each Kubernetes service's deploy surge (services whose deploys add nothing are left out)."""
    out = []
    for s in services:
        if s.kind != Kind.stateless or s.platform != Platform.kubernetes:
            continue
        pool = _surge_pool(s, pools)
        svc = ctx.service(s.name)
        if pool is None or not isinstance(svc, StatelessService):
            continue
        found = service_surge(s, pool, svc.deploy)
        if found is not None:
            out.append(found)
    return out


def surges_remembered(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> tuple[Surge, ...]:
    """`surges`, remembered by the context (Context.remembered) by the identity of the pools
    and the stateless services: a pass reads them for its plan and for each region that
    serves users (the primary under each traffic share, an active-active copy), and the
    sweep for every strategy of a group."""
    stateless = [s for s in services if s.kind == Kind.stateless]
    return ctx.remembered(
        "surges", (), [*pools, *stateless], lambda: tuple(surges(ctx, stateless, pools))
    )
