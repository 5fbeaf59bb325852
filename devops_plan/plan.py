"""The Plan: design -> sizing -> topology -> availability and DR -> cost, in one frozen model
that every renderer reads. `build_plan` is the pipeline; `Plan.to_json` is the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer

from .catalog import PURCHASES, Catalog, load_catalog
from .defaults import dr_table, sizing_rules, sla_table
from .design import Design, Kind
from .engine.availability import AvailabilityReport, assess
from .engine.cost import CostComponent, LineItem, price_components, price_options, summarize
from .engine.dr import STRATEGY_ORDER, DROption, choose, meets
from .engine.footprint import dr_components, region_components
from .engine.pools import NodePoolPlan, plan_pools
from .engine.services import (
    Context,
    ServicePlan,
    check_zones,
    resolve_regions,
    size_services,
    user_path,
)
from .errors import PlanningError
from .regions import find_region
from .units import round_cents

PURCHASE_OPTIONS = PURCHASES  # every purchase option the catalogs know

Money = Annotated[Decimal, PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SizingOut(Frozen):
    offered_load_vcpu: float
    vcpu_per_replica: float
    n_util: int
    n_zone: int | None
    n_latency: int | None
    n_minimum: int
    binding: str
    p95_ms: float


class ServiceOut(Frozen):
    name: str
    kind: str
    platform: str
    purchase: str
    entrypoint: bool
    depends_on: list[str]
    zones: int
    replicas: int
    cpu_request_m: int | None
    memory_request_mib: int | None
    cpu_limit_m: int | None
    memory_limit_mib: int | None
    instance_class: str | None
    multi_az: bool | None
    availability: float
    availability_source: str
    engine: str | None
    read_replicas: int
    storage_gib: float
    cache_nodes: int
    pool: str | None
    sizing: SizingOut | None
    monthly_cost: Money


class PoolCandidateOut(Frozen):
    instance_type: str
    nodes: int
    monthly_cost: Money


class NodePoolOut(Frozen):
    name: str
    instance_type: str
    nodes: int
    zones: int
    max_pods: int
    allocatable_cpu_m: int
    allocatable_memory_mib: int
    cpu_utilization: float
    memory_utilization: float
    purchase: str
    services: list[str]
    monthly_cost: Money
    candidates: list[PoolCandidateOut]


class PathOut(Frozen):
    component: str
    kind: str
    availability: float
    source: str


class SuggestionOut(Frozen):
    change: str
    description: str
    achieved: float
    meets_target: bool
    monthly_cost_delta: Money


class AvailabilityOut(Frozen):
    target: float
    achieved: float
    meets_target: bool
    downtime_budget_min: float
    achieved_downtime_min: float
    weakest: str | None
    regions_serving: int
    path: list[PathOut]
    suggestion: SuggestionOut | None


class DROptionOut(Frozen):
    strategy: str
    rto: int
    rpo: int
    monthly_cost: Money
    meets_target: bool
    summary: str


class DROut(Frozen):
    strategy: str
    dr_region: str
    rto: int
    rpo: int
    rto_target: int
    rpo_target: int
    meets_target: bool
    forced: bool
    source: str
    options: list[DROptionOut]


class LineItemOut(Frozen):
    service: str
    resource: str
    component: str
    unit: str
    quantity: float
    unit_price: float
    monthly_cost: Money
    region: str
    purchase: str
    category: str
    product: str


class CostOut(Frozen):
    currency: str
    monthly_total: Money
    budget: Money | None
    within_budget: bool | None
    by_service: dict[str, Money]
    by_category: dict[str, Money]
    by_purchase: dict[str, Money]
    line_items: list[LineItemOut]


class OptionOut(Frozen):
    name: str
    monthly_cost: Money
    availability: float | None = None
    rto: int | None = None
    rpo: int | None = None
    meets_target: bool
    chosen: bool
    pros: list[str]
    cons: list[str]


class DecisionOut(Frozen):
    id: str
    title: str
    context: str
    chosen: str
    drivers: list[str]
    options: list[OptionOut]


class TargetsOut(Frozen):
    availability: float
    rto: int
    rpo: int
    latency_p95_ms: float | None


class TopologyOut(Frozen):
    primary_region: str
    dr_region: str
    serving_regions: list[str]
    zone_names: dict[str, list[str]]


class Plan(Frozen):
    design: str
    description: str
    cloud: str
    regions: list[str]
    dr_region: str
    zones: int
    purchase: str
    currency: str
    catalog_as_of: str
    targets: TargetsOut
    services: list[ServiceOut]
    node_pools: list[NodePoolOut]
    availability: AvailabilityOut
    dr: DROut
    cost: CostOut
    decisions: list[DecisionOut]
    topology: TopologyOut
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json")
        return data

    def to_json(self) -> str:
        """The plan as JSON: stable key order, two-space indent, a final newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


