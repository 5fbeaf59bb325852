"""The planning context: a design resolved onto one cloud, its regions and zones, the purchase
option, the price catalog and the default tables. Every later stage reads only this."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from ..catalog import PURCHASES, Catalog
from ..defaults import DRTable, EngineFacts, SizingRules, SLATable
from ..design import Design, Service
from ..errors import PlanningError
from ..regions import find_region
from ..units import HOURS_PER_MONTH
from ..usage import CloudFacts, ObservabilityDefaults, Traffic
from .flows import Flows, flows
from .variants import second_region

HOURS = Decimal(HOURS_PER_MONTH)
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
QUANTITY = Decimal("0.000001")  # six places: quantities repeat to the digit


def dec(value: float | int | Decimal) -> Decimal:
    """A Decimal quantity with six places, so repeated runs give the same digits (a whole
    number is exact as it is)."""
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value.quantize(QUANTITY)
    return Decimal(repr(value)).quantize(QUANTITY)


@dataclass(frozen=True)
class PlanOptions:
    """How to plan a design: another cloud or primary region, a purchase option, and whether
    missing prices are warnings instead of an error."""

    cloud: str | None = None
    region: str | None = None
    purchase: str | None = None
    allow_missing_prices: bool = False
    today: str = ""  # ISO date the catalog's freshness is judged on ("": the planner's today)


@dataclass(frozen=True)
class Tables:
    """The shipped tables a plan reads for one cloud: SLAs, sizing rules, DR timings, engines."""

    sla: SLATable
    sizing: SizingRules
    dr: DRTable
    engines: Mapping[str, EngineFacts]


# Results remembered per kind and settings, then by the identity of their inputs (the inputs
# are kept with them, alive).
Declared = dict[tuple[Any, ...], dict[Any, tuple[Any, Any]]]
R = TypeVar("R")


@dataclass(frozen=True)
class Context:
    """Everything resolved before sizing: the design as planned on one cloud and region."""

    design: Design
    cloud: str
    regions: tuple[str, ...]
    dr_region: str
    zones: int
    purchase: str
    catalog: Catalog
    sla: SLATable
    sizing: SizingRules
    dr: DRTable
    engines: Mapping[str, EngineFacts]
    by_name: Mapping[str, Service] = field(init=False, repr=False, compare=False)
    flows: Flows = field(init=False, repr=False, compare=False)
    # What the footprint declared for parts of a region, by the identity of their inputs
    # (footprint.base.remembered): shared by the context of a pass and those of its variants
    # that keep its flows, stateless services and node pools (core.sized).
    declared: Declared = field(init=False, repr=False, compare=False)
    # The design's loads and calls when already known: a copy of a context with other node
    # types (the explorer's families) passes them on instead of computing them again.
    known_flows: InitVar[Flows | None] = None
    # The declarations of a context whose flows, stateless services and pools this one keeps.
    known_declared: InitVar[Declared | None] = None

    def __post_init__(self, known_flows: Flows | None, known_declared: Declared | None) -> None:
        object.__setattr__(self, "by_name", {s.name: s for s in self.design.services})
        found = known_flows or flows(self.design, self.sizing.traffic)
        object.__setattr__(self, "flows", found)
        object.__setattr__(self, "declared", {} if known_declared is None else known_declared)

    def service(self, name: str) -> Service:
        return self.by_name[name]

    def remembered(
        self,
        what: str,
        settings: tuple[Any, ...],
        inputs: Sequence[object],
        compute: Callable[[], R],
    ) -> R:
        """`compute()` (an immutable result), remembered in `declared` under `what`,
        `settings` and the identity of `inputs` (the service and pool plans it reads).
        Identity, because a variant that keeps its base's plans passes the very same objects
        and hashing hundreds of plans by value would cost what it saves; the entry keeps its
        inputs alive, so no other object can take one of their ids while it exists. Only for
        results that read nothing a variant sharing `declared` may change (its databases and
        caches) beyond `inputs`."""
        table = self.declared.setdefault((what, settings), {})
        key = tuple(map(id, inputs))
        found = table.get(key)
        if found is None:
            found = table[key] = (tuple(inputs), compute())
        result: R = found[1]
        return result

    @property
    def primary(self) -> str:
        return self.regions[0]

    @property
    def traffic(self) -> Traffic:
        return self.sizing.traffic

    @property
    def facts(self) -> CloudFacts:
        """How this cloud bills traffic, addresses, endpoints, backups, logs and queues."""
        return self.sizing.clouds[self.cloud]

    @property
    def observability(self) -> ObservabilityDefaults:
        return self.sizing.observability


def make_context(
    design: Design,
    options: PlanOptions,
    catalog: Catalog,
    tables: Tables,
    base: Context | None = None,
) -> Context:
    """The context of `design` under `options`; PlanningError for what cannot be planned.
    `base`: the context of a pass whose flows, stateless services and node pools this
    variant keeps (it shares their flows and declarations)."""
    cloud = options.cloud or design.cloud.value
    if catalog.cloud != cloud:
        raise PlanningError(f"catalog is for {catalog.cloud}, plan asked for {cloud}")
    regions, dr_region = resolve_regions(design, cloud, options.region)
    check_zones(cloud, regions, design.zones)
    if find_region(cloud, dr_region) is None:
        raise PlanningError(f"DR region {dr_region!r} is unknown to {cloud}")
    purchase = options.purchase
    if purchase is not None and purchase not in PURCHASES:
        raise PlanningError(
            f"unknown purchase option {purchase!r}; expected one of {', '.join(PURCHASES)}"
        )
    return Context(
        design=design,
        cloud=cloud,
        regions=regions,
        dr_region=dr_region,
        zones=design.zones,
        purchase=purchase or design.defaults.purchase.value,
        catalog=catalog,
        sla=tables.sla,
        sizing=tables.sizing,
        dr=tables.dr,
        engines=tables.engines,
        known_flows=None if base is None else base.flows,
        known_declared=None if base is None else base.declared,
    )


def resolve_regions(design: Design, cloud: str, region: str | None) -> tuple[tuple[str, ...], str]:
    """Regions and DR region on `cloud` (mapped from the design's cloud where needed)."""
    source = design.cloud.value

    def mapped(name: str) -> str:
        if cloud == source:
            return name
        r = find_region(source, name)
        if r is None:
            raise PlanningError(f"region {name!r} is unknown to {source}")
        return r.equivalent(cloud)

    regions = [mapped(r) for r in design.regions]
    if len(set(regions)) < len(regions):
        raise PlanningError(
            f"regions {', '.join(design.regions)} of {source} map to {', '.join(regions)} on "
            f"{cloud} (data/regions.yaml): two of them would be one region; plan the design on "
            f"{source}, or list regions that map to different {cloud} regions"
        )
    if region:
        regions = _primary_first(cloud, regions, region)
    as_written = cloud == source and not region
    if len(regions) >= 2:
        # A DR region listed among the serving regions stays the DR region.
        dr = design.dr_region
        dr_region = dr if (as_written and dr in regions) else regions[1]
    elif as_written:
        dr_region = second_region(design)
    else:
        primary = find_region(cloud, regions[0])
        if primary is None:
            raise PlanningError(f"unknown {cloud} region {regions[0]!r}")
        dr_region = primary.dr_pair
    return tuple(regions), dr_region


def _primary_first(cloud: str, regions: list[str], region: str) -> list[str]:
    """`regions` with `region` as the primary. A region the design lists after the primary
    trades places with it, so the design keeps as many regions as it lists (they collapsed
    into one, and the topology decision's second-region variant into none: a traceback)."""
    if find_region(cloud, region) is None:
        raise PlanningError(f"unknown {cloud} region {region!r}")
    out = list(regions)
    if region in out[1:]:
        out[out.index(region)] = out[0]
    out[0] = region
    return out


def check_zones(cloud: str, regions: Sequence[str], zones: int) -> None:
    for name in regions:
        r = find_region(cloud, name)
        if r is not None and zones > r.zones:
            raise PlanningError(f"{zones} zones requested but {cloud} {name} has {r.zones}")
