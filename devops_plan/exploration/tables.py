"""The per-group tables of the sweep: each group of line items priced once per combination of
the few dimensions it depends on, with the planner's own sizing, pools, footprint and cost
functions, in integer cents; availability once per (zones, load, Multi-AZ, serving regions)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ..catalog import Catalog
from ..design import Design, Kind
from ..engine.autoscale import size_and_schedule
from ..engine.availability import assess, user_path
from ..engine.context import Context, PlanOptions, make_context
from ..engine.core import primary_components
from ..engine.cost import CentsMemo, CostComponent, price_cents
from ..engine.footprint import Part, dr_components, traffic_share
from ..engine.footprint.region import on_kubernetes
from ..engine.planner import Planner
from ..engine.pools import NodePoolPlan
from ..engine.recovery import Recovery, recoveries
from ..engine.services import ServicePlan
from ..engine.variants import serving_regions
from ..errors import DevopsPlanError, PriceNotFound
from .space import SINGLE, Candidate, Space, candidate_design

DATA = (Kind.database, Kind.cache)  # their own group: Multi-AZ and the data purchase option


class Declared(NamedTuple):
    """A pool group's parts, declared once per shape: under `purchase`, each part's node
    lines (re-bought under every other option) and the cents of the rest of it."""

    purchase: str
    nodes: list[list[CostComponent]]
    rest: list[int]


class Pricer:
    """The planner's pricing over the sweep: the same untiered component prices the same way
    in every combination (remembered per component, as the planner does); tiered ones are
    walked in the planner's order, so each group's cents are the planner's."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.prices = CentsMemo()
        self.groups: dict[tuple[Any, ...], list[int]] = {}
        self.declared: dict[tuple[Any, ...], Declared] = {}
        self.tokens: dict[tuple[Any, ...], int] = {}

    def services_key(self, services: Sequence[ServicePlan]) -> tuple[int, int]:
        """Two numbers that name `services` exactly, and as the pool components see them
        (without their purchase options): interned once per set of services, so the group
        keys of its 16 node families hash two numbers instead of every service."""
        exact = self.tokens.setdefault(tuple(services), len(self.tokens))
        unbought = ("unbought", *(_unbought(s) for s in services))
        return exact, self.tokens.setdefault(unbought, len(self.tokens))

    def pool_group(
        self,
        ctx: Context,
        services: Sequence[ServicePlan],
        pools: Sequence[NodePoolPlan],
        strategies: Sequence[str],
        services_key: tuple[int, int],
    ) -> list[int]:
        """The node-pool group; a family that resolves to the same pools as the design's own
        node types (or another purchase option's) is priced once, and pools that differ only
        in how they are bought are declared once, their other components (root volumes,
        image pulls, observability, security ...) priced once, and only their node lines
        priced under each option. `services_key`: `services_key(services)`."""
        exact, unbought = services_key
        where = (ctx.zones, ctx.primary, ctx.dr_region, tuple(strategies))
        key = (*where, tuple(pools), exact)
        found = self.groups.get(key)
        if found is not None:
            return found
        # The pool components depend on the purchase option only through the pools' own.
        shape = (*where, tuple(_unbought(p) for p in pools), unbought)
        try:
            cents = self._priced(ctx, services, pools, strategies, shape)
        except PriceNotFound:
            # Name every missing price of the first part that lacks one, as the planner does.
            for part in self._declare(ctx, services, pools, strategies):
                self.cents(part)
            raise
        found = self.groups[key] = self._sum(ctx, strategies, cents)
        return found

    def _priced(
        self,
        ctx: Context,
        services: Sequence[ServicePlan],
        pools: Sequence[NodePoolPlan],
        strategies: Sequence[str],
        shape: tuple[Any, ...],
    ) -> list[int]:
        """Each part's cents (as `_declare` orders them) under the pools' purchase option."""
        bought = pools[0].purchase if pools else ""
        declared = self.declared.get(shape)
        if declared is None:
            parts = self._declare(ctx, services, pools, strategies)
            declared = self.declared[shape] = self._split(bought, pools, parts)
        nodes = declared.nodes
        if declared.purchase != bought:
            nodes = [[_rebought(c, declared.purchase, bought) for c in part] for part in nodes]
        return [self.cents(part) + rest for part, rest in zip(nodes, declared.rest, strict=True)]

    def _declare(
        self,
        ctx: Context,
        services: Sequence[ServicePlan],
        pools: Sequence[NodePoolPlan],
        strategies: Sequence[str],
    ) -> list[list[CostComponent]]:
        """The pool part of the primary region for each traffic share, then of each DR
        strategy's region, in the order `_sum` reads them."""
        primary: dict[float, list[CostComponent]] = {}
        for s in strategies:
            share = traffic_share(ctx, s)
            if share not in primary:
                primary[share] = primary_components(ctx, s, services, pools, part="pools")
        return list(primary.values()) + [
            dr_components(ctx, s, services, pools, part="pools") for s in strategies
        ]

    def _split(
        self, bought: str, pools: Sequence[NodePoolPlan], parts: list[list[CostComponent]]
    ) -> Declared:
        """Each part's node lines (the pools' instance types bought as the pools are: nodes
        and deploy surges) apart from its other components, which no purchase option
        changes and are priced here once. A part where a product is on both sides keeps
        every component with its node lines (its meters must see them in order)."""
        types = {p.instance_type for p in pools}
        nodes: list[list[CostComponent]] = []
        rest: list[int] = []
        for part in parts:
            lines = [c for c in part if c.purchase == bought and c.product in types]
            others = [c for c in part if not (c.purchase == bought and c.product in types)]
            if {c.product for c in lines} & {c.product for c in others}:
                lines, others = list(part), []
            nodes.append(lines)
            rest.append(self.cents(others))
        return Declared(bought, nodes, rest)

    def _sum(self, ctx: Context, strategies: Sequence[str], cents: list[int]) -> list[int]:
        shares = list(dict.fromkeys(traffic_share(ctx, s) for s in strategies))
        primary, drs = cents[: len(shares)], cents[len(shares) :]
        return [
            primary[shares.index(traffic_share(ctx, s))] + drs[i] for i, s in enumerate(strategies)
        ]

    def cents(self, components: Sequence[CostComponent]) -> int:
        # Raises PriceNotFound for a missing price, as the planner does.
        return price_cents(components, self.catalog, self.prices)

    def services_group(
        self,
        ctx: Context,
        users: Sequence[ServicePlan],
        strategies: Sequence[str],
        users_key: tuple[int, int],
    ) -> list[int]:
        """The group of the services other than the pools and the data stores. When every
        stateless one runs its pods in a node pool (priced with the pools), nothing in it is
        bought under the purchase option: it is priced once for the options that size the
        services alike (spot's on-demand floor sizes them otherwise).
        `users_key`: `services_key(users)`."""
        if not all(on_kubernetes(s) for s in users if s.kind == Kind.stateless):
            return self.group(ctx, users, [], "services", strategies)
        where = (ctx.zones, ctx.primary, ctx.dr_region, tuple(strategies))
        key = ("services", *where, users_key[1])
        found = self.groups.get(key)
        if found is None:
            found = self.groups[key] = self.group(ctx, users, [], "services", strategies)
        return found

    def group(
        self,
        ctx: Context,
        services: Sequence[ServicePlan],
        pools: Sequence[NodePoolPlan],
        part: Part,
        strategies: Sequence[str],
    ) -> list[int]:
        """Monthly cents of one group of resources (one `part` of what the regions run):
        the primary region (with the share of the traffic each strategy leaves it) plus
        each strategy's DR region."""
        by_share: dict[float, int] = {}
        out = []
        for s in strategies:
            share = traffic_share(ctx, s)
            if share not in by_share:
                by_share[share] = self.cents(primary_components(ctx, s, services, pools, part=part))
            dr = dr_components(ctx, s, services, pools, part=part)
            out.append(by_share[share] + self.cents(dr))
        return out


