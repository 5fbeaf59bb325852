"""Rightsizing: a machine whose P95 CPU and peak memory, plus head room, fit a cheaper and
smaller type; worth the hourly price difference over its on-demand hours."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from ...catalog import Catalog, Price
from ..inventory import Resource
from ..sources.utilization import ResourceUsage
from .base import (
    MIN_DAYS,
    Found,
    ResourceRule,
    RuleContext,
    RuleSettings,
    catalog_source,
    cheapest,
    measured_cpu,
    price_spec,
    usage_text,
)


class RightsizingSettings(RuleSettings):
    headroom: float = Field(
        0.15,
        ge=0,
        le=2,
        description="Head room added to P95 CPU and peak memory before choosing a smaller type.",
    )
    min_days: float = MIN_DAYS


@dataclass(frozen=True)
class _Need:
    """The capacity a machine needs: measured use plus head room."""

    vcpu: float
    memory_gib: float


def _need(current: Price, u: ResourceUsage, headroom: float) -> _Need:
    assert current.vcpu is not None and current.memory_gib is not None
    assert u.cpu_p95_pct is not None
    grow = 1 + headroom
    # Without a memory measurement the memory cannot shrink.
    memory = (
        current.memory_gib * u.mem_peak_pct / 100 * grow
        if u.mem_peak_pct is not None
        else current.memory_gib
    )
    return _Need(current.vcpu * u.cpu_p95_pct / 100 * grow, memory)


def _target(catalog: Catalog, region: str, current: Price, need: _Need) -> tuple[Price | None, str]:
    """The cheapest smaller type with enough capacity: same family first, then another
    current-generation family of the same architecture. A burstable or shared-core type
    (`Price.burstable`: AWS T, Azure B, GCP e2-micro/small/medium) only for a machine that
    is one already."""

    def smaller(p: Price) -> bool:
        # Rightsizing means less capacity; a same-size move is modernization's business.
        return p.unit_price < current.unit_price and (
            (p.vcpu or 0) < (current.vcpu or 0) or (p.memory_gib or 0) < (current.memory_gib or 0)
        )

    def fitting(family: str | None = None, arch: str | None = None) -> list[Price]:
        return [
            p
            for p in catalog.products(
                region,
                category="compute",
                family=family,
                min_vcpu=need.vcpu,
                min_memory_gib=need.memory_gib,
                arch=arch,
                generation=None if family else "current",
            )
            if smaller(p) and (current.burstable or not p.burstable)
        ]

    same = cheapest(fitting(family=current.family))
    if same is not None:
        return same, "same family"
    return cheapest(fitting(arch=current.arch or None)), "another family"


class RightsizingRule(ResourceRule[RightsizingSettings]):
    kind, title, resource_kinds = "rightsizing", "Rightsizing", frozenset({"vm"})
    settings_model = RightsizingSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: RightsizingSettings) -> Found:
        u = measured_cpu(r, ctx, settings.min_days)
        if u is None or not r.instance_type or r.on_demand_hours <= 0:
            return []
        current = ctx.price(r, r.instance_type)
        catalog = ctx.catalog(r)
        if current is None or catalog is None or current.vcpu is None or current.memory_gib is None:
            return []
        need = _need(current, u, settings.headroom)
        target, scope = _target(catalog, r.region, current, need)
        if target is None:
            return []
        hours = ctx.hours_per_month(r.on_demand_hours)
        mem_text = (
            f"peak memory {u.mem_peak_pct:.1f}%"
            if u.mem_peak_pct is not None
            else "memory not measured (kept as is)"
        )
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=f"Oversized: P95 CPU {u.cpu_p95_pct:.1f}%, {mem_text} on {current.product}",
                action=f"Resize to {target.product} ({scope})",
                evidence=(
                    f"{usage_text(u)}; needs {need.vcpu:.2f} vCPU and {need.memory_gib:.2f} GiB "
                    f"with {settings.headroom:.0%} head room; {price_spec(current)} -> "
                    f"{price_spec(target)}; {hours:.1f} on-demand hours a month"
                ),
                savings=(current.unit_price - target.unit_price) * hours,
                confidence="high" if u.mem_peak_pct is not None else "medium",
                price_source=catalog_source(target),
            )
        ]
