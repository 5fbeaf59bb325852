"""The explorer's chart: every candidate's monthly cost against its availability, the Pareto
frontier highlighted by DR strategy, the target and budget drawn, the current design marked.
A pure function from `explore`'s DataFrame to a matplotlib Figure (no pyplot, no global state).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from ..units import format_money

__all__ = ["pareto_figure"]

# Okabe-Ito colours: distinguishable with red-green colour blindness and in grey print.
STRATEGY_COLOURS = {
    "backup_restore": "#E69F00",
    "pilot_light": "#56B4E9",
    "warm_standby": "#009E73",
    "active_active": "#CC79A7",
}
MUTED = "#b0b0b0"
TARGET = "#d6604d"
CURRENT = "#000000"
_TICKS = (90.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 99.9999)


def _nines(availability: Any) -> Any:
    """-log10 of unavailability: 99.9 -> 3. Spreads the last few tenths of a percent apart."""
    down = np.clip(1 - np.asarray(availability, dtype=float) / 100, 1e-9, 1)
    return -np.log10(down)


def _point(current: Any, df: pd.DataFrame) -> tuple[float, float] | None:
    """(availability, monthly cost) of the current design: a Plan, a pair, or the df's row."""
    if current is None:
        rows = df[df["current"]] if "current" in df else df.iloc[0:0]
        if rows.empty:
            return None
        row = rows.iloc[0]
        return float(row["availability"]), float(row["monthly_cost"])
    if isinstance(current, tuple):
        return float(current[0]), float(current[1])
    # A Plan (duck-typed so this module does not import the planner).
    return float(current.availability.achieved), float(current.cost.monthly_total)


def pareto_figure(df: pd.DataFrame, current: Any = None, *, title: str | None = None) -> Figure:
    """Monthly cost against availability for every candidate of `explore(...)`.

    Frontier candidates (cost, availability and RTO together) are coloured by DR strategy;
    the line is the cost-availability frontier alone. `current` is a Plan or an
    (availability, monthly cost) pair; by default the row `explore` marked as current.
    """
    if df.empty:
        raise ValueError("pareto_figure: the DataFrame has no candidates")
    attrs = df.attrs
    currency = attrs.get("currency", "")
    fig = Figure(figsize=(8.0, 5.2), layout="constrained")
    ax = fig.add_subplot()
    x_all = _nines(df["availability"])
    y_all = df["monthly_cost"].to_numpy(dtype=float)
    _candidates(ax, df, x_all, y_all)
    _step_line(ax, x_all, y_all)
    _targets(ax, attrs.get("availability_target"), attrs.get("budget"), currency)
    point = _point(current, df)
    if point is not None:
        _current(ax, point, currency)
    _availability_axis(ax, x_all)
    ax.set_ylabel(f"monthly cost, {currency}".rstrip(", "))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.set_title(
        title
        or f"{attrs.get('design', 'design')}: {len(df):,} candidates, "
        f"{int(df['on_frontier'].sum())} on the frontier"
    )
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    return fig


def _candidates(ax: Any, df: pd.DataFrame, x_all: Any, y_all: Any) -> None:
    """The candidates off the frontier as faint dots; those on it coloured by DR strategy."""
    off = ~df["on_frontier"].to_numpy(dtype=bool)
    ax.scatter(
        x_all[off],
        y_all[off],
        s=4,
        color=MUTED,
        alpha=0.35,
        linewidths=0,
        rasterized=True,
        label=f"other candidates ({int(off.sum()):,})",
    )
    front = df[df["on_frontier"]]
    for strategy, colour in STRATEGY_COLOURS.items():
        rows = front[front["dr_strategy"] == strategy]
        if not rows.empty:
            label = f"frontier, {strategy.replace('_', ' ')} ({len(rows)})"
            ax.scatter(
                _nines(rows["availability"]),
                rows["monthly_cost"],
                **_marker(26, colour, "black", 0.4, 3),
                label=label,
            )


def _targets(ax: Any, target: float | None, budget: float | None, currency: str) -> None:
    """The availability target (vertical) and the budget (horizontal), when set."""
    if target is not None:
        ax.axvline(
            float(_nines(target)),
            color=TARGET,
            linestyle="--",
            linewidth=1.2,
            label=f"target {target:g}%",
        )
    if budget is not None:
        ax.axhline(
            budget,
            color=TARGET,
            linestyle=":",
            linewidth=1.2,
            label=f"budget {format_money(budget, currency, places=0)}",
        )


def _current(ax: Any, point: tuple[float, float], currency: str) -> None:
    """The current design, a star."""
    availability, cost = point
    label = f"current design ({availability:g}%, {format_money(cost, currency, places=0)})"
    ax.scatter(
        [_nines(availability)],
        [cost],
        marker="*",
        **_marker(220, CURRENT, "white", 0.8, 4),
        label=label,
    )


def _marker(size: float, colour: str, edge: str, width: float, zorder: int) -> dict[str, Any]:
    return {"s": size, "color": colour, "edgecolors": edge, "linewidths": width, "zorder": zorder}


def _step_line(ax: Any, x: Any, y: Any) -> None:
    """The cheapest cost reaching each availability: the frontier of those two alone."""
    order = np.lexsort((y, -x))
    xs, ys = x[order], y[order]
    best = np.minimum.accumulate(ys)
    keep = np.r_[True, best[1:] < best[:-1]]
    ax.step(xs[keep], best[keep], where="post", color="black", linewidth=0.8, alpha=0.6, zorder=2)


def _availability_axis(ax: Any, x: Any) -> None:
    low, high = float(np.min(x)), float(np.max(x))
    pad = max(0.1, (high - low) * 0.05)
    ax.set_xlim(low - pad, high + pad)
    ticks: list[float] = []
    for t in _TICKS:
        # Labels at least a tenth of the axis apart, so none overlap.
        if low - pad <= _nines(t) <= high + pad and (
            not ticks or _nines(t) - _nines(ticks[-1]) >= (high - low + 2 * pad) / 10
        ):
            ticks.append(t)
    ax.xaxis.set_major_locator(FixedLocator([float(_nines(t)) for t in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{t:g}%" for t in ticks], fontsize=8)
    ax.set_xlabel("availability per month (spaced by nines)")
    if not ticks:  # pragma: no cover - only when every candidate has the same availability
        ax.set_xticks([low], [f"{100 * (1 - math.pow(10, -low)):g}%"])
