"""`devops-plan report`: the cost-optimization report from billing exports, Athena or
Cost Explorer, written as HTML, Markdown, JSON and CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..billing import (
    ReportSettings,
    build_report,
    cloudwatch_for,
    collect_spend,
    load_catalogs,
    load_utilization_csv,
    parse_formats,
    report_to_dict,
    write_report,
)
from ..billing.rules import KINDS
from ..billing.sources.engine import DuckDBEngine, Engine
from ..errors import ExternalError, UserError
from ..units import format_money
from ._common import app, err, out, print_json, user_errors

# Show a progress bar only when the inputs are big enough to make a person wait.
_PROGRESS_BYTES = 50_000_000


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date such as 2024-09-01") from None


@app.command()
def report(
    files: list[Path] = typer.Argument(
        None, help="Billing exports (FOCUS or CUR 2.0).", show_default=False
    ),
    billing: list[Path] = typer.Option(
        [], "--billing", help="A billing export: FOCUS or CUR 2.0, CSV, gzip CSV or Parquet."
    ),
    utilization: Path | None = typer.Option(
        None, "--utilization", help="Utilization CSV: resource_id,timestamp,cpu_pct,mem_pct."
    ),
    since: str | None = typer.Option(None, "--since", help="First day of the period (YYYY-MM-DD)."),
    until: str | None = typer.Option(
        None, "--until", help="Day after the last day of the period (exclusive)."
    ),
    out_dir: Path = typer.Option(Path("out/cost-report"), "--out", help="Folder for the report."),
    formats: str = typer.Option("html,json,csv", "--format", help="Any of html,md,json,csv."),
    engine_name: str = typer.Option("duckdb", "--engine", help="duckdb (local files) or athena."),
    database: str | None = typer.Option(None, "--database", help="Athena: Glue database."),
    table: str | None = typer.Option(None, "--table", help="Athena: table (FOCUS or CUR 2.0)."),
    output: str | None = typer.Option(None, "--output", help="Athena: s3:// query results."),
    workgroup: str | None = typer.Option(None, "--workgroup", help="Athena: workgroup."),
    cost_explorer: bool = typer.Option(
        False, "--cost-explorer", help="Read live spend from AWS Cost Explorer."
    ),
    cloudwatch: bool = typer.Option(
        False, "--cloudwatch", help="Read EC2/EBS utilization from CloudWatch."
    ),
    region: str | None = typer.Option(None, "--region", help="AWS region for Athena/CloudWatch."),
    required_tag: list[str] = typer.Option(
        [],
        "--required-tag",
        help="A tag every resource needs (repeat; default environment, owner).",
    ),
    memory_limit: str = typer.Option("1GB", "--memory-limit", help="DuckDB memory limit."),
    as_json: bool = typer.Option(False, "--json", help="Print report.json to stdout."),
) -> None:
    """Find waste and savings in actual spend; write report.html, report.json, recommendations.csv."""
    with user_errors():
        wanted = parse_formats(formats)
        start = _date(since, "--since")
        end = _date(until, "--until")
        overrides = {"required_tags": tuple(required_tag)} if required_tag else {}
        settings = ReportSettings(**overrides)  # type: ignore[arg-type]
        paths = list(billing) + list(files or [])
        if utilization is not None and cloudwatch:
            raise UserError("use either --utilization FILE or --cloudwatch, not both")
        usage = load_utilization_csv(utilization) if utilization else None
        size = sum(p.stat().st_size for p in paths if p.is_file())
        with _progress(size) as progress:
            engine = _open_engine(
                engine_name,
                paths,
                cost_explorer,
                start,
                end,
                database,
                table,
                output,
                workgroup,
                region,
                memory_limit,
                progress,
            )
            try:
                spend = collect_spend(engine, start, end)
            finally:
                engine.close()
        if cloudwatch:
            usage = cloudwatch_for(spend, region=region)
        catalogs, notes = load_catalogs(spend)
        result = build_report(spend, usage, catalogs, settings, notes)
        try:
            written = write_report(result, out_dir, wanted)
        except (PermissionError, NotADirectoryError, FileExistsError) as exc:
            raise UserError(f"{out_dir}: cannot write the report there: {exc.strerror}") from None
        except OSError as exc:
            raise ExternalError(f"{out_dir}: writing the report failed: {exc.strerror}") from None
    if as_json:
        print_json(report_to_dict(result))
        return
    _print_summary(result, written)


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


def _progress(size: int) -> _Bar:
    return _Bar(err.is_terminal and size >= _PROGRESS_BYTES)


def _open_engine(
    name: str,
    paths: list[Path],
    cost_explorer: bool,
    start: date | None,
    end: date | None,
    database: str | None,
    table: str | None,
    output: str | None,
    workgroup: str | None,
    region: str | None,
    memory_limit: str,
    progress: _Bar,
) -> Engine:
    if cost_explorer:
        if paths or name != "duckdb":
            raise UserError("--cost-explorer reads live spend: give no billing files or --engine")
        if start is None or end is None:
            raise UserError("--cost-explorer needs --since and --until")
        from ..billing.sources.costexplorer import open_cost_explorer

        return open_cost_explorer(start, end, region=region, progress=progress.callback)
    if name == "athena":
        missing = [
            opt
            for opt, value in (("--database", database), ("--table", table), ("--output", output))
            if not value
        ]
        if missing:
            raise UserError(f"--engine athena needs {', '.join(missing)}")
        if paths:
            raise UserError("--engine athena reads a table: give no billing files")
        from ..billing.sources.athena import AthenaEngine

        assert database and table and output
        return AthenaEngine(
            database,
            table,
            output,
            workgroup=workgroup,
            region=region,
            progress=progress.callback,
        )
    if name != "duckdb":
        raise UserError(f"--engine {name!r}: expected duckdb or athena")
    if not paths:
        raise UserError("no billing files given; pass --billing FILE (one or more)")
    return DuckDBEngine.open_files(paths, progress=progress.callback, memory_limit=memory_limit)


def _print_summary(result: object, written: list[Path]) -> None:
    from ..billing.report import Report

    assert isinstance(result, Report)
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
        for column, justify in (
            ("Kind", "left"),
            ("Resource", "left"),
            ("Action", "left"),
            ("Savings / month", "right"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for rec in counted:
            table.add_row(
                KINDS[rec.kind],
                rec.resource_id,
                rec.action,
                format_money(rec.estimated_monthly_savings or 0, cur),
            )
        out.print(table)
    for path in written:
        out.print(f"wrote {path}", markup=False, highlight=False)