# --- the pipeline --------------------------------------------------------------------------


@dataclass(frozen=True)
class Core:
    """One sizing and pricing pass, without decisions or suggestions."""

    ctx: Context
    services: tuple[ServicePlan, ...]
    pools: tuple[NodePoolPlan, ...]
    primary: tuple[CostComponent, ...]
    dr_options: tuple[tuple[str, tuple[CostComponent, ...], Decimal], ...]
    dr_choice: str
    dr_meets: bool
    dr_forced: bool
    dr_gap: str
    line_items: tuple[LineItem, ...]
    missing: tuple[str, ...]
    availability: AvailabilityReport
    warnings: tuple[str, ...]

    @property
    def monthly_total(self) -> Decimal:
        return sum((i.monthly_cost for i in self.line_items), Decimal(0))


def _context(
    design: Design,
    cloud: str | None,
    region: str | None,
    purchase: str | None,
    catalog: Catalog | None,
) -> Context:
    cloud = cloud or design.cloud.value
    if catalog is None:
        catalog = load_catalog(cloud)
    elif catalog.cloud != cloud:
        raise PlanningError(f"catalog is for {catalog.cloud}, plan asked for {cloud}")
    regions, dr_region = resolve_regions(design, cloud, region)
    check_zones(cloud, regions, design.zones)
    dr_info = find_region(cloud, dr_region)
    if dr_info is None:
        raise PlanningError(f"DR region {dr_region!r} is unknown to {cloud}")
    if purchase is not None and purchase not in PURCHASE_OPTIONS:
        raise PlanningError(
            f"unknown purchase option {purchase!r}; expected one of {', '.join(PURCHASE_OPTIONS)}"
        )
    return Context(
        design=design,
        cloud=cloud,
        regions=regions,
        dr_region=dr_region,
        zones=design.zones,
        purchase=purchase or design.defaults.purchase.value,
        catalog=catalog,
        sla=sla_table(cloud),
        sizing=sizing_rules(),
        dr=dr_table(),
    )


def _price(
    components: list[CostComponent], catalog: Catalog, allow_missing: bool
) -> tuple[list[LineItem], list[str]]:
    items, missing = price_components(components, catalog, allow_missing=allow_missing)
    return items, [str(m) for m in missing]


def _core(
    design: Design,
    cloud: str | None,
    region: str | None,
    purchase: str | None,
    catalog: Catalog | None,
    allow_missing: bool,
) -> Core:
    ctx = _context(design, cloud, region, purchase, catalog)
    services, warnings = size_services(ctx)
    pools = plan_pools(ctx, services)
    primary = region_components(ctx, ctx.primary, services, pools)

    rto_t = int(design.targets.rto.total_seconds())
    rpo_t = int(design.targets.rpo.total_seconds())
    forced = design.dr.strategy.value if design.dr.strategy else None
    if forced is None and len(ctx.regions) >= 2:
        forced = "active_active"
    options: list[tuple[str, tuple[CostComponent, ...], Decimal]] = []
    dr_facts: list[DROption] = []
    missing: list[str] = []
    priced_dr: dict[str, list[LineItem]] = {}
    for name in STRATEGY_ORDER:
        comps = dr_components(ctx, name, services, pools)
        items, miss = _price(comps, ctx.catalog, allow_missing)
        missing += miss
        total = sum((i.monthly_cost for i in items), Decimal(0))
        priced_dr[name] = items
        options.append((name, tuple(comps), total))
        facts = ctx.dr.facts(name)
        dr_facts.append(
            DROption(
                name, facts.rto_s, facts.rpo_s, total, meets(facts.rto_s, facts.rpo_s, rto_t, rpo_t)
            )
        )
    choice = choose(dr_facts, rto_t, rpo_t, forced)
    if len(ctx.regions) >= 2 and choice.strategy != "active_active":
        warnings.append(
            f"regions lists {len(ctx.regions)} regions but dr.strategy {choice.strategy} "
            "leaves the second one on standby; availability counts one serving region"
        )
    if not choice.meets_target:
        warnings.append(
            f"DR: no strategy meets the targets; {choice.strategy}: {choice.gap}"
            if not choice.forced
            else f"DR: forced {choice.strategy} misses the targets: {choice.gap}"
        )

    primary_items, miss = _price(primary, ctx.catalog, allow_missing)
    missing += miss
    line_items = tuple(primary_items + priced_dr[choice.strategy])
    regions_serving = max(2, len(ctx.regions)) if choice.strategy == "active_active" else 1
    report = assess(user_path(ctx, services), design.targets.availability, regions_serving)
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
        dr_options=tuple(options),
        dr_choice=choice.strategy,
        dr_meets=choice.meets_target,
        dr_forced=choice.forced,
        dr_gap=choice.gap,
        line_items=line_items,
        missing=tuple(sorted(set(missing))),
        availability=report,
        warnings=tuple(warnings),
    )


