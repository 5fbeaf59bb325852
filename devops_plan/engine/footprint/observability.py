"""Observability declarers: logs (ingested a month and kept for `log_retention_days`, beyond
what the cloud keeps at no charge) from a log line per request and a per-node baseline, and
managed Prometheus samples from series per pod and per node (CloudWatch / Cloud Logging and
Monitoring / Azure Monitor)."""

from __future__ import annotations

from collections.abc import Sequence

from ...design import Kind, Platform
from ..context import Context
from ..cost import CostComponent
from ..flows import SECONDS_PER_MONTH
from ..pools import NodePoolPlan
from ..services import ServicePlan
from .base import DAYS, component

GIB = 1024**3


def running(
    services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan], fraction: float
) -> tuple[float, float]:
    """(nodes and VMs, pods and replicas) on average over the day in one region."""
    node_hours = sum(sum(p.hourly_nodes) if p.hourly_nodes else p.nodes * 24 for p in pools)
    pod_hours = vm_hours = 0
    for s in services:
        if s.kind != Kind.stateless:
            continue
        hours = sum(s.hourly_replicas) if s.hourly_replicas else s.replicas * 24
        pod_hours += hours
        if s.platform == Platform.vm:
            vm_hours += hours
    scale = min(1.0, fraction) / 24
    return (node_hours + vm_hours) * scale, pod_hours * scale


def log_gib(ctx: Context, services: Sequence[ServicePlan], nodes: float, share: float) -> float:
    """GiB of logs a month: a line per request served here, and each node's baseline."""
    obs, defaults = ctx.design.observability, ctx.observability
    per_request = obs.log_bytes_per_request
    per_request = defaults.log_bytes_per_request if per_request is None else per_request
    per_node = obs.node_log_mib_per_day
    per_node = defaults.node_log_mib_per_day if per_node is None else per_node
    loads = ctx.flows.loads
    requests = sum(loads[s.name].monthly_requests for s in services if s.name in loads)
    return requests * share * per_request / GIB + nodes * per_node * DAYS / 1024


def observability(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    fraction: float,
    share: float,
    category: str,
) -> list[CostComponent]:
    """Logs ingested and stored, and metric samples, for what runs in one region."""
    if not pools and not any(s.kind == Kind.stateless for s in services):
        return []
    nodes, pods = running(services, pools, fraction)
    cat, out = category or "observability", []
    design = ctx.design.observability
    ingested = log_gib(ctx, services, nodes, share)
    if ingested > 0:
        out.append(component("platform", "observability", "logs ingested",
                             ctx.catalog.role("logs_ingest"), region, "on_demand", ingested,
                             "month", category=cat))  # fmt: skip
        days = design.log_retention_days - ctx.facts.log_free_retention_days
        if days > 0:
            out.append(component("platform", "observability",
                                 f"logs stored ({design.log_retention_days} days)",
                                 ctx.catalog.role("logs_storage"), region, "on_demand",
                                 ingested / DAYS * days, "month", category=cat))  # fmt: skip
    if design.metrics:
        d = ctx.observability
        series = pods * d.series_per_pod + nodes * d.series_per_node
        samples = series * SECONDS_PER_MONTH / d.scrape_interval_s / 1e6
        if samples > 0:
            out.append(component("platform", "observability", "metric samples",
                                 ctx.catalog.role("metrics_samples"), region, "on_demand",
                                 samples, "month", category=cat))  # fmt: skip
    return out
