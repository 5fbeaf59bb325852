"""The plan's matplotlib figures: availability chain, DR cost against RTO, cost breakdowns and
budget. Pure functions from a Plan to a Figure; no pyplot, so no global figure state.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from decimal import Decimal

from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ..plan import Plan
from ..units import format_duration, format_money

# Colours chosen to stay readable in print and for red-green colour blindness.
OK = "#1b7837"
BAD = "#b2182b"
NEUTRAL = "#4575b4"
MUTED = "#999999"
TARGET = "#d6604d"

_WIDTH_IN = 7.5


def _figure(rows: int) -> Figure:
    # Height grows with the number of bars so labels never overlap.
    height = max(2.4, 0.9 + 0.38 * rows)
    return Figure(figsize=(_WIDTH_IN, height), layout="constrained")


def availability_chart(plan: Plan) -> Figure:
    """Each component's availability along the user path, the end-to-end figure and the target."""
    a = plan.availability
    labels = [_component_label(p.component, p.kind) for p in a.path]
    labels.append(
        "end to end" if a.regions_serving < 2 else f"end to end ({a.regions_serving} regions)"
    )
    values = [p.availability for p in a.path] + [a.achieved]
    colours = [NEUTRAL] * len(a.path) + [OK if a.meets_target else BAD]
    fig = _figure(len(labels))
    ax = fig.add_subplot()
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=colours, height=0.6)
    ax.set_yticks(y, labels)
    # Availability lives in the last few tenths of a percent: zoom there, or every bar looks full.
    low = min([*values, a.target])
    floor = math.floor((low - max(0.05, (100 - low) * 0.5)) * 100) / 100
    ax.set_xlim(max(0.0, floor), 100.0)
    ax.axvline(a.target, color=TARGET, linestyle="--", linewidth=1.5, label=f"target {a.target:g}%")
    left, right = ax.get_xlim()
    for yi, v in zip(y, values, strict=True):
        # Inside the bar when it is long enough, else just past its end.
        inside = (v - left) > 0.2 * (right - left)
        ax.annotate(
            f"{v:g}%",
            (v, yi),
            xytext=(-4 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            color="white" if inside else "black",
            fontsize=8,
        )
    verdict = "meets" if a.meets_target else "misses"
    ax.set_title(f"Availability along the user path: {a.achieved:g}% {verdict} {a.target:g}%")
    ax.set_xlabel("availability per month, %")
    fig.legend(loc="outside lower right", fontsize=8)
    return fig


def _component_label(component: str, kind: str) -> str:
    # "load-balancer (web)" already says what it is; "orders-db" does not.
    return component if kind.replace("_", "-") in component else f"{component} ({kind})"


def dr_chart(plan: Plan) -> Figure:
    """Monthly cost of each DR strategy against its RTO, the chosen one marked, the RTO target."""
    dr = plan.dr
    fig = _figure(5)
    ax = fig.add_subplot()
    # A log axis: RTOs span a minute to days. A zero RTO is drawn at one second.
    for o in dr.options:
        x = max(o.rto, 1)
        cost = float(o.monthly_cost)
        chosen = o.strategy == dr.strategy
        ax.scatter(
            [x],
            [cost],
            s=180 if chosen else 60,
            marker="*" if chosen else "o",
            color=OK if o.meets_target else MUTED,
            edgecolors="black" if chosen else "none",
            zorder=3,
        )
        name = f"{o.strategy} (chosen)" if chosen else o.strategy
        label = f"{name}\nRTO {format_duration(o.rto)}, RPO {format_duration(o.rpo)}"
        ax.annotate(
            label, (x, cost), xytext=(8, 4), textcoords="offset points", va="bottom", fontsize=8
        )
    ax.set_xscale("log")
    # Minor ticks on a log axis add nothing here and cost a third of the drawing time.
    ax.xaxis.set_minor_locator(NullLocator())
    ax.axvline(
        max(dr.rto_target, 1),
        color=TARGET,
        linestyle="--",
        linewidth=1.5,
        label=f"RTO target {format_duration(dr.rto_target)}",
    )
    xs = [max(o.rto, 1) for o in dr.options] + [max(dr.rto_target, 1)]
    ax.set_xlim(min(xs) / 2, max(xs) * 8)  # room on the right for the labels
    top = max(float(o.monthly_cost) for o in dr.options) or 1.0
    ax.set_ylim(bottom=-0.05 * top, top=top * 1.35)
    ax.set_xlabel("recovery time objective, seconds (log)")
    ax.set_ylabel(f"monthly cost, {plan.currency}")
    ax.set_title(f"DR options to {dr.dr_region}: chosen {dr.strategy}")
    fig.legend(loc="outside lower right", fontsize=8)
    return fig


def _breakdown(values: Mapping[str, Decimal], currency: str, title: str) -> Figure:
    rows = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    fig = _figure(len(rows))
    ax = fig.add_subplot()
    y = list(range(len(rows)))[::-1]
    amounts = [float(v) for _, v in rows]
    ax.barh(y, amounts, color=NEUTRAL, height=0.6)
    ax.set_yticks(y, [k for k, _ in rows])
    top = max(amounts, default=0.0)
    for yi, v in zip(y, amounts, strict=True):
        ax.annotate(
            format_money(v, currency, places=0),
            (v, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, top * 1.3 or 1)
    ax.set_xlabel(f"monthly cost, {currency}")
    ax.set_title(title)
    return fig


def cost_by_service_chart(plan: Plan) -> Figure:
    """Monthly cost of each service, largest first."""
    return _breakdown(plan.cost.by_service, plan.currency, "Monthly cost by service")


def cost_by_category_chart(plan: Plan) -> Figure:
    """Monthly cost of each category (compute, database, dr, network, ...), largest first."""
    return _breakdown(plan.cost.by_category, plan.currency, "Monthly cost by category")


def budget_chart(plan: Plan) -> Figure:
    """The monthly total against the design's budget (the total alone when there is none)."""
    cost = plan.cost
    total = float(cost.monthly_total)
    fig = _figure(2)
    ax = fig.add_subplot()
    if cost.budget is None:
        ax.barh([0], [total], color=NEUTRAL, height=0.5)
        ax.set_yticks([0], ["total"])
        ax.set_title(
            f"Monthly total {format_money(total, plan.currency, places=0)} (no budget set)"
        )
        ax.set_xlim(0, total * 1.3 or 1)
    else:
        budget = float(cost.budget)
        ax.barh(
            [1, 0], [budget, total], color=[MUTED, OK if cost.within_budget else BAD], height=0.5
        )
        ax.set_yticks([1, 0], ["budget", "total"])
        ax.axvline(budget, color=TARGET, linestyle="--", linewidth=1.5)
        share = total / budget * 100
        verdict = "within budget" if cost.within_budget else "over budget"
        ax.set_title(
            f"Monthly total {format_money(total, plan.currency, places=0)}: {share:.0f}% of budget, {verdict}"
        )
        ax.set_xlim(0, max(total, budget) * 1.3)
        for yi, v in ((1, budget), (0, total)):
            ax.annotate(
                format_money(v, plan.currency, places=0),
                (v, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    ax.set_xlabel(f"monthly cost, {plan.currency}")
    return fig


CHARTS = {
    "availability": availability_chart,
    "dr": dr_chart,
    "cost_by_service": cost_by_service_chart,
    "cost_by_category": cost_by_category_chart,
    "budget": budget_chart,
}


# The part of the plan each chart reads: a chart whose part did not change need not be redrawn
# (the explorer redraws only those; drawing is most of its update time).
CHART_INPUTS: dict[str, Callable[[Plan], object]] = {
    "availability": lambda p: (
        p.availability.path,
        p.availability.achieved,
        p.availability.target,
        p.availability.meets_target,
        p.availability.regions_serving,
    ),
    "dr": lambda p: (p.dr, p.currency),
    "cost_by_service": lambda p: (p.cost.by_service, p.currency),
    "cost_by_category": lambda p: (p.cost.by_category, p.currency),
    "budget": lambda p: (p.cost.monthly_total, p.cost.budget, p.cost.within_budget, p.currency),
}


def chart_key(name: str, plan: Plan) -> str:
    """A text that changes whenever what chart `name` draws from `plan` changes."""
    return repr(CHART_INPUTS[name](plan))


def plan_charts(plan: Plan) -> dict[str, Figure]:
    """Every chart of a plan, by name, in display order."""
    return {name: draw(plan) for name, draw in CHARTS.items()}


def to_png(fig: Figure, dpi: int = 96) -> bytes:
    """The figure as PNG bytes; the same figure gives the same bytes (no timestamp)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def to_svg(fig: Figure) -> str:
    """The figure as SVG text with stable element ids (a fixed hash salt, no date)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "devops-plan"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


__all__ = [
    "CHARTS",
    "CHART_INPUTS",
    "availability_chart",
    "budget_chart",
    "chart_key",
    "cost_by_category_chart",
    "cost_by_service_chart",
    "dr_chart",
    "plan_charts",
    "to_png",
    "to_svg",
]
