"""What the cost-report notebook's cells call: the report from the notebook's parameters,
and its summary, charts and tables for display. The notebook itself holds parameters,
calls and display only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import escape
from ..errors import UserError
from ..units import format_money
from .charts import savings_waterfall, spend_over_time
from .report import Report, run_report
from .rules import KINDS
from .writer import parse_formats, write_report

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import HTML, Image

SECTIONS = ("coverage", "recommendations", "services", "top_resources")


def _date(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"parameter {name}={text!r}: expected a date such as 2024-09-01") from None


def report_from_parameters(
    billing: str, utilization: str = "", since: str = "", until: str = "", history: str = ""
) -> Report:
    """The report for comma-separated billing paths, found from the working folder or the
    repo root (as the shipped notebooks find their files); with a `history` folder, compared
    with the runs in it and then added to it."""
    from ..notebooks import resolve_path

    paths = [resolve_path(p.strip()) for p in billing.split(",") if p.strip()]
    if not paths:
        raise UserError("parameter billing: give at least one billing export file")
    usage = resolve_path(utilization.strip()) if utilization.strip() else None
    report = run_report(
        paths, utilization=usage, since=_date(since, "since"), until=_date(until, "until")
    )
    if history.strip():
        from .history import with_history

        report = with_history(report, history.strip())
    return report


def summary_markdown(report: Report) -> str:
    """The period, the inputs and the totals, as Markdown."""
    q = report.data_quality
    period = f"{report.period.start:%Y-%m-%d %H:%M} to {report.period.end:%Y-%m-%d %H:%M} UTC"
    totals = (
        ("Billed in the period", report.billed_cost),
        ("Per month (730 h)", report.monthly_billed_cost),
        ("Estimated savings per month", report.total_savings),
        ("Per month after savings", report.monthly_after_savings),
    )
    rows = [f"| {label} | {format_money(value, report.currency)} |" for label, value in totals]
    untagged = f"| Taggable spend without required tags | {report.tag_hygiene.share:.1%} |"
    return "\n".join(
        [
            f"**{period}** ({report.period.days:g} days, {len(report.inputs)} input(s), "
            f"{q.rows_read:,} rows, {len(q.rejected):,} unreadable)",
            "",
            "| | |",
            "| --- | ---: |",
            *rows,
            untagged,
        ]
    )


def _image(png: bytes) -> Image:
    from IPython.display import Image

    return Image(data=png, format="png")  # type: ignore[no-untyped-call]


def savings_chart(report: Report) -> Image:
    """The waterfall of estimated monthly savings by kind."""
    return _image(
        savings_waterfall(report.monthly_billed_cost, report.savings_by_kind, report.currency)
    )


def spend_chart(report: Report) -> Image:
    """Billed cost per day (or month) by provider."""
    return _image(
        spend_over_time(
            [(t.bucket, t.provider, t.billed_cost) for t in report.over_time],
            report.time_unit,
            report.currency,
        )
    )


def section_html(report: Report, section: str) -> HTML:
    """One table of report.html, the same markup and money format (no index, nothing cut,
    services with their category): 'coverage', 'recommendations', 'services' or
    'top_resources'."""
    from IPython.display import HTML

    from .report_data import report_to_dict
    from .writer import template_environment

    if section not in SECTIONS:
        raise UserError(f"section {section!r}: expected one of {', '.join(SECTIONS)}")
    template = template_environment(report.currency).get_template("report_notebook.html.j2")
    html = template.render(r=report_to_dict(report), kinds=KINDS, section=section)
    return HTML(html)  # type: ignore[no-untyped-call]


def recommendations_table(report: Report, limit: int = 50) -> pd.DataFrame:
    """The recommendations, largest counted saving first."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "kind": KINDS[r.kind],
                "resource": r.resource_name or r.resource_id,
                "finding": r.finding,
                "action": r.action,
                "cost / month": format_money(r.current_monthly_cost, report.currency),
                "savings / month": (
                    "-"
                    if r.estimated_monthly_savings is None
                    else format_money(r.estimated_monthly_savings, report.currency)
                ),
                "in total": "yes" if r.counted else "no",
                "confidence": r.confidence,
            }
            for r in report.recommendations[:limit]
        ]
    )


def services_table(report: Report) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "provider": s.provider,
                "service": s.service,
                "billed": format_money(s.billed_cost, report.currency),
                "share": f"{s.share:.1%}",
            }
            for s in report.by_service
        ]
    )


def top_resources_table(report: Report) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "resource": t.resource_name or t.resource_id,
                "provider": t.provider,
                "service": t.service,
                "region": t.region,
                "per month": format_money(t.monthly_cost, report.currency),
            }
            for t in report.top_resources
        ]
    )


def quality_markdown(report: Report) -> str:
    """Tag hygiene, unreadable rows and notes, as Markdown."""
    h = report.tag_hygiene
    q = report.data_quality
    lines = [
        f"{format_money(h.untagged_cost, report.currency)} of "
        f"{format_money(h.taggable_cost, report.currency)} taggable spend ({h.share:.1%}) lacks "
        f"at least one of the tags {', '.join(f'`{t}`' for t in h.required)}.",
        "",
        f"{q.rows_read:,} rows read, {q.rows_in_period:,} in the period, "
        f"{len(q.rejected):,} could not be read.",
    ]
    # File names, errors, notes and reasons quote the bill: text, never markup.
    md = escape.markdown_verbatim
    lines += [f"- {md(r.file)} line {r.line}: {md(r.error)}" for r in q.rejected[:20]]
    lines += [f"- {md(note)}" for note in q.notes]
    lines += [
        f"- {KINDS[c.kind]}: {c.judged} of {c.candidates} judged; not judged: "
        + "; ".join(
            f"{g.resources} ({format_money(g.monthly_cost, report.currency)} a month): "
            f"{md(g.reason)}"
            for g in c.gaps
        )
        for c in report.coverage
        if c.gaps
    ]
    return "\n".join(lines)


def write_outputs(
    report: Report, out_dir: str | Path, formats: str = "html,md,json,csv"
) -> list[Path]:
    """report.html, report.md, report.json and recommendations.csv in `out_dir` ('' writes none)."""
    if not str(out_dir).strip():
        return []
    return write_report(report, out_dir, parse_formats(formats))
