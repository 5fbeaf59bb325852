"""The design space: the dimensions swept (zones, DR strategy, purchase options, node family,
Multi-AZ, load), a Candidate point of it, and the design variant each candidate stands for."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..catalog import PURCHASES, Catalog, load_catalog
from ..design import Design, DRStrategy, Kind, Platform, Purchase
from ..engine.dr import STRATEGY_ORDER
from ..engine.variants import ACTIVE_ACTIVE, scaled_load, second_region
from ..errors import PlanningError
from ..regions import find_region

DIMENSIONS = (
    "zones",
    "dr_strategy",
    "purchase",
    "data_purchase",
    "node_family",
    "db_multi_az",
    "cache_multi_az",
    "load_multiplier",
)
DEFAULT_FAMILY = "default"  # the design's own node_types (or the planner's default rule)
SINGLE = DRStrategy.backup_restore  # any single-region strategy: the sizing does not depend on it
_MAX_ZONES = 3
# What `explore --zones/--load` may ask for: a design has at most 6 zones, and the sizing
# formulas refuse a service whose load passes design.models.MAX_OFFERED_VCPU anyway.
MAX_ZONES = 6
MAX_LOAD_MULTIPLIER = 1000.0


@dataclass(frozen=True)
class Candidate:
    """One point of the design space; a `None` keeps the design's own setting.

    `purchase` buys the compute (node pools, VMs, containers); `data_purchase` buys the
    databases and caches, which are sold on demand or reserved but not as spot or under
    compute savings plans.
    """

    zones: int
    dr_strategy: str
    purchase: str
    data_purchase: str | None = None
    node_family: str | None = None
    db_multi_az: bool | None = None
    cache_multi_az: bool | None = None
    load_multiplier: float = 1.0

    @property
    def regions(self) -> int:
        # Active-active is the only strategy that serves from the second region; any other
        # strategy keeps it as the DR region, which the planner prices the same either way.
        return 2 if self.dr_strategy == ACTIVE_ACTIVE else 1

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in DIMENSIONS)


@dataclass(frozen=True)
class Space:
    """The values swept along each dimension; the candidates are their product."""

    zones: tuple[int, ...]
    dr_strategy: tuple[str, ...]
    purchase: tuple[str, ...]
    data_purchase: tuple[str | None, ...]
    node_family: tuple[str | None, ...]
    db_multi_az: tuple[bool | None, ...]
    cache_multi_az: tuple[bool | None, ...]
    load_multiplier: tuple[float, ...]

    def axes(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(getattr(self, name) for name in DIMENSIONS)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis) for axis in self.axes())

    @property
    def size(self) -> int:
        return math.prod(self.shape)


# --- the design space ----------------------------------------------------------------------


def _has(design: Design, *kinds: Kind) -> bool:
    return any(s.kind in kinds for s in design.services)


def _has_pools(design: Design) -> bool:
    return any(
        s.kind == Kind.stateless and (s.platform or design.defaults.platform) == Platform.kubernetes
        for s in design.services
    )


def default_families(design: Design, catalog: Catalog) -> tuple[str | None, ...]:
    """The design's own node types first, then each family the node pools may use alone."""
    if not _has_pools(design):
        return (None,)
    allowed = design.defaults.node_types
    if allowed:
        return (None, *allowed) if len(allowed) > 1 else (None,)
    families = {
        p.family
        for p in catalog.products(design.regions[0], category="compute")
        if p.family and p.generation == "current" and not p.burstable and (p.vcpu or 0) >= 2
    }
    return (None, *sorted(families))


def default_data_purchases(design: Design, catalog: Catalog) -> tuple[str | None, ...]:
    """The purchase options the catalog sells databases or caches under, in the primary region."""
    if not _has(design, Kind.database, Kind.cache):
        return (None,)
    region = design.regions[0]
    return tuple(
        p
        for p in PURCHASES
        if catalog.products(region, category="database", purchase=p)
        or catalog.products(region, category="cache", purchase=p)
    )


def design_space(
    design: Design,
    *,
    zones: Iterable[int] | None = None,
    dr_strategies: Iterable[str] | None = None,
    purchases: Iterable[str] | None = None,
    data_purchases: Iterable[str] | None = None,
    node_families: Iterable[str | None] | None = None,
    db_multi_az: Iterable[bool] | None = None,
    cache_multi_az: Iterable[bool] | None = None,
    load_multipliers: Iterable[float] = (1.0,),
    catalog: Catalog | None = None,
) -> Space:
    """The sweep for `design`; each dimension defaults to every value that makes sense.

    Zones 1 to 3 (fewer when the primary or second region has fewer), the four DR strategies,
    the six purchase options for compute and those sold for data stores, the design's node
    types plus each allowed family alone, Multi-AZ off and on for databases and for caches
    (dimensions the design has nothing for collapse to one value), and the load as designed.
    """
    catalog = catalog or load_catalog(design.cloud.value)
    if zones is None:
        counts = [
            r.zones
            for name in (design.regions[0], second_region(design))
            if (r := find_region(design.cloud.value, name)) is not None
        ]
        zones = range(1, min([_MAX_ZONES, *counts]) + 1)
    space = Space(
        zones=tuple(sorted(set(zones))),
        dr_strategy=tuple(dr_strategies) if dr_strategies is not None else STRATEGY_ORDER,
        purchase=tuple(purchases) if purchases is not None else PURCHASES,
        data_purchase=_axis(
            _has(design, Kind.database, Kind.cache),
            data_purchases,
            lambda: default_data_purchases(design, catalog),
        ),
        node_family=_axis(
            _has_pools(design), node_families, lambda: default_families(design, catalog)
        ),
        db_multi_az=_axis(_has(design, Kind.database), db_multi_az, lambda: (False, True)),
        cache_multi_az=_axis(_has(design, Kind.cache), cache_multi_az, lambda: (False, True)),
        load_multiplier=tuple(float(m) for m in load_multipliers),
    )
    check_space(design, space)
    return space


