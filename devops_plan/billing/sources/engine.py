"""Where the report's SQL runs: the Engine interface, and DuckDB embedded over local files.

Every engine exposes one relation, `billing`, in the canonical columns, and runs the
named files of `sql/` against it; a `source_file` in its rows is named as the user named it.
DuckDB reads the exports in place, each checked first and read through a link with a plain
name (`staging`): Parquet through a view (scanned per query, which is cheaper than copying),
CSV parsed once into a temporary table (so rejected rows are recorded once and the text is
not parsed again per query). DuckDB's errors become one-line errors of ours.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import duckdb

from ...errors import BillingInputError, ExternalError, UserError
from ..sqlfiles import render_sql, spend_params
from . import fingerprints
from .exports import (
    ROW_COLUMNS,
    InputFile,
    ParquetDescriber,
    bad_parquet_value,
    inspect_file,
    rows_identified,
    view_sql,
)
from .staging import InputLimits, stage
from .statistics import span_from_statistics

# How DuckDB names the column of a value it could not cast.
_CAST_COLUMN = re.compile(r"when casting from source column \"?([^\"\s]+)")

# A progress callback: a label and the percentage done (None when unknown).
Progress = Callable[[str, float | None], None]


@dataclass(frozen=True)
class RejectedRow:
    """A row that could not be read: counted and shown in the report, never dropped silently."""

    file: str
    line: int
    column: str | None
    error: str


class Engine(Protocol):
    """Runs `sql/<name>.sql` against the `billing` relation and returns plain rows."""

    name: str

    def query(self, name: str, **params: str) -> list[dict[str, Any]]: ...

    def span(self) -> list[dict[str, Any]]:
        """The rows of `sql/span.sql` (what the bill spans)."""
        ...

    def spend(self, where: str, plausible: str) -> list[dict[str, Any]]:
        """The rows of `sql/spend.sql` (both grains) for a period filter and plausibility."""
        ...

    def rejected_rows(self) -> tuple[RejectedRow, ...]: ...

    def sources(self) -> tuple[str, ...]: ...

    def close(self) -> None: ...


def connect(
    *, memory_limit: str = "1GB", threads: int | None = None, temp_dir: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in UTC, bounded in memory, spilling to `temp_dir` when full;
    UserError for a memory limit DuckDB does not understand."""
    config: dict[str, Any] = {"memory_limit": memory_limit}
    if threads:
        config["threads"] = threads
    if temp_dir:
        config["temp_directory"] = temp_dir
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error:
        raise UserError(
            f"--memory-limit {memory_limit!r}: expected a size such as 1GB, 512MB or 80%"
        ) from None
    con.execute("SET TimeZone = 'UTC'")
    # Progress is read with query_progress(); DuckDB itself must not print a bar.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    return con


