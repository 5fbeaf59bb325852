"""`devops-plan report`: the cost-optimization report from billing exports, Athena or
Cost Explorer, written as HTML, Markdown, JSON and CSV. Every ReportSettings field is an
option too, generated from the settings model (its name, bounds, default and description)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..billing import Report, ReportSettings
from ..billing.report import build_report, cloudwatch_for, load_catalogs
from ..billing.report_data import report_to_dict
from ..billing.rules import KINDS
from ..billing.settings import setting_options, settings_from_options
from ..billing.sources.engine import DuckDBEngine, Engine
from ..billing.sources.utilization import load_utilization_csv
from ..billing.spend import Spend, collect_spend
from ..billing.writer import parse_formats, write_report
from ..errors import ExternalError, UserError
from ..units import format_money
from ._common import app, err, out, print_json, user_errors

# Show a progress bar only when the inputs are big enough to make a person wait.
_PROGRESS_BYTES = 50_000_000
_SETTINGS_PANEL = "Recommendation settings"

# The command's own options, one alias each so its signature stays one line per option.
Files = Annotated[
    list[Path] | None,
    typer.Argument(help="Billing exports (FOCUS or CUR 2.0).", show_default=False),
]
Billing = Annotated[
    list[Path] | None,
    typer.Option(
        "--billing",
        help="A billing export: FOCUS or CUR 2.0, CSV, gzip CSV or Parquet.",
        show_default=False,
    ),
]
UtilizationCsv = Annotated[
    Path | None,
    typer.Option("--utilization", help="Utilization CSV: resource_id,timestamp,cpu_pct,mem_pct."),
]
Since = Annotated[str | None, typer.Option("--since", help="First day of the period (YYYY-MM-DD).")]
Until = Annotated[
    str | None,
    typer.Option("--until", help="Day after the last day of the period (exclusive)."),
]
OutDir = Annotated[Path, typer.Option("--out", help="Folder for the report.")]
Formats = Annotated[str, typer.Option("--format", help="Any of html,md,json,csv.")]
EngineName = Annotated[str, typer.Option("--engine", help="duckdb (local files) or athena.")]
Database = Annotated[str | None, typer.Option("--database", help="Athena: Glue database.")]
TableName = Annotated[str | None, typer.Option("--table", help="Athena: table (FOCUS or CUR 2.0).")]
Output = Annotated[str | None, typer.Option("--output", help="Athena: s3:// query results.")]
Workgroup = Annotated[str | None, typer.Option("--workgroup", help="Athena: workgroup.")]
CostExplorer = Annotated[
    bool, typer.Option("--cost-explorer", help="Read live spend from AWS Cost Explorer.")
]
CloudWatch = Annotated[
    bool, typer.Option("--cloudwatch", help="Read EC2/EBS utilization from CloudWatch.")
]
Region = Annotated[str | None, typer.Option("--region", help="AWS region for Athena/CloudWatch.")]
MemoryLimit = Annotated[str, typer.Option("--memory-limit", help="DuckDB memory limit.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print report.json to stdout.")]
CatalogDir = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="A folder of price catalogs (<cloud>.csv) or one CSV to price recommendations "
        "with; default $DEVOPS_PLAN_CATALOG, else the shipped ones.",
    ),
]


def _setting_parameters() -> list[inspect.Parameter]:
    """One keyword parameter per ReportSettings field, as the option setting_options() says."""
    return [
        inspect.Parameter(
            option.field,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                list[str] | None if option.repeat else str | None,
                typer.Option(
                    option.flag,
                    help=option.help,
                    metavar=option.metavar,
                    show_default=False,
                    rich_help_panel=_SETTINGS_PANEL,
                ),
            ],
        )
        for option in setting_options()
    ]


def with_settings(command: Callable[..., None]) -> Callable[..., None]:
    """`command` with one option per ReportSettings field; Typer sees them in its signature,
    and `command` receives them validated, as its `settings` argument."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "settings"]
    generated = _setting_parameters()
    fields = [p.name for p in generated]
    assert not set(fields) & {p.name for p in own}, "a setting shadows an option"

    def run(**values: Any) -> None:
        given = {name: values.pop(name) for name in fields}
        with user_errors():
            settings = settings_from_options(given)
        command(**values, settings=settings)

    run.__name__ = command.__name__
    run.__doc__ = command.__doc__
    setattr(run, "__signature__", signature.replace(parameters=[*own, *generated]))  # noqa: B010
    return run


