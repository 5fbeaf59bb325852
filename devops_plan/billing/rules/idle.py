"""Idle machines: almost no CPU and no meaningful network over enough days of samples
(AWS Trusted Advisor's test); worth what the machine is billed."""

from __future__ import annotations

from pydantic import Field

from ...units import format_money
from ..inventory import Resource
from .base import (
    BILLED,
    MIN_DAYS,
    Found,
    ResourceRule,
    RuleContext,
    RuleSettings,
    measured_cpu,
    usage_text,
)


class IdleSettings(RuleSettings):
    min_days: float = MIN_DAYS
    idle_cpu_p95_pct: float = Field(
        5.0, ge=0, le=100, description="A machine whose P95 CPU is below this is idle."
    )
    idle_network_mb_per_day: float = Field(
        5.0,
        ge=0,
        description=(
            "Network traffic (in + out) per day at or below which a machine has no meaningful "
            "network (AWS Trusted Advisor uses 5 MB)."
        ),
    )


class IdleRule(ResourceRule[IdleSettings]):
    kind, title, resource_kinds = "idle", "Idle resources", frozenset({"vm"})
    settings_model = IdleSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: IdleSettings) -> Found:
        u = measured_cpu(r, ctx, settings.min_days)
        if u is None or u.cpu_p95_pct is None or u.cpu_p95_pct >= settings.idle_cpu_p95_pct:
            return []
        network = u.net_mb_per_day
        if network is not None and network > settings.idle_network_mb_per_day:
            return []
        monthly = ctx.monthly(r.billed_cost)
        measured = (
            f" and {network:.2f} MB/day of network"
            if network is not None
            else "; network not measured"
        )
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=(
                    f"Idle machine: P95 CPU {u.cpu_p95_pct:.1f}% "
                    f"(< {settings.idle_cpu_p95_pct:g}%){measured}"
                ),
                action="Stop or terminate it (snapshot its volumes first if the data matters)",
                evidence=usage_text(u) + f"; billed {format_money(monthly, ctx.currency)} a month",
                savings=monthly,
                confidence="high" if network is not None else "medium",
                price_source=BILLED,
            )
        ]
