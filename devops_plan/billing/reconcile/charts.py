"""The reconciliation's charts as PNG bytes (matplotlib, Agg, no global state): planned
against actual per service, and the drift waterfall from the planned total to the billed one.
Same reconciliation in, same bytes out."""

from __future__ import annotations

from decimal import Decimal

from matplotlib.figure import Figure

from ...units import format_money
from ..charts import money_axis, png_bytes
from .model import Reconciliation

_PLANNED = "#4c6a8a"
_ACTUAL = "#e08a2c"
_UP, _DOWN = "#c0392b", "#2e9d5b"


def planned_vs_actual(rec: Reconciliation) -> bytes:
    """Bars of planned and billed spend per planned service, and the unplanned spend."""
    rows = [(s, float(p), float(a)) for s, p, a in rec.by_service()]
    rows.append(("unplanned", 0.0, float(rec.unplanned_total)))
    fig = Figure(figsize=(8, 3.8))
    ax = fig.add_subplot()
    positions = range(len(rows))
    ax.bar(
        [x - 0.2 for x in positions], [p for _, p, _ in rows], 0.4, label="planned", color=_PLANNED
    )
    ax.bar(
        [x + 0.2 for x in positions], [a for _, _, a in rows], 0.4, label="billed", color=_ACTUAL
    )
    ax.set_xticks(list(positions), [s for s, _, _ in rows], rotation=20, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(money_axis(rec.currency))
    ax.set_ylabel(f"over {rec.period.days:g} days")
    ax.set_title("Planned and billed per service")
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return png_bytes(fig)


def drift_waterfall(rec: Reconciliation) -> bytes:
    """From the planned total, each drifting component's difference and the unplanned spend
    as steps, to the billed total (components within the thresholds as one step)."""
    steps = [(f"{r.service} {r.component}", r.difference) for r in rec.rows if r.drift]
    rest = sum((r.difference for r in rec.rows if not r.drift), Decimal(0))
    steps.append(("within thresholds", rest))
    steps.append(("unplanned", rec.unplanned_total))
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    level = float(rec.planned_total)
    labels, bottoms, heights, colors = ["planned"], [0.0], [level], [_PLANNED]
    for label, amount in steps:
        value = float(amount)
        labels.append(label)
        bottoms.append(level if value >= 0 else level + value)
        heights.append(abs(value))
        colors.append(_UP if value > 0 else _DOWN)
        level += value
    labels.append("billed")
    bottoms.append(0.0)
    heights.append(level)
    colors.append(_ACTUAL)
    ax.bar(range(len(labels)), heights, bottom=bottoms, color=colors, width=0.6)
    top = max([b + h for b, h in zip(bottoms, heights, strict=True)] + [1.0])
    # A bill whose credits exceed its charges ends below zero: the axis reaches down to it.
    low = min([0.0, *bottoms, *(b + h for b, h in zip(bottoms, heights, strict=True))])
    for x, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
        ax.text(
            x,
            b + h + top * 0.01,
            format_money(h, rec.currency, places=0),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(money_axis(rec.currency))
    ax.set_title("From the plan to the bill")
    ax.set_ylim(low * 1.12, top * 1.12)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return png_bytes(fig)