@app.command()
@with_settings
def report(
    files: Files = None,
    billing: Billing = None,
    utilization: UtilizationCsv = None,
    since: Since = None,
    until: Until = None,
    out_dir: OutDir = Path("out/cost-report"),
    formats: Formats = "html,json,csv",
    engine_name: EngineName = "duckdb",
    database: Database = None,
    table: TableName = None,
    output: Output = None,
    workgroup: Workgroup = None,
    cost_explorer: CostExplorer = False,
    cloudwatch: CloudWatch = False,
    region: Region = None,
    memory_limit: MemoryLimit = "1GB",
    as_json: AsJson = False,
    catalog_dir: CatalogDir = None,
    *,
    settings: ReportSettings,
) -> None:
    """Find waste and savings in actual spend; write report.html, report.json, recommendations.csv."""
    with user_errors():
        wanted = parse_formats(formats)
        start, end = _date(since, "--since"), _date(until, "--until")
        paths = [*(billing or []), *(files or [])]
        if utilization is not None and cloudwatch:
            raise UserError("use either --utilization FILE or --cloudwatch, not both")
        usage = load_utilization_csv(utilization) if utilization else None
        athena = _Athena(database, table, output, workgroup)
        source = _Source(engine_name, paths, cost_explorer, athena, region, memory_limit)
        spend = source.collect(start, end)
        if cloudwatch:
            usage = cloudwatch_for(spend, region=region)
        catalogs, notes = load_catalogs(spend, catalog_dir)
        result = build_report(spend, usage, catalogs, settings, notes)
        written = _write(result, out_dir, wanted)
    if as_json:
        print_json(report_to_dict(result))
        return
    _print_summary(result, written)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date such as 2024-09-01") from None


def _write(result: Report, out_dir: Path, wanted: tuple[str, ...]) -> list[Path]:
    try:
        return write_report(result, out_dir, wanted)
    except (PermissionError, NotADirectoryError, FileExistsError) as exc:
        raise UserError(f"{out_dir}: cannot write the report there: {exc.strerror}") from None
    except OSError as exc:
        raise ExternalError(f"{out_dir}: writing the report failed: {exc.strerror}") from None


class _Bar:
    """A rich progress bar on stderr fed by the engines' progress callback."""

    def __init__(self, enabled: bool) -> None:
        self._progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            if enabled
            else None
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Bar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, label: str, percent: float | None) -> None:
        if self._progress is None:
            return
        if label not in self._tasks:
            self._tasks[label] = self._progress.add_task(label, total=100)
        self._progress.update(self._tasks[label], completed=percent or 0)

    @property
    def callback(self) -> _Bar | None:
        return self if self._progress is not None else None


@dataclass(frozen=True)
class _Athena:
    database: str | None
    table: str | None
    output: str | None
    workgroup: str | None


@dataclass(frozen=True)
class _Source:
    """Where the spend comes from: billing files (DuckDB), an Athena table or Cost Explorer."""

    engine: str
    paths: list[Path]
    cost_explorer: bool
    athena: _Athena
    region: str | None
    memory_limit: str

    def collect(self, start: date | None, end: date | None) -> Spend:
        size = sum(p.stat().st_size for p in self.paths if p.is_file())
        with _Bar(err.is_terminal and size >= _PROGRESS_BYTES) as bar:
            engine = self._open(start, end, bar)
            try:
                return collect_spend(engine, start, end)
            finally:
                engine.close()

    def _open(self, start: date | None, end: date | None, bar: _Bar) -> Engine:
        if self.cost_explorer:
            return self._cost_explorer(start, end, bar)
        if self.engine == "athena":
            return self._athena(bar)
        if self.engine != "duckdb":
            raise UserError(f"--engine {self.engine!r}: expected duckdb or athena")
        if not self.paths:
            raise UserError("no billing files given; pass --billing FILE (one or more)")
        return DuckDBEngine.open_files(
            self.paths, progress=bar.callback, memory_limit=self.memory_limit
        )

    def _cost_explorer(self, start: date | None, end: date | None, bar: _Bar) -> Engine:
        if self.paths or self.engine != "duckdb":
            raise UserError("--cost-explorer reads live spend: give no billing files or --engine")
        if start is None or end is None:
            raise UserError("--cost-explorer needs --since and --until")
        from ..billing.sources.costexplorer import open_cost_explorer

        return open_cost_explorer(start, end, region=self.region, progress=bar.callback)

    def _athena(self, bar: _Bar) -> Engine:
        a = self.athena
        needed = (("--database", a.database), ("--table", a.table), ("--output", a.output))
        missing = [option for option, value in needed if not value]
        if missing:
            raise UserError(f"--engine athena needs {', '.join(missing)}")
        if self.paths:
            raise UserError("--engine athena reads a table: give no billing files")
        from ..billing.sources.athena import AthenaEngine

        assert a.database and a.table and a.output
        return AthenaEngine(
            a.database,
            a.table,
            a.output,
            workgroup=a.workgroup,
            region=self.region,
            progress=bar.callback,
        )


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
    rejected = len(result.data_quality.rejected)
    summary.add_row("Rows read / rejected", f"{result.data_quality.rows_read:,} / {rejected:,}")
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
            table.add_row(KINDS[rec.kind], rec.resource_id, rec.action, savings)
        out.print(table)
    for path in written:
        out.print(f"wrote {path}", markup=False, highlight=False)
