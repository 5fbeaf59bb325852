"""Services: each service of the design as deployed in a serving region: replicas, requests and
limits for stateless services; the managed class, nodes and storage for databases and caches;
buckets and queues. One sizing function per kind."""

from __future__ import annotations

from typing import Any

from ..catalog import Price
from ..design import (
    CacheService,
    DatabaseService,
    Kind,
    ObjectStorageService,
    Platform,
    Purchase,
    QueueService,
    Service,
    StatelessService,
)
from ..design.vocabulary import did_you_mean
from ..errors import CatalogError, PlanningError
from ..frozen import Frozen
from .context import Context
from .formulas import ReplicaSizer, ReplicaSizing, on_demand_floor
from .latency import budgets
from .queueing import service_p95_ms


class ServicePlan(Frozen):
    """One service as deployed in each serving region (the plan adds its monthly cost)."""

    name: str
    kind: Kind
    platform: Platform
    purchase: str
    entrypoint: bool
    depends_on: tuple[str, ...]
    zones: int
    replicas: int
    cpu_request_m: int | None
    memory_request_mib: int | None
    cpu_limit_m: int | None = None  # no CPU limit: throttling costs latency, requests reserve
    memory_limit_mib: int | None
    instance_class: str | None
    multi_az: bool | None
    availability: float
    availability_source: str
    engine: str | None = None
    sla: str = ""  # the id of the SLA entry in data/sla/<cloud>.yaml
    read_replicas: int = 0
    storage_gib: float = 0
    cache_nodes: int = 0
    pool: str | None = None
    sizing: ReplicaSizing | None = None
    on_demand_floor: int = 0  # on spot: replicas kept on demand (formulas.on_demand_floor)
    # Autoscaling (engine/autoscale.py): the floor, and the replicas in each hour of the
    # service's load profile (empty for services that do not scale).
    min_replicas: int | None = None
    hourly_replicas: tuple[int, ...] = ()


def size_services(ctx: Context, sizer: ReplicaSizer) -> tuple[list[ServicePlan], list[str]]:
    """Size every service; returns the plans and warnings."""
    plans: list[ServicePlan] = []
    warnings: list[str] = []
    latency = budgets(ctx.design)
    for svc in ctx.design.services:
        plan, warn = size_service(ctx, svc, sizer, latency.get(svc.name))
        plans.append(plan)
        warnings += warn
    return plans, warnings


def size_service(
    ctx: Context, svc: Service, sizer: ReplicaSizer, latency_budget_ms: float | None = None
) -> tuple[ServicePlan, list[str]]:
    """Size one service (a stateless one to its share of the latency target); the plan and
    its warnings."""
    warnings: list[str] = []
    match svc:
        case StatelessService():
            plan, warnings = size_stateless(ctx, svc, sizer, latency_budget_ms)
        case DatabaseService():
            plan = size_database(ctx, svc)
        case CacheService():
            plan = size_cache(ctx, svc)
        case ObjectStorageService():
            plan = size_object_storage(ctx, svc)
        case QueueService():
            plan = size_queue(ctx, svc)
    if svc.availability is not None:
        plan = plan.model_copy(
            update={
                "availability": svc.availability,
                "availability_source": "design override",
                "sla": "",
            }
        )
    return plan, warnings


def _sla(
    ctx: Context,
    role: str,
    product: str = "",
    family: str = "",
    deployment: str = "",
    engine: str = "",
) -> dict[str, Any]:
    """The published SLA of exactly the product priced, as ServicePlan fields."""
    entry = ctx.sla.find(role, product, family, deployment, engine)
    return {
        "availability": entry.availability,
        "availability_source": entry.source,
        "sla": entry.id,
    }


def _multi_az(ctx: Context, svc: DatabaseService | CacheService) -> bool:
    if svc.multi_az is not None:
        return svc.multi_az
    return ctx.zones >= 2 and ctx.design.targets.availability >= 99.9


def _purchase(ctx: Context, svc: StatelessService | DatabaseService | CacheService) -> str:
    return svc.purchase.value if svc.purchase else ctx.purchase


# --- stateless services --------------------------------------------------------------------


