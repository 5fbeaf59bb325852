"""The per-group tables of the sweep: each group of line items priced once per combination of
the few dimensions it depends on, with the planner's own sizing, pools, footprint and cost
functions, in integer cents; availability once per (zones, load, Multi-AZ, serving regions)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..catalog import Catalog
from ..design import Design, Kind
from ..engine.availability import assess, user_path
from ..engine.context import Context, PlanOptions, make_context
from ..engine.cost import CostComponent, price_components
from ..engine.footprint import dr_components, region_components
from ..engine.planner import Planner
from ..engine.pools import NodePoolPlan
from ..engine.recovery import Recovery, recoveries
from ..engine.services import ServicePlan, size_services
from ..engine.variants import serving_regions
from ..errors import DevopsPlanError
from .space import SINGLE, Candidate, Space, candidate_design

Keep = Callable[[CostComponent], bool]


def _network(c: CostComponent) -> bool:
    # Inter-zone traffic is one line item summed over every service with a load, so it is
    # priced from all services together, in a group of its own.
    return c.resource == "network"


def _not_network(c: CostComponent) -> bool:
    return c.resource != "network"


def _everything(c: CostComponent) -> bool:
    return True


class Pricer:
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
class Tables:
    """Monthly cents per group (-1 where the planner refuses), availability per combination."""

    pool: np.ndarray  # [zones, load, family, purchase, strategy]
    compute: np.ndarray  # [zones, load, purchase, strategy]
    network: np.ndarray  # [zones, load, strategy]
    data: np.ndarray  # [zones, db, cache, data purchase, strategy]
    availability: np.ndarray  # percent [zones, load, db, cache, strategy]
    meets_availability: np.ndarray  # bool, same shape
    topology: np.ndarray  # bool [zones, strategy]: the regions have the zones


class TableBuilder:
    """Fills the tables for one design and space with the planner's own functions."""

    def __init__(self, design: Design, space: Space, catalog: Catalog) -> None:
        self.design = design
        self.space = space
        self.catalog = catalog
        self.unplannable: set[str] = set()
        # What each strategy recovers in (the same for every candidate: it depends on the
        # engines, data sizes and timings, not on zones, purchase or load).
        self.recoveries: dict[str, Recovery] = {}
        self.pricer = Pricer(catalog)
        self.planner = Planner(catalog)  # its sizing and packing memos serve every group
        self.strategies = space.dr_strategy
        self.first = Candidate(*(axis[0] for axis in space.axes()))
        nz, ns, np_, nq, nf, nd, nc, nl = space.shape
        self.t = Tables(
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
        cloud = variant.cloud.value
        tables = self.planner.tables(cloud)
        return variant, make_context(variant, PlanOptions(), self.catalog, tables)

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
                services, _ = size_services(ctx, self.planner.memo.sizer)
                return base, ctx, services
            except DevopsPlanError as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    def build(self) -> Tables:
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
                fixed = {"zones": z, "dr_strategy": SINGLE, "purchase": p, "load_multiplier": m}
                base, ctx, services = self.sized(fixed, stores)
                self.recoveries = self.recoveries or recoveries(ctx, services)
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
                    pools = self.planner.memo.pools.plan_pools(fctx, services)
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
                    "dr_strategy": SINGLE,
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
        serving = [serving_regions(s) for s in self.strategies]
        for li, loaded in enumerate(sized):
            if loaded is None:
                continue
            by_name = {x.name: x for x in plans}
            by_name.update({x.name: x for x in loaded if x.kind == Kind.stateless})
            services = [by_name[s.name] for s in self.design.services]
            reports = {
                n: assess(user_path(ctx, services, n), target, n) for n in sorted(set(serving))
            }
            for si, n in enumerate(serving):
                self.t.availability[zi, li, di, ci, si] = reports[n].achieved
                self.t.meets_availability[zi, li, di, ci, si] = reports[n].meets_target
