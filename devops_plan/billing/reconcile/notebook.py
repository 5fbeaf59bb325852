"""What the reconcile notebook's cells call: the reconciliation from the notebook's
parameters, and its summary, charts and tables for display (as HTML styled like
reconciliation.html: money formatted, no index, nothing cut). The notebook holds parameters,
calls and display only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ... import escape
from ...errors import UserError
from ...units import format_money
from ..writer import template_environment
from .charts import drift_waterfall, planned_vs_actual
from .model import Reconciliation
from .run import run_reconcile
from .writer import reconciliation_to_dict, write_reconciliation

if TYPE_CHECKING:
    from IPython.display import HTML, Image


def reconcile_from_parameters(design: str, billing: str, period: str = "") -> Reconciliation:
    """The reconciliation of a design file with comma-separated billing paths (found from the
    working folder or the repo root, as the shipped notebooks find their files)."""
    from ...notebooks import resolve_path

    paths = [resolve_path(p.strip()) for p in billing.split(",") if p.strip()]
    if not paths:
        raise UserError("parameter billing: give at least one billing export file")
    return run_reconcile(resolve_path(design), paths, period=period.strip() or None)


def summary_markdown(rec: Reconciliation) -> str:
    """The period and the totals, as Markdown."""

    def money(value: Decimal) -> str:
        return format_money(value, rec.currency)

    drift = "**Drift found.**" if rec.drifted else "No drift past the thresholds."
    return "\n".join(
        [
            f"**{escape.markdown_verbatim(rec.design)}**, {rec.period.start:%Y-%m-%d} to "
            f"{rec.period.end:%Y-%m-%d} ({rec.period.days:g} days). {drift}",
            "",
            "| | |",
            "| --- | ---: |",
            f"| Planned for the period | {money(rec.planned_total)} |",
            f"| Billed | {money(rec.billed_total)} |",
            f"| Mapped onto the plan | {money(rec.mapped_total)} |",
            f"| Unplanned | {money(rec.unplanned_total)} |",
        ]
    )


def _image(png: bytes) -> Image:
    from IPython.display import Image

    return Image(data=png, format="png")  # type: ignore[no-untyped-call]


def service_chart(rec: Reconciliation) -> Image:
    """Planned and billed per service."""
    return _image(planned_vs_actual(rec))


def waterfall_chart(rec: Reconciliation) -> Image:
    """From the planned total to the billed one, drift by drift."""
    return _image(drift_waterfall(rec))


def tables_html(rec: Reconciliation, section: str) -> HTML:
    """One section of reconciliation.html ('components' or 'unplanned') as HTML for display."""
    from IPython.display import HTML

    env = template_environment(rec.currency)
    template = env.get_template("reconcile_tables.html.j2")
    html = template.render(r=reconciliation_to_dict(rec), section=section)
    return HTML(html)  # type: ignore[no-untyped-call]


def write_outputs(
    rec: Reconciliation, out_dir: str | Path, formats: str = "json,md,html,csv"
) -> list[Path]:
    """reconciliation.json, .md, .html and .csv in `out_dir` ('' writes none)."""
    if not str(out_dir).strip():
        return []
    return write_reconciliation(rec, out_dir, [f.strip() for f in formats.split(",") if f.strip()])
