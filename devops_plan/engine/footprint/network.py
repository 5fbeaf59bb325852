"""Shared and network declarers: the Kubernetes control plane, load balancers (hours, capacity
from the service's own traffic in every region that serves it, their public addresses), and
NAT (gateways per zone, or GCP's regional Cloud NAT per VM-hour, with their addresses)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...design import Kind, Platform
from ..context import Context
from ..cost import CostComponent
from ..flows import Load
from ..pools import NodePoolPlan
from ..services import ServicePlan
from .base import component, scaled_count

GB = 1e9  # load balancers meter decimal gigabytes


def control_plane(
    ctx: Context,
    region: str,
    *,
    resource: str = "kubernetes",
    what: str = "control plane",
    category: str = "",
) -> list[CostComponent]:
    """The managed Kubernetes control plane, by the hour."""
    return [
        component(
            "platform", resource, what, ctx.catalog.role("k8s_control_plane"), region,
            "on_demand", 1, "hour", category=category or "kubernetes",
        )
    ]  # fmt: skip


def lb_rates(ctx: Context, load: Load, share: float) -> tuple[float, float, float]:
    """(new connections/s, active connections, GB an hour through the balancer), averaged over
    the load profile, for `share` of the service's traffic."""
    t = ctx.traffic
    rps = load.peak_rps * load.mean_factor * share
    new = rps / t.requests_per_connection
    kib = load.request_kib + load.response_kib
    return new, new * t.connection_seconds, rps * kib * 1024 * 3600 / GB


def lcu_per_hour(ctx: Context, load: Load, share: float = 1.0) -> float:
    """AWS ALB capacity units an hour: the largest of new connections/s / 25, active
    connections / 3,000 and GB processed an hour / 1, from the service's own request and
    response sizes (rule evaluations are free for the first 10 rules of a request). Each
    dimension grows with load, so hour by hour over the profile it averages to this."""
    t = ctx.traffic
    new, active, gb = lb_rates(ctx, load, share)
    return max(
        new / t.lcu_new_connections_per_s, active / t.lcu_active_connections, gb / t.lcu_gb_per_hour
    )


def capacity_units_per_hour(ctx: Context, load: Load, share: float = 1.0) -> float:
    """Azure Application Gateway v2 capacity units an hour: the largest of persistent
    connections / 2,500, throughput / 2.22 Mbps and new connections / 50 a second."""
    t = ctx.traffic
    new, active, gb = lb_rates(ctx, load, share)
    mbps = gb * 8000 / 3600
    return max(
        active / t.appgw_connections,
        mbps / t.appgw_mbps,
        new / t.appgw_new_connections_per_s,
    )


def lb_gb_per_month(ctx: Context, load: Load, share: float = 1.0) -> float:
    """GB a month through the load balancer, both ways (clouds that bill processed data)."""
    return lb_rates(ctx, load, share)[2] * 730


def load_balancer(
    ctx: Context,
    s: ServicePlan,
    region: str,
    *,
    share: float = 1.0,
    category: str = "",
    prefix: str = "load-balancer",
    what: str = "load balancer hours",
) -> list[CostComponent]:
    """An entrypoint's load balancer: its hours, its public addresses, and, where it serves
    traffic (share > 0), its capacity."""
    if not (s.entrypoint and s.kind == Kind.stateless):
        return []
    resource = f"{prefix}/{s.name}"
    cat = category or "load_balancer"
    out = [component(s.name, resource, what, ctx.catalog.role("lb_hour"), region, "on_demand", 1,
                     "hour", category=cat)]  # fmt: skip
    out += public_ips(
        ctx, s.name, resource, region, ctx.facts.public_ips_per_lb, "load balancer", category
    )
    load = ctx.flows.loads.get(s.name)
    if share <= 0 or load is None:
        return out
    product = ctx.catalog.role("lb_capacity")
    style = ctx.facts.load_balancer_capacity
    if style == "gb":
        qty, per, unit_what = lb_gb_per_month(ctx, load, share), "month", "data processed"
    elif style == "capacity_units":
        qty, per, unit_what = capacity_units_per_hour(ctx, load, share), "hour", "capacity units"
    else:
        qty, per, unit_what = lcu_per_hour(ctx, load, share), "hour", "capacity units"
    out.append(component(s.name, resource, unit_what, product, region, "on_demand", qty, per,
                         category=cat))  # fmt: skip
    return out