def size_stateless(
    ctx: Context, svc: StatelessService, sizer: ReplicaSizer, latency_budget_ms: float | None = None
) -> tuple[ServicePlan, list[str]]:
    d = ctx.design
    k = svc.replica.cpu if svc.replica else 1.0
    memory = (svc.replica.memory_mib if svc.replica else None) or svc.load.memory_mib
    sizing = sizer(
        peak_rps=svc.load.peak_rps,
        cpu_ms=svc.load.cpu_ms,
        vcpu_per_replica=k,
        zones=ctx.zones,
        availability_target=d.targets.availability,
        latency_target_ms=latency_budget_ms,
        target_utilization=d.defaults.target_utilization,
        zone_failure_utilization=d.defaults.zone_failure_utilization,
        cpu_ms_cv=svc.load.cpu_ms_cv,
    )
    warnings = []
    if not sizing.latency_reachable and latency_budget_ms is not None:
        floor = service_p95_ms(svc.load.cpu_ms, svc.load.cpu_ms_cv)
        warnings.append(
            f"{svc.name}: its {latency_budget_ms:.0f} ms share of latency_p95_ms "
            f"{d.targets.latency_p95_ms:g} cannot be met: with {svc.load.cpu_ms:g} ms of CPU per "
            f"request (variability {svc.load.cpu_ms_cv:g}) the p95 is at least {floor:.0f} ms "
            "however many replicas run"
        )
    platform = svc.platform or d.defaults.platform
    purchase = _purchase(ctx, svc)
    floor = _spot_floor(ctx, sizing) if purchase == Purchase.spot else 0
    multi = ctx.zones >= 2 and sizing.replicas >= 2
    instance_class: str | None = None
    if platform == Platform.managed:
        sla = _sla(ctx, "containers")
        instance_class = ctx.catalog.role("containers_vcpu")
    else:
        sla = _sla(ctx, "compute", deployment="multi_az" if multi else "single_az")
        if platform == Platform.vm:
            instance_class = vm_type(ctx, svc.name, k, memory, purchase).product
    plan = ServicePlan(
        name=svc.name,
        kind=svc.kind,
        platform=platform,
        purchase=purchase,
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        zones=ctx.zones,
        replicas=sizing.replicas,
        cpu_request_m=round(k * 1000),
        memory_request_mib=memory,
        memory_limit_mib=memory,
        instance_class=instance_class,
        multi_az=multi,
        pool=svc.pool if platform == Platform.kubernetes else None,
        sizing=sizing,
        on_demand_floor=floor,
        **sla,
    )
    return plan, warnings


def purchase_parts(s: ServicePlan) -> list[ServicePlan]:
    """A stateless service as bought: on spot, its on-demand floor and the spot replicas
    above it as two parts; otherwise the service itself."""
    if not s.on_demand_floor:
        return [s]
    # Hour by hour, as many replicas as run up to the floor are on demand, the rest spot.
    low = tuple(min(s.on_demand_floor, r) for r in s.hourly_replicas)
    high = tuple(r - f for r, f in zip(s.hourly_replicas, low, strict=True))
    floor = s.model_copy(
        update={
            "purchase": Purchase.on_demand,
            "replicas": s.on_demand_floor,
            "hourly_replicas": low,
        }
    )
    rest = s.replicas - s.on_demand_floor
    spot = s.model_copy(update={"replicas": rest, "hourly_replicas": high})
    return [floor] + ([spot] if rest else [])


def allowed_type(price: Price, allow: tuple[str, ...] | None, min_vcpu: float = 0) -> bool:
    """May the planner use this instance type? The design's `node_types` when it lists some;
    else current-generation, non-burstable types of at least `min_vcpu` (ADR 0008)."""
    if allow:
        return price.product in allow or price.family in allow
    return price.generation == "current" and not price.burstable and (price.vcpu or 0) >= min_vcpu


def _spot_floor(ctx: Context, sizing: ReplicaSizing) -> int:
    utilization = ctx.design.defaults.zone_failure_utilization
    floor = on_demand_floor(
        sizing.offered_load_vcpu, sizing.vcpu_per_replica, ctx.zones, utilization
    )
    return min(sizing.replicas, floor)


def vm_type(ctx: Context, name: str, vcpu: float, memory_mib: int, purchase: str) -> Price:
    """The cheapest allowed instance type that holds one replica and the OS."""
    allow = ctx.design.defaults.node_types
    need_gib = (memory_mib + ctx.sizing.vm_os_overhead_mib) / 1024
    options = [
        p
        for p in ctx.catalog.products(
            ctx.primary,
            category="compute",
            purchase=purchase,
            min_vcpu=vcpu,
            min_memory_gib=need_gib,
        )
        if allowed_type(p, allow)
    ]
    if not options:
        raise PlanningError(
            f"service {name!r}: no {ctx.cloud} instance type in {ctx.primary} has {vcpu:g} vCPU "
            f"and {need_gib:.1f} GiB ({purchase})"
        )
    return options[0]


# --- managed data services -----------------------------------------------------------------


def _managed(svc: Service, **fields: Any) -> ServicePlan:
    """A managed data service: the cloud runs it, so it has no pods, requests or limits."""
    return ServicePlan(
        name=svc.name,
        kind=svc.kind,
        platform=Platform.managed,
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        cpu_request_m=None,
        memory_request_mib=None,
        memory_limit_mib=None,
        **fields,
    )


def _check_engine(ctx: Context, name: str, category: str, engine: str) -> None:
    products = ctx.catalog.products(ctx.primary, category=category)
    engines = sorted({p.engine for p in products if p.engine})
    if engine not in engines:
        raise PlanningError(
            f"service {name!r}: engine {engine!r} is not in the {ctx.cloud} catalog "
            f"(it has: {', '.join(engines) or 'none'}){did_you_mean(engine, engines)}"
        )


