"""Variants of a design: the one home of the rules that change a design to weigh an option
(another region, zone count, load, DR strategy, a service's settings). Decisions, the
suggestion for a missed target, the explorer's sweep and its widgets all use these, so a rule
such as "which region is second" is written once."""

from __future__ import annotations

from typing import Any

from ..design import Design, DRStrategy, Service, StatelessService
from ..errors import PlanningError
from ..regions import find_region, regions_of

ACTIVE_ACTIVE = DRStrategy.active_active


def second_region(design: Design) -> str:
    """The region a single-region design recovers into and the one active-active adds: the
    second listed region, else `dr_region`, else the primary region's DR pair."""
    if len(design.regions) >= 2:
        return design.regions[1]
    if design.dr_region:
        return design.dr_region
    primary = find_region(design.cloud.value, design.regions[0])
    if primary is None:
        raise PlanningError(f"unknown {design.cloud.value} region {design.regions[0]!r}")
    return primary.dr_pair


def serving_regions(strategy: str, regions: int = 2) -> int:
    """How many regions serve users: active-active serves from every region (at least two);
    any other strategy keeps the second region on standby."""
    return max(2, regions) if strategy == ACTIVE_ACTIVE else 1


def region_sequence(design: Design) -> tuple[str, ...]:
    """Regions in the order more are added: the design's, its `dr_region`, each one's DR pair
    (so the second is always `second_region`), then every other region of the cloud."""
    cloud = design.cloud.value
    order = [*design.regions]
    if design.dr_region:
        order.append(design.dr_region)
    for name in list(order):
        region = find_region(cloud, name)
        if region is not None:
            order.append(region.dr_pair)
    order += list(regions_of(cloud))
    return tuple(dict.fromkeys(order))


def with_service(design: Design, name: str, **changes: Any) -> Design:
    """The design with one service changed."""
    services = tuple(s.model_copy(update=changes) if s.name == name else s for s in design.services)
    return design.model_copy(update={"services": services})


def scaled_load(service: Service, multiplier: float) -> Service:
    """A stateless service with its peak load multiplied; other kinds unchanged."""
    if multiplier == 1.0 or not isinstance(service, StatelessService):
        return service
    load = service.load.model_copy(update={"peak_rps": service.load.peak_rps * multiplier})
    return service.model_copy(update={"load": load})


def with_load(design: Design, multiplier: float) -> Design:
    """The design with every stateless service's peak load multiplied."""
    if multiplier == 1.0:
        return design
    services = tuple(scaled_load(s, multiplier) for s in design.services)
    return design.model_copy(update={"services": services})


def with_dr_strategy(design: Design, strategy: str | None) -> Design:
    """The design with its DR strategy forced (None: the planner chooses)."""
    forced = DRStrategy(strategy) if strategy else None
    return design.model_copy(update={"dr": design.dr.model_copy(update={"strategy": forced})})


def with_second_region(design: Design) -> Design | None:
    """A single-region design served active-active from its second region too; None when the
    design already has two regions or no second region differs from the primary."""
    if len(design.regions) >= 2:
        return None
    second = second_region(design)
    if second == design.regions[0]:
        return None
    return with_dr_strategy(
        design.model_copy(update={"regions": (*design.regions, second)}), ACTIVE_ACTIVE
    )


def one_region(design: Design, zones: int) -> Design:
    """The design in one region with `zones` zones; a multi-region design's DR settings go
    back to the defaults (its forced active-active no longer applies)."""
    dr = type(design.dr)() if len(design.regions) >= 2 else design.dr
    return design.model_copy(update={"zones": zones, "regions": design.regions[:1], "dr": dr})
