"""Compute declarers: node pools (each service's share of its pool), one VM per replica, and
serverless containers (vCPU-hours and GiB-hours). Capacity that autoscales is priced hour by
hour over the load profile: the always-on baseline (the fewest instances in any hour) under
the plan's purchase option, the rest above it on demand when the option is a commitment."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...design import Kind, Platform, Purchase
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan, purchase_parts
from .base import component, mean, scaled_count


def counts(
    peak: int, hourly: Sequence[int], fraction: float, zones: int, autoscale: bool
) -> tuple[int, Decimal, int]:
    """(always-on count, average count, peak count) of instances in one region: hour by hour
    when they autoscale at full size; a warm copy runs `scaled_count` of the peak all day."""
    if fraction < 1 or not autoscale or not hourly:
        n = scaled_count(peak, fraction, zones)
        return n, Decimal(n), n
    return min(hourly), mean(hourly), max(hourly)


def scaled(
    name: str,
    resource: str,
    what: str,
    product: str,
    region: str,
    purchase: str,
    per_unit: Decimal,
    span: tuple[int, Decimal, int],
    category: str,
) -> list[CostComponent]:
    """`per_unit` of `product` for each instance running, on average over the day; the
    fewest in any hour are its baseline (committed under a commitment, see CostComponent)."""
    low, average, high = span
    if low == high:
        return [component(name, resource, f"{what} x {low}", product, region, purchase,
                          low * per_unit, "hour", category=category)]  # fmt: skip
    return [
        component(name, resource, f"{what} x {low}-{high} ({average.normalize():f} on average)",
                  product, region, purchase, average * per_unit, "hour", category=category,
                  baseline=low * per_unit)
    ]  # fmt: skip


def node_pools(
    ctx: Context,
    region: str,
    pools: Sequence[NodePoolPlan],
    fraction: float,
    category: str,
    autoscale: bool = True,
) -> list[CostComponent]:
    """Each pool's nodes, split between its services by their share of the pool."""
    out = []
    for pool in pools:
        span = counts(pool.nodes, pool.hourly_nodes, fraction, ctx.zones, autoscale)
        for service, share in pool.shares:
            out += scaled(
                service, f"node-pool/{pool.name}",
                f"{pool.instance_type} (share {share:.4f}) nodes", pool.instance_type, region,
                pool.purchase, share, span, category or "compute",
            )  # fmt: skip
    return out


def _parts(s: ServicePlan) -> list[tuple[ServicePlan, str]]:
    """Each bought part of a service (its on-demand floor on spot) and what the line item
    says about it."""
    parts = purchase_parts(s)
    split = len(parts) > 1 or bool(s.on_demand_floor)
    return [
        (p, " (on-demand floor)" if split and p.purchase == Purchase.on_demand else "")
        for p in parts
    ]


def vms(
    ctx: Context,
    s: ServicePlan,
    region: str,
    fraction: float,
    category: str,
    autoscale: bool = True,
) -> list[CostComponent]:
    """One VM per replica."""
    if s.kind != Kind.stateless or s.platform != Platform.vm or not s.instance_class:
        return []
    out = []
    for p, note in _parts(s):
        span = counts(p.replicas, p.hourly_replicas, fraction, ctx.zones, autoscale)
        out += scaled(
            s.name, f"vm/{s.name}", f"{s.instance_class}{note}", s.instance_class, region,
            p.purchase, Decimal(1), span, category or "compute",
        )  # fmt: skip
    return out


def containers(
    ctx: Context,
    s: ServicePlan,
    region: str,
    fraction: float,
    category: str,
    autoscale: bool = True,
) -> list[CostComponent]:
    """Serverless containers (Fargate, Cloud Run, Container Apps): vCPU and memory hours."""
    if s.kind != Kind.stateless or s.platform != Platform.managed:
        return []
    vcpu = Decimal(s.cpu_request_m or 1000) / 1000
    mem_gib = Decimal(s.memory_request_mib or 512) / 1024
    out = []
    for p, note in _parts(s):
        span = counts(p.replicas, p.hourly_replicas, fraction, ctx.zones, autoscale)
        for what, role, per_unit in (
            (f"{vcpu:g} vCPU replicas{note}", "containers_vcpu", vcpu),
            (f"{mem_gib:g} GiB replicas{note}", "containers_memory", mem_gib),
        ):
            out += scaled(
                s.name, f"containers/{s.name}", what, ctx.catalog.role(role), region, p.purchase,
                per_unit, span, category or "containers",
            )  # fmt: skip
    return out