def family_context(base: Design, ctx: Context, family: str) -> Context:
    """`ctx` with the node types of one family (its traffic is the same: the flows are kept)."""
    defaults = base.defaults.model_copy(update={"node_types": (family,)})
    design = base.model_copy(update={"defaults": defaults})
    return dataclasses.replace(ctx, design=design, known_flows=ctx.flows)


def _unbought(x: NodePoolPlan | ServicePlan) -> Any:
    """A pool or service as the pool components see it: everything but its purchase option."""
    if isinstance(x, NodePoolPlan):
        return dataclasses.replace(x, purchase="", candidates=())
    return x.model_copy(update={"purchase": ""})


_PURCHASE = CostComponent._fields.index("purchase")


def _rebought(c: CostComponent, declared: str, purchase: str) -> CostComponent:
    """A pool component declared under one purchase option, bought under another (only the
    pools' own components carry the option; the rest are on demand). Built from its fields
    in order: `_replace` takes twice as long, and a sweep re-buys some 60,000 node lines."""
    if c.purchase != declared:
        return c
    return CostComponent._make((*c[:_PURCHASE], purchase, *c[_PURCHASE + 1 :]))


@dataclass
class Tables:
    """Monthly cents per group (-1 where the planner refuses), availability per combination."""

    pool: np.ndarray  # [zones, load, family, purchase, strategy]
    compute: np.ndarray  # [zones, load, purchase, strategy]
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
        self.schedules = self.planner.memo.schedules
        self.strategies = space.dr_strategy
        self.first = Candidate(*(axis[0] for axis in space.axes()))
        nz, ns, np_, nq, nf, nd, nc, nl = space.shape
        self.t = Tables(
            pool=np.full((nz, nl, nf, np_, ns), -1, dtype=np.int64),
            compute=np.full((nz, nl, np_, ns), -1, dtype=np.int64),
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
                services, _ = size_and_schedule(ctx, self.planner.memo.sizer, self.schedules)
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
        """Node pools per family and purchase; the rest of the stateless services per purchase."""
        sized: list[ServicePlan] | None = None
        stores = [
            {"db_multi_az": db, "cache_multi_az": cache, "data_purchase": q}
            for db, cache, q in itertools.product(
                self.space.db_multi_az, self.space.cache_multi_az, self.space.data_purchase
            )
        ]
        # Each node family's context, built once for every purchase option: pools and their
        # components read the services' and the pools' own purchase option, not the design's.
        families: dict[str, Context] = {}
        for pi, p in enumerate(self.space.purchase):
            try:
                fixed = {"zones": z, "dr_strategy": SINGLE, "purchase": p, "load_multiplier": m}
                base, ctx, services = self.sized(fixed, stores)
                self.recoveries = self.recoveries or recoveries(ctx, services)
                users = [x for x in services if x.kind not in DATA]
                users_key = self.pricer.services_key(users)
                self.t.compute[zi, li, pi] = self.pricer.services_group(
                    ctx, users, self.strategies, users_key
                )
                sized = sized or services
            except DevopsPlanError as exc:
                self.note(exc)
                continue
            for fi, family in enumerate(self.space.node_family):
                fctx = ctx
                if family is not None:
                    fctx = families.get(family) or families.setdefault(
                        family, family_context(base, ctx, family)
                    )
                try:
                    pools = self.planner.memo.pools.plan_pools(fctx, services)
                    self.t.pool[zi, li, fi, pi] = self.pricer.pool_group(
                        fctx, users, pools, self.strategies, users_key
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
                stores = [x for x in services if x.kind in DATA]
                self.t.data[zi, di, ci, qi] = self.pricer.group(
                    ctx, stores, [], "all", self.strategies
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
            by_name.update({x.name: x for x in loaded if x.kind not in DATA})
            services = [by_name[s.name] for s in self.design.services]
            reports = {
                n: assess(user_path(ctx, services, n), target, n) for n in sorted(set(serving))
            }
            for si, n in enumerate(serving):
                self.t.availability[zi, li, di, ci, si] = reports[n].achieved
                self.t.meets_availability[zi, li, di, ci, si] = reports[n].meets_target
