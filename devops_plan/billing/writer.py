"""Writing a report to disk: report.html (self-contained, charts inline), report.md,
report.json and recommendations.csv. Each file is written to a temporary name in the
target folder and renamed into place, so a reader never sees half a file; the same
report always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import escape
from ..atomic import write_atomic
from ..errors import UserError
from ..paths import package_path
from ..units import format_money
from .charts import data_uri, savings_waterfall, spend_over_time
from .gc_pause import paused_gc
from .report import Report
from .report_data import MONEY_COLUMNS, RECOMMENDATION_COLUMNS, report_to_dict
from .rules import KINDS

FORMATS = ("html", "md", "json", "csv")
DEFAULT_FORMATS = ("html", "json", "csv")
FILE_NAMES = {
    "html": "report.html",
    "md": "report.md",
    "json": "report.json",
    "csv": "recommendations.csv",
}


def parse_formats(text: str) -> tuple[str, ...]:
    """'html,md' -> ('html', 'md'); UserError naming the unknown ones."""
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UserError(
            f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(FORMATS)}"
        )
    return wanted


def _pct(value: str | Decimal | float) -> str:
    return f"{Decimal(str(value)) * 100:.1f}%"


def _html_text(value: object) -> object:
    """Every value a template prints, with invisible characters made visible (autoescape then
    escapes HTML); markup the template built itself passes as it is."""
    return (
        escape.terminal(value)
        if isinstance(value, str) and not isinstance(value, Markup)
        else value
    )


def _markdown_text(value: object) -> object:
    """Every value the Markdown template prints, as literal text (escape.markdown_verbatim)."""
    return escape.markdown_verbatim(value) if isinstance(value, str) else value


def template_environment(currency: str, markdown: bool = False) -> Environment:
    """The templates' Jinja set-up: HTML autoescaped, Markdown escaped as text, both through
    `finalize` so that no printed value is forgotten; `money` formats the JSON money strings."""

    def money(value: str | Decimal | None) -> str:
        return "-" if value is None else format_money(Decimal(value), currency)

    env = Environment(
        loader=FileSystemLoader(str(package_path("billing", "templates"))),
        autoescape=not markdown,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        finalize=_markdown_text if markdown else _html_text,
    )

    def money_in(value: str | None, other: str) -> str:
        return "-" if value is None else format_money(Decimal(value), other)

    env.filters["money"] = money
    env.filters["money_in"] = money_in
    env.filters["pct"] = _pct
    return env


def _context(report: Report, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "r": data,
        "kinds": KINDS,
        "period_days": f"{report.period.days:g}",
    }


def render_html(report: Report, data: dict[str, Any] | None = None) -> str:
    data = data or report_to_dict(report)
    waterfall = savings_waterfall(
        report.monthly_billed_cost, report.savings_by_kind, report.currency
    )
    over_time = spend_over_time(
        [(t.bucket, t.provider, t.billed_cost) for t in report.over_time],
        report.time_unit,
        report.currency,
    )
    env = template_environment(report.currency)
    html = env.get_template("report.html.j2").render(
        **_context(report, data), waterfall=data_uri(waterfall), over_time=data_uri(over_time)
    )
    return html


def render_markdown(report: Report, data: dict[str, Any] | None = None) -> str:
    data = data or report_to_dict(report)
    md_env = template_environment(report.currency, markdown=True)
    return md_env.get_template("report.md.j2").render(**_context(report, data))


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_csv(report: Report, data: dict[str, Any] | None = None) -> str:
    rows = (data or report_to_dict(report))["recommendations"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECOMMENDATION_COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(k, row[k]) for k in RECOMMENDATION_COLUMNS])
    return buffer.getvalue()


def _csv_cell(column: str, value: object) -> str:
    """A recommendations.csv cell: text a spreadsheet never runs as a formula, control and
    bidi characters visible (a bare carriage return would also end the row for many
    readers); money columns are the report's own numbers, negative ones included."""
    if column == "counted_in_total":
        return "yes" if value else "no"
    if value is None:
        return ""
    if column in MONEY_COLUMNS:
        return str(value)
    return escape.csv_cell(escape.terminal(str(value)))


def write_report(
    report: Report, out_dir: str | Path, formats: Iterable[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Write the chosen formats into `out_dir`; the paths written, in FORMATS order."""
    wanted = set(formats)
    unknown = wanted - set(FORMATS)
    if unknown:
        raise UserError(f"unknown report format(s): {', '.join(sorted(unknown))}")
    out = Path(out_dir)
    with paused_gc():
        return _write(report, out, wanted)


def _write(report: Report, out: Path, wanted: set[str]) -> list[Path]:
    data = report_to_dict(report)
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt not in wanted:
            continue
        if fmt == "html":
            text = render_html(report, data)
        elif fmt == "md":
            text = render_markdown(report, data)
        elif fmt == "json":
            text = render_json(data)
        else:
            text = render_csv(report, data)
        path = out / FILE_NAMES[fmt]
        write_atomic(path, text)
        written.append(path)
    return written
