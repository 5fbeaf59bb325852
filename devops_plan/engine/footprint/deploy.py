"""Deploy surge declarer: the node-hours a month the extra pods of each deploy run on
(engine/surge.py sizes them) in a region that serves users, at the pool's instance type.

They are bought as the pool is, but never under a commitment: a reservation or savings plan
covers the always-on baseline, and surge nodes run only while a deploy does. So the component
has a baseline of 0, and a committed pool's surge is priced on demand (engine/cost.py); a spot
pool's surge stays on spot."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan
from ..surge import CATEGORY, Surge, surges_remembered
from .base import component


def _what(s: Surge) -> str:
    hours = f"{s.deploy_hours_month.normalize():f} h a month"
    if s.average_surge_nodes == s.surge_nodes:
        return f"deploy surge ({s.strategy}): {s.surge_nodes} x {s.instance_type} for {hours}"
    average = f"{s.average_surge_nodes.normalize():f}"
    return (
        f"deploy surge ({s.strategy}): {average} x {s.instance_type} on average "
        f"({s.surge_nodes} at the peak) for {hours}"
    )


def deploy_surge(
    ctx: Context, region: str, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """One `deploy` component per service whose deploys add nodes: its surge node-hours in
    `region`."""
    out = []
    for s in surges_remembered(ctx, services, pools):
        what, resource = _what(s), f"node-pool/{s.pool}"
        out.append(
            component(s.service, resource, what, s.instance_type, region, s.purchase,
                      s.node_hours_month, "month", category=CATEGORY, baseline=Decimal(0))
        )  # fmt: skip
    return out
