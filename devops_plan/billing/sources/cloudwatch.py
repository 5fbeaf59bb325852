"""Utilization from CloudWatch `get_metric_data` (boto3): the same per-resource statistics
a utilization CSV gives, for the EC2 instances and EBS volumes in the bill."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ...aws import aws_errors, make_client
from .utilization import ResourceUsage, Utilization, percentile

# get_metric_data accepts at most 500 queries per call.
_MAX_QUERIES = 500
# Per resource: query-id prefix -> (namespace, metric, statistic).
_MACHINE_METRICS = {
    "cpu": ("AWS/EC2", "CPUUtilization", "Average"),
    "mem": ("CWAgent", "mem_used_percent", "Maximum"),
    "nin": ("AWS/EC2", "NetworkIn", "Sum"),
    "nout": ("AWS/EC2", "NetworkOut", "Sum"),
}
_VOLUME_METRICS = {
    "vr": ("AWS/EBS", "VolumeReadOps", "Sum"),
    "vw": ("AWS/EBS", "VolumeWriteOps", "Sum"),
}
Series = dict[str, list[tuple[datetime, float]]]  # query id -> (timestamp, value) points


def _queries(
    instance_ids: Sequence[str], volume_ids: Sequence[str], period: int
) -> list[dict[str, Any]]:
    """One query per resource and metric, with the ids `<prefix><index>`."""
    queries: list[dict[str, Any]] = []
    for ids, dimension, metrics in (
        (instance_ids, "InstanceId", _MACHINE_METRICS),
        (volume_ids, "VolumeId", _VOLUME_METRICS),
    ):
        for k, rid in enumerate(ids):
            for prefix, (namespace, name, stat) in metrics.items():
                metric = {
                    "Namespace": namespace,
                    "MetricName": name,
                    "Dimensions": [{"Name": dimension, "Value": rid}],
                }
                queries.append(
                    {
                        "Id": f"{prefix}{k}",
                        "MetricStat": {"Metric": metric, "Period": period, "Stat": stat},
                    }
                )
    return queries


def _fetch(cw: Any, queries: list[dict[str, Any]], start: datetime, end: datetime) -> Series:
    """Every datapoint of `queries`, 500 queries a call, following NextToken pages."""
    series: Series = {}
    with aws_errors("CloudWatch get_metric_data"):
        for offset in range(0, len(queries), _MAX_QUERIES):
            token: str | None = None
            while True:
                kwargs: dict[str, Any] = {
                    "MetricDataQueries": queries[offset : offset + _MAX_QUERIES],
                    "StartTime": start.replace(tzinfo=start.tzinfo or UTC),
                    "EndTime": end.replace(tzinfo=end.tzinfo or UTC),
                    "ScanBy": "TimestampAscending",
                }
                if token:
                    kwargs["NextToken"] = token
                page = cw.get_metric_data(**kwargs)
                for result in page.get("MetricDataResults", []):
                    points = zip(
                        result.get("Timestamps", []),
                        map(float, result.get("Values", [])),
                        strict=True,
                    )
                    series.setdefault(result["Id"], []).extend(points)
                token = page.get("NextToken")
                if not token:
                    break
    return series


def _values(series: Mapping[str, list[tuple[datetime, float]]], *ids: str) -> list[float]:
    return [v for qid in ids for _, v in series.get(qid, [])]


def _machine(k: int, iid: str, series: Series, hour_days: float) -> ResourceUsage | None:
    cpu = _values(series, f"cpu{k}")
    if not cpu:
        return None
    days = len(cpu) * hour_days
    mem = _values(series, f"mem{k}")
    net = _values(series, f"nin{k}", f"nout{k}")
    return ResourceUsage(
        resource_id=iid,
        samples=len(cpu),
        days=days,
        cpu_p95_pct=percentile(cpu, 0.95),
        mem_peak_pct=max(mem) if mem else None,
        net_mb_per_day=sum(net) / 1e6 / days if net else None,
        disk_ops_per_day=None,
    )


def _volume(k: int, vid: str, series: Series, window_days: float) -> ResourceUsage:
    ops = series.get(f"vr{k}", []) + series.get(f"vw{k}", [])
    return ResourceUsage(
        resource_id=vid,
        samples=len({t for t, _ in ops}),
        days=window_days,
        cpu_p95_pct=None,
        mem_peak_pct=None,
        net_mb_per_day=None,
        disk_ops_per_day=sum(v for _, v in ops) / window_days if window_days > 0 else None,
    )


def cloudwatch_utilization(
    instance_ids: Sequence[str],
    volume_ids: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    client: Any = None,
    region: str | None = None,
    period_seconds: int = 3600,
) -> Utilization:
    """Hourly CloudWatch statistics of EC2 instances and EBS volumes over [start, end).

    CPU: P95 of the hourly averages of AWS/EC2 CPUUtilization. Memory: the peak of the
    CloudWatch agent's CWAgent mem_used_percent (absent without the agent). Network:
    NetworkIn + NetworkOut. Volumes: VolumeReadOps + VolumeWriteOps; a billed volume that
    reports no I/O datapoints at all (as unattached volumes do) counts as zero I/O.
    """
    cw = client or make_client("cloudwatch", region)
    series = _fetch(cw, _queries(instance_ids, volume_ids, period_seconds), start, end)
    usage: dict[str, ResourceUsage] = {}
    for k, iid in enumerate(instance_ids):
        found = _machine(k, iid, series, period_seconds / 86400)
        if found is not None:
            usage[iid] = found
    window_days = (end - start).total_seconds() / 86400
    for k, vid in enumerate(volume_ids):
        usage[vid] = _volume(k, vid, series, window_days)
    return Utilization(dict(sorted(usage.items())), (), "CloudWatch", ())
