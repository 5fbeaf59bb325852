"""Modernization: a previous-generation machine that a current type of the same class
does for less, and an AWS gp2 volume that gp3 serves for less; worth the price
difference over the hours or GB-months used."""

from __future__ import annotations

from decimal import Decimal

from ...catalog import Catalog, Price
from ...units import format_money, format_rate, round_cents
from ..inventory import Resource
from .base import (
    LIST_PRICE,
    Found,
    Recommendation,
    ResourceRule,
    RuleContext,
    RuleSettings,
    catalog_source,
    cheapest,
    price_spec,
)


def _newer(catalog: Catalog, region: str, current: Price) -> list[Price]:
    """Current-generation types of the same class (m, c, r, t) and burstability (a burstable
    machine stays burstable, a full-core one never becomes one) at least as large."""
    return [
        p
        for p in catalog.products(
            region,
            category="compute",
            min_vcpu=current.vcpu,
            min_memory_gib=current.memory_gib,
            generation="current",
        )
        if p.family[:1] == current.family[:1] and p.burstable == current.burstable
    ]


class ModernizationRule(ResourceRule[RuleSettings]):
    kind, title, resource_kinds = "modernization", "Modernization", frozenset({"vm", "volume"})

    def recommend(self, r: Resource, ctx: RuleContext, settings: RuleSettings) -> Found:
        return self.machine(r, ctx) if r.kind == "vm" else self.volume(r, ctx)

    def machine(self, r: Resource, ctx: RuleContext) -> list[Recommendation]:
        """A current type of the same architecture (high confidence), or of the other one
        when only it is cheaper (medium); the other architecture's option is named."""
        if not r.instance_type or r.on_demand_hours <= 0:
            return []
        current = ctx.price(r, r.instance_type)
        catalog = ctx.catalog(r)
        if current is None or catalog is None or current.generation != "previous":
            return []
        if current.vcpu is None or current.memory_gib is None:
            return []
        newer: list[Price] = ctx.memo(
            ("newer", catalog.cloud, r.region, current.product),
            lambda: _newer(catalog, r.region, current),
        )
        options = [
            (p, confidence)
            for p, confidence in (
                (cheapest(p for p in newer if p.arch == current.arch), "high"),
                (cheapest(p for p in newer if p.arch != current.arch), "medium"),
            )
            if p is not None and p.unit_price < current.unit_price
        ]
        if not options:
            return []
        (target, confidence), *others = options
        hours = ctx.hours_per_month(r.on_demand_hours)
        arch_note = (
            "" if target.arch == current.arch else f" ({target.arch}: needs {target.arch} builds)"
        )
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=f"Previous-generation machine {current.product}",
                action=f"Move to {target.product}{arch_note}",
                evidence=(
                    f"{price_spec(current)} -> {price_spec(target)}; "
                    f"{hours:.1f} on-demand hours a month"
                    + "".join(_alternative(p, current, hours, ctx) for p, _ in others)
                ),
                savings=(current.unit_price - target.unit_price) * hours,
                confidence=confidence,
                price_source=catalog_source(target),
            )
        ]

    def volume(self, r: Resource, ctx: RuleContext) -> list[Recommendation]:
        """gp2 -> gp3: the same baseline performance for less, changed online."""
        if r.volume_type != "gp2" or r.cloud != "aws" or r.gb_months <= 0:
            return []
        gp2 = ctx.price(r, "ebs-gp2")
        gp3 = ctx.price(r, "ebs-gp3")
        current: Decimal | None = r.list_unit_price
        source = LIST_PRICE
        if gp2 is not None:
            current, source = gp2.unit_price, catalog_source(gp2)
        gb = ctx.hours_per_month(r.gb_months)  # GB-months per 730-hour month
        savings: Decimal | None = None
        if current is None or gp3 is None:
            evidence = f"{gb:.1f} GB-month a month; no catalog price for gp3 in {r.region}"
            source = ""
        else:
            evidence = (
                f"{gb:.1f} GB-month a month at {format_rate(current, ctx.currency)} (gp2) -> "
                f"{format_rate(gp3.unit_price, ctx.currency)} (gp3) per GB-month; gp3 includes "
                "3,000 IOPS and 125 MB/s"
            )
            savings = (current - gp3.unit_price) * gb
            source = f"{source}; {catalog_source(gp3)}"
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding="gp2 volume: gp3 gives the same baseline performance for less",
                action="Change the volume type to gp3 (online, no detach)",
                evidence=evidence,
                savings=savings,
                confidence="high",
                price_source=source,
            )
        ]


def _alternative(alt: Price, current: Price, hours: Decimal, ctx: RuleContext) -> str:
    savings = round_cents((current.unit_price - alt.unit_price) * hours)
    return (
        f"; {alt.product} ({alt.arch}) would save {format_money(savings, ctx.currency)} a month "
        f"but needs {alt.arch} builds"
    )
