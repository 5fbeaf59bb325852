"""What each of the plan's charts shows, as plain data: bars or points, their texts, colours,
axis ranges and the target line. The report draws it with matplotlib (`render.charts`) and
the explorer with live widgets (`widget_charts`), so both show the same figures. Pure."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..plan import Plan
from ..units import format_duration, format_money

# Colours chosen to stay readable in print and for red-green colour blindness.
OK = "#1b7837"
BAD = "#b2182b"
NEUTRAL = "#4575b4"
MUTED = "#999999"
TARGET = "#d6604d"


@dataclass(frozen=True)
class Bars:
    """Horizontal bars, top to bottom, each with a text at its end (inside the bar, in white,
    when `inside`); an optional vertical line (a target or a budget)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    colours: tuple[str, ...]
    texts: tuple[str, ...]
    inside: tuple[bool, ...]
    xlabel: str
    xlim: tuple[float, float]
    line: float | None = None
    line_label: str = ""


@dataclass(frozen=True)
class Points:
    """Points on a log x axis (RTO) against cost, one of them chosen, each with a text; a
    vertical target line."""

    title: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    colours: tuple[str, ...]
    texts: tuple[str, ...]
    chosen: int
    xlabel: str
    ylabel: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    line: float
    line_label: str


def availability(plan: Plan) -> Bars:
    """Each component's availability along the user path, the end-to-end figure, the target."""
    a = plan.availability
    labels = [_component_label(p.component, p.kind) for p in a.path]
    labels.append(
        "end to end" if a.regions_serving < 2 else f"end to end ({a.regions_serving} regions)"
    )
    values = [p.availability for p in a.path] + [a.achieved]
    colours = [NEUTRAL] * len(a.path) + [OK if a.meets_target else BAD]
    # Availability lives in the last few tenths of a percent: zoom there, or every bar looks full.
    low = min([*values, a.target])
    floor = max(0.0, math.floor((low - max(0.05, (100 - low) * 0.5)) * 100) / 100)
    verdict = "meets" if a.meets_target else "misses"
    return Bars(
        title=f"Availability along the user path: {a.achieved:g}% {verdict} {a.target:g}%",
        labels=tuple(labels),
        values=tuple(values),
        colours=tuple(colours),
        texts=tuple(f"{v:g}%" for v in values),
        # Inside the bar when it is long enough, else just past its end.
        inside=tuple((v - floor) > 0.2 * (100.0 - floor) for v in values),
        xlabel="availability per month, %",
        xlim=(floor, 100.0),
        line=a.target,
        line_label=f"target {a.target:g}%",
    )


def _component_label(component: str, kind: str) -> str:
    # "load-balancer (web)" already says what it is; "orders-db" does not.
    return component if kind.replace("_", "-") in component else f"{component} ({kind})"


def dr(plan: Plan) -> Points:
    """Monthly cost of each DR strategy against its RTO (a zero RTO drawn at one second), the
    chosen one marked, the RTO target."""
    d = plan.dr
    xs = [float(max(o.rto, 1)) for o in d.options]
    ys = [float(o.monthly_cost) for o in d.options]
    texts = [
        f"{o.strategy} (chosen)\n" if o.strategy == d.strategy else f"{o.strategy}\n"
        for o in d.options
    ]
    texts = [
        f"{t}RTO {format_duration(o.rto)}, RPO {format_duration(o.rpo)}"
        for t, o in zip(texts, d.options, strict=True)
    ]
    every_x = [*xs, float(max(d.rto_target, 1))]
    top = max(ys, default=0.0) or 1.0
    return Points(
        title=f"DR options to {d.dr_region}: chosen {d.strategy}",
        xs=tuple(xs),
        ys=tuple(ys),
        colours=tuple(OK if o.meets_target else MUTED for o in d.options),
        texts=tuple(texts),
        chosen=[o.strategy for o in d.options].index(d.strategy),
        xlabel="recovery time objective, seconds (log)",
        ylabel=f"monthly cost, {plan.currency}",
        xlim=(min(every_x) / 2, max(every_x) * 8),  # room on the right for the labels
        ylim=(-0.05 * top, top * 1.35),
        line=float(max(d.rto_target, 1)),
        line_label=f"RTO target {format_duration(d.rto_target)}",
    )


def _breakdown(values: Mapping[str, Decimal], currency: str, title: str) -> Bars:
    rows = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    amounts = tuple(float(v) for _, v in rows)
    top = max(amounts, default=0.0)
    return Bars(
        title=title,
        labels=tuple(k for k, _ in rows),
        values=amounts,
        colours=(NEUTRAL,) * len(rows),
        texts=tuple(format_money(v, currency, places=0) for v in amounts),
        inside=(False,) * len(rows),
        xlabel=f"monthly cost, {currency}",
        xlim=(0.0, top * 1.3 or 1.0),
    )


def cost_by_service(plan: Plan) -> Bars:
    """Monthly cost of each service, largest first."""
    return _breakdown(plan.cost.by_service, plan.currency, "Monthly cost by service")


def cost_by_category(plan: Plan) -> Bars:
    """Monthly cost of each category (compute, database, dr, network, ...), largest first."""
    return _breakdown(plan.cost.by_category, plan.currency, "Monthly cost by category")


def budget(plan: Plan) -> Bars:
    """The monthly total against the design's budget (the total alone when there is none)."""
    cost, cur = plan.cost, plan.currency
    total = float(cost.monthly_total)
    money = format_money(total, cur, places=0)
    if cost.budget is None:
        return Bars(
            title=f"Monthly total {money} (no budget set)",
            labels=("total",),
            values=(total,),
            colours=(NEUTRAL,),
            texts=(money,),
            inside=(False,),
            xlabel=f"monthly cost, {cur}",
            xlim=(0.0, total * 1.3 or 1.0),
        )
    limit = float(cost.budget)
    share = total / limit * 100
    verdict = "within budget" if cost.within_budget else "over budget"
    return Bars(
        title=f"Monthly total {money}: {share:.0f}% of budget, {verdict}",
        labels=("budget", "total"),
        values=(limit, total),
        colours=(MUTED, OK if cost.within_budget else BAD),
        texts=(format_money(limit, cur, places=0), money),
        inside=(False, False),
        xlabel=f"monthly cost, {cur}",
        xlim=(0.0, max(total, limit) * 1.3),
        line=limit,
        line_label=f"budget {format_money(limit, cur, places=0)}",
    )


CHART_DATA: dict[str, Callable[[Plan], Bars | Points]] = {
    "availability": availability,
    "dr": dr,
    "cost_by_service": cost_by_service,
    "cost_by_category": cost_by_category,
    "budget": budget,
}

__all__ = [
    "BAD",
    "CHART_DATA",
    "MUTED",
    "NEUTRAL",
    "OK",
    "TARGET",
    "Bars",
    "Points",
    "availability",
    "budget",
    "cost_by_category",
    "cost_by_service",
    "dr",
]