def _axis(
    applies: bool, given: Iterable[Any] | None, default: Callable[[], tuple[Any, ...]]
) -> tuple[Any, ...]:
    """A dimension's values: as given, else its default; one `None` when the design has
    nothing it applies to (no database, no node pool...)."""
    if not applies:
        return (None,)
    return tuple(given) if given is not None else default()


def check_space(design: Design, space: Space) -> None:
    """PlanningError naming every value that cannot be swept."""
    problems = [*_value_problems(design, space)]
    for name, values in zip(DIMENSIONS, space.axes(), strict=True):
        if not values:
            problems.append(f"{name}: no values to sweep")
        elif len(set(values)) != len(values):
            problems.append(f"{name}: a value is listed twice ({list(values)})")
    if problems:
        raise PlanningError("explore: " + "; ".join(problems))


def _value_problems(design: Design, space: Space) -> Iterator[str]:
    if any(not 1 <= z <= MAX_ZONES for z in space.zones):
        yield f"zones must be 1 to {MAX_ZONES} (got {list(space.zones)})"
    for s in space.dr_strategy:
        if s not in STRATEGY_ORDER:
            yield f"unknown DR strategy {s!r}; expected one of {', '.join(STRATEGY_ORDER)}"
    for p in (*space.purchase, *(q for q in space.data_purchase if q is not None)):
        if p not in PURCHASES:
            yield f"unknown purchase option {p!r}; expected one of {', '.join(PURCHASES)}"
    if None in space.data_purchase and _has(design, Kind.database, Kind.cache):
        yield "data_purchase: name the purchase options for databases and caches"
    if any(not 0 < m <= MAX_LOAD_MULTIPLIER for m in space.load_multiplier):
        yield (
            f"load multipliers must be positive and at most {MAX_LOAD_MULTIPLIER:g} "
            f"(got {list(space.load_multiplier)})"
        )


def candidate_design(design: Design, candidate: Candidate) -> Design:
    """The design variant a candidate stands for; `build_plan` of it gives the row's figures."""
    primary = design.regions[0]
    second = second_region(design)
    c = candidate
    services = []
    for s in design.services:
        changes: dict[str, Any] = {}
        if s.kind in (Kind.database, Kind.cache) and c.data_purchase is not None:
            changes["purchase"] = Purchase(c.data_purchase)
        if s.kind == Kind.database and c.db_multi_az is not None:
            changes["multi_az"] = c.db_multi_az
        if s.kind == Kind.cache and c.cache_multi_az is not None:
            changes["multi_az"] = c.cache_multi_az
        s = scaled_load(s, c.load_multiplier)
        services.append(s.model_copy(update=changes) if changes else s)
    defaults: dict[str, Any] = {"purchase": Purchase(c.purchase)}
    if c.node_family is not None:
        defaults["node_types"] = (c.node_family,)
    active = c.dr_strategy == ACTIVE_ACTIVE
    return design.model_copy(
        update={
            "zones": c.zones,
            "regions": (primary, second) if active else (primary,),
            "dr_region": second,
            "dr": design.dr.model_copy(update={"strategy": DRStrategy(c.dr_strategy)}),
            "defaults": design.defaults.model_copy(update=defaults),
            "services": tuple(services),
        }
    )


def candidate_of(row: Mapping[str, Any] | pd.Series) -> Candidate:
    """The Candidate of one row of `explore`'s DataFrame (a Series or a dict)."""

    def flag(value: Any) -> bool | None:
        return None if value is None or value is pd.NA else bool(value)

    def text(value: Any) -> str | None:
        return None if value is None or value is pd.NA or value != value else str(value)

    family = text(row["node_family"])
    return Candidate(
        zones=int(row["zones"]),
        dr_strategy=str(row["dr_strategy"]),
        purchase=str(row["purchase"]),
        data_purchase=text(row["data_purchase"]),
        node_family=None if family == DEFAULT_FAMILY else family,
        db_multi_az=flag(row["db_multi_az"]),
        cache_multi_az=flag(row["cache_multi_az"]),
        load_multiplier=float(row["load_multiplier"]),
    )
