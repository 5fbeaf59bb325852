"""Availability: the user path through global routing, load balancers and services, the SLA
of each exact product deployed, composed by what each component is: a regional component
(compute, load balancers, caches, buckets, queues) runs in every serving region, so the
regions back each other up (in parallel); a global one (global routing, a database with one
writer) is shared by all of them (in series). The error budget and the weakest link.

Figures are percents at the edges (99.95) and fractions inside the arithmetic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from functools import partial

from ..defaults import SLAEntry
from ..design import Kind
from ..frozen import Frozen
from ..units import downtime_budget_minutes
from .context import Context
from .services import ServicePlan


class PathComponent(Frozen):
    """One link of the user path with its monthly availability (percent); `scope` says whether
    each serving region has its own (`region`) or all share one (`global`)."""

    component: str
    kind: str
    availability: float
    source: str
    scope: str = "region"


def series(percents: Iterable[float]) -> float:
    """All must be up: the product of the availabilities."""
    up = 1.0
    for p in percents:
        up *= p / 100
    return up * 100


def parallel(percents: Iterable[float]) -> float:
    """Any one up is enough: 1 - product of the unavailabilities."""
    down = 1.0
    for p in percents:
        down *= 1 - p / 100
    return (1 - down) * 100


def user_path_availability(path: Sequence[PathComponent], regions_serving: int) -> float:
    """Shared components in series with the serving regions, which are in parallel (each
    region's own components in series)."""
    one_region = series(c.availability for c in path if c.scope != "global")
    regions = parallel([one_region] * max(1, regions_serving))
    return series([regions, *(c.availability for c in path if c.scope == "global")])


def effective(c: PathComponent, regions_serving: int) -> float:
    """A component's availability as the path sees it: a regional one is backed up by its
    copies in the other serving regions."""
    return c.availability if c.scope == "global" else parallel([c.availability] * regions_serving)


def weakest(path: Sequence[PathComponent], regions_serving: int = 1) -> PathComponent | None:
    """The link that costs the path the most (first in path order on ties)."""
    return min(path, key=lambda c: effective(c, regions_serving)) if path else None


def dependency_closure(
    entrypoints: Sequence[str], depends_on: Mapping[str, Sequence[str]]
) -> list[str]:
    """Every service reachable from the entrypoints, each once, in breadth-first order."""
    order: list[str] = []
    seen: set[str] = set()
    queue = deque(entrypoints)
    while queue:
        name = queue.popleft()
        if name in seen:
            continue
        seen.add(name)
        order.append(name)
        queue.extend(d for d in depends_on.get(name, ()) if d not in seen)
    return order


class AvailabilityReport(Frozen):
    """The user path's availability against the target (the plan adds a suggestion)."""

    target: float
    achieved: float
    meets_target: bool
    downtime_budget_min: float
    achieved_downtime_min: float
    weakest: str | None
    regions_serving: int
    path: tuple[PathComponent, ...]


def assess(
    path: Sequence[PathComponent], target: float, regions_serving: int
) -> AvailabilityReport:
    achieved = user_path_availability(path, regions_serving)
    # Compare at a precision finer than any SLA figure so float noise cannot flip it.
    meets = round(achieved, 9) >= round(target, 9)
    weak = weakest(path, regions_serving)
    return AvailabilityReport(
        target=target,
        achieved=round(achieved, 6),
        meets_target=meets,
        downtime_budget_min=downtime_budget_minutes(target),
        achieved_downtime_min=downtime_budget_minutes(achieved),
        weakest=weak.component if weak else None,
        path=tuple(path),
        regions_serving=regions_serving,
    )


def user_path(
    ctx: Context, services: Sequence[ServicePlan], regions_serving: int = 1
) -> list[PathComponent]:
    """Global routing when regions share the traffic, the entrypoints' load balancers, then
    each service of their dependency closure once."""
    by_name = {s.name: s for s in services}
    entry = [s.name for s in services if s.entrypoint]
    closure = dependency_closure(entry, {s.name: s.depends_on for s in services})
    path = []
    if regions_serving >= 2:
        route = ctx.sla.only("global_routing")
        path.append(_component("global routing", "global_routing", route, "global"))
    lb = ctx.sla.find("load_balancer", ctx.catalog.role("lb_hour"))
    path += [
        _component(f"load-balancer ({name})", "load_balancer", lb, "region")
        for name in entry
        if by_name[name].kind == Kind.stateless
    ]
    for name in closure:
        s = by_name[name]
        if s.kind == Kind.database and regions_serving >= 2:
            path.append(_shared_database(ctx, s))
            continue
        path.append(ctx.remembered("path", (), (s,), partial(_own, s)))
    return path


def _own(s: ServicePlan) -> PathComponent:
    """A service on the path with its own SLA."""
    return PathComponent(
        component=s.name, kind=s.kind, availability=s.availability, source=s.availability_source
    )


def _shared_database(ctx: Context, s: ServicePlan) -> PathComponent:
    """A database when regions share the traffic: one logical database for both. With one
    writer (an asynchronous replica elsewhere) the primary's own figure; an engine deployed
    across regions (Aurora DSQL, Spanner, Cosmos DB) its multi-region SLA."""
    multi = [
        e for e in ctx.sla.entries
        if e.role == "database" and e.deployment == "multi_region" and (s.engine or "") in e.engines
    ]  # fmt: skip
    if s.sla and multi:
        return _component(s.name, s.kind, multi[0], "global")
    return PathComponent(
        component=s.name,
        kind=s.kind,
        availability=s.availability,
        source=s.availability_source,
        scope="global",
    )


def _component(name: str, kind: str, entry: SLAEntry, scope: str) -> PathComponent:
    return PathComponent(
        component=name, kind=kind, availability=entry.availability, source=entry.source, scope=scope
    )
