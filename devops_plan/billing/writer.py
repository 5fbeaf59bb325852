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

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..atomic import write_atomic
from ..errors import UserError
from ..paths import package_path
from ..units import format_money
from .charts import data_uri, savings_waterfall, spend_over_time
from .gc_pause import paused_gc
from .report import Report
from .report_data import RECOMMENDATION_COLUMNS, report_to_dict
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


def _mdcell(value: str) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _environment(currency: str) -> Environment:
    """The templates' Jinja set-up; `money` formats the report's JSON money strings."""

    def money(value: str | Decimal | None) -> str:
        return "-" if value is None else format_money(Decimal(value), currency)

    env = Environment(
        loader=FileSystemLoader(str(package_path("billing", "templates"))),
        autoescape=select_autoescape(["html", "j2"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["money"] = money
    env.filters["pct"] = _pct
    env.filters["mdcell"] = _mdcell
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
    env = _environment(report.currency)
    html = env.get_template("report.html.j2").render(
        **_context(report, data), waterfall=data_uri(waterfall), over_time=data_uri(over_time)
    )
    return html


def render_markdown(report: Report, data: dict[str, Any] | None = None) -> str:
    data = data or report_to_dict(report)
    md_env = _environment(report.currency)
    md_env.autoescape = False
    return md_env.get_template("report.md.j2").render(**_context(report, data))


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_csv(report: Report, data: dict[str, Any] | None = None) -> str:
    rows = (data or report_to_dict(report))["recommendations"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECOMMENDATION_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                ("yes" if row[k] else "no")
                if k == "counted_in_total"
                else ("" if row[k] is None else row[k])
                for k in RECOMMENDATION_COLUMNS
            ]
        )
    return buffer.getvalue()


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
