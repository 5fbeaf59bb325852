"""Everything one serving region runs, in two parts declared in a fixed order: what the number
of nodes decides (nodes, a deploy's surge nodes, their root volumes, GCP's NAT, image pulls, observability), then
what each service and its traffic decide. Line items always come out in the same order, and the
components of a tiered product meet its meter in the same order on every run (no tiered
product appears in both parts, so the explorer prices the parts separately)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ...design import Kind, Platform
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan
from . import compute, data, deploy, network, observability, security, storage, traffic
from .base import remembered, remembered_each

Part = Literal["all", "pools", "services"]


@dataclass(frozen=True)
class Region:
    """How one region runs: its name, the fraction of the compute it runs (a warm standby
    runs a fraction), the share of the users' traffic it serves (1 alone, 1/n for each of n
    active-active regions, 0 for a copy that takes none), its category ("dr" for a DR copy)
    and whether its instances autoscale (False: the peak count all month)."""

    name: str
    fraction: float = 1.0
    share: float = 1.0
    category: str = ""
    autoscale: bool = True


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
    part: Part = "all",
) -> list[CostComponent]:
    """Everything one region runs (or one `part` of it)."""
    r = Region(region, compute_fraction, traffic_share, category, autoscale)
    if not autoscale:  # every instance at its peak count all month, everything it implies too
        pools = [replace(p, hourly_nodes=()) for p in pools]
        services = [s.model_copy(update={"hourly_replicas": ()}) for s in services]
    out = remembered_pool_part(ctx, r, services, pools) if part != "services" else []
    if part != "pools":
        out += service_part(ctx, r, services)
    return out


def remembered_pool_part(
    ctx: Context, r: Region, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """The pool part, which reads the pools and the stateless services only."""
    stateless = [s for s in services if s.kind == Kind.stateless]
    return remembered(
        ctx, "pools", (r,), [*pools, *stateless], lambda: pool_part(ctx, r, stateless, pools)
    )


def pool_part(
    ctx: Context, r: Region, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """What the number of nodes decides: the nodes, the deploy surge's nodes where users are
    served (a full copy taking a share of the traffic), their root volumes, GCP's Cloud NAT
    (per VM-hour), image pulls and observability (a baseline per node)."""
    out = compute.node_pools(ctx, r.name, pools, r.fraction, r.category, r.autoscale)
    if r.share > 0 and r.fraction >= 1:
        out += deploy.deploy_surge(ctx, r.name, services, pools)
    out += storage.root_volumes(ctx, r.name, pools, r.fraction, r.category, r.autoscale)
    out += network.cloud_nat(ctx, r.name, services, pools, r.category, r.fraction)
    out += traffic.image_pulls(ctx, r.name, services, pools, r.fraction, r.category)
    out += observability.observability(
        ctx, r.name, services, pools, fraction=r.fraction, share=r.share, category=r.category
    )
    out += security.security(
        ctx, r.name, services, pools, fraction=r.fraction, share=r.share, category=r.category
    )
    return out


def service_part(ctx: Context, r: Region, services: Sequence[ServicePlan]) -> list[CostComponent]:
    """What the services decide: the control plane (when any runs on Kubernetes), NAT
    gateways, each service's own resources, then the entrypoints' load balancers, calls to
    managed services and calls crossing zones. All but each service's own resources read the
    stateless services alone, so a variant that changes a database declares those once."""
    stateless = [s for s in services if s.kind == Kind.stateless]
    out = remembered(ctx, "gateways", (r,), stateless, lambda: _gateways(ctx, r, stateless))
    out += remembered_each(ctx, "service", (r,), services, lambda s: service_components(ctx, s, r))
    return out + remembered(ctx, "calls", (r,), stateless, lambda: _calls(ctx, r, stateless))


def _gateways(ctx: Context, r: Region, stateless: Sequence[ServicePlan]) -> list[CostComponent]:
    out: list[CostComponent] = []
    if any(on_kubernetes(s) for s in stateless):
        out += network.control_plane(ctx, r.name, category=r.category)
    # A full region's egress survives a zone loss where NAT gateways are zonal (one per zone);
    # a partial copy, or a cloud whose subnet takes one gateway, has one.
    nat_zones = ctx.zones if r.fraction >= 1 and ctx.facts.nat == "per_zone" else 1
    return out + network.nat(ctx, r.name, stateless, nat_zones, r.category)


def _calls(ctx: Context, r: Region, stateless: Sequence[ServicePlan]) -> list[CostComponent]:
    out: list[CostComponent] = []
    for s in stateless:
        out += network.load_balancer(ctx, s, r.name, share=r.share, category=r.category)
        out += security.waf(ctx, s, r.name, r.share, r.category)
    out += traffic.managed_calls(ctx, r.name, stateless, r.share, r.category)
    return out + traffic.inter_zone(ctx, r.name, stateless, r.share, r.category)


def on_kubernetes(s: ServicePlan) -> bool:
    """A service whose pods run in a node pool (so the region runs a control plane)."""
    return s.kind == Kind.stateless and s.platform == Platform.kubernetes and bool(s.pool)


def service_components(ctx: Context, s: ServicePlan, r: Region) -> list[CostComponent]:
    """What one service runs in a region, by its kind (node pools are declared per pool)."""
    region, category = r.name, r.category
    match s.kind:
        case Kind.stateless:
            # Pods are priced with their node pool; VMs and containers are the service's own.
            out = []
            if s.platform == Platform.vm:
                out = compute.vms(ctx, s, region, r.fraction, category, r.autoscale)
                out += storage.vm_root_volumes(ctx, s, region, r.fraction, category, r.autoscale)
            elif s.platform == Platform.managed:
                out = compute.containers(ctx, s, region, r.fraction, category, r.autoscale)
            if s.entrypoint:
                out += traffic.internet(ctx, s, region, r.share, category)
            return out
        case Kind.database:
            return data.database(ctx, s, region, category=category) + storage.database_backups(
                ctx, s, region, category
            )
        case Kind.cache:
            return data.cache(ctx, s, region, category=category)
        case Kind.object_storage:
            egress = traffic.bucket_egress(ctx, s, region, category) if r.share > 0 else []
            return storage.bucket(ctx, s, region, r.share, category) + egress
        case Kind.queue:
            return storage.queue(ctx, s, region, r.share, category)
    return []
