"""The plan's matplotlib figures: availability chain, DR cost against RTO, cost breakdowns and
budget, drawn from what `chart_data` says each shows. Pure functions from a Plan to a Figure;
no pyplot, so no global figure state.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ..plan import Plan
from . import chart_data
from .chart_data import TARGET, Bars, Points

_WIDTH_IN = 7.5


def _figure(rows: int) -> Figure:
    # Height grows with the number of bars so labels never overlap.
    height = max(2.4, 0.9 + 0.38 * rows)
    return Figure(figsize=(_WIDTH_IN, height), layout="constrained")


def draw_bars(b: Bars) -> Figure:
    """Horizontal bars top to bottom, a text at each bar's end, the line if any."""
    fig = _figure(max(len(b.labels), 2))
    ax = fig.add_subplot()
    y = list(range(len(b.labels)))[::-1]
    ax.barh(y, b.values, color=list(b.colours), height=0.6)
    ax.set_yticks(y, list(b.labels))
    ax.set_xlim(*b.xlim)
    if b.line is not None:
        ax.axvline(b.line, color=TARGET, linestyle="--", linewidth=1.5, label=b.line_label)
        fig.legend(loc="outside lower right", fontsize=8)
    for yi, v, text, inside in zip(y, b.values, b.texts, b.inside, strict=True):
        ax.annotate(
            text,
            (v, yi),
            xytext=(-4 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            color="white" if inside else "black",
            fontsize=8,
        )
    ax.set_title(b.title)
    ax.set_xlabel(b.xlabel)
    return fig


def draw_points(p: Points) -> Figure:
    """Points on a log x axis, the chosen one a larger star, a text beside each, the line."""
    fig = _figure(5)
    ax = fig.add_subplot()
    for i, (x, y, colour, text) in enumerate(zip(p.xs, p.ys, p.colours, p.texts, strict=True)):
        chosen = i == p.chosen
        ax.scatter(
            [x],
            [y],
            s=180 if chosen else 60,
            marker="*" if chosen else "o",
            color=colour,
            edgecolors="black" if chosen else "none",
            zorder=3,
        )
        ax.annotate(
            text, (x, y), xytext=(8, 4), textcoords="offset points", va="bottom", fontsize=8
        )
    ax.set_xscale("log")
    # Minor ticks on a log axis add nothing here and cost a third of the drawing time.
    ax.xaxis.set_minor_locator(NullLocator())
    ax.axvline(p.line, color=TARGET, linestyle="--", linewidth=1.5, label=p.line_label)
    ax.set_xlim(*p.xlim)
    ax.set_ylim(*p.ylim)
    ax.set_xlabel(p.xlabel)
    ax.set_ylabel(p.ylabel)
    ax.set_title(p.title)
    fig.legend(loc="outside lower right", fontsize=8)
    return fig


def availability_chart(plan: Plan) -> Figure:
    """Each component's availability along the user path, the end-to-end figure and the target."""
    return draw_bars(chart_data.availability(plan))


def dr_chart(plan: Plan) -> Figure:
    """Monthly cost of each DR strategy against its RTO, the chosen one marked, the RTO target."""
    return draw_points(chart_data.dr(plan))


def cost_by_service_chart(plan: Plan) -> Figure:
    """Monthly cost of each service, largest first."""
    return draw_bars(chart_data.cost_by_service(plan))


def cost_by_category_chart(plan: Plan) -> Figure:
    """Monthly cost of each category (compute, database, dr, network, ...), largest first."""
    return draw_bars(chart_data.cost_by_category(plan))


def budget_chart(plan: Plan) -> Figure:
    """The monthly total against the design's budget (the total alone when there is none)."""
    return draw_bars(chart_data.budget(plan))


CHARTS = {
    "availability": availability_chart,
    "dr": dr_chart,
    "cost_by_service": cost_by_service_chart,
    "cost_by_category": cost_by_category_chart,
    "budget": budget_chart,
}


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
    "availability_chart",
    "budget_chart",
    "cost_by_category_chart",
    "cost_by_service_chart",
    "dr_chart",
    "draw_bars",
    "draw_points",
    "plan_charts",
    "to_png",
    "to_svg",
]
