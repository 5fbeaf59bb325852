"""Everything one serving region runs, declared in a fixed order (pools, then each service,
then what the region shares), so line items always come out in the same order."""

from __future__ import annotations

from collections.abc import Sequence

from ...design import Kind
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan
from . import compute, data, network


def region_components(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    compute_fraction: float = 1.0,
    lb_capacity: bool = True,
    category: str = "",
) -> list[CostComponent]:
    """Everything one serving region runs; `compute_fraction` scales compute (warm standby).

    `lb_capacity` is False where the region takes no traffic of its own (a DR copy): its
    load balancers and buckets then carry no capacity units or egress.
    """
    out = compute.node_pools(ctx, region, pools, compute_fraction, category)
    for s in services:
        out += service_components(ctx, s, region, compute_fraction, lb_capacity, category)
    out += shared_components(
        ctx,
        region,
        services,
        pools,
        lb_capacity=lb_capacity,
        category=category,
        nat_zones=ctx.zones if compute_fraction >= 1 else 1,
    )
    return out


def service_components(
    ctx: Context,
    s: ServicePlan,
    region: str,
    fraction: float,
    lb_capacity: bool,
    category: str,
) -> list[CostComponent]:
    """What one service runs in a region, by its kind (node pools are declared per pool)."""
    match s.kind:
        case Kind.stateless:
            return compute.vms(ctx, s, region, fraction, category) + compute.containers(
                ctx, s, region, fraction, category
            )
        case Kind.database:
            return data.database(ctx, s, region, category=category)
        case Kind.cache:
            return data.cache(ctx, s, region, category=category)
        case Kind.object_storage:
            return data.bucket(ctx, s, region, egress=lb_capacity, category=category)
        case Kind.queue:
            return data.queue(ctx, s, region, category=category)
    return []


def shared_components(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    lb_capacity: bool,
    category: str,
    nat_zones: int,
) -> list[CostComponent]:
    """The control plane, the entrypoints' load balancers, NAT and inter-zone traffic."""
    out = network.control_plane(ctx, region, category=category) if pools else []
    for s in services:
        out += network.load_balancer(ctx, s, region, capacity=lb_capacity, category=category)
    out += network.nat(ctx, region, services, nat_zones, category)
    out += network.inter_zone(ctx, region, services, category)
    return out
