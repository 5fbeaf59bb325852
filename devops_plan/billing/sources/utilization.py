"""How busy each resource was: per-resource CPU, memory, network and disk statistics
(`Utilization`), read from a utilization CSV in place by DuckDB (CloudWatch is
`sources/cloudwatch.py`).

The CSV has the columns `resource_id, timestamp, cpu_pct, mem_pct` (mem_pct may be empty
where no memory agent runs) and optionally `net_bytes` (network in + out since the
previous sample) and `disk_ops` (disk reads + writes since the previous sample).
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ...errors import BillingInputError
from ..sqlfiles import render_sql
from .engine import RejectedRow, connect, rejected_rows
from .exports import read_header, sql_string
from .staging import InputLimits, StagedFile, stage

REQUIRED_COLUMNS = ("resource_id", "timestamp", "cpu_pct", "mem_pct")
OPTIONAL_COLUMNS = ("net_bytes", "disk_ops")
_EXPECTED = f"one utilization CSV ({', '.join(REQUIRED_COLUMNS)}, ...)"
_TYPES = {
    "resource_id": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "cpu_pct": "DOUBLE",
    "mem_pct": "DOUBLE",
    "net_bytes": "DOUBLE",
    "disk_ops": "DOUBLE",
}


@dataclass(frozen=True)
class ResourceUsage:
    """Utilization of one resource over the samples seen."""

    resource_id: str
    samples: int
    days: float  # time the samples cover (samples x sampling interval)
    cpu_p95_pct: float | None
    mem_peak_pct: float | None
    net_mb_per_day: float | None  # None when network was not measured
    disk_ops_per_day: float | None  # None when disk I/O was not measured


def short_id(resource_id: str) -> str:
    """The last path segment of an ARN or resource path ('i-0abc' of '...:instance/i-0abc')."""
    tail = resource_id.rstrip("/").rsplit("/", 1)[-1]
    return tail.rsplit(":", 1)[-1] if tail.startswith("arn:") else tail


@dataclass(frozen=True)
class Utilization:
    """Usage per resource id, and the utilization rows that could not be read."""

    resources: Mapping[str, ResourceUsage] = field(default_factory=dict)
    rejected: tuple[RejectedRow, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = ()

    def find(self, resource_id: str) -> ResourceUsage | None:
        """Usage of a billed resource: by exact id, else by its short id (ARN tail)."""
        found = self.resources.get(resource_id)
        if found is None:
            found = self.resources.get(short_id(resource_id))
        return found


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (DuckDB's quantile_cont, numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _covered_days(samples: int, first: datetime | None, last: datetime | None) -> float:
    if samples < 2 or first is None or last is None:
        return 0.0
    span = (last - first).total_seconds()
    # n regular samples cover n intervals: the span plus one interval.
    return span * samples / (samples - 1) / 86400


def _reader(staged: StagedFile, header: Sequence[str], limits: InputLimits) -> str:
    """The DuckDB relation of a utilization CSV: typed columns, the optional ones as NULL when
    absent, rejected rows recorded."""
    columns = ", ".join(f"{sql_string(h)}: {sql_string(_TYPES.get(h, 'VARCHAR'))}" for h in header)
    padding = "".join(f", CAST(NULL AS DOUBLE) AS {c}" for c in OPTIONAL_COLUMNS if c not in header)
    compression = "gzip" if staged.content == "gzip" else "none"
    return (
        f"(SELECT *{padding} FROM read_csv({sql_string(str(staged.path))}, header = true, "
        f"columns = {{{columns}}}, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', compression = '{compression}', "
        f"max_line_size = {limits.max_line_bytes}, nullstr = ['NULL', ''], "
        "store_rejects = true))"
    )


def _statistics(staged: StagedFile, limits: InputLimits, folder: str) -> tuple[list[Any], ...]:
    """The per-resource rows of sql/utilization.sql and the rejected rows of the file."""
    if staged.content == "parquet":
        raise BillingInputError(f"{staged.shown}: a utilization file is a CSV, not Parquet")
    header = [h.strip() for h in read_header(staged.path, staged.shown, limits.max_line_bytes)[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BillingInputError(
            f"{staged.shown}:1: missing column(s) {', '.join(missing)}; expected a header with "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    con = connect(memory_limit="512MB", temp_dir=folder)
    try:
        cursor = con.execute(render_sql("utilization", source=_reader(staged, header, limits)))
        names = [d[0] for d in cursor.description or ()]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        rejected = [replace(r, file=staged.shown) for r in rejected_rows(con)]
    except duckdb.Error as exc:
        text = str(exc).strip().replace(str(staged.path), staged.shown)
        first = text.splitlines()[0] if text else type(exc).__name__
        raise BillingInputError(
            f"{staged.shown}: cannot read the utilization file: {first}"
        ) from None
    finally:
        con.close()
    return rows, rejected


def load_utilization_csv(path: str | Path, limits: InputLimits | None = None) -> Utilization:
    """Per-resource statistics of a utilization CSV (plain or gzip, checked and read through
    a link like billing files); BillingInputError naming the file."""
    if Path(path).is_dir():  # a folder stands for many billing files, never utilization
        raise BillingInputError(f"{path}: is a folder; expected {_EXPECTED}")
    folder = tempfile.mkdtemp(prefix="devops-plan-utilization-")
    try:
        limits = limits or InputLimits()
        (staged,) = stage([str(path)], Path(folder) / "inputs", limits, expected=_EXPECTED)
        rows, rejected = _statistics(staged, limits, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    usage: dict[str, ResourceUsage] = {}
    out_of_range = 0
    for row in rows:
        rid = str(row["resource_id"])
        out_of_range += int(row["out_of_range"])
        if not row["samples"]:
            continue
        days = _covered_days(int(row["samples"]), row["first_sample"], row["last_sample"])
        usage[rid] = ResourceUsage(
            resource_id=rid,
            samples=int(row["samples"]),
            days=days,
            cpu_p95_pct=None if row["cpu_p95_pct"] is None else float(row["cpu_p95_pct"]),
            mem_peak_pct=None if row["mem_peak_pct"] is None else float(row["mem_peak_pct"]),
            net_mb_per_day=(
                float(row["net_bytes"]) / 1e6 / days if row["net_samples"] and days > 0 else None
            ),
            disk_ops_per_day=(
                float(row["disk_ops"]) / days if row["disk_samples"] and days > 0 else None
            ),
        )
    if not usage and not rejected and not out_of_range:
        raise BillingInputError(f"{path}: the file has a header but no utilization rows")
    notes = (
        (
            f"{out_of_range} utilization sample(s) outside 0-100% (or not a finite value, or "
            "dated outside 1970-9999): left out of the statistics",
        )
        if out_of_range
        else ()
    )
    return Utilization(dict(sorted(usage.items())), tuple(rejected), str(path), notes)
