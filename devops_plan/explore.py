"""Design-space exploration: price and assess every combination of zones, DR strategy (and with
it one or two regions), purchase option, node family, Multi-AZ and load over numpy arrays, and
mark the Pareto frontier of monthly cost against availability and RTO.

The sweep never runs the planner per candidate. A plan's line items split into four groups,
each depending on only a few dimensions: node pools (zones, load, node family, purchase),
other compute (zones, load, purchase), inter-zone network (zones, load) and data stores
(zones, Multi-AZ, data purchase); every group also depends on the DR strategy. Each group is
priced once per combination of its own dimensions with the planner's own topology and cost
functions, in integer cents, and a candidate's cost is the sum of four table look-ups.
Availability is assessed once per (zones, load, Multi-AZ, serving regions) with the planner's
`assess`.
`candidate_design` turns any row back into a design that `build_plan` plans to the same figures;
the tests check that on sampled candidates.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .catalog import Catalog
from .design import Design, DRStrategy, Kind, Platform, Purchase
from .engine.availability import assess
from .engine.cost import CostComponent, price_components
from .engine.dr import STRATEGY_ORDER
from .engine.footprint import dr_components, region_components
from .engine.pools import NodePoolPlan, PoolPlanner
from .engine.services import (
    Context,
    ServicePlan,
    size_services,
    user_path,
)
from .errors import DevopsPlanError, PlanningError
from .plan import PURCHASE_OPTIONS, _context, _core
from .regions import find_region
from .units import HOURS_PER_MONTH

__all__ = [
    "DIMENSIONS",
    "Candidate",
    "Space",
    "candidate_design",
    "candidate_of",
    "design_space",
    "explore",
    "frontier",
    "pareto_mask",
]

# The columns that identify a candidate, in the order the grid is laid out.
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
_SINGLE = "backup_restore"  # any single-region strategy: the sizing does not depend on it
_MAX_ZONES = 3
_HOURS = Decimal(HOURS_PER_MONTH)


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
        return 2 if self.dr_strategy == "active_active" else 1

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


def _second_region(design: Design) -> str:
    """The region active-active adds and every other strategy recovers into."""
    if len(design.regions) >= 2:
        return design.regions[1]
    if design.dr_region:
        return design.dr_region
    primary = find_region(design.cloud.value, design.regions[0])
    if primary is None:
        raise PlanningError(f"unknown {design.cloud.value} region {design.regions[0]!r}")
    return primary.dr_pair


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
        for p in PURCHASE_OPTIONS
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
    from .catalog import load_catalog

    catalog = catalog or load_catalog(design.cloud.value)
    if zones is None:
        counts = [
            r.zones
            for name in (design.regions[0], _second_region(design))
            if (r := find_region(design.cloud.value, name)) is not None
        ]
        zones = range(1, min([_MAX_ZONES, *counts]) + 1)
    stores = _has(design, Kind.database, Kind.cache)
    space = Space(
        zones=tuple(sorted(set(zones))),
        dr_strategy=tuple(dr_strategies) if dr_strategies is not None else STRATEGY_ORDER,
        purchase=tuple(purchases) if purchases is not None else PURCHASE_OPTIONS,
        data_purchase=(
            (
                tuple(data_purchases)
                if data_purchases is not None
                else default_data_purchases(design, catalog)
            )
            if stores
            else (None,)
        ),
        node_family=(
            (
                tuple(node_families)
                if node_families is not None
                else default_families(design, catalog)
            )
            if _has_pools(design)
            else (None,)
        ),
        db_multi_az=(
            (tuple(db_multi_az) if db_multi_az is not None else (False, True))
            if _has(design, Kind.database)
            else (None,)
        ),
        cache_multi_az=(
            (tuple(cache_multi_az) if cache_multi_az is not None else (False, True))
            if _has(design, Kind.cache)
            else (None,)
        ),
        load_multiplier=tuple(float(m) for m in load_multipliers),
    )
    check_space(design, space)
    return space


def check_space(design: Design, space: Space) -> None:
    """PlanningError naming every value that cannot be swept."""
    problems = []
    if any(z < 1 for z in space.zones):
        problems.append(f"zones must be 1 or more (got {list(space.zones)})")
    for s in space.dr_strategy:
        if s not in STRATEGY_ORDER:
            problems.append(
                f"unknown DR strategy {s!r}; expected one of {', '.join(STRATEGY_ORDER)}"
            )
    for p in (*space.purchase, *(q for q in space.data_purchase if q is not None)):
        if p not in PURCHASE_OPTIONS:
            problems.append(
                f"unknown purchase option {p!r}; expected one of {', '.join(PURCHASE_OPTIONS)}"
            )
    if None in space.data_purchase and _has(design, Kind.database, Kind.cache):
        problems.append("data_purchase: name the purchase options for databases and caches")
    if any(not (m > 0 and math.isfinite(m)) for m in space.load_multiplier):
        problems.append(f"load multipliers must be positive (got {list(space.load_multiplier)})")
    for name, values in zip(DIMENSIONS, space.axes(), strict=True):
        if not values:
            problems.append(f"{name}: no values to sweep")
        elif len(set(values)) != len(values):
            problems.append(f"{name}: a value is listed twice ({list(values)})")
    if problems:
        raise PlanningError("explore: " + "; ".join(problems))


def candidate_design(design: Design, candidate: Candidate) -> Design:
    """The design variant a candidate stands for; `build_plan` of it gives the row's figures."""
    primary = design.regions[0]
    second = _second_region(design)
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
        if s.load is not None and c.load_multiplier != 1.0:
            changes["load"] = s.load.model_copy(
                update={"peak_rps": s.load.peak_rps * c.load_multiplier}
            )
        services.append(s.model_copy(update=changes) if changes else s)
    defaults: dict[str, Any] = {"purchase": Purchase(c.purchase)}
    if c.node_family is not None:
        defaults["node_types"] = (c.node_family,)
    active = c.dr_strategy == "active_active"
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


