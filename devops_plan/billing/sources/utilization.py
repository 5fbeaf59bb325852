"""How busy each resource was: per-resource CPU, memory, network and disk statistics
(`Utilization`), read from a utilization CSV in place by DuckDB (CloudWatch is
`sources/cloudwatch.py`).

The CSV has the columns `resource_id, timestamp, cpu_pct, mem_pct` (mem_pct may be empty
where no memory agent runs) and optionally `net_bytes` (network in + out since the
previous sample) and `disk_ops` (disk reads + writes since the previous sample).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ...errors import BillingInputError
from ..sqlfiles import render_sql
from .engine import RejectedRow, connect, rejected_rows
from .exports import open_text, sql_string

REQUIRED_COLUMNS = ("resource_id", "timestamp", "cpu_pct", "mem_pct")
OPTIONAL_COLUMNS = ("net_bytes", "disk_ops")
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


def _header(path: Path) -> list[str]:
    try:
        with open_text(path) as text:
            return next(csv.reader(text), [])
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise BillingInputError(f"{path}: cannot read this file as CSV: {exc}") from None


def load_utilization_csv(path: str | Path) -> Utilization:
    """Per-resource statistics of a utilization CSV; BillingInputError naming the file."""
    p = Path(path)
    if not p.is_file():
        raise BillingInputError(f"{path}: no such file")
    if p.stat().st_size == 0:
        raise BillingInputError(
            f"{path}: empty file; expected a header {','.join(REQUIRED_COLUMNS)}"
        )
    header = [h.strip() for h in _header(p)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BillingInputError(
            f"{path}:1: missing column(s) {', '.join(missing)}; expected a header with "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    columns = ", ".join(f"{sql_string(h)}: {sql_string(_TYPES.get(h, 'VARCHAR'))}" for h in header)
    padding = "".join(f", CAST(NULL AS DOUBLE) AS {c}" for c in OPTIONAL_COLUMNS if c not in header)
    reader = (
        f"(SELECT *{padding} FROM read_csv({sql_string(str(p))}, header = true, "
        f"columns = {{{columns}}}, auto_detect = false, delim = ',', quote = '\"', "
        "escape = '\"', nullstr = ['NULL', ''], store_rejects = true))"
    )
    con = connect(memory_limit="512MB")
    try:
        cursor = con.execute(render_sql("utilization", source=reader))
        names = [d[0] for d in cursor.description or ()]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        rejected = tuple(replace(r, file=str(path)) for r in rejected_rows(con))
    except Exception as exc:  # duckdb's own error types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BillingInputError(f"{path}: cannot read the utilization file: {first}") from None
    finally:
        con.close()
    usage: dict[str, ResourceUsage] = {}
    out_of_range = 0
    for row in rows:
        rid = str(row["resource_id"])
        days = _covered_days(int(row["samples"]), row["first_sample"], row["last_sample"])
        out_of_range += int(row["out_of_range"])
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
    if not usage and not rejected:
        raise BillingInputError(f"{path}: the file has a header but no utilization rows")
    notes = (f"{out_of_range} utilization sample(s) outside 0-100%",) if out_of_range else ()
    return Utilization(dict(sorted(usage.items())), rejected, str(path), notes)
