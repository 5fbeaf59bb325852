"""Where spend comes from, for the commands that read a bill (`report`, `reconcile`): billing
files through DuckDB, an Athena table or Cost Explorer; the options that say which, defined
once; a progress bar while big inputs are read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..billing.sources.engine import DuckDBEngine, Engine
from ..billing.sources.staging import InputLimits
from ..billing.spend import Spend, collect_spend
from ..errors import ExternalError, UserError
from ._common import err

# Show a progress bar only when the inputs are big enough to make a person wait.
_PROGRESS_BYTES = 50_000_000

# The options, one alias each so a command's signature stays one line per option.
Files = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="FILE...", help="Billing exports (FOCUS or CUR 2.0).", show_default=False
    ),
]
Billing = Annotated[
    list[Path] | None,
    typer.Option(
        "--billing",
        metavar="FILE",
        help="A billing export: FOCUS or CUR 2.0, CSV, gzip CSV or Parquet.",
        show_default=False,
    ),
]
Since = Annotated[
    str | None,
    typer.Option("--since", metavar="YYYY-MM-DD", help="First day of the period (YYYY-MM-DD)."),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="YYYY-MM-DD", help="Day after the last day of the period (exclusive)."
    ),
]
EngineName = Annotated[
    str, typer.Option("--engine", metavar="ENGINE", help="duckdb (local files) or athena.")
]
Database = Annotated[
    str | None, typer.Option("--database", metavar="NAME", help="Athena: Glue database.")
]
TableName = Annotated[
    str | None,
    typer.Option("--table", metavar="NAME", help="Athena: table (FOCUS or CUR 2.0)."),
]
Output = Annotated[
    str | None, typer.Option("--output", metavar="S3_URI", help="Athena: s3:// query results.")
]
Workgroup = Annotated[
    str | None, typer.Option("--workgroup", metavar="NAME", help="Athena: workgroup.")
]
Region = Annotated[
    str | None,
    typer.Option("--region", metavar="REGION", help="AWS region for Athena/CloudWatch."),
]
MemoryLimit = Annotated[
    str, typer.Option("--memory-limit", metavar="SIZE", help="DuckDB memory limit, e.g. 1GB.")
]
Currency = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="CODE",
        help="The currency to report when the bill holds several (ISO code).",
    ),
]
Globs = Annotated[
    list[str] | None,
    typer.Option(
        "--glob",
        metavar="PATTERN",
        help="A file pattern (*, ?, [..], ** for folders) for more billing files; file names "
        "given otherwise are taken literally.",
        show_default=False,
    ),
]


@contextmanager
def writing_into(out_dir: Path, what: str) -> Iterator[None]:
    """Errors writing `what` into `out_dir` as one line: the folder cannot take it (exit 2),
    or the disk failed (exit 1)."""
    try:
        yield
    except (PermissionError, NotADirectoryError, FileExistsError) as exc:
        raise UserError(f"{out_dir}: cannot write the {what} there: {exc.strerror}") from None
    except OSError as exc:
        raise ExternalError(f"{out_dir}: writing the {what} failed: {exc.strerror}") from None


def parse_date(value: str | None, option: str) -> date | None:
    """An option's date, or None; UserError naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date such as 2024-09-01") from None


class ProgressBar:
    """A rich progress bar on stderr fed by the engines' progress callback."""

    def __init__(self, enabled: bool) -> None:
        self._progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=err.rich(),
                transient=True,
            )
            if enabled
            else None
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBar:
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
    def callback(self) -> ProgressBar | None:
        return self if self._progress is not None else None


@dataclass(frozen=True)
class AthenaOptions:
    database: str | None
    table: str | None
    output: str | None
    workgroup: str | None


@dataclass(frozen=True)
class SpendSource:
    """Where the spend comes from: billing files (DuckDB), an Athena table or Cost Explorer."""

    engine: str
    paths: list[Path]
    cost_explorer: bool
    athena: AthenaOptions
    region: str | None
    memory_limit: str
    globs: tuple[str, ...] = ()

    def collect(
        self,
        start: date | None,
        end: date | None,
        currency: str | None,
        limits: InputLimits,
        prefer_currency: str | None = None,
    ) -> Spend:
        """The spend over [start, end) in one currency, read from the source."""
        size = sum(p.stat().st_size for p in self.paths if p.is_file())
        with ProgressBar(err.is_terminal and size >= _PROGRESS_BYTES) as bar:
            engine = self._open(start, end, bar, limits)
            try:
                return collect_spend(engine, start, end, currency, prefer_currency)
            finally:
                engine.close()

    def _open(
        self, start: date | None, end: date | None, bar: ProgressBar, limits: InputLimits
    ) -> Engine:
        if self.cost_explorer:
            return self._cost_explorer(start, end, bar)
        if self.engine == "athena":
            return self._athena(bar)
        if self.engine != "duckdb":
            raise UserError(f"--engine {self.engine!r}: expected duckdb or athena")
        if not self.paths and not self.globs:
            raise UserError("no billing files given; pass --billing FILE (one or more)")
        return DuckDBEngine.open_files(
            self.paths,
            progress=bar.callback,
            memory_limit=self.memory_limit,
            limits=limits,
            globs=self.globs,
        )

    def _cost_explorer(self, start: date | None, end: date | None, bar: ProgressBar) -> Engine:
        if self.paths or self.globs or self.engine != "duckdb":
            raise UserError("--cost-explorer reads live spend: give no billing files or --engine")
        if start is None or end is None:
            raise UserError("--cost-explorer needs --since and --until")
        from ..billing.sources.costexplorer import open_cost_explorer

        return open_cost_explorer(start, end, region=self.region, progress=bar.callback)

    def _athena(self, bar: ProgressBar) -> Engine:
        a = self.athena
        needed = (("--database", a.database), ("--table", a.table), ("--output", a.output))
        missing = [option for option, value in needed if not value]
        if missing:
            raise UserError(f"--engine athena needs {', '.join(missing)}")
        if self.paths or self.globs:
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