def candidate_of(row: Mapping[str, Any]) -> Candidate:
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


# --- per-group tables ----------------------------------------------------------------------


Keep = Callable[[CostComponent], bool]


def _network(c: CostComponent) -> bool:
    # Inter-zone traffic is one line item summed over every service with a load, so it is
    # priced from all services together, in a group of its own.
    return c.resource == "network"


def _not_network(c: CostComponent) -> bool:
    return c.resource != "network"


def _everything(c: CostComponent) -> bool:
    return True


class _Pricer:
    """The planner's pricing, remembered per component: the same standby control plane or
    idle load balancer recurs in every combination, and a component's price never changes
    within one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.memo: dict[CostComponent, int] = {}
        self.pools: dict[tuple[Any, ...], list[int]] = {}

    def pool_group(
        self, ctx: Context, pools: Sequence[NodePoolPlan], strategies: Sequence[str]
    ) -> list[int]:
        """The node-pool group; a family that resolves to the same pools as the design's own
        node types (or another purchase option's) is priced once."""
        key = (ctx.zones, ctx.primary, ctx.dr_region, tuple(pools), tuple(strategies))
        found = self.pools.get(key)
        if found is None:
            found = self.pools[key] = self.group(ctx, [], pools, _everything, strategies)
        return found

    def cents(self, components: Sequence[CostComponent]) -> int:
        total = 0
        todo = []
        for c in components:
            known = self.memo.get(c)
            if known is None:
                todo.append(c)
            else:
                total += known
        if todo:
            # Raises PriceNotFound for a missing price, as the planner does; so every
            # component gets exactly one line item, in order.
            items, _ = price_components(todo, self.catalog)
            for c, item in zip(todo, items, strict=True):
                # Line items are rounded to the cent, so this is a whole number.
                self.memo[c] = int(item.monthly_cost * 100)
                total += self.memo[c]
        return total

    def group(
        self,
        ctx: Context,
        services: Sequence[ServicePlan],
        pools: Sequence[NodePoolPlan],
        keep: Keep,
        strategies: Sequence[str],
    ) -> list[int]:
        """Monthly cents of one group of resources: the primary region plus each strategy."""
        primary = [c for c in region_components(ctx, ctx.primary, services, pools) if keep(c)]
        base = self.cents(primary)
        return [
            base + self.cents([c for c in dr_components(ctx, s, services, pools) if keep(c)])
            for s in strategies
        ]


@dataclass
class _Tables:
    """Monthly cents per group (-1 where the planner refuses), availability per combination."""

    pool: np.ndarray  # [zones, load, family, purchase, strategy]
    compute: np.ndarray  # [zones, load, purchase, strategy]
    network: np.ndarray  # [zones, load, strategy]
    data: np.ndarray  # [zones, db, cache, data purchase, strategy]
    availability: np.ndarray  # percent [zones, load, db, cache, strategy]
    meets_availability: np.ndarray  # bool, same shape
    topology: np.ndarray  # bool [zones, strategy]: the regions have the zones


class _Builder:
    """Fills the tables for one design and space with the planner's own functions."""

    def __init__(self, design: Design, space: Space, catalog: Catalog) -> None:
        self.design = design
        self.space = space
        self.catalog = catalog
        self.unplannable: set[str] = set()
        self.pricer = _Pricer(catalog)
        self.pools = PoolPlanner()
        self.strategies = space.dr_strategy
        self.first = Candidate(*(axis[0] for axis in space.axes()))
        nz, ns, np_, nq, nf, nd, nc, nl = space.shape
        self.t = _Tables(
            pool=np.full((nz, nl, nf, np_, ns), -1, dtype=np.int64),
            compute=np.full((nz, nl, np_, ns), -1, dtype=np.int64),
            network=np.full((nz, nl, ns), -1, dtype=np.int64),
            data=np.full((nz, nd, nc, nq, ns), -1, dtype=np.int64),
            availability=np.full((nz, nl, nd, nc, ns), np.nan),
            meets_availability=np.zeros((nz, nl, nd, nc, ns), dtype=bool),
            topology=np.zeros((nz, ns), dtype=bool),
        )

    def note(self, exc: DevopsPlanError) -> None:
        self.unplannable.add(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    def context(self, **changes: Any) -> tuple[Design, Context]:
        variant = candidate_design(self.design, dataclasses.replace(self.first, **changes))
        return variant, _context(variant, None, None, None, self.catalog)

    def sized(
        self, fixed: dict[str, Any], others: Iterable[dict[str, Any]]
    ) -> tuple[Design, Context, list[ServicePlan]]:
        """Every service sized under `fixed`, with the first setting of the other dimensions
        under which the rest of the design plans too (a cache size sold only Multi-AZ must not
        make the compute unplannable). Raises the first error when none plans."""
        first_error: DevopsPlanError | None = None
        for other in others:
            try:
                base, ctx = self.context(**fixed, **other)
                services, _ = size_services(ctx)
                return base, ctx, services
            except DevopsPlanError as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    def build(self) -> _Tables:
        for zi, z in enumerate(self.space.zones):
            self.topology(zi, z)
            sized = [self.compute(zi, li, z, m) for li, m in enumerate(self.space.load_multiplier)]
            for di, db in enumerate(self.space.db_multi_az):
                for ci, cache in enumerate(self.space.cache_multi_az):
                    stores = self.data(zi, di, ci, z, db, cache)
                    if stores is not None:
                        self.availability(zi, di, ci, stores, sized)
        return self.t

    def topology(self, zi: int, z: int) -> None:
        for si, s in enumerate(self.strategies):
            try:
                self.context(zones=z, dr_strategy=s)
                self.t.topology[zi, si] = True
            except DevopsPlanError as exc:
                self.note(exc)

    def compute(self, zi: int, li: int, z: int, m: float) -> list[ServicePlan] | None:
        """Node pools per family and purchase, other compute per purchase, network once."""
        sized: list[ServicePlan] | None = None
        stores = [
            {"db_multi_az": db, "cache_multi_az": cache, "data_purchase": q}
            for db, cache, q in itertools.product(
                self.space.db_multi_az, self.space.cache_multi_az, self.space.data_purchase
            )
        ]
        for pi, p in enumerate(self.space.purchase):
            try:
                fixed = {"zones": z, "dr_strategy": _SINGLE, "purchase": p, "load_multiplier": m}
                base, ctx, services = self.sized(fixed, stores)
                stateless = [x for x in services if x.kind == Kind.stateless]
                self.t.compute[zi, li, pi] = self.pricer.group(
                    ctx, stateless, [], _not_network, self.strategies
                )
                if sized is None:
                    self.t.network[zi, li] = self.pricer.group(
                        ctx, services, [], _network, self.strategies
                    )
                    sized = services
            except DevopsPlanError as exc:
                self.note(exc)
                continue
            for fi, family in enumerate(self.space.node_family):
                fctx = ctx
                if family is not None:
                    defaults = base.defaults.model_copy(update={"node_types": (family,)})
                    fctx = dataclasses.replace(
                        ctx, design=base.model_copy(update={"defaults": defaults})
                    )
                try:
                    pools = self.pools.plan_pools(fctx, services)
                    self.t.pool[zi, li, fi, pi] = self.pricer.pool_group(
                        fctx, pools, self.strategies
                    )
                except DevopsPlanError as exc:
                    self.note(exc)
        return sized

    def data(
        self, zi: int, di: int, ci: int, z: int, db: bool | None, cache: bool | None
    ) -> tuple[Context, list[ServicePlan]] | None:
        """Databases, caches, buckets and queues per data purchase option."""
        first: tuple[Context, list[ServicePlan]] | None = None
        compute = [
            {"purchase": p, "load_multiplier": m}
            for p, m in itertools.product(self.space.purchase, self.space.load_multiplier)
        ]
        for qi, q in enumerate(self.space.data_purchase):
            try:
                fixed = {
                    "zones": z,
                    "dr_strategy": _SINGLE,
                    "data_purchase": q,
                    "db_multi_az": db,
                    "cache_multi_az": cache,
                }
                _, ctx, services = self.sized(fixed, compute)
                stores = [x for x in services if x.kind != Kind.stateless]
                self.t.data[zi, di, ci, qi] = self.pricer.group(
                    ctx, stores, [], _not_network, self.strategies
                )
            except DevopsPlanError as exc:
                self.note(exc)
                continue
            first = first or (ctx, stores)
        return first

    def availability(
        self,
        zi: int,
        di: int,
        ci: int,
        stores: tuple[Context, list[ServicePlan]],
        sized: list[list[ServicePlan] | None],
    ) -> None:
        ctx, plans = stores
        target = self.design.targets.availability
        serving = [2 if s == "active_active" else 1 for s in self.strategies]
        for li, loaded in enumerate(sized):
            if loaded is None:
                continue
            by_name = {x.name: x for x in plans}
            by_name.update({x.name: x for x in loaded if x.kind == Kind.stateless})
            path = user_path(ctx, [by_name[s.name] for s in self.design.services])
            reports = {n: assess(path, target, n) for n in sorted(set(serving))}
            for si, n in enumerate(serving):
                self.t.availability[zi, li, di, ci, si] = reports[n].achieved
                self.t.meets_availability[zi, li, di, ci, si] = reports[n].meets_target


# --- evaluating every candidate ------------------------------------------------------------


def _grid(t: _Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cents, availability, meets-availability and plannable over the whole grid, flattened.

    Grid axes: zones, strategy, purchase, data purchase, family, db, cache, load.
    """
    pool = np.transpose(t.pool, (0, 4, 3, 2, 1))[:, :, :, None, :, None, None, :]
    compute = np.transpose(t.compute, (0, 3, 2, 1))[:, :, :, None, None, None, None, :]
    network = np.transpose(t.network, (0, 2, 1))[:, :, None, None, None, None, None, :]
    data = np.transpose(t.data, (0, 4, 3, 1, 2))[:, :, None, :, None, :, :, None]
    avail = np.transpose(t.availability, (0, 4, 2, 3, 1))[:, :, None, None, None, :, :, :]
    meets = np.transpose(t.meets_availability, (0, 4, 2, 3, 1))[:, :, None, None, None, :, :, :]
    topo = t.topology[:, :, None, None, None, None, None, None]
    cents = pool + compute + network + data
    plannable = (
        (pool >= 0) & (compute >= 0) & (network >= 0) & (data >= 0) & topo & ~np.isnan(avail)
    )
    shape = np.broadcast_shapes(cents.shape, avail.shape, plannable.shape)
    return (
        np.broadcast_to(cents, shape).ravel(),
        np.broadcast_to(avail, shape).ravel(),
        np.broadcast_to(meets, shape).ravel(),
        np.broadcast_to(plannable, shape).ravel(),
    )


def pareto_mask(cost: Any, availability: Any, rto: Any) -> np.ndarray:
    """True for each point no other point beats: cost no higher, availability no lower, RTO no
    longer, and strictly better in one. Identical points are all kept. O(n log n + k n) for k
    distinct RTO values (four strategies give four).
    """
    c = np.asarray(cost)
    a = np.asarray(availability, dtype=float)
    r = np.asarray(rto)
    n = len(c)
    if n == 0:
        return np.zeros(0, dtype=bool)
    # Every point that dominates p sorts before p in (cost up, availability down, RTO up).
    order = np.lexsort((r, -a, c))
    cs, as_, rs = c[order], a[order], r[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (cs[1:] != cs[:-1]) | (as_[1:] != as_[:-1]) | (rs[1:] != rs[:-1])
    group = np.cumsum(new) - 1
    ua, ur = as_[new], rs[new]
    dominated = np.zeros(len(ua), dtype=bool)
    for level in np.unique(ur):
        # Best availability among earlier points with an RTO no longer than this level.
        vals = np.where(ur <= level, ua, -np.inf)
        best_before = np.empty_like(vals)
        best_before[0] = -np.inf
        np.maximum.accumulate(vals[:-1], out=best_before[1:])
        at = ur == level
        dominated[at] |= best_before[at] >= ua[at]
    out = np.empty(n, dtype=bool)
    out[order] = ~dominated[group]
    return out


def _current(design: Design, space: Space, catalog: Catalog) -> Candidate | None:
    """The candidate that is the design as written, when the sweep can express it."""
    if len(design.regions) > 2:
        return None
    try:
        core = _core(design, None, None, None, catalog, False)
    except DevopsPlanError:
        return None
    stores = [s for s in core.services if s.kind in (Kind.database, Kind.cache)]
    data_purchase = {s.purchase for s in stores}
    db = {bool(s.multi_az) for s in stores if s.kind == Kind.database}
    cache = {bool(s.multi_az) for s in stores if s.kind == Kind.cache}
    if len(data_purchase) > 1 or len(db) > 1 or len(cache) > 1:
        return None
    return Candidate(
        zones=design.zones,
        dr_strategy=core.dr_choice,
        purchase=core.ctx.purchase,
        data_purchase=data_purchase.pop() if data_purchase else None,
        node_family=None,
        db_multi_az=db.pop() if db else None,
        cache_multi_az=cache.pop() if cache else None,
        load_multiplier=1.0,
    )


def _index_of(space: Space, c: Candidate) -> int | None:
    axes = space.axes()
    values = c.values()
    if not all(v in axis for v, axis in zip(values, axes, strict=True)):
        return None
    idx = tuple(axis.index(v) for v, axis in zip(values, axes, strict=True))
    return int(np.ravel_multi_index(idx, space.shape))


def _flags(values: tuple[bool | None, ...], codes: np.ndarray) -> pd.arrays.BooleanArray:
    data = np.array([bool(v) for v in values], dtype=bool)[codes]
    mask = np.array([v is None for v in values], dtype=bool)[codes]
    return pd.arrays.BooleanArray(data, mask)


def _labels(values: tuple[str | None, ...], codes: np.ndarray, none: str | None) -> Any:
    """A categorical column; `None` values become `none`, or missing when `none` is None."""
    named = [v if v is not None else none for v in values]
    categories = [v for v in named if v is not None]
    remap = np.array([categories.index(v) if v is not None else -1 for v in named], dtype=np.int64)
    return pd.Categorical.from_codes(remap[codes], dtype=pd.CategoricalDtype(categories))


def explore(
    design: Design, space: Space | None = None, *, catalog: Catalog | None = None
) -> pd.DataFrame:
    """Every candidate of `space` (default: `design_space(design)`) with its monthly cost,
    availability, RTO and RPO, whether it meets the targets, and whether it is on the Pareto
    frontier of cost against availability and RTO.

    One row per candidate the planner can plan, in grid order (the index is the candidate's
    number in the grid); the others (a family whose nodes cannot hold a replica, a region with
    too few zones) are left out and counted in `df.attrs["unplannable"]` with their reasons.
    `monthly_cost_cents` is exact; `monthly_cost` is the same in currency units, for charts.
    """
    from .catalog import load_catalog
    from .defaults import dr_table

    catalog = catalog or load_catalog(design.cloud.value)
    space = space or design_space(design, catalog=catalog)
    check_space(design, space)
    builder = _Builder(design, space, catalog)
    cents, availability, meets_availability, plannable = _grid(builder.build())
    rows = np.flatnonzero(plannable)
    zi, si, pi, qi, fi, di, ci, li = np.unravel_index(rows, space.shape)
    facts = dr_table()
    rto = np.array([facts.facts(s).rto_s for s in space.dr_strategy], dtype=np.int64)[si]
    rpo = np.array([facts.facts(s).rpo_s for s in space.dr_strategy], dtype=np.int64)[si]
    cost = cents[rows]
    avail = availability[rows]
    meets_avail = meets_availability[rows]
    rto_t = int(design.targets.rto.total_seconds())
    rpo_t = int(design.targets.rpo.total_seconds())
    budget = design.budget.monthly if design.budget else None
    within = (
        pd.array([pd.NA] * len(rows), dtype="boolean")
        if budget is None
        else pd.arrays.BooleanArray(cost <= int(budget * 100), np.zeros(len(rows), dtype=bool))
    )
    here = _current(design, space, catalog)
    flat = _index_of(space, here) if here is not None else None
    df = pd.DataFrame(
        {
            "zones": np.asarray(space.zones, dtype=np.int64)[zi],
            "regions": np.array([2 if s == "active_active" else 1 for s in space.dr_strategy])[si],
            "dr_strategy": _labels(space.dr_strategy, si, None),
            "purchase": _labels(space.purchase, pi, None),
            "data_purchase": _labels(space.data_purchase, qi, None),
            "node_family": _labels(space.node_family, fi, DEFAULT_FAMILY),
            "db_multi_az": _flags(space.db_multi_az, di),
            "cache_multi_az": _flags(space.cache_multi_az, ci),
            "load_multiplier": np.asarray(space.load_multiplier, dtype=float)[li],
            "monthly_cost": cost / 100,
            "monthly_cost_cents": cost,
            "availability": avail,
            "rto": rto,
            "rpo": rpo,
            "meets_availability": meets_avail,
            "meets_target": meets_avail & (rto <= rto_t) & (rpo <= rpo_t),
            "within_budget": within,
            "on_frontier": pareto_mask(cost, avail, rto),
            "current": rows == flat if flat is not None else np.zeros(len(rows), dtype=bool),
        },
        index=pd.Index(rows, name="candidate"),
    )
    df.attrs.update(
        {
            "design": design.name,
            "currency": catalog.currency,
            "availability_target": design.targets.availability,
            "rto_target": rto_t,
            "rpo_target": rpo_t,
            "budget": None if budget is None else float(budget),
            "candidates": space.size,
            "unplannable": space.size - len(rows),
            "unplannable_reasons": sorted(builder.unplannable),
        }
    )
    return df


def frontier(df: pd.DataFrame, *, top: int | None = None, distinct: bool = True) -> pd.DataFrame:
    """The frontier's rows, those meeting the targets first, each part cheapest first.

    With `distinct`, candidates with the same cost, availability, RTO and RPO as an earlier
    one in grid order (e.g. the design's own node types and the family they resolve to) are
    left out.
    """
    rows = df[df["on_frontier"]]
    if distinct:
        rows = rows[~rows.duplicated(["monthly_cost_cents", "availability", "rto", "rpo"])]
    ordered = rows.sort_values(
        ["meets_target", "monthly_cost_cents", "availability", "rto"],
        ascending=[False, True, False, True],
        kind="stable",
    )
    return ordered if top is None else ordered.head(top)