def database_class(ctx: Context, svc: DatabaseService, deployment: str) -> Price:
    """The cheapest non-burstable class of the engine with the vCPU and memory asked for."""
    size = svc.size
    _check_engine(ctx, svc.name, "database", svc.engine)
    options = ctx.catalog.products(
        ctx.primary,
        category="database",
        engine=svc.engine,
        deployment=deployment,
        min_vcpu=size.vcpu,
        min_memory_gib=size.memory_gib,
    )
    options = [p for p in options if not p.burstable]
    if not options:
        raise PlanningError(
            f"service {svc.name!r}: no {ctx.cloud} {svc.engine} class in {ctx.primary} has "
            f"{size.vcpu:g} vCPU and {size.memory_gib:g} GiB"
        )
    return options[0]


def size_database(ctx: Context, svc: DatabaseService) -> ServicePlan:
    facts = ctx.engines.get(svc.engine)
    if facts is not None and facts.pricing != "instance":
        return _serverless_database(ctx, svc)
    multi = _multi_az(ctx, svc)
    deployment = "multi_az" if multi else "single_az"
    cls = database_class(ctx, svc, deployment)
    return _managed(
        svc,
        purchase=_purchase(ctx, svc),
        zones=2 if multi else 1,
        replicas=1 + svc.read_replicas,
        instance_class=cls.product,
        multi_az=multi,
        **_sla(ctx, "database", cls.product, cls.family, deployment, svc.engine),
        engine=svc.engine,
        read_replicas=svc.read_replicas,
        storage_gib=svc.size.storage_gib,
    )


def _serverless_database(ctx: Context, svc: DatabaseService) -> ServicePlan:
    """An engine priced by the work it does (Aurora DSQL, Spanner, Cosmos DB): no class to
    choose; spread over zones by the provider, sized in the footprint from its callers."""
    _check_engine(ctx, svc.name, "database", svc.engine)
    sold = ctx.catalog.products(ctx.primary, category="database", engine=svc.engine)
    work = [p for p in sold if p.unit != "GB-month"]
    if not work:
        raise PlanningError(
            f"service {svc.name!r}: {svc.engine} is not sold in {ctx.cloud} {ctx.primary}"
        )
    return _managed(
        svc,
        purchase="on_demand",
        zones=ctx.zones,
        replicas=0,
        instance_class=work[0].product,
        multi_az=True,
        **_sla(ctx, "database", work[0].product, "", "multi_az", svc.engine),
        engine=svc.engine,
        storage_gib=svc.size.storage_gib,
    )


def cache_class(ctx: Context, svc: CacheService, multi: bool) -> tuple[Price, int]:
    """The cheapest cache node with the memory, and how many nodes the deployment runs.

    Where the catalog sells a zone-redundant tier as one product (deployment multi_az,
    e.g. Memorystore Standard), that product is used once; otherwise a primary plus one
    replica per extra zone.
    """
    memory = svc.size.memory_gib
    _check_engine(ctx, svc.name, "cache", svc.engine)
    if multi:
        bundled = ctx.catalog.products(
            ctx.primary,
            category="cache",
            engine=svc.engine,
            deployment="multi_az",
            min_memory_gib=memory,
        )
        bundled = [p for p in bundled if not p.burstable]
        if bundled:
            return bundled[0], 1
    options = ctx.catalog.products(
        ctx.primary, category="cache", engine=svc.engine, min_memory_gib=memory
    )
    options = [p for p in options if p.deployment in ("", "single_az") and not p.burstable]
    if not options:
        raise PlanningError(
            f"service {svc.name!r}: no {ctx.cloud} {svc.engine} cache node in {ctx.primary} has "
            f"{memory:g} GiB"
        )
    return options[0], (max(2, ctx.zones) if multi else 1)


def size_cache(ctx: Context, svc: CacheService) -> ServicePlan:
    multi = _multi_az(ctx, svc)
    cls, nodes = cache_class(ctx, svc, multi)
    deployment = "multi_az" if multi else "single_az"
    return _managed(
        svc,
        purchase=_purchase(ctx, svc),
        zones=min(nodes, ctx.zones) if multi else 1,
        replicas=nodes,
        instance_class=cls.product,
        multi_az=multi,
        **_sla(ctx, "cache", cls.product, cls.family, deployment),
        engine=svc.engine,
        cache_nodes=nodes,
    )


def size_object_storage(ctx: Context, svc: ObjectStorageService) -> ServicePlan:
    product = _role(ctx, f"object_storage.{svc.storage_class}", svc.name)
    return _managed(
        svc,
        purchase="on_demand",
        zones=ctx.zones,
        replicas=0,
        instance_class=product,
        multi_az=None,
        **_sla(ctx, "object_storage", product),
        storage_gib=svc.size.storage_gib,
    )


def size_queue(ctx: Context, svc: QueueService) -> ServicePlan:
    product = _role(ctx, "queue_requests", svc.name)
    return _managed(
        svc,
        purchase="on_demand",
        zones=ctx.zones,
        replicas=0,
        instance_class=product,
        multi_az=None,
        **_sla(ctx, "queue", product),
    )


def _role(ctx: Context, role: str, who: str) -> str:
    try:
        return ctx.catalog.role(role)
    except CatalogError as exc:
        raise PlanningError(f"service {who!r}: {exc}") from None
