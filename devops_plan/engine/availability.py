"""Availability: the user path through load balancers and services, its published SLAs
composed in series (regions in parallel), the error budget and the weakest link.

Figures are percents at the edges (99.95) and fractions inside the arithmetic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from ..design import Kind
from ..frozen import Frozen
from ..units import downtime_budget_minutes
from .context import Context
from .services import ServicePlan


class PathComponent(Frozen):
    """One link of the user path with its monthly availability (percent)."""

    component: str
    kind: str
    availability: float
    source: str


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
    """The path in series within a region; serving regions in parallel."""
    one_region = series(c.availability for c in path)
    return parallel([one_region] * max(1, regions_serving))


def weakest(path: Sequence[PathComponent]) -> PathComponent | None:
    """The link with the lowest availability (first in path order on ties)."""
    return min(path, key=lambda c: c.availability) if path else None


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
    weak = weakest(path)
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


def user_path(ctx: Context, services: Sequence[ServicePlan]) -> list[PathComponent]:
    """The entrypoints' load balancers, then each service of their dependency closure once."""
    by_name = {s.name: s for s in services}
    entry = [s.name for s in services if s.entrypoint]
    closure = dependency_closure(entry, {s.name: s.depends_on for s in services})
    lb = ctx.sla.find("load_balancer", ctx.catalog.role("lb_hour"))
    path = [
        PathComponent(
            component=f"load-balancer ({name})",
            kind="load_balancer",
            availability=lb.availability,
            source=lb.source,
        )
        for name in entry
        if by_name[name].kind == Kind.stateless
    ]
    for name in closure:
        s = by_name[name]
        path.append(
            PathComponent(
                component=name,
                kind=s.kind,
                availability=s.availability,
                source=s.availability_source,
            )
        )
    return path
