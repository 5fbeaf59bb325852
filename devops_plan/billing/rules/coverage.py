"""What each kind of advice could and could not judge, and why: never a bare "0 savings".

Per kind, the resources it looks at and their monthly spend, how many it could judge, and
for the others the reason as a value (krr's "not enough data"): no utilization data, fewer
days of it than needed, no price for the type in the catalog, billed for too short a time.
A kind that found nothing on resources it could judge said something; one that could judge
nothing said nothing, and the report shows which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..inventory import Resource
from .base import ZERO, RuleContext
from .endpoints import nat_judgeable
from .logs import logs_judgeable
from .storage_class import bucket_judgeable

NO_USAGE = "no utilization data"
NOT_ENOUGH = "not enough data"
NO_PRICE = "no catalog price for its type"
NO_TYPE = "its type is not in the bill"
NO_IO = "no disk I/O data"
SHORT = "billed for too short a time"


@dataclass(frozen=True)
class Gap:
    """Resources one kind of advice could not judge, for one reason."""

    reason: str
    resources: int
    monthly_cost: Decimal


@dataclass(frozen=True)
class Coverage:
    """What one kind of advice looked at, judged and could not judge."""

    kind: str
    candidates: int
    candidate_cost: Decimal  # per month
    gaps: tuple[Gap, ...]

    @property
    def judged(self) -> int:
        return self.candidates - sum(g.resources for g in self.gaps)

    @property
    def unjudged_cost(self) -> Decimal:
        return sum((g.monthly_cost for g in self.gaps), ZERO)


# Why a resource could not be judged by a kind of advice ('' when it could be).
Why = Callable[[Resource, RuleContext, float], str]


def _usage(r: Resource, ctx: RuleContext, min_days: float) -> str:
    u = ctx.usage(r)
    if u is None:
        return NO_USAGE
    if u.days < min_days or u.cpu_p95_pct is None:
        return NOT_ENOUGH
    return ""


def _priced(r: Resource, ctx: RuleContext, min_days: float) -> str:
    if not r.instance_type:
        return NO_TYPE
    return "" if ctx.price(r, r.instance_type) is not None else NO_PRICE


def _sized(r: Resource, ctx: RuleContext, min_days: float) -> str:
    return _usage(r, ctx, min_days) or _priced(r, ctx, min_days)


def _spot(r: Resource, ctx: RuleContext, min_days: float) -> str:
    if not r.instance_type:
        return NO_TYPE
    return "" if ctx.price(r, r.instance_type, "spot") is not None else NO_PRICE


def _volume(r: Resource, ctx: RuleContext, min_days: float) -> str:
    u = ctx.usage(r)
    if u is None or u.disk_ops_per_day is None:
        return NO_IO
    return NOT_ENOUGH if u.days < min_days else ""


def _billed_long_enough(r: Resource, ctx: RuleContext, min_days: float) -> str:
    if r.first_start is None or r.last_end is None:
        return SHORT
    return "" if (r.last_end - r.first_start).total_seconds() >= min_days * 86400 else SHORT


def _always(r: Resource, ctx: RuleContext, min_days: float) -> str:
    return ""


# The advice that needs no utilization data: why a resource could not be judged, per kind.
_JUDGEABLE: dict[str, Callable[[Resource, RuleContext], str]] = {
    "nat_gateway": nat_judgeable,
    "log_store": logs_judgeable,
    "bucket": bucket_judgeable,
}


def _no_usage_needed(r: Resource, ctx: RuleContext, min_days: float) -> str:
    return _JUDGEABLE[r.kind](r, ctx)


def _on_demand_machine(r: Resource) -> bool:
    return r.kind == "vm" and r.on_demand_hours > 0


# Per kind: which resources it looks at, and why one could not be judged.
_LOOKS_AT: dict[str, tuple[Callable[[Resource], bool], Callable[[Resource], Why]]] = {
    "idle": (lambda r: r.kind == "vm", lambda r: _usage),
    "rightsizing": (_on_demand_machine, lambda r: _sized),
    "modernization": (
        lambda r: r.kind == "vm" or r.kind == "volume",
        lambda r: _priced if r.kind == "vm" else _always,
    ),
    "spot": (_on_demand_machine, lambda r: _spot),
    "waste": (
        lambda r: r.kind in ("volume", "snapshot", "nat_gateway", "load_balancer"),
        lambda r: {"volume": _volume, "snapshot": _always}.get(r.kind, _billed_long_enough),
    ),
    "endpoints": (lambda r: r.kind == "nat_gateway", lambda r: _no_usage_needed),
    "logs": (lambda r: r.kind == "log_store", lambda r: _no_usage_needed),
    "storage_class": (lambda r: r.kind == "bucket", lambda r: _no_usage_needed),
    "tag_hygiene": (lambda r: bool(r.resource_id), lambda r: _always),
}


def coverage(
    inventory: Sequence[Resource], ctx: RuleContext, min_days: float
) -> tuple[Coverage, ...]:
    """What each per-resource kind of advice (and tag hygiene) looked at and judged."""
    found = []
    for kind, (looks_at, why_of) in _LOOKS_AT.items():
        candidates = [r for r in inventory if looks_at(r)]
        gaps: dict[str, tuple[int, Decimal]] = {}
        for r in candidates:
            reason = why_of(r)(r, ctx, min_days)
            if reason:
                count, cost = gaps.get(reason, (0, ZERO))
                gaps[reason] = (count + 1, cost + r.billed_cost)
        found.append(
            Coverage(
                kind=kind,
                candidates=len(candidates),
                candidate_cost=ctx.monthly(sum((r.billed_cost for r in candidates), ZERO)),
                gaps=tuple(
                    Gap(reason, count, ctx.monthly(cost))
                    for reason, (count, cost) in sorted(gaps.items(), key=lambda kv: -kv[1][1])
                ),
            )
        )
    return tuple(found)


def commitment_coverage(ctx: RuleContext, planned: Sequence[str], notes: Sequence[str]) -> Coverage:
    """The commitment advice: each provider with on-demand compute, judged when a commitment
    could be sized for it; the reason otherwise (the rule's own note)."""
    providers = sorted({h.provider for h in ctx.spend.compute_hours})
    spend = {p: ZERO for p in providers}
    for h in ctx.spend.compute_hours:
        spend[h.provider] += h.cost
    gaps = [
        Gap(
            next((n for n in notes if n.startswith(f"{p}:")), "no on-demand baseline"),
            1,
            ctx.monthly(spend[p]),
        )
        for p in providers
        if p not in planned
    ]
    return Coverage(
        "commitment", len(providers), ctx.monthly(sum(spend.values(), ZERO)), tuple(gaps)
    )