def _chosen_components(core: Core) -> list[CostComponent]:
    dr = next(c for name, c, _ in core.dr_options if name == core.dr_choice)
    return [*core.primary, *dr]


def _by_purchase(core: Core) -> dict[str, Decimal]:
    """The chosen plan's components priced under each purchase option (missing prices are
    left out here: the plan itself already reported or refused them). What a product is not
    sold as (storage reserved, a database on spot) is priced on demand by the cost model."""
    options = price_options(
        _chosen_components(core), core.ctx.catalog, PURCHASE_OPTIONS, allow_missing=True
    )
    return {option: summary.monthly_total for option, summary in options.items()}


def build_plan(
    design: Design,
    *,
    cloud: str | None = None,
    region: str | None = None,
    purchase: str | None = None,
    catalog: Catalog | None = None,
    allow_missing_prices: bool = False,
) -> Plan:
    """Plan a design: sizing, topology, availability, DR and cost, with decisions.

    Raises PlanningError for a design that cannot be planned and PriceNotFound (listing
    every missing price) unless `allow_missing_prices`, which turns them into warnings.
    """
    from .engine.decisions import build_decisions, suggest

    args = (cloud, region, purchase, catalog, allow_missing_prices)
    core = _core(design, *args)
    suggestion = None if core.availability.meets_target else suggest(design, core, args)
    by_purchase = _by_purchase(core)
    decisions = build_decisions(design, core, args, by_purchase)
    return _assemble(design, core, suggestion, decisions, by_purchase)


def _assemble(
    design: Design,
    core: Core,
    suggestion: SuggestionOut | None,
    decisions: list[DecisionOut],
    by_purchase: dict[str, Decimal],
) -> Plan:
    ctx = core.ctx
    summary = summarize(core.line_items)
    budget = design.budget.monthly if design.budget else None
    services = [_service_out(s, summary.by_service.get(s.name, Decimal(0))) for s in core.services]
    pools = [_pool_out(core, p) for p in core.pools]
    rep = core.availability
    dr_facts = {s.name: s for s in ctx.dr.strategies}
    rto_t = int(design.targets.rto.total_seconds())
    rpo_t = int(design.targets.rpo.total_seconds())
    options = [
        DROptionOut(
            strategy=name,
            rto=dr_facts[name].rto_s,
            rpo=dr_facts[name].rpo_s,
            monthly_cost=round_cents(total),
            meets_target=meets(dr_facts[name].rto_s, dr_facts[name].rpo_s, rto_t, rpo_t),
            summary=dr_facts[name].summary,
        )
        for name, _, total in core.dr_options
    ]
    chosen = dr_facts[core.dr_choice]
    serving = list(ctx.regions) if rep.regions_serving >= 2 else [ctx.primary]
    if rep.regions_serving >= 2 and ctx.dr_region not in serving:
        serving.append(ctx.dr_region)
    return Plan(
        design=design.name,
        description=design.description,
        cloud=ctx.cloud,
        regions=list(ctx.regions),
        dr_region=ctx.dr_region,
        zones=ctx.zones,
        purchase=ctx.purchase,
        currency=ctx.catalog.currency,
        catalog_as_of=ctx.catalog.as_of,
        targets=TargetsOut(
            availability=design.targets.availability,
            rto=rto_t,
            rpo=rpo_t,
            latency_p95_ms=design.targets.latency_p95_ms,
        ),
        services=services,
        node_pools=pools,
        availability=AvailabilityOut(
            target=rep.target,
            achieved=rep.achieved,
            meets_target=rep.meets_target,
            downtime_budget_min=rep.downtime_budget_min,
            achieved_downtime_min=rep.achieved_downtime_min,
            weakest=rep.weakest,
            regions_serving=rep.regions_serving,
            path=[
                PathOut(
                    component=c.component, kind=c.kind, availability=c.availability, source=c.source
                )
                for c in rep.path
            ],
            suggestion=suggestion,
        ),
        dr=DROut(
            strategy=core.dr_choice,
            dr_region=ctx.dr_region,
            rto=chosen.rto_s,
            rpo=chosen.rpo_s,
            rto_target=rto_t,
            rpo_target=rpo_t,
            meets_target=core.dr_meets,
            forced=core.dr_forced,
            source=ctx.dr.source,
            options=options,
        ),
        cost=CostOut(
            currency=ctx.catalog.currency,
            monthly_total=summary.monthly_total,
            budget=budget,
            within_budget=None if budget is None else summary.monthly_total <= budget,
            by_service=dict(summary.by_service),
            by_category=dict(summary.by_category),
            by_purchase=by_purchase,
            line_items=[_item_out(i) for i in summary.line_items],
        ),
        decisions=decisions,
        topology=TopologyOut(
            primary_region=ctx.primary,
            dr_region=ctx.dr_region,
            serving_regions=serving,
            zone_names={
                r: zone_names(ctx.cloud, r, ctx.zones)
                for r in dict.fromkeys([*ctx.regions, ctx.dr_region])
            },
        ),
        warnings=list(core.warnings),
    )


