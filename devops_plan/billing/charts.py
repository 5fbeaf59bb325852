"""The report's charts as PNG bytes (matplotlib, Agg, no global pyplot state): the savings
waterfall and spend over time by provider. Same report in, same bytes out: no
timestamps or version strings are written into the files.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .. import escape
from ..units import format_money
from .rules import KINDS

_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
_TOTAL = "#4c6a8a"
_SAVING = "#2e9d5b"


def money_axis(currency: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_money(value, currency, places=0))


def label(text: str) -> str:
    """Text from a bill as a chart label drawn as it is: control characters shown as
    escapes, and `$` kept literal (matplotlib reads text between two `$` as mathtext, where
    an unknown command such as `$\\foo{$` raises ValueError and a price like `$5 and $6`
    is drawn as a formula)."""
    return escape.terminal(text, one_line=True).replace("$", r"\$")


@contextmanager
def _missing_glyphs_quiet() -> Iterator[None]:
    # A character of a bill's text the font lacks is drawn as a box; matplotlib's warning
    # about it would reach the user's terminal as a Python warning.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        yield


def _laid_out(fig: Figure) -> Figure:
    with _missing_glyphs_quiet():
        fig.tight_layout()
    return fig


def png_bytes(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    with _missing_glyphs_quiet():
        # No "Software" chunk: the bytes must not depend on the matplotlib version string.
        fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """A PNG as a data: URI, so the HTML report is one self-contained file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def savings_waterfall(
    monthly_cost: Decimal, savings: Sequence[tuple[str, Decimal]], currency: str = "USD"
) -> bytes:
    """Monthly spend, each kind of saving as a step down, and the spend after all of them."""
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    labels = ["Monthly spend"]
    bottoms = [0.0]
    heights = [float(monthly_cost)]
    colors = [_TOTAL]
    level = float(monthly_cost)
    for kind, amount in savings:
        value = float(amount)
        level -= value
        labels.append(KINDS.get(kind, kind))
        bottoms.append(level)
        heights.append(value)
        colors.append(_SAVING)
    labels.append("After savings")
    bottoms.append(0.0)
    heights.append(level)
    colors.append(_TOTAL)
    positions = range(len(labels))
    ax.bar(positions, heights, bottom=bottoms, color=colors, width=0.6)
    top = max([float(monthly_cost), 1.0])
    # A bill whose credits exceed its charges is below zero: the axis reaches down to it.
    low = min([0.0, *(b + h for b, h in zip(bottoms, heights, strict=True)), *bottoms])
    for x, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
        saving = 0 < x < len(labels) - 1
        text = format_money(-abs(h) if saving else abs(h), currency, places=0)
        ax.text(x, b + h + top * 0.01, text, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(positions), labels, rotation=20, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.set_ylabel("per month")
    ax.set_title("Estimated monthly savings by kind")
    ax.set_ylim(low * 1.12, top * 1.12)
    ax.spines[["top", "right"]].set_visible(False)
    return png_bytes(_laid_out(fig))


def spend_over_time(
    rows: Sequence[tuple[str, str, Decimal]], unit: str, currency: str = "USD"
) -> bytes:
    """Stacked bars of billed cost per period (day or month), one colour per provider."""
    buckets = sorted({b for b, _, _ in rows})
    providers = sorted({p for _, p, _ in rows})
    values = {(b, p): float(v) for b, p, v in rows}
    fig = Figure(figsize=(8, 3.6))
    ax = fig.add_subplot()
    base = [0.0] * len(buckets)
    for i, provider in enumerate(providers):
        heights = [values.get((b, provider), 0.0) for b in buckets]
        ax.bar(
            range(len(buckets)),
            heights,
            bottom=base,
            label=label(provider) if provider else "(no provider)",
            color=_PALETTE[i % len(_PALETTE)],
            width=0.8,
        )
        base = [b + h for b, h in zip(base, heights, strict=True)]
    step = max(1, len(buckets) // 12)
    ticks = list(range(0, len(buckets), step))
    ax.set_xticks(ticks, [buckets[i] for i in ticks], rotation=30, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.set_ylabel(f"billed per {unit}")
    ax.set_title(f"Spend per {unit} by provider")
    if providers:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return png_bytes(_laid_out(fig))
