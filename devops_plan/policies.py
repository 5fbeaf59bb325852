"""Policies a CI job can hold a plan to (`plan --fail-on`): over budget, the availability SLA
missed, the DR targets missed, the latency target missed. Each failed policy is one line
naming the figure and the target, so a red build says why without opening the plan."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .units import format_duration, format_money, format_percent

if TYPE_CHECKING:  # `plan --help` lists the policies without importing the models
    from .plan import Plan

POLICY_EXIT_CODE = 3  # 2 is a user mistake, 1 the machine; 3 the plan breaks a policy


def _over_budget(plan: Plan) -> str | None:
    cost = plan.cost
    if cost.within_budget is not False or cost.budget is None:
        return None
    over = format_money(cost.monthly_total - cost.budget, cost.currency)
    return (
        f"over-budget: the monthly total {format_money(cost.monthly_total, cost.currency)} "
        f"is {over} over the budget of {format_money(cost.budget, cost.currency)}"
    )


def _sla_miss(plan: Plan) -> str | None:
    a = plan.availability
    if a.meets_target:
        return None
    return (
        f"sla-miss: the user path's availability {format_percent(a.achieved)} misses the "
        f"{format_percent(a.target)} "
        f"target (weakest link: {a.weakest})"
    )


def _dr_miss(plan: Plan) -> str | None:
    dr = plan.dr
    if dr.meets_target:
        return None
    return (
        f"dr-miss: {dr.strategy.value.replace('_', ' ')} recovers in RTO "
        f"{format_duration(dr.rto)} with RPO {format_duration(dr.rpo)} against targets RTO "
        f"{format_duration(dr.rto_target)}, RPO {format_duration(dr.rpo_target)}"
    )


def _latency_miss(plan: Plan) -> str | None:
    lat = plan.latency
    if lat is None or lat.meets_target:
        return None
    hops = " + ".join(f"{h.service} {h.p95_ms:g}" for h in lat.path)
    return (
        f"latency-miss: the user path's p95 is up to {lat.achieved_ms:g} ms ({hops}), over the "
        f"{lat.target_ms:g} ms target"
    )


POLICIES: dict[str, Callable[[Plan], str | None]] = {
    "over-budget": _over_budget,
    "sla-miss": _sla_miss,
    "dr-miss": _dr_miss,
    "latency-miss": _latency_miss,
}


def parse_policies(text: str) -> tuple[str, ...]:
    """`over-budget,sla-miss` as policy names; ValueError naming an unknown one."""
    names = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    unknown = [n for n in names if n not in POLICIES]
    if unknown or not names:
        got = f"unknown policy {', '.join(map(repr, unknown))}" if unknown else "no policy given"
        raise ValueError(f"{got}; expected any of {', '.join(POLICIES)}, separated by commas")
    return names


def failed_policies(plan: Plan, names: Iterable[str]) -> list[str]:
    """One line per policy in `names` that `plan` fails, in the order given."""
    return [line for n in names if (line := POLICIES[n](plan)) is not None]
