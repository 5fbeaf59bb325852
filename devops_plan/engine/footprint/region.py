"""Everything one serving region runs, declared in a fixed order (pools, then each service,
then what the region shares), so line items always come out in the same order and the
components of a tiered product meet its meter in the same order on every run."""

from __future__ import annotations

from collections.abc import Sequence

from ...design import Kind, Platform
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan
from . import compute, data, network, observability, storage, traffic


def region_components(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    compute_fraction: float = 1.0,
    traffic_share: float = 1.0,
    category: str = "",
    autoscale: bool = True,
) -> list[CostComponent]:
    """Everything one region runs. `compute_fraction` scales compute (a warm standby runs a
    fraction of it); `traffic_share` is the share of the users' traffic the region serves (1
    alone, 1/n for each of n active-active regions, 0 for a copy that takes none); with
    `autoscale` False every instance runs at the peak count all month."""
    out = compute.node_pools(ctx, region, pools, compute_fraction, category, autoscale)
    out += storage.root_volumes(ctx, region, pools, compute_fraction, category, autoscale)
    for s in services:
        out += service_components(
            ctx, s, region, compute_fraction, traffic_share, category, autoscale
        )
    out += shared_components(
        ctx,
        region,
        services,
        pools,
        share=traffic_share,
        category=category,
        fraction=compute_fraction,
    )
    return out


def service_components(
    ctx: Context,
    s: ServicePlan,
    region: str,
    fraction: float,
    share: float,
    category: str,
    autoscale: bool = True,
) -> list[CostComponent]:
    """What one service runs in a region, by its kind (node pools are declared per pool)."""
    match s.kind:
        case Kind.stateless:
            # Pods are priced with their node pool; VMs and containers are the service's own.
            out = []
            if s.platform == Platform.vm:
                out = compute.vms(ctx, s, region, fraction, category, autoscale)
                out += storage.vm_root_volumes(ctx, s, region, fraction, category, autoscale)
            elif s.platform == Platform.managed:
                out = compute.containers(ctx, s, region, fraction, category, autoscale)
            if s.entrypoint:
                out += traffic.internet(ctx, s, region, share, category)
            return out
        case Kind.database:
            return data.database(ctx, s, region, category=category) + storage.database_backups(
                ctx, s, region, category
            )
        case Kind.cache:
            return data.cache(ctx, s, region, category=category)
        case Kind.object_storage:
            egress = traffic.bucket_egress(ctx, s, region, category) if share > 0 else []
            return storage.bucket(ctx, s, region, share, category) + egress
        case Kind.queue:
            return storage.queue(ctx, s, region, share, category)
    return []


def shared_components(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    share: float,
    category: str,
    fraction: float,
) -> list[CostComponent]:
    """The control plane, the entrypoints' load balancers, NAT (gateways, image pulls, calls
    to managed services), inter-zone traffic and observability."""
    out = network.control_plane(ctx, region, category=category) if pools else []
    for s in services:
        out += network.load_balancer(ctx, s, region, share=share, category=category)
    nat_zones = ctx.zones if fraction >= 1 else 1
    out += network.nat(ctx, region, services, pools, nat_zones, category, fraction)
    out += traffic.image_pulls(ctx, region, services, pools, fraction, category)
    out += traffic.managed_calls(ctx, region, services, share, category)
    out += traffic.inter_zone(ctx, region, services, share, category)
    out += observability.observability(
        ctx, region, services, pools, fraction=fraction, share=share, category=category
    )
    return out
