"""Commitments: per provider, the Savings Plan or reservation that saves most on the
on-demand compute baseline left after the per-resource recommendations (the sizing
arithmetic is `billing.commitments`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field

from ...catalog import Catalog, Price
from ...units import format_money, format_rate, round_cents
from ..commitments import Commitment, hourly_series, plan_commitment
from ..inventory import Resource, cloud_of, is_hours
from .base import (
    MIN_DAYS,
    MIN_MONTHLY_SAVINGS,
    MONTH,
    ZERO,
    Recommendation,
    Rule,
    RuleContext,
    RuleSettings,
    per_hour,
)


class CommitmentSettings(RuleSettings):
    min_days: float = MIN_DAYS
    commitment_options: tuple[str, ...] = Field(
        ("savings_plan_1y", "savings_plan_3y", "reserved_1y", "reserved_3y"),
        description="Purchase options considered for the commitment recommendation.",
    )
    min_monthly_savings: Decimal = MIN_MONTHLY_SAVINGS


@dataclass(frozen=True)
class CommitmentAdvice:
    recommendations: tuple[Recommendation, ...]
    plans: tuple[tuple[str, tuple[Commitment, ...]], ...]  # provider -> every option
    notes: tuple[str, ...]


def discounts(
    resources: Sequence[Resource], catalog: Catalog, options: Sequence[str]
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per option: (spend-weighted discount off on-demand, share of spend it was priced on)."""
    weights: list[tuple[Resource, Price, Decimal]] = []
    total = ZERO
    for r in resources:
        cost = sum(
            (
                ln.effective_cost
                for ln in r.lines
                if ln.pricing_category == "Standard" and is_hours(ln)
            ),
            ZERO,
        )
        if cost <= 0:
            continue
        total += cost
        od = catalog.find(r.instance_type, r.region, "on_demand") if r.instance_type else None
        if od is not None and od.unit_price > 0:
            weights.append((r, od, cost))
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for option in options:
        priced = [
            (cost, p.unit_price / od.unit_price)
            for r, od, cost in weights
            if (p := catalog.find(r.instance_type, r.region, option)) is not None
        ]
        weight = sum((c for c, _ in priced), ZERO)
        if weight > 0 and total > 0:
            ratio = sum((c * q for c, q in priced), ZERO) / weight
            out[option] = (1 - ratio, weight / total)
    return out


@dataclass(frozen=True)
class _Baseline:
    """One provider's on-demand compute: its machines, the discount each option gives on
    them, and the spend per hour of the period (before and after the counted savings)."""

    provider: str
    catalog: Catalog
    discounts: dict[str, tuple[Decimal, Decimal]]
    series: list[Decimal]
    adjusted: list[Decimal]

    @property
    def monthly(self) -> Decimal:
        return round_cents(sum(self.series, ZERO) / Decimal(len(self.series)) * MONTH)


class CommitmentRule(Rule):
    kind, title, settings_model = "commitment", "Commitments", CommitmentSettings

    def recommend(
        self,
        ctx: RuleContext,
        settings: CommitmentSettings,
        inventory: Sequence[Resource],
        machine_savings: Sequence[Recommendation],
    ) -> CommitmentAdvice:
        """The best commitment per provider. `machine_savings` are the counted per-resource
        recommendations that change what a machine costs an hour (taken off the baseline)."""
        recs: list[Recommendation] = []
        plans: list[tuple[str, tuple[Commitment, ...]]] = []
        notes: list[str] = []
        for provider in sorted({h.provider for h in ctx.spend.compute_hours}):
            found = self._baseline(provider, ctx, settings, inventory, machine_savings)
            if isinstance(found, str):
                notes.append(found)
                continue
            if found is None:
                continue
            options = tuple(
                plan_commitment(found.adjusted, option, discount)
                for option, (discount, _) in sorted(found.discounts.items())
            )
            plans.append((provider, options))
            best = max(options, key=lambda c: (c.net_savings_per_hour, -len(c.purchase)))
            if round_cents(best.net_savings_per_hour * MONTH) >= settings.min_monthly_savings:
                recs.append(self._recommendation(found, best, options, ctx, settings))
        return CommitmentAdvice(tuple(recs), tuple(plans), tuple(notes))

    def _baseline(
        self,
        provider: str,
        ctx: RuleContext,
        settings: CommitmentSettings,
        inventory: Sequence[Resource],
        machine_savings: Sequence[Recommendation],
    ) -> _Baseline | str | None:
        """The provider's baseline, a note saying why there is none, or None (no usage)."""
        catalog = ctx.catalogs.get(cloud_of(provider) or "")
        if catalog is None:
            return f"{provider}: no price catalog, so no commitment was sized"
        machines = [
            r
            for r in inventory
            if r.provider == provider and r.kind == "vm" and r.on_demand_hours > 0
        ]
        found = discounts(machines, catalog, settings.commitment_options)
        if not found:
            return f"{provider}: the catalog prices no commitment for the machines billed on demand"
        period = ctx.spend.period
        series = hourly_series(
            [(h.start, h.end, h.cost) for h in ctx.spend.compute_hours if h.provider == provider],
            period.start,
            period.end,
        )
        if not series:
            return None
        # Per-resource savings already counted would shrink the baseline; take them out first.
        ids = {(r.provider, r.resource_id) for r in machines}
        already = (
            sum(
                (
                    rec.estimated_monthly_savings or ZERO
                    for rec in machine_savings
                    if (rec.provider, rec.resource_id) in ids
                ),
                ZERO,
            )
            / MONTH
        )
        adjusted = [max(v - already, ZERO) for v in series]
        return _Baseline(provider, catalog, found, series, adjusted)

    def _recommendation(
        self,
        base: _Baseline,
        best: Commitment,
        options: Sequence[Commitment],
        ctx: RuleContext,
        settings: CommitmentSettings,
    ) -> Recommendation:
        coverage_of_spend = base.discounts[best.purchase][1]
        short = ctx.spend.period.days < settings.min_days
        confidence = "low" if short or coverage_of_spend < Decimal("0.5") else "medium"
        cur = ctx.currency
        others = "; ".join(
            f"{c.purchase}: {format_money(round_cents(c.net_savings_per_hour * MONTH), cur)}"
            for c in options
            if c is not best
        )
        return Recommendation(
            kind=self.kind,
            resource_id=f"{base.provider} on-demand compute",
            resource_name="",
            provider=base.provider,
            region="all",
            service="Compute",
            finding=f"Steady on-demand compute: {best.coverage:.0%} of it could be committed",
            action=(
                f"Buy a {best.purchase.replace('_', ' ')} commitment of "
                f"{format_rate(best.commitment_per_hour, cur, 'h')}"
            ),
            evidence=(
                f"on-demand compute averages {format_rate(per_hour(best.baseline_per_hour), cur, 'h')}"
                f" after the other recommendations; the commitment covers "
                f"{format_rate(per_hour(best.level_per_hour), cur, 'h')} of it at "
                f"{best.discount:.1%} off ({best.coverage:.0%} coverage, "
                f"{best.utilization:.0%} used on average); it breaks even when "
                f"{best.break_even_utilization:.0%} of it is used; "
                f"discount priced on {coverage_of_spend:.0%} of on-demand machine spend"
                + (f"; other options: {others}" if others else "")
            ),
            current_monthly_cost=base.monthly,
            estimated_monthly_savings=round_cents(best.net_savings_per_hour * MONTH),
            confidence=confidence,
            price_source=f"catalog {base.catalog.cloud} {base.catalog.as_of}",
        )
