"""Compute declarers: node pools (each service's share of its pool), one VM per replica, and
serverless containers (vCPU-hours and GiB-hours)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...design import Kind, Platform, Purchase
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan, purchase_parts
from .base import component, scaled_count


def node_pools(
    ctx: Context, region: str, pools: Sequence[NodePoolPlan], fraction: float, category: str
) -> list[CostComponent]:
    """Each pool's nodes, split between its services by their share of the pool."""
    out = []
    for pool in pools:
        nodes = scaled_count(pool.nodes, fraction, ctx.zones)
        for service, share in pool.shares:
            out.append(
                component(
                    service,
                    f"node-pool/{pool.name}",
                    f"{pool.instance_type} x {nodes} nodes (share {share:.4f})",
                    pool.instance_type,
                    region,
                    pool.purchase,
                    Decimal(nodes) * share,
                    "hour",
                    category=category or "compute",
                )
            )
    return out


def _parts(s: ServicePlan, fraction: float, zones: int) -> list[tuple[ServicePlan, int, str]]:
    """Each bought part of a service (its on-demand floor on spot), how many run at `fraction`,
    and what the line item says about it."""
    parts = purchase_parts(s)
    split = len(parts) > 1 or bool(s.on_demand_floor)
    return [
        (
            p,
            scaled_count(p.replicas, fraction, zones),
            " (on-demand floor)" if split and p.purchase == Purchase.on_demand else "",
        )
        for p in parts
    ]


def vms(
    ctx: Context, s: ServicePlan, region: str, fraction: float, category: str
) -> list[CostComponent]:
    """One VM per replica."""
    if s.kind != Kind.stateless or s.platform != Platform.vm or not s.instance_class:
        return []
    return [
        component(
            s.name, f"vm/{s.name}", f"{s.instance_class} x {n}{note}", s.instance_class, region,
            p.purchase, n, "hour", category=category or "compute",
        )
        for p, n, note in _parts(s, fraction, ctx.zones)
    ]  # fmt: skip


def containers(
    ctx: Context, s: ServicePlan, region: str, fraction: float, category: str
) -> list[CostComponent]:
    """Serverless containers (Fargate, Cloud Run, Container Apps): vCPU and memory hours."""
    if s.kind != Kind.stateless or s.platform != Platform.managed:
        return []
    vcpu = (s.cpu_request_m or 1000) / 1000
    mem_gib = (s.memory_request_mib or 512) / 1024
    out = []
    for p, n, note in _parts(s, fraction, ctx.zones):
        for what, role, quantity in (
            (f"{n} x {vcpu:g} vCPU{note}", "containers_vcpu", n * vcpu),
            (f"{n} x {mem_gib:g} GiB{note}", "containers_memory", n * mem_gib),
        ):
            out.append(
                component(
                    s.name, f"containers/{s.name}", what, ctx.catalog.role(role), region,
                    p.purchase, quantity, "hour", category=category or "containers",
                )
            )  # fmt: skip
    return out
