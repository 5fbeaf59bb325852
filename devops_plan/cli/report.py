"""`devops-plan report`: the cost-optimization report from billing exports, Athena or
Cost Explorer, written as HTML, Markdown, JSON and CSV. Every ReportSettings field is an
option too, generated from the settings model (its name, bounds, default and description),
and a setting in the `[report]` section of devops-plan.toml or a DEVOPS_PLAN_REPORT_*
variable, in that order of precedence under the option."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from .. import escape
from ..billing import Report
from ..billing.history import with_history
from ..billing.report import build_report, cloudwatch_for, load_catalogs
from ..billing.report_data import report_to_dict
from ..billing.rules import KINDS
from ..billing.settings import setting_options
from ..billing.sources.utilization import load_utilization_csv
from ..billing.writer import parse_formats, write_report
from ..errors import UserError
from ..units import format_money
from . import options
from ._common import command_app, configure, out, print_json, user_errors
from .generated import with_setting_options
from .spend_source import (
    AthenaOptions,
    Billing,
    Currency,
    Database,
    EngineName,
    Files,
    Globs,
    MemoryLimit,
    Output,
    Region,
    Since,
    SpendSource,
    TableName,
    Until,
    Workgroup,
    parse_date,
    writing_into,
)

app = command_app()

UtilizationCsv = Annotated[
    Path | None,
    typer.Option(
        "--utilization",
        metavar="FILE",
        help="Utilization CSV: resource_id,timestamp,cpu_pct,mem_pct.",
    ),
]
OutDir = Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the report.")]
Formats = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMATS",
        help="Files to write, any of html,md,json,csv (default: html,json,csv, or the "
        "configuration's output.report).",
    ),
]
CostExplorer = Annotated[
    bool,
    typer.Option("--cost-explorer", metavar="", help="Read live spend from AWS Cost Explorer."),
]
CloudWatch = Annotated[
    bool,
    typer.Option("--cloudwatch", metavar="", help="Read EC2/EBS utilization from CloudWatch."),
]
AsJson = Annotated[bool, typer.Option("--json", metavar="", help="Print report.json to stdout.")]
HistoryDir = Annotated[
    Path | None,
    typer.Option(
        "--history",
        metavar="DIR",
        help="A history folder: the report is compared with the runs in it (realised, new and "
        "open recommendations, the trend), then added to it.",
    ),
]


@app.command()
@with_setting_options(setting_options)
def report(
    files: Files = None,
    billing: Billing = None,
    utilization: UtilizationCsv = None,
    since: Since = None,
    until: Until = None,
    out_dir: OutDir = Path("out/cost-report"),
    formats: Formats = None,
    engine_name: EngineName = "duckdb",
    database: Database = None,
    table: TableName = None,
    output: Output = None,
    workgroup: Workgroup = None,
    cost_explorer: CostExplorer = False,
    cloudwatch: CloudWatch = False,
    region: Region = None,
    memory_limit: MemoryLimit = "1GB",
    currency: Currency = None,
    globs: Globs = None,
    history: HistoryDir = None,
    as_json: AsJson = False,
    catalog: Path | None = options.catalog(),
    *,
    setting_flags: dict[str, Any],
) -> None:
    """Find waste and savings in actual spend (billing exports).

    Writes report.html, report.json and recommendations.csv (see --format).

    \b
    Examples:
      devops-plan report --billing focus-2025-09.parquet --out out/report
      devops-plan report --billing cur.csv.gz --utilization usage.csv --format md,json
    """
    with user_errors():
        given = {k.removeprefix("report."): v for k, v in setting_flags.items()}
        config = configure(None, {"catalog": catalog})
        settings = config.report(given)
        wanted = parse_formats(formats) if formats else config.settings.output.report
        start, end = parse_date(since, "--since"), parse_date(until, "--until")
        paths = [*(billing or []), *(files or [])]
        if utilization is not None and cloudwatch:
            raise UserError("use either --utilization FILE or --cloudwatch, not both")
        usage = load_utilization_csv(utilization, settings.input_limits()) if utilization else None
        athena = AthenaOptions(database, table, output, workgroup)
        source = SpendSource(
            engine_name, paths, cost_explorer, athena, region, memory_limit, tuple(globs or ())
        )
        spend = source.collect(start, end, currency, settings.input_limits())
        if cloudwatch:
            usage = cloudwatch_for(spend, region=region)
        catalogs, notes = load_catalogs(spend, config.settings.catalog)
        result = build_report(spend, usage, catalogs, settings, notes)
        if history is not None:
            result = with_history(result, history)
        written = _write(result, out_dir, wanted)
    if as_json:
        print_json(report_to_dict(result))
        return
    _print_summary(result, written)


def _write(result: Report, out_dir: Path, wanted: tuple[str, ...]) -> list[Path]:
    with writing_into(out_dir, "report"):
        return write_report(result, out_dir, wanted)


def _print_summary(result: Report, written: list[Path]) -> None:
    cur = result.currency
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    summary.add_row(
        "Period", f"{result.period.start:%Y-%m-%d %H:%M} to {result.period.end:%Y-%m-%d %H:%M}"
    )
    summary.add_row("Billed in the period", format_money(result.billed_cost, cur))
    summary.add_row("Per month (730 h)", format_money(result.monthly_billed_cost, cur))
    summary.add_row("Estimated savings / month", format_money(result.total_savings, cur))
    quality = result.data_quality
    rejected = len(quality.rejected) + quality.implausible_rows
    summary.add_row("Rows read / rejected", f"{quality.rows_read:,} / {rejected:,}")
    unjudged = [c for c in result.coverage if c.gaps]
    for c in unjudged:
        reasons = "; ".join(f"{g.resources} {g.reason}" for g in c.gaps)
        summary.add_row(
            f"Not judged: {KINDS[c.kind].lower()}",
            f"{c.judged} of {c.candidates} judged ({reasons})",
        )
    for other, rows, billed in quality.other_currencies:
        summary.add_row(
            f"Not in this report: {other}", f"{rows:,} rows, {format_money(billed, other)}"
        )
    out.print(summary)
    counted = [r for r in result.recommendations if r.counted][:10]
    if counted:
        table = Table(title="Largest savings")
        table.add_column("Kind")
        table.add_column("Resource")
        table.add_column("Action")
        table.add_column("Savings / month", justify="right")
        for rec in counted:
            savings = format_money(rec.estimated_monthly_savings or 0, cur)
            table.add_row(KINDS[rec.kind], _text(rec.resource_id), _text(rec.action), savings)
        out.print(table)
    for path in written:
        out.print(f"wrote {path}", markup=False, highlight=False)


def _text(value: str) -> Text:
    """Text from the bill for the terminal: never read as Rich markup, no control codes."""
    return Text(escape.terminal(value, one_line=True))