def zone_names(cloud: str, region: str, zones: int) -> list[str]:
    """Conventional zone names: us-east-1a (AWS), us-central1-a (GCP), eastus-1 (Azure)."""
    letters = "abcdef"
    if cloud == "aws":
        return [f"{region}{letters[i]}" for i in range(zones)]
    if cloud == "gcp":
        return [f"{region}-{letters[i]}" for i in range(zones)]
    return [f"{region}-{i + 1}" for i in range(zones)]


def _service_out(s: ServicePlan, monthly: Decimal) -> ServiceOut:
    z = s.sizing
    return ServiceOut(
        name=s.name,
        kind=s.kind,
        platform=s.platform,
        purchase=s.purchase,
        entrypoint=s.entrypoint,
        depends_on=list(s.depends_on),
        zones=s.zones,
        replicas=s.replicas,
        cpu_request_m=s.cpu_request_m,
        memory_request_mib=s.memory_request_mib,
        cpu_limit_m=None,
        memory_limit_mib=s.memory_limit_mib,
        instance_class=s.instance_class,
        multi_az=s.multi_az,
        availability=s.availability,
        availability_source=s.availability_source,
        engine=s.engine,
        read_replicas=s.read_replicas,
        storage_gib=s.storage_gib,
        cache_nodes=s.cache_nodes,
        pool=s.pool,
        sizing=None
        if z is None
        else SizingOut(
            offered_load_vcpu=z.offered_load_vcpu,
            vcpu_per_replica=z.vcpu_per_replica,
            n_util=z.n_util,
            n_zone=z.n_zone,
            n_latency=z.n_latency,
            n_minimum=z.n_minimum,
            binding=z.binding,
            p95_ms=z.p95_ms,
        ),
        monthly_cost=monthly,
    )


def _pool_out(core: Core, p: NodePoolPlan) -> NodePoolOut:
    cost = sum(
        (
            i.monthly_cost
            for i in core.line_items
            if i.resource == f"node-pool/{p.name}" and i.category != "dr"
        ),
        Decimal(0),
    )
    return NodePoolOut(
        name=p.name,
        instance_type=p.instance_type,
        nodes=p.nodes,
        zones=p.zones,
        max_pods=p.max_pods,
        allocatable_cpu_m=p.allocatable_cpu_m,
        allocatable_memory_mib=p.allocatable_memory_mib,
        cpu_utilization=p.cpu_utilization,
        memory_utilization=p.memory_utilization,
        purchase=p.purchase,
        services=list(p.services),
        monthly_cost=cost,
        candidates=[
            PoolCandidateOut(
                instance_type=c.instance_type, nodes=c.nodes, monthly_cost=c.monthly_cost
            )
            for c in p.candidates
        ],
    )


def _item_out(i: LineItem) -> LineItemOut:
    return LineItemOut(
        service=i.service,
        resource=i.resource,
        component=i.component,
        unit=i.unit,
        quantity=float(i.quantity),
        unit_price=float(i.unit_price),
        monthly_cost=i.monthly_cost,
        region=i.region,
        purchase=i.purchase,
        category=i.category,
        product=i.product,
    )


__all__ = ["PURCHASE_OPTIONS", "Kind", "Plan", "build_plan", "zone_names"]
