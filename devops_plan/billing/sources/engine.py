"""Where the report's SQL runs: the Engine interface, and DuckDB embedded over local files.

Every engine exposes one relation, `billing`, in the canonical columns, and runs the
named files of `sql/` against it. DuckDB reads the exports in place: Parquet through a
view (scanned per query, which is cheaper than copying), CSV parsed once into a temporary
table (so rejected rows are recorded once and the text is not parsed again per query).
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

from ...errors import BillingInputError, ExternalError
from ..sqlfiles import render_sql
from .exports import InputFile, ParquetDescriber, inspect_file, view_sql

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

    def rejected_rows(self) -> tuple[RejectedRow, ...]: ...

    def sources(self) -> tuple[str, ...]: ...

    def close(self) -> None: ...


def connect(
    *, memory_limit: str = "1GB", threads: int | None = None, temp_dir: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in UTC, bounded in memory, spilling to `temp_dir` when full."""
    config: dict[str, Any] = {"memory_limit": memory_limit}
    if threads:
        config["threads"] = threads
    if temp_dir:
        config["temp_directory"] = temp_dir
    con = duckdb.connect(config=config)
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
    ) -> None:
        self._con = con
        self._sources = tuple(sources)
        self._progress = progress
        self._temp_dir = temp_dir
        self._lock = threading.Lock()

    @classmethod
    def open_files(
        cls,
        paths: Sequence[str | Path],
        *,
        progress: Progress | None = None,
        memory_limit: str = "1GB",
        threads: int | None = None,
    ) -> DuckDBEngine:
        """Inspect every file, then expose them all as `billing`; BillingInputError on a bad file."""
        if not paths:
            raise BillingInputError("no billing files given; pass at least one --billing FILE")
        temp_dir = tempfile.mkdtemp(prefix="devops-plan-duckdb-")
        con = connect(memory_limit=memory_limit, threads=threads, temp_dir=temp_dir)
        engine = cls(con, sources=[str(p) for p in paths], progress=progress, temp_dir=temp_dir)
        try:
            describe = ParquetDescriber(con)
            files: list[InputFile] = [inspect_file(p, describe) for p in paths]
            sql = view_sql(files)
            if any(f.container == "csv" for f in files):
                engine.execute(f"CREATE TEMP TABLE billing AS {sql}", "reading billing files")
            else:
                con.execute(f"CREATE TEMP VIEW billing AS {sql}")
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
            raise _billing_error(error) from None
        return outcome["names"], outcome["rows"]

    def query(self, name: str, **params: str) -> list[dict[str, Any]]:
        names, rows = self.execute(render_sql(name, **params), f"running {name}")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def rejected_rows(self) -> tuple[RejectedRow, ...]:
        return rejected_rows(self._con)

    def sources(self) -> tuple[str, ...]:
        return self._sources

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
            "SELECT s.file_path, e.line, min(e.column_idx), "
            "arg_min(e.column_name, e.column_idx), arg_min(e.error_message, e.column_idx), "
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


def _billing_error(exc: BaseException) -> BaseException:
    """DuckDB's error as one of ours: bad input is the user's to fix, the rest is outside."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        return ExternalError(f"DuckDB ran out of memory: {exc}; raise --memory-limit")
    if isinstance(
        exc,
        duckdb.IOException
        | duckdb.InvalidInputException
        | duckdb.ConversionException
        | duckdb.BinderException,
    ):
        text = str(exc).strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        # DuckDB names the file on a later line of the message ("  file = ...").
        found = re.search(r"^\s*file = (.+)$", text, re.MULTILINE)
        if found:
            hint = ""
            if "state machine" in first:
                hint = " (a quoted value is not closed, or a quote inside it is not doubled)"
            return BillingInputError(
                f"{found.group(1).strip()}: cannot read this CSV: {first}{hint}"
            )
        return BillingInputError(f"cannot read the billing input: {first}")
    return exc
