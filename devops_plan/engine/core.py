"""One planning pass: size the services, plan the node pools, declare and price the primary
region and each DR strategy, choose the strategy and assess availability. No decisions or
suggestions here (they replan variants of the design through a Planner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ..catalog import PURCHASES, Catalog
from ..design import CacheService, DatabaseService, Design, DRStrategy, QueueService
from ..errors import PriceNotFound
from .autoscale import Schedules, size_and_schedule
from .availability import AvailabilityReport, assess, user_path
from .context import Context, PlanOptions, Tables, make_context
from .cost import CostComponent, LineItem, PriceMemo, price_components, price_options
from .dr import STRATEGY_ORDER, DRChoice, DROption, choose, meets
from .footprint import Part, dr_components, region_components, traffic_share
from .formulas import ReplicaSizer
from .latency import LatencyReport, assess_latency
from .pools import NodePoolPlan, PoolPlanner
from .queues import queue_plan
from .recovery import Recovery, geo_pair_notes, recoveries
from .services import ServicePlan, size_service
from .surge import Surge, surges_remembered
from .variants import serving_regions


@dataclass
class Memo:
    """What a Planner remembers between passes: pure results keyed by their inputs."""

    sizer: ReplicaSizer = field(default_factory=ReplicaSizer)
    pools: PoolPlanner = field(default_factory=PoolPlanner)
    prices: PriceMemo = field(default_factory=dict)
    schedules: Schedules = field(default_factory=dict)


@dataclass(frozen=True)
class DRPlan:
    """One DR strategy as priced for this design: its components, line items and cost."""

    option: DROption
    components: tuple[CostComponent, ...]
    line_items: tuple[LineItem, ...]
    recovery: Recovery

    @property
    def strategy(self) -> str:
        return self.option.strategy


@dataclass(frozen=True)
class Core:
    """One sizing and pricing pass, without decisions or suggestions."""

    ctx: Context
    services: tuple[ServicePlan, ...]
    pools: tuple[NodePoolPlan, ...]
    primary: tuple[CostComponent, ...]
    dr_plans: tuple[DRPlan, ...]
    dr: DRChoice
    line_items: tuple[LineItem, ...]
    missing: tuple[str, ...]
    availability: AvailabilityReport
    warnings: tuple[str, ...]
    latency: LatencyReport | None = None
    # The warnings of the sizing alone (a variant that keeps the sizing keeps them).
    sizing_warnings: tuple[str, ...] = ()
    # Each pool on each candidate type, hour by hour (filled in for the plan's decisions).
    alternatives: Mapping[tuple[str, str], NodePoolPlan] = field(default_factory=dict)
    surges: tuple[Surge, ...] = ()

    @property
    def monthly_total(self) -> Decimal:
        return sum((i.monthly_cost for i in self.line_items), Decimal(0))

    def dr_plan(self, strategy: str) -> DRPlan:
        return next(p for p in self.dr_plans if p.strategy == strategy)

    @property
    def chosen_components(self) -> list[CostComponent]:
        """The primary region and the chosen DR strategy: what the plan prices (no DR copy
        when the design turns DR off)."""
        dr = self.dr_plan(self.dr.strategy).components if self.ctx.design.dr.enabled else ()
        return [*self.primary, *dr]


def plan_core(
    design: Design,
    options: PlanOptions,
    catalog: Catalog,
    tables: Tables,
    memo: Memo,
    base: Core | None = None,
) -> Core:
    """One pass over `design`; PlanningError or PriceNotFound for what cannot be planned.
    `base`: a pass over a design planned with the same options, whose sizing this one keeps
    where `design` keeps its inputs (see `sized`)."""
    ctx, services, pools, warnings, kept = sized(design, options, catalog, tables, memo, base)
    sizing_warnings = tuple(warnings)
    warnings += queue_notes(ctx)
    missing: list[str] = []
    recs = recoveries(ctx, services)
    dr_plans = tuple(
        _dr_plan(ctx, recs[s], services, pools, options, missing, memo.prices)
        for s in STRATEGY_ORDER
    )
    choice = _choose(ctx, dr_plans, warnings)
    warnings += geo_pair_notes(ctx, services, choice.strategy) if design.dr.enabled else []
    serving = serving_regions(choice.strategy, len(ctx.regions))
    primary = primary_components(ctx, choice.strategy, services, pools)
    primary_items, miss = _price(primary, ctx.catalog, options.allow_missing_prices, memo.prices)
    missing += miss
    chosen = next(p for p in dr_plans if p.strategy == choice.strategy)
    dr_items = chosen.line_items if design.dr.enabled else _no_dr(warnings)
    report = assess(user_path(ctx, services, serving), design.targets.availability, serving)
    # The latency reads the stateless services alone: a variant that keeps them keeps it.
    latency = base.latency if kept and base is not None else assess_latency(design, services)
    if latency is not None and not latency.meets_target:
        hops = " + ".join(f"{n} {p:g}" for n, p, _ in latency.path)
        warnings.append(
            f"latency: the user path's p95 is up to {latency.achieved_ms:g} ms ({hops}), "
            f"over the {latency.target_ms:g} ms target"
        )
    if missing:
        warnings.append(
            f"{len(missing)} cost component(s) have no price and are left out: "
            + "; ".join(sorted(set(missing)))
        )
    return Core(
        ctx=ctx,
        services=tuple(services),
        pools=tuple(pools),
        primary=tuple(primary),
        dr_plans=dr_plans,
        dr=choice,
        line_items=(*primary_items, *dr_items),
        missing=tuple(sorted(set(missing))),
        availability=report,
        warnings=tuple(warnings),
        latency=latency,
        # The surges read the stateless services and the pools alone, like the latency.
        surges=(
            base.surges if kept and base is not None else surges_remembered(ctx, services, pools)
        ),
        sizing_warnings=sizing_warnings,
    )


class Sized(NamedTuple):
    """A pass's sizing: the context, the services hour by hour, the node pools, the sizing's
    warnings, and whether they were kept from a base pass."""

    ctx: Context
    services: list[ServicePlan]
    pools: list[NodePoolPlan]
    warnings: list[str]
    kept: bool


def sized(
    design: Design,
    options: PlanOptions,
    catalog: Catalog,
    tables: Tables,
    memo: Memo,
    base: Core | None = None,
) -> Sized:
    """The context, the services sized and scheduled, the node pools and the sizing's
    warnings. A variant of `base`'s design that changes only databases and caches (their
    engine, Multi-AZ, size; not the bytes of their calls) keeps `base`'s traffic flows,
    stateless services, schedules and node pools, which depend on none of that, and sizes
    the changed stores alone: the decisions weigh one database at a time this way."""
    if base is not None and stores_only_change(base.ctx.design, design):
        ctx = make_context(design, options, catalog, tables, base=base.ctx)
        services = [
            plan if svc is before else size_service(ctx, svc, memo.sizer)[0]
            for svc, before, plan in zip(
                design.services, base.ctx.design.services, base.services, strict=True
            )
        ]
        return Sized(ctx, services, list(base.pools), list(base.sizing_warnings), True)
    ctx = make_context(design, options, catalog, tables)
    services, warnings = size_and_schedule(ctx, memo.sizer, memo.schedules)
    return Sized(ctx, services, memo.pools.plan_pools(ctx, services), warnings, False)


def stores_only_change(before: Design, after: Design) -> bool:
    """Does `after` differ from `before` only in databases and caches, each keeping its
    name, place in the list, dependencies and call sizes (what the traffic flows read)?
    Services the variant did not touch are the same objects."""
    if len(before.services) != len(after.services):
        return False
    if any(getattr(before, f) != getattr(after, f) for f in Design.model_fields if f != "services"):
        return False
    for old, new in zip(before.services, after.services, strict=True):
        if old is new:
            continue
        stores = (DatabaseService, CacheService)
        if not isinstance(old, stores) or type(old) is not type(new):
            return False
        if (old.name, old.depends_on, old.entrypoint, old.call) != (
            new.name, new.depends_on, new.entrypoint, new.call
        ):  # fmt: skip
            return False
    return True


def primary_components(
    ctx: Context,
    strategy: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    autoscale: bool = True,
    part: Part = "all",
) -> list[CostComponent]:
    """The primary region under `strategy`: all of the users' traffic, or its share when the
    strategy serves from more than one region."""
    return region_components(
        ctx, ctx.primary, services, pools,
        traffic_share=traffic_share(ctx, strategy), autoscale=autoscale, part=part,
    )  # fmt: skip


def queue_notes(ctx: Context) -> list[str]:
    """Why a queue runs on another tier than per-operation pricing, or passes a limit."""
    return [
        note
        for s in ctx.design.services
        if isinstance(s, QueueService) and (note := queue_plan(ctx, s).note)
    ]


def _no_dr(warnings: list[str]) -> tuple[LineItem, ...]:
    """No DR copy (dr.enabled false): nothing priced for it, and the warning that says so."""
    warnings.append(
        "DR: none (dr.enabled is false): no DR copy is deployed or priced; "
        "a regional outage is recovered by hand"
    )
    return ()


def _price(
    components: Sequence[CostComponent], catalog: Catalog, allow_missing: bool, memo: PriceMemo
) -> tuple[list[LineItem], list[str]]:
    items, missing = price_components(components, catalog, allow_missing=allow_missing, memo=memo)
    return items, [str(m) for m in missing]


def _dr_plan(
    ctx: Context,
    recovery: Recovery,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    options: PlanOptions,
    missing: list[str],
    memo: PriceMemo,
) -> DRPlan:
    components = dr_components(ctx, recovery.strategy, services, pools)
    items, miss = _price(components, ctx.catalog, options.allow_missing_prices, memo)
    missing += miss
    targets = ctx.design.targets
    rto_t, rpo_t = int(targets.rto.total_seconds()), int(targets.rpo.total_seconds())
    option = DROption(
        recovery.strategy,
        recovery.rto_s,
        recovery.rpo_s,
        sum((i.monthly_cost for i in items), Decimal(0)),
        meets(recovery.rto_s, recovery.rpo_s, rto_t, rpo_t),
        recovery.rto_steps,
        recovery.rpo_basis,
    )
    return DRPlan(option, tuple(components), tuple(items), recovery)


def _choose(ctx: Context, dr_plans: Sequence[DRPlan], warnings: list[str]) -> DRChoice:
    """The cheapest strategy meeting RTO and RPO (two regions force active-active)."""
    design = ctx.design
    forced = design.dr.strategy.value if design.dr.strategy else None
    if forced is None and len(ctx.regions) >= 2:
        forced = DRStrategy.active_active.value
    rto_t = int(design.targets.rto.total_seconds())
    rpo_t = int(design.targets.rpo.total_seconds())
    choice = choose([p.option for p in dr_plans], rto_t, rpo_t, forced)
    if len(ctx.regions) >= 2 and choice.strategy != DRStrategy.active_active:
        warnings.append(
            f"regions lists {len(ctx.regions)} regions but dr.strategy {choice.strategy} "
            "leaves the second one on standby; availability counts one serving region"
        )
    if not choice.meets_target:
        warnings.append(
            f"DR: forced {choice.strategy} misses the targets: {choice.gap}"
            if choice.forced
            else f"DR: no strategy meets the targets; {choice.strategy}: {choice.gap}"
        )
    return choice


def by_purchase(core: Core) -> dict[str, Decimal]:
    """The chosen plan's components priced under each purchase option (missing prices are
    left out here: the plan itself already reported or refused them). What a product is not
    sold as (storage reserved, a database on spot) is priced on demand by the cost model."""
    options = price_options(core.chosen_components, core.ctx.catalog, PURCHASES, allow_missing=True)
    return {option: summary.monthly_total for option, summary in options.items()}


def total_with_pool(core: Core, pool: NodePoolPlan) -> Decimal | None:
    """The plan's monthly total with one node pool on another instance type: the primary
    region and the chosen DR strategy declared again and priced (the sizing does not change);
    None when that type has no price somewhere the pool runs."""
    ctx = core.ctx
    pools = [pool if p.name == pool.name else p for p in core.pools]
    components = primary_components(ctx, core.dr.strategy, core.services, pools)
    if ctx.design.dr.enabled:
        components += dr_components(ctx, core.dr.strategy, core.services, pools)
    try:
        items, _ = price_components(components, ctx.catalog)
    except PriceNotFound:
        return None
    return sum((i.monthly_cost for i in items), Decimal(0))


def peak_provisioned(core: Core) -> Decimal:
    """The plan's monthly total with every instance running at its peak count all month
    (what the plan would cost without autoscaling): the same components declared again
    without the hour-by-hour schedules, priced as the plan is."""
    ctx = core.ctx
    components = primary_components(
        ctx, core.dr.strategy, core.services, core.pools, autoscale=False
    )
    if ctx.design.dr.enabled:
        components += dr_components(
            ctx, core.dr.strategy, core.services, core.pools, autoscale=False
        )
    items, _ = price_components(components, ctx.catalog, allow_missing=True)
    return sum((i.monthly_cost for i in items), Decimal(0))
