"""Report history: each scheduled run appends what it found, and the next report shows the
trend of spend and of estimated savings, which recommendations were realised since the last
run (with the saving the bill now shows), which are new and which are still open, with age.

The history is a folder of Parquet files, one per run (`run-<start>-<end>-<currency>.parquet`,
a row per recommendation with the run's totals on every row). Each file is written to a
temporary name and renamed, so two runs that overlap never leave a half-written or mixed
history: a rerun of the same period replaces its own file, other runs add theirs. A file
that cannot be read is skipped with a note, never a failed report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..atomic import output_errors, write_atomic
from .report import Report
from .trend import PastFinding, Run

_CODE = re.compile(r"[A-Za-z]{3}")
_COLUMNS = (
    "period_start",
    "period_end",
    "currency",
    "billed",
    "monthly_billed",
    "monthly_savings",
    "kind",
    "provider",
    "resource_id",
    "resource_name",
    "finding",
    "current_monthly_cost",
    "estimated_monthly_savings",
)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _rows(report: Report) -> list[dict[str, Any]]:
    run = {
        "period_start": report.period.start.isoformat(),
        "period_end": report.period.end.isoformat(),
        "currency": report.currency,
        "billed": f"{report.billed_cost:f}",
        "monthly_billed": f"{report.monthly_billed_cost:f}",
        "monthly_savings": f"{report.total_savings:f}",
    }
    found = [
        {
            **run,
            "kind": r.kind,
            "provider": r.provider,
            "resource_id": r.resource_id,
            "resource_name": r.resource_name,
            "finding": r.finding,
            "current_monthly_cost": f"{r.current_monthly_cost:f}",
            "estimated_monthly_savings": _text(r.estimated_monthly_savings),
        }
        for r in report.recommendations
    ]
    # A run without recommendations still keeps its totals: one row with no kind.
    return found or [{**run, **{c: None for c in _COLUMNS if c not in run}}]


def run_name(report: Report) -> str:
    """The run's file name: its period and currency. The currency is the bill's text, so
    anything but an ISO-like code of three letters is named by its hash: a '/' or '..' in
    it must never place the file outside the history folder."""
    start, end = report.period.start, report.period.end
    currency = report.currency
    if not _CODE.fullmatch(currency):
        currency = "x" + hashlib.sha256(currency.encode("utf-8", "replace")).hexdigest()[:16]
    return f"run-{start:%Y%m%dT%H%M}-{end:%Y%m%dT%H%M}-{currency}.parquet"


def append_run(report: Report, folder: str | Path) -> Path:
    """The report added to the history in `folder` (written whole, then renamed); a folder
    that cannot take it is one error naming it (UserError, or ExternalError for a full
    disk), never a traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(folder)
    rows = _rows(report)
    table = pa.table({c: pa.array([r[c] for r in rows], type=pa.string()) for c in _COLUMNS})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    path = target / run_name(report)
    with output_errors(target, "the report history"):
        write_atomic(path, sink.getvalue().to_pybytes())
    return path


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _run(rows: Sequence[Mapping[str, Any]]) -> Run:
    first = rows[0]
    return Run(
        period_start=datetime.fromisoformat(first["period_start"]),
        period_end=datetime.fromisoformat(first["period_end"]),
        currency=first["currency"],
        billed=Decimal(first["billed"]),
        monthly_billed=Decimal(first["monthly_billed"]),
        monthly_savings=Decimal(first["monthly_savings"]),
        findings=tuple(
            PastFinding(
                r["kind"],
                r["provider"],
                r["resource_id"],
                r["resource_name"] or "",
                r["finding"] or "",
                Decimal(r["current_monthly_cost"]),
                _decimal(r["estimated_monthly_savings"]),
            )
            for r in rows
            if r["kind"]
        ),
    )


def load_runs(folder: str | Path) -> tuple[list[Run], list[str]]:
    """Every run in the history folder, oldest first, and a note per file not read."""
    import pyarrow.parquet as pq

    runs: list[Run] = []
    notes: list[str] = []
    for path in sorted(Path(folder).glob("run-*.parquet")):
        try:
            rows = pq.read_table(path).to_pylist()
            if rows:
                runs.append(_run(rows))
        except Exception as exc:  # a damaged file must not stop the report
            notes.append(f"history file {path.name} could not be read ({type(exc).__name__})")
    runs.sort(key=lambda r: (r.period_end, r.period_start))
    return runs, notes


def with_history(report: Report, folder: str | Path) -> Report:
    """The report with what its history folder says about it (the runs before it); the
    report itself is then appended to the history."""
    from dataclasses import replace

    from .trend import compare

    runs, notes = load_runs(folder)
    found = compare(report, runs, report.resource_costs)
    annotated = replace(report, history=replace(found, notes=found.notes + tuple(notes)))
    append_run(report, folder)
    return annotated
