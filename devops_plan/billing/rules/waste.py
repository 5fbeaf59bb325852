"""Storage and network waste: an unused volume, an old snapshot, an idle NAT gateway or load
balancer; each worth what it is billed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from pydantic import Field

from ...units import format_money
from ..inventory import Resource, tag_key
from .base import (
    BILLED,
    MIN_DAYS,
    ZERO,
    Found,
    ResourceRule,
    RuleContext,
    RuleSettings,
)


class WasteSettings(RuleSettings):
    min_days: float = MIN_DAYS
    idle_volume_ops_per_day: float = Field(
        1.0,
        ge=0,
        description="Disk operations per day below which a volume is unused (likely unattached).",
    )
    snapshot_max_age_days: int = Field(
        90, gt=0, description="Snapshots older than this are flagged for review and deletion."
    )
    snapshot_created_tags: tuple[str, ...] = Field(
        ("created", "CreatedOn", "creation-date", "created_at"),
        description="Tag keys that may hold a snapshot's creation date (ISO format).",
    )
    idle_nat_gb_per_month: float = Field(
        1.0, ge=0, description="A NAT gateway processing less than this per month is idle."
    )
    idle_lb_lcu_per_hour: float = Field(
        0.01,
        ge=0,
        description="A load balancer averaging fewer capacity units per hour than this is idle.",
    )


# What a check found: (finding, action, evidence); the billed cost is added to the evidence.
Waste = tuple[str, str, str]
Check = Callable[[Resource, RuleContext, WasteSettings], Waste | None]


def _created(r: Resource, s: WasteSettings) -> date | None:
    tags = {tag_key(k): v for k, v in (r.tags or {}).items()}
    for key in s.snapshot_created_tags:
        text = tags.get(tag_key(key))
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                continue
    return None


def _billed_days(r: Resource) -> float:
    if r.first_start is None or r.last_end is None:
        return 0.0
    return (r.last_end - r.first_start).total_seconds() / 86400


def unused_volume(r: Resource, ctx: RuleContext, s: WasteSettings) -> Waste | None:
    u = ctx.usage(r)
    if u is None or u.disk_ops_per_day is None or u.days < s.min_days:
        return None
    if u.disk_ops_per_day >= s.idle_volume_ops_per_day:
        return None
    return (
        f"Unused volume: {u.disk_ops_per_day:.2f} disk operations a day (likely unattached)",
        "Snapshot it if needed, then delete it",
        f"{u.disk_ops_per_day:.2f} ops/day over {u.days:.1f} days",
    )


def old_snapshot(r: Resource, ctx: RuleContext, s: WasteSettings) -> Waste | None:
    end = ctx.spend.period.end.date()
    created = _created(r, s)
    if created is not None:
        age = (end - created).days
        basis = f"created {created.isoformat()} (tag)"
    elif r.first_start is not None:
        age = (end - r.first_start.date()).days
        basis = f"billed since {r.first_start.date().isoformat()} (at least)"
    else:
        return None
    if age < s.snapshot_max_age_days:
        return None
    return (
        f"Old snapshot: {age} days old (> {s.snapshot_max_age_days})",
        "Delete it unless a retention rule needs it",
        basis,
    )


def idle_nat_gateway(r: Resource, ctx: RuleContext, s: WasteSettings) -> Waste | None:
    if _billed_days(r) < s.min_days:
        return None  # a short look at an idle gateway proves nothing
    gb_month = ctx.hours_per_month(r.gb_processed)
    if gb_month >= Decimal(str(s.idle_nat_gb_per_month)):
        return None
    return (
        f"Idle NAT gateway: {gb_month:.3f} GB processed a month",
        "Delete it (or share one gateway per VPC)",
        f"{r.gb_processed:.3f} GB processed in the period",
    )


def idle_load_balancer(r: Resource, ctx: RuleContext, s: WasteSettings) -> Waste | None:
    if _billed_days(r) < s.min_days:
        return None
    hours = ctx.spend.period.hours
    lcu_per_hour = Decimal(str(r.lcu_hours)) / hours if hours > 0 else ZERO
    if lcu_per_hour >= Decimal(str(s.idle_lb_lcu_per_hour)):
        return None
    return (
        f"Idle load balancer: {lcu_per_hour:.4f} capacity units an hour",
        "Delete it if nothing routes through it",
        f"{r.lcu_hours:.3f} LCU-hours in {hours:.0f} hours",
    )


_CHECKS: dict[str, Check] = {
    "volume": unused_volume,
    "snapshot": old_snapshot,
    "nat_gateway": idle_nat_gateway,
    "load_balancer": idle_load_balancer,
}


class WasteRule(ResourceRule[WasteSettings]):
    kind, title, resource_kinds = (
        "waste",
        "Storage and network waste",
        frozenset({"volume", "snapshot", "nat_gateway", "load_balancer"}),
    )
    settings_model = WasteSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: WasteSettings) -> Found:
        monthly = ctx.monthly(r.billed_cost)
        check = _CHECKS.get(r.kind)
        found = check(r, ctx, settings) if check is not None and monthly > 0 else None
        if found is None:
            return []
        finding, action, evidence = found
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=finding,
                action=action,
                evidence=f"{evidence}; billed {format_money(monthly, ctx.currency)} a month",
                savings=monthly,
                confidence="medium",
                price_source=BILLED,
            )
        ]
