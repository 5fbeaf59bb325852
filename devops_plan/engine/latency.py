"""Latency along the user path: each request crosses the stateless services from an
entrypoint down its dependencies, and the path's p95 is estimated by the sum of the hops' p95
(what the path takes when every hop is slow at once; independent light-tailed hops give a
lower p95, so the estimate errs on the safe side). The target is shared
out as budgets: each hop gets the share of the target its own minimum p95 takes on the
heaviest path through it, and is sized to meet that budget. Data stores' own query times are
not modelled (docs/model.md, "Latency")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..design import Design, StatelessService
from .queueing import service_p95_ms

if TYPE_CHECKING:  # services sizes replicas to the budgets below
    from .services import ServicePlan


@dataclass(frozen=True)
class LatencyReport:
    """The worst path's p95 bound against the target, hop by hop."""

    target_ms: float
    achieved_ms: float
    meets_target: bool
    path: tuple[tuple[str, float, float], ...]  # (service, p95 ms, budget ms) along the path


def _graph(design: Design) -> dict[str, tuple[str, ...]]:
    """Stateless services and the stateless services each calls."""
    stateless = {s.name for s in design.services if isinstance(s, StatelessService)}
    return {
        s.name: tuple(d for d in s.depends_on if d in stateless)
        for s in design.services
        if isinstance(s, StatelessService)
    }


def _order(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """Callers before callees (the design's graph has no cycles)."""
    indegree = {n: 0 for n in graph}
    for deps in graph.values():
        for d in deps:
            indegree[d] += 1
    ready = sorted(n for n, k in indegree.items() if k == 0)
    out = []
    while ready:
        n = ready.pop(0)
        out.append(n)
        for d in graph[n]:
            indegree[d] -= 1
            if indegree[d] == 0:
                ready.append(d)
    return out


def _heaviest(
    graph: Mapping[str, Sequence[str]], weight: Mapping[str, float], entries: Sequence[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """For every service: the heaviest path weight from an entrypoint to it (inclusive), and
    from it to the end of its calls (inclusive)."""
    order = _order(graph)
    down = {n: -1.0 for n in graph}
    for n in order:
        if n in entries:
            down[n] = max(down[n], weight[n])
        if down[n] >= 0:
            for d in graph[n]:
                down[d] = max(down[d], down[n] + weight[d])
    up: dict[str, float] = {}
    for n in reversed(order):
        up[n] = weight[n] + max((up[d] for d in graph[n]), default=0.0)
    return down, up


def budgets(design: Design) -> dict[str, float | None]:
    """The p95 each stateless service may take so the heaviest path through it meets the
    target; None without a latency target or off every user path."""
    target = design.targets.latency_p95_ms
    graph = _graph(design)
    if target is None:
        return dict.fromkeys(graph)
    loads = {s.name: s.load for s in design.services if isinstance(s, StatelessService)}
    weight = {n: service_p95_ms(loads[n].cpu_ms, loads[n].cpu_ms_cv) for n in graph}
    entries = [s.name for s in design.services if s.entrypoint and s.name in graph]
    down, up = _heaviest(graph, weight, entries)
    return {
        n: (target * weight[n] / (down[n] + up[n] - weight[n]) if down[n] >= 0 else None)
        for n in graph
    }


def assess_latency(design: Design, services: Sequence[ServicePlan]) -> LatencyReport | None:
    """The heaviest path's p95 bound from the sized replicas; None without a target."""
    target = design.targets.latency_p95_ms
    if target is None:
        return None
    graph = _graph(design)
    p95 = {s.name: s.sizing.p95_ms for s in services if s.sizing is not None and s.name in graph}
    entries = [s.name for s in design.services if s.entrypoint and s.name in graph]
    down, up = _heaviest(graph, p95, entries)
    share = budgets(design)
    reach = [n for n in graph if down[n] >= 0]
    if not reach:
        return LatencyReport(target, 0.0, True, ())
    worst = max(entries, key=lambda n: up[n])
    path = [worst]
    while graph[path[-1]]:
        path.append(max(graph[path[-1]], key=lambda d: up[d]))
    achieved = round(up[worst], 3)
    hops = tuple((n, p95[n], round(share[n] or 0.0, 3)) for n in path)
    return LatencyReport(target, achieved, round(achieved, 6) <= target, hops)
