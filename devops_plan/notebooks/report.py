"""How the notebooks' HTML reports look: tables through pandas Styler (one money formatter,
thousands separators, percentages, no index, text left and numbers right, nothing cut), the
title block and key-figure cards, the diagram scaled to the page with a link to the full-size
file, and the CSS that keeps the page readable on screen and on A4 paper."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..escape import html_text
from ..units import format_money

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = [
    "REPORT_CSS",
    "Card",
    "Columns",
    "ReportTable",
    "cards_html",
    "diagram_html",
    "style_table",
]

# Scoped to the report's own classes, so that a notebook open in JupyterLab keeps its look.
REPORT_CSS = """
.dp-title { border-bottom: 2px solid #4575b4; padding-bottom: .4em; margin-bottom: 1em; }
.dp-title h1 { margin: 0 0 .2em 0; font-size: 1.8em; }
.dp-title .dp-subtitle { color: #444; margin: 0 0 .5em 0; }
.dp-meta { display: grid; grid-template-columns: 8em 1fr; gap: .15em 1em; margin: 0;
  color: #333; }
.dp-meta dt { font-weight: 600; margin: 0; padding: 0; }
.dp-meta dd { margin: 0; padding: 0; }
.dp-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(14em, 1fr));
  gap: .8em; margin: 1em 0; }
.dp-card { border: 1px solid #c8ced3; border-left: 6px solid #4575b4; border-radius: 4px;
  padding: .6em .8em; background: #fafbfc; break-inside: avoid; }
.dp-card.dp-ok { border-left-color: #1b7837; }
.dp-card.dp-bad { border-left-color: #b2182b; }
.dp-card .dp-label { font-size: .85em; color: #555; text-transform: uppercase;
  letter-spacing: .03em; }
.dp-card .dp-value { font-size: 1.5em; font-weight: 600; margin: .15em 0; }
.dp-card .dp-detail { font-size: .9em; color: #333; }
.dp-figure { margin: 0; max-width: 100%; }
.dp-figure img { width: 100%; height: auto; display: block; }
.dp-figure figcaption { font-size: .9em; color: #555; margin-top: .3em; }
table.dp-table { border-collapse: collapse; margin: .5em 0 1em 0; font-size: .92em;
  max-width: 100%; }
table.dp-table th, table.dp-table td { padding: .25em .6em; border-bottom: 1px solid #dde2e6;
  white-space: normal; overflow-wrap: break-word; vertical-align: top; }
table.dp-table th { background: #f1f4f7; font-weight: 600; }
table.dp-table .dp-text { text-align: left; }
table.dp-table .dp-num { text-align: right; white-space: nowrap; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { font-size: 9pt; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  table.dp-table { font-size: 7pt; width: 100%; }
  table.dp-table th, table.dp-table td { padding: .15em .25em; }
  table.dp-table .dp-num { white-space: normal; }
  table.dp-table th, table.dp-table td { overflow-wrap: anywhere; }
  table.dp-table tr, .dp-card, figure, img { break-inside: avoid; }
  table.dp-table thead { display: table-header-group; }
  h1, h2, h3 { break-after: avoid; }
  img { max-width: 100% !important; height: auto !important; }
}
"""


@dataclass(frozen=True)
class Columns:
    """How a table's columns are shown: money (Decimal, in `currency`), percentages (values
    already in percent, 99.95), shares (fractions, 0.91 -> 91%); other numbers get thousands
    separators; everything else is text."""

    money: Sequence[str] = ()
    percent: Sequence[str] = ()
    share: Sequence[str] = ()


def _money(currency: str) -> Any:
    def fmt(value: Any) -> str:
        return "" if value in ("", None) else format_money(Decimal(str(value)), currency)

    return fmt


def _percent(value: Any) -> str:
    return "" if value in ("", None) else f"{float(value):g}%"


def _share(value: Any) -> str:
    return "" if value in ("", None) else f"{float(value):.0%}"


def _number(value: Any) -> str:
    if value in ("", None) or isinstance(value, bool):
        return "" if value in ("", None) else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{float(value):,g}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass(frozen=True)
class ReportTable:
    """A styled table as Jupyter shows it: the Styler's HTML, and a plain-text form without
    the memory address a Styler's own repr carries (which would differ from run to run)."""

    styler: Styler
    frame: pd.DataFrame  # what is shown, index already a column

    def to_html(self) -> str:
        text: str = self.styler.to_html()
        return text

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        text: str = self.frame.to_string(index=False)
        return text


def style_table(frame: pd.DataFrame, currency: str, name: str, columns: Columns) -> ReportTable:
    """`frame` as a report table: its index as the first column(s), then hidden; money through
    `format_money`, percentages, thousands separators; text left, numbers right; every cell
    in full. `name` makes the table's CSS ids stable, so the same plan gives the same HTML."""
    table = frame.reset_index() if _has_named_index(frame) else frame.reset_index(drop=True)
    special = {*columns.money, *columns.percent, *columns.share}
    numeric = [c for c in table.columns if c in special or _numbers_only(table[c])]
    formats: dict[Any, Any] = {c: _number for c in numeric}
    formats.update({c: _money(currency) for c in columns.money if c in table.columns})
    formats.update({c: _percent for c in columns.percent if c in table.columns})
    formats.update({c: _share for c in columns.share if c in table.columns})
    styler = table.style
    styler.set_uuid(name)
    styler.hide(axis="index")
    # Every cell HTML-escaped before its formatter: names and notes can come from a design.
    styler.format(formats, na_rep="", escape="html")
    styler.set_table_attributes('class="dp-table"')
    styler.set_td_classes(_cell_classes(table, numeric))
    styler.set_table_styles(
        [
            {"selector": f"th.col_heading.col{i}", "props": _align(c in numeric)}
            for i, c in enumerate(table.columns)
        ]
    )
    return ReportTable(styler, table)


def _numbers_only(values: pd.Series) -> bool:
    """A column of numbers (blanks allowed, at least one number)."""
    items = list(values)
    return any(_is_number(v) for v in items) and all(
        _is_number(v) or v in ("", None) for v in items
    )


def _align(numeric: bool) -> str:
    return "text-align: right;" if numeric else "text-align: left;"


def _has_named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


def _cell_classes(table: pd.DataFrame, numeric: Sequence[Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {c: ["dp-num" if c in numeric else "dp-text"] * len(table) for c in table.columns},
        index=table.index,
    )


@dataclass(frozen=True)
class Card:
    """One key figure as a card: a label, the value, a line of detail, and a verdict (True
    good, False bad, None neither) that colours its edge."""

    key: str
    label: str
    value: str
    detail: str = ""
    ok: bool | None = None


def cards_html(cards: Sequence[Card]) -> str:
    """The cards in a grid that wraps to the page width."""
    items = []
    for c in cards:
        verdict = "" if c.ok is None else (" dp-ok" if c.ok else " dp-bad")
        items.append(
            f'<div class="dp-card{verdict}" data-figure="{html_text(c.key)}">'
            f'<div class="dp-label">{html_text(c.label)}</div>'
            f'<div class="dp-value">{html_text(c.value)}</div>'
            f'<div class="dp-detail">{html_text(c.detail)}</div></div>'
        )
    return f'<div class="dp-cards">{"".join(items)}</div>'


def diagram_html(svg: str, href: str = "", alt: str = "architecture diagram") -> str:
    """An SVG image scaled to the page width; with `href`, a link to the full-size file."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    image = f'<img src="data:image/svg+xml;base64,{data}" alt="{html_text(alt)}"/>'
    if href:
        image = f'<a href="{html_text(href)}">{image}</a>'
        caption = (
            f'Scaled to the page; full size: <a href="{html_text(href)}">{html_text(href)}</a>'
        )
    else:
        caption = "Scaled to the page; the full-size SVG is written with out_dir."
    return f'<figure class="dp-figure">{image}<figcaption>{caption}</figcaption></figure>'