def public_ips(
    ctx: Context, service: str, resource: str, region: str, per: str | int, what: str, category: str
) -> list[CostComponent]:
    """Public IPv4 addresses held all month: `per` a count, or 'per_zone' (one in each zone)."""
    role = ctx.catalog.find_role("public_ip")
    count = ctx.zones if per == "per_zone" else int(per)
    if role is None or count <= 0:
        return []
    return [
        component(service, resource, f"public IPv4 x {count} ({what})", role, region,
                  "on_demand", count, "hour", category=category or "network")
    ]  # fmt: skip


def private_workloads(services: Sequence[ServicePlan]) -> bool:
    """Workloads in private subnets (nodes, VMs) reach the internet through NAT; serverless
    containers do not."""
    return any(s.kind == Kind.stateless and s.platform != Platform.managed for s in services)


def nat(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    zones: int,
    category: str,
) -> list[CostComponent]:
    """NAT gateways for private workloads with their addresses: one per zone (AWS), one per
    region (Azure, whose subnet takes one gateway); GCP's regional Cloud NAT is priced per
    VM-hour (`cloud_nat`)."""
    if not private_workloads(services) or ctx.facts.nat == "regional_per_vm":
        return []
    what = f"{zones} gateways (one per zone)" if zones > 1 else "1 gateway"
    out = [component("platform", "nat-gateway", what,
                     ctx.catalog.role("nat_hour"), region, "on_demand", zones, "hour",
                     category=category or "nat")]  # fmt: skip
    ips = ctx.facts.public_ips_per_nat * zones
    return out + public_ips(ctx, "platform", "nat-gateway", region, ips, "NAT", category)


def cloud_nat(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    category: str,
    fraction: float = 1.0,
) -> list[CostComponent]:
    """GCP's regional Cloud NAT: per VM-hour up to 32 VMs, per gateway-hour above, and its
    address; its VMs are the nodes and VM replicas hour by hour."""
    if ctx.facts.nat != "regional_per_vm" or not (pools or private_workloads(services)):
        return []
    out = _cloud_nat(ctx, region, vm_hours(ctx, services, pools, fraction), category or "nat")
    ips = ctx.facts.public_ips_per_nat
    return out + public_ips(ctx, "platform", "nat-gateway", region, ips, "NAT", category)


def vm_hours(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan], fraction: float
) -> list[int]:
    """VMs running in each hour of the day: nodes of every pool and one VM per replica (a warm
    copy's scaled count all day)."""
    hourly = [0] * 24
    for peak, hours in [(p.nodes, p.hourly_nodes) for p in pools] + [
        (s.replicas, s.hourly_replicas)
        for s in services
        if s.kind == Kind.stateless and s.platform == Platform.vm
    ]:
        for h in range(24):
            full = hours[h] if hours else peak
            hourly[h] += full if fraction >= 1 else scaled_count(peak, fraction, ctx.zones)
    return hourly


def _cloud_nat(ctx: Context, region: str, hourly: list[int], category: str) -> list[CostComponent]:
    cap = ctx.facts.nat_vm_cap
    capped = [h for h in hourly if h >= cap]
    below = [h for h in hourly if h < cap]
    out = []
    if capped:
        out.append(component("platform", "nat-gateway", f"regional gateway, hours at {cap}+ VMs",
                             ctx.catalog.role("nat_hour"), region, "on_demand",
                             Decimal(len(capped)) / 24, "hour", category=category))  # fmt: skip
    if below:
        vm_avg = Decimal(sum(below)) / 24
        out.append(component("platform", "nat-gateway", f"regional gateway, VM-hours below {cap} VMs",
                             ctx.catalog.role("nat_vm_hour"), region, "on_demand", vm_avg, "hour",
                             category=category))  # fmt: skip
    return out