class DuckDBEngine:
    """The `billing` relation in an embedded DuckDB connection."""

    name = "duckdb"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        sources: Sequence[str] = (),
        progress: Progress | None = None,
        temp_dir: str | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        self._con = con
        self._sources = tuple(sources)
        self._progress = progress
        self._temp_dir = temp_dir
        self._lock = threading.Lock()
        self._names = dict(names or {})  # the path DuckDB reads -> the name the user gave
        self._files: tuple[InputFile, ...] = ()  # the files behind `billing`, as inspected
        self._identified = False  # whether `billing` has RowFile and RowNumber

    @classmethod
    def open_files(
        cls,
        paths: Sequence[str | Path],
        *,
        progress: Progress | None = None,
        memory_limit: str = "1GB",
        threads: int | None = None,
        limits: InputLimits | None = None,
        globs: Sequence[str] = (),
    ) -> DuckDBEngine:
        """Check every file (`staging`), then expose them all as `billing`; a folder or a
        `globs` pattern stands for the files in it. BillingInputError on a bad file."""
        if not paths and not globs:
            raise BillingInputError("no billing files given; pass at least one --billing FILE")
        temp_dir = tempfile.mkdtemp(prefix="devops-plan-duckdb-")
        try:
            con = connect(memory_limit=memory_limit, threads=threads, temp_dir=temp_dir)
        except BaseException:
            shutil.rmtree(temp_dir, ignore_errors=True)
            raise
        engine = cls(con, progress=progress, temp_dir=temp_dir)
        try:
            limits = limits or InputLimits()
            staged = stage(paths, Path(temp_dir) / "inputs", limits, globs)
            engine._sources = tuple(f.shown for f in staged)
            engine._names = {str(f.path): f.shown for f in staged}
            describe = ParquetDescriber(con)
            files: list[InputFile] = [inspect_file(f, describe, limits) for f in staged]
            engine._files = tuple(files)
            engine._identified = rows_identified(files)
            sql = view_sql(files, limits)
            if any(f.container == "csv" for f in files):
                engine.execute(f"CREATE TEMP TABLE billing AS {sql}", "reading billing files")
            else:
                engine.execute(f"CREATE TEMP VIEW billing AS {sql}", "defining the billing view")
        except BaseException:
            engine.close()
            raise
        return engine

    def execute(self, sql: str, label: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of `sql`, reporting progress while DuckDB works."""
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                cursor = self._con.execute(sql)
                outcome["rows"] = cursor.fetchall()
                outcome["names"] = [d[0] for d in cursor.description or ()]
            except BaseException as exc:  # handed back to the calling thread
                outcome["error"] = exc

        with self._lock:
            if self._progress is None:
                work()
            else:
                worker = threading.Thread(target=work, name="duckdb-query", daemon=True)
                worker.start()
                while worker.is_alive():
                    worker.join(0.1)
                    done = self._con.query_progress()
                    self._progress(label, done if done >= 0 else None)
                self._progress(label, 100.0)
        error = outcome.get("error")
        if error is not None:
            raise self._located(error) from None
        return outcome["names"], outcome["rows"]

    def _located(self, error: BaseException) -> BaseException:
        """DuckDB's error as ours; a value of a Parquet column that could not be cast is
        looked up, so that the message names its file and row (DuckDB names neither)."""
        found = _CAST_COLUMN.search(str(error))
        if isinstance(error, duckdb.ConversionException) and found:
            where = bad_parquet_value(self._con, self._files, found.group(1))
            if where is not None:
                return BillingInputError(where)
        return _billing_error(error, self._names)

    def query(self, name: str, **params: str) -> list[dict[str, Any]]:
        names, rows = self.execute(render_sql(name, **params), f"running {name}")
        found = [dict(zip(names, row, strict=True)) for row in rows]
        if "source_file" in names and self._names:
            for row in found:
                row["source_file"] = self._shown(row["source_file"])
        return found

    def span(self) -> list[dict[str, Any]]:
        """What the bill spans: from the Parquet files' statistics where they prove it
        (no scan), else `sql/span.sql`."""
        known = span_from_statistics(
            self._con, self._files, lambda sql: self.execute(sql, "reading what the bill spans")
        )
        return self.query("span") if known is None else known

    def spend(self, where: str, plausible: str) -> list[dict[str, Any]]:
        """The rows of `sql/spend.sql`; over Parquet read by fingerprints (the same rows,
        fewer string comparisons), unless two categories share one."""
        if self._identified:
            params = spend_params(where, plausible, row=ROW_COLUMNS)
            files = [f.shown for f in self._files]
            found = fingerprints.spend_rows(self.execute, self._load, params, files)
            if found is not None:
                return found
        return self.query("spend", **spend_params(where, plausible))

    def _load(self, numbers: Sequence[int]) -> None:
        """The temporary table `representatives` holding `numbers` (column number)."""
        with self._lock:
            self._con.execute(
                "CREATE OR REPLACE TEMP TABLE representatives AS "
                "SELECT unnest(CAST(? AS BIGINT[])) AS number",
                [list(numbers)],
            )

    def _shown(self, path: object) -> object:
        return self._names.get(str(path), path) if path is not None else None

    def rejected_rows(self) -> tuple[RejectedRow, ...]:
        return tuple(
            RejectedRow(str(self._shown(r.file)), r.line, r.column, r.error)
            for r in rejected_rows(self._con)
        )

    def sources(self) -> tuple[str, ...]:
        return self._sources

    @property
    def files(self) -> tuple[InputFile, ...]:
        """The files behind `billing`, as inspected."""
        return self._files

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def close(self) -> None:
        try:
            self._con.close()
        finally:
            if self._temp_dir:
                shutil.rmtree(self._temp_dir, ignore_errors=True)
                self._temp_dir = None

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def rejected_rows(con: duckdb.DuckDBPyConnection) -> tuple[RejectedRow, ...]:
    """One entry per CSV line DuckDB rejected (a line can fail in several columns)."""
    try:
        rows = con.execute(
            # A line-level error (a line over the length cap) has no column: -1 sorts it first.
            "SELECT s.file_path, e.line, min(e.column_idx), "
            "arg_min(e.column_name, coalesce(e.column_idx, -1)), "
            "arg_min(e.error_message, coalesce(e.column_idx, -1)), "
            "count(DISTINCT e.column_idx) "
            "FROM reject_errors e JOIN reject_scans s "
            "ON e.scan_id = s.scan_id AND e.file_id = s.file_id "
            "GROUP BY s.file_path, e.line ORDER BY s.file_path, e.line"
        ).fetchall()
    except duckdb.CatalogException:  # no CSV was read: nothing can have been rejected
        return ()
    out = []
    for file, line, _, column, message, problems in rows:
        more = f" (and {problems - 1} more column(s))" if problems > 1 else ""
        out.append(
            RejectedRow(
                str(file), int(line), None if column is None else str(column), f"{message}{more}"
            )
        )
    return tuple(out)


def _first_line(exc: BaseException, names: dict[str, str]) -> str:
    text = str(exc).strip()
    for path, shown in names.items():
        text = text.replace(path, shown)
    return text.splitlines()[0] if text else type(exc).__name__


def _billing_error(exc: BaseException, names: dict[str, str] | None = None) -> BaseException:
    """DuckDB's error as one of ours, one line: bad input is the user's to fix (exit 2), the
    rest is outside (exit 1). Paths DuckDB read through links are named as the user did."""
    names = names or {}
    if not isinstance(exc, duckdb.Error) or isinstance(exc, duckdb.InterruptException):
        return exc
    first = _first_line(exc, names)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return ExternalError(f"DuckDB ran out of memory: {first}; raise --memory-limit")
    if isinstance(exc, duckdb.OutOfRangeException):
        return BillingInputError(
            f"the billing amounts add up beyond what exact decimals hold ({first}); "
            "a value in the bill is implausibly large"
        )
    if isinstance(
        exc,
        duckdb.IOException
        | duckdb.InvalidInputException
        | duckdb.ConversionException
        | duckdb.BinderException,
    ):
        return _input_error(exc, first, names)
    return ExternalError(f"DuckDB failed: {first}")


def _input_error(exc: BaseException, first: str, names: dict[str, str]) -> BillingInputError:
    # DuckDB names the file on a later line of the message ("  file = ...").
    found = re.search(r"^\s*file = (.+)$", str(exc), re.MULTILINE)
    if found:
        path = found.group(1).strip()
        hint = ""
        if "state machine" in first:
            hint = " (a quoted value is not closed, or a quote inside it is not doubled)"
        return BillingInputError(f"{names.get(path, path)}: cannot read this CSV: {first}{hint}")
    if isinstance(exc, duckdb.ConversionException) and "DECIMAL" in first:
        return BillingInputError(
            f"a number in the billing input is not a finite amount an exact decimal holds: {first}"
        )
    return BillingInputError(f"cannot read the billing input: {first}")
