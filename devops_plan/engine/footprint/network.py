"""Shared and network declarers: the Kubernetes control plane, load balancers (hours and
capacity), NAT gateways and traffic crossing zones."""

from __future__ import annotations

from collections.abc import Sequence

from ...design import Kind, Platform, StatelessService
from ..context import SECONDS_PER_MONTH, Context
from ..cost import CostComponent
from ..services import ServicePlan
from .base import component, monthly_requests_million


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


def lcu_per_hour(ctx: Context, peak_rps: float) -> float:
    """ALB capacity units: the largest of new connections, processed GB and rule evaluations."""
    t = ctx.traffic
    avg_rps = peak_rps * t.average_to_peak
    new_conn = avg_rps / t.requests_per_connection / t.lcu_new_connections_per_s
    gb_per_hour = avg_rps * t.response_kib * 1024 * 3600 / 1e9 / t.lcu_gb_per_hour
    rules = avg_rps / t.lcu_rule_evaluations_per_s
    return max(new_conn, gb_per_hour, rules)


def lb_gb_per_month(ctx: Context, peak_rps: float) -> float:
    """GB a month through the load balancer (clouds that bill processed data, not LCUs)."""
    t = ctx.traffic
    return peak_rps * t.average_to_peak * t.response_kib * 1024 * SECONDS_PER_MONTH / 1e9


def load_balancer(
    ctx: Context,
    s: ServicePlan,
    region: str,
    *,
    capacity: bool = True,
    category: str = "",
    prefix: str = "load-balancer",
    what: str = "load balancer hours",
) -> list[CostComponent]:
    """An entrypoint's load balancer: its hours and, where it serves traffic, its capacity."""
    if not (s.entrypoint and s.kind == Kind.stateless):
        return []
    resource = f"{prefix}/{s.name}"
    out = [
        component(
            s.name, resource, what, ctx.catalog.role("lb_hour"), region, "on_demand", 1,
            "hour", category=category or "load_balancer",
        )
    ]  # fmt: skip
    svc = ctx.service(s.name)
    if capacity and isinstance(svc, StatelessService):
        product = ctx.catalog.role("lb_capacity")
        if ctx.catalog.price(product, region, "on_demand").unit == "GB":
            qty, per, what = lb_gb_per_month(ctx, svc.load.peak_rps), "month", "data processed"
        else:
            qty, per, what = lcu_per_hour(ctx, svc.load.peak_rps), "hour", "capacity units"
        out.append(
            component(
                s.name, resource, what, product, region, "on_demand", qty, per,
                category=category or "load_balancer",
            )
        )  # fmt: skip
    return out


def nat(
    ctx: Context, region: str, services: Sequence[ServicePlan], zones: int, category: str
) -> list[CostComponent]:
    """NAT gateways (one per zone) and the data they process, where workloads run in
    private subnets (not for serverless containers)."""
    if not any(s.kind == Kind.stateless and s.platform != Platform.managed for s in services):
        return []
    gib = ctx.traffic.nat_gib_per_zone_month
    return [
        component(
            "platform", "nat-gateway", f"{zones} gateways (one per zone)",
            ctx.catalog.role("nat_hour"), region, "on_demand", zones, "hour",
            category=category or "nat",
        ),
        component(
            "platform", "nat-gateway", "data processed", ctx.catalog.role("nat_gb"), region,
            "on_demand", gib * zones, "month", category=category or "nat",
        ),
    ]  # fmt: skip


def inter_zone_gib(ctx: Context, services: Sequence[ServicePlan]) -> float:
    """GiB a month crossing zones on service-to-service calls (the documented estimate)."""
    per_million = ctx.design.defaults.inter_zone_gib_per_million_requests
    crossing = (ctx.zones - 1) / ctx.zones
    total = 0.0
    for s in services:
        svc = ctx.service(s.name)
        if not isinstance(svc, StatelessService):
            continue
        requests = monthly_requests_million(ctx, svc.load.peak_rps)
        total += len(s.depends_on) * requests * per_million * crossing
    return total


def inter_zone(
    ctx: Context, region: str, services: Sequence[ServicePlan], category: str
) -> list[CostComponent]:
    """Service-to-service traffic crossing zones, billed in both directions."""
    gib = inter_zone_gib(ctx, services) if ctx.zones >= 2 else 0
    if gib <= 0:
        return []
    return [
        component(
            "platform", "network", "inter-zone traffic (both directions)",
            ctx.catalog.role("inter_az"), region, "on_demand", gib * 2, "month",
            category=category or "network",
        )
    ]  # fmt: skip
