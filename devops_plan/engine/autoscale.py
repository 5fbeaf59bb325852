"""Autoscaling: how many replicas each stateless service runs in each hour of its load profile,
by the rule its exported HorizontalPodAutoscaler follows, between the autoscaling floor and
the peak-sized count. The node pools pack each hour's pods the same way (pools.py), so the
plan, the HPA, the node pool min/max and the Terraform variables agree."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..design import Kind, StatelessService
from .context import Context
from .formulas import ReplicaSizer, ReplicaSizing
from .services import ServicePlan, size_services


def hpa_target_percent(sizing: ReplicaSizing, replicas: int) -> int:
    """The HPA's target CPU utilisation: that of the planned replicas at the forecast peak,
    so the autoscaler reaches the planned count exactly when the peak arrives (and keeps the
    zone-loss and latency headroom the sizing chose)."""
    utilisation = 100 * sizing.offered_load_vcpu / (sizing.vcpu_per_replica * replicas)
    return max(1, min(100, math.floor(utilisation)))


def floor_replicas(sizing: ReplicaSizing, replicas: int, zones: int, asked: int | None) -> int:
    """The autoscaling floor: the design's `scaling.min_replicas`, else the minimum the sizing
    never goes below (one per zone, two from 99.9%) rounded up to whole zones; never above
    the planned count."""
    z = max(1, zones)
    low = asked if asked is not None else math.ceil(sizing.n_minimum / z) * z
    return min(low, replicas)


def hourly_replicas(
    profile: Sequence[float], sizing: ReplicaSizing, replicas: int, low: int
) -> tuple[int, ...]:
    """Replicas in each hour: what the HPA asks for at that hour's load,
    ceil(f x A / (k x target)), kept between the floor and the planned count."""
    target = hpa_target_percent(sizing, replicas) / 100
    per_replica = sizing.vcpu_per_replica * target
    out = []
    for f in profile:
        wanted = math.ceil(f * sizing.offered_load_vcpu / per_replica - 1e-9)
        out.append(max(low, min(replicas, wanted)))
    return tuple(out)


Schedules = dict[tuple[Any, ...], tuple[int, ...]]


def schedule(
    ctx: Context, services: Sequence[ServicePlan], memo: Schedules | None = None
) -> list[ServicePlan]:
    """Each stateless service with its autoscaling floor and replicas hour by hour (`memo`
    remembers schedules by their inputs across a planner's variants)."""
    memo = {} if memo is None else memo
    out = []
    for s in services:
        svc = ctx.service(s.name)
        if s.kind != Kind.stateless or s.sizing is None or not isinstance(svc, StatelessService):
            out.append(s)
            continue
        low = floor_replicas(s.sizing, s.replicas, s.zones, svc.scaling.min_replicas)
        profile = ctx.flows.loads[s.name].profile
        key = (profile, s.sizing.offered_load_vcpu, s.sizing.vcpu_per_replica, s.replicas, low)
        hourly = memo.get(key)
        if hourly is None:
            hourly = memo[key] = hourly_replicas(profile, s.sizing, s.replicas, low)
        out.append(s.model_copy(update={"min_replicas": low, "hourly_replicas": hourly}))
    return out


def size_and_schedule(
    ctx: Context, sizer: ReplicaSizer, memo: Schedules | None = None
) -> tuple[list[ServicePlan], list[str]]:
    """Size every service, then schedule the stateless ones over their load profile."""
    services, warnings = size_services(ctx, sizer)
    return schedule(ctx, services, memo), warnings


__all__ = [
    "floor_replicas",
    "hourly_replicas",
    "hpa_target_percent",
    "schedule",
    "size_and_schedule",
]
