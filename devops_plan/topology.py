"""Topology: what gets deployed where (services, node pools, managed data stores) and the
cost components each resource declares, in the primary region and for each DR strategy.

Resources declare components; `cost.price_components` prices them later, all at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .availability import PathComponent, dependency_closure
from .catalog import Catalog, Price
from .cost import CostComponent
from .design import Design, Kind, Platform, Service
from .errors import CatalogError, PlanningError
from .regions import find_region
from .sizing import (
    NodeShape,
    PodGroup,
    ReplicaSizing,
    node_shape,
    nodes_lower_bound,
    pack_first_fit_decreasing,
    size_replicas,
)
from .tables import DRTable, SLAEntry
from .units import HOURS_PER_MONTH

HOURS = Decimal(HOURS_PER_MONTH)
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
_Q = Decimal("0.000001")


def dec(value: float | int | Decimal) -> Decimal:
    """A Decimal quantity with six places, so repeated runs give the same digits."""
    return Decimal(str(value)).quantize(_Q)


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
    sla: dict[str, SLAEntry]
    sizing: dict[str, Any]
    dr: DRTable
    by_name: dict[str, Service] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name.update({s.name: s for s in self.design.services})

    def service(self, name: str) -> Service:
        return self.by_name[name]

    @property
    def primary(self) -> str:
        return self.regions[0]

    @property
    def traffic(self) -> dict[str, Any]:
        t: dict[str, Any] = self.sizing["traffic"]
        return t


@dataclass(frozen=True)
class ServicePlan:
    """One service as deployed in each serving region."""

    name: str
    kind: str
    platform: str
    purchase: str
    entrypoint: bool
    depends_on: tuple[str, ...]
    zones: int
    replicas: int
    cpu_request_m: int | None
    memory_request_mib: int | None
    memory_limit_mib: int | None
    instance_class: str | None
    multi_az: bool | None
    availability: float
    availability_source: str
    engine: str | None = None
    read_replicas: int = 0
    storage_gib: float = 0
    cache_nodes: int = 0
    pool: str | None = None
    sizing: ReplicaSizing | None = None


@dataclass(frozen=True)
class PoolCandidate:
    instance_type: str
    nodes: int
    monthly_cost: Decimal


@dataclass(frozen=True)
class NodePoolPlan:
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
    services: tuple[str, ...]
    shares: tuple[tuple[str, Decimal], ...]  # service -> share of the pool's cost
    candidates: tuple[PoolCandidate, ...] = field(default=())


# --- resolving the context -----------------------------------------------------------------


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
    if region:
        if find_region(cloud, region) is None:
            raise PlanningError(f"unknown {cloud} region {region!r}")
        regions[0] = region
    regions = list(dict.fromkeys(regions))
    if design.dr_region and cloud == source and not region:
        dr_region = design.dr_region
    elif len(regions) >= 2:
        dr_region = regions[1]
    else:
        primary = find_region(cloud, regions[0])
        if primary is None:
            raise PlanningError(f"unknown {cloud} region {regions[0]!r}")
        dr_region = primary.dr_pair
    if len(regions) >= 2 and dr_region not in regions:
        dr_region = regions[1]
    return tuple(regions), dr_region


def check_zones(ctx_cloud: str, regions: Sequence[str], zones: int) -> None:
    for name in regions:
        r = find_region(ctx_cloud, name)
        if r is not None and zones > r.zones:
            raise PlanningError(f"{zones} zones requested but {ctx_cloud} {name} has {r.zones}")


# --- services ------------------------------------------------------------------------------


def _sla(ctx: Context, key: str) -> tuple[float, str]:
    entry = ctx.sla[key]
    return entry.availability, entry.source


def _multi_az(ctx: Context, svc: Service) -> bool:
    if svc.multi_az is not None:
        return svc.multi_az
    return ctx.zones >= 2 and ctx.design.targets.availability >= 99.9


def size_services(ctx: Context) -> tuple[list[ServicePlan], list[str]]:
    """Size every service; returns the plans and warnings."""
    plans: list[ServicePlan] = []
    warnings: list[str] = []
    for svc in ctx.design.services:
        kind = svc.kind
        if kind == Kind.stateless:
            plan, warn = _size_stateless(ctx, svc)
            warnings += warn
        elif kind == Kind.database:
            plan = _size_database(ctx, svc)
        elif kind == Kind.cache:
            plan = _size_cache(ctx, svc)
        elif kind == Kind.object_storage:
            plan = _size_object_storage(ctx, svc)
        else:
            plan = _size_queue(ctx, svc)
        if svc.availability is not None:
            plan = _override(plan, svc.availability)
        plans.append(plan)
    return plans, warnings


def _override(plan: ServicePlan, availability: float) -> ServicePlan:
    from dataclasses import replace

    return replace(plan, availability=availability, availability_source="design override")


def _size_stateless(ctx: Context, svc: Service) -> tuple[ServicePlan, list[str]]:
    assert svc.load is not None  # the design loader requires load for stateless services
    d = ctx.design
    k = svc.replica.cpu if svc.replica else 1.0
    memory = (svc.replica.memory_mib if svc.replica else None) or svc.load.memory_mib
    sizing = size_replicas(
        peak_rps=svc.load.peak_rps,
        cpu_ms=svc.load.cpu_ms,
        vcpu_per_replica=k,
        zones=ctx.zones,
        availability_target=d.targets.availability,
        latency_target_ms=d.targets.latency_p95_ms,
        target_utilization=d.defaults.target_utilization,
        zone_failure_utilization=d.defaults.zone_failure_utilization,
    )
    warnings = []
    if not sizing.latency_reachable:
        warnings.append(
            f"{svc.name}: latency_p95_ms {d.targets.latency_p95_ms:g} cannot be met: with "
            f"{svc.load.cpu_ms:g} ms of CPU per request the p95 is at least "
            f"{math.log(20) * svc.load.cpu_ms:.0f} ms however many replicas run"
        )
    platform = (svc.platform or d.defaults.platform).value
    purchase = svc.purchase.value if svc.purchase else ctx.purchase
    multi = ctx.zones >= 2 and sizing.replicas >= 2
    if platform == Platform.managed:
        avail, source = _sla(ctx, "containers")
        instance_class: str | None = ctx.catalog.role("containers_vcpu")
    else:
        avail, source = _sla(ctx, "compute_multi_zone" if multi else "compute_single_zone")
        instance_class = None
        if platform == Platform.vm:
            instance_class = _vm_type(ctx, svc.name, k, memory, purchase).product
    plan = ServicePlan(
        name=svc.name,
        kind=svc.kind.value,
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
        availability=avail,
        availability_source=source,
        pool=svc.pool if platform == Platform.kubernetes else None,
        sizing=sizing,
    )
    return plan, warnings


def _vm_type(ctx: Context, name: str, vcpu: float, memory_mib: int, purchase: str) -> Price:
    overhead = int(ctx.sizing["vm"]["os_overhead_mib"])
    allow = ctx.design.defaults.node_types
    need_gib = (memory_mib + overhead) / 1024
    options = [
        p
        for p in _products(
            ctx,
            category="compute",
            purchase=purchase,
            min_vcpu=vcpu,
            min_memory_gib=need_gib,
        )
        if (
            (p.product in allow or p.family in allow)
            if allow
            else (p.generation == "current" and not is_burstable(p))
        )
    ]
    if not options:
        raise PlanningError(
            f"service {name!r}: no {ctx.cloud} instance type in {ctx.primary} has {vcpu:g} vCPU "
            f"and {need_gib:.1f} GiB ({purchase})"
        )
    return options[0]


_CLASS_CACHE: dict[tuple[Any, ...], tuple[Catalog, list[Price]]] = {}


def _products(ctx: Context, **query: Any) -> list[Price]:
    """catalog.products in the primary region, memoised per catalog (variants repeat queries)."""
    key = (id(ctx.catalog), ctx.primary, tuple(sorted(query.items())))
    hit = _CLASS_CACHE.get(key)
    if hit is not None and hit[0] is ctx.catalog:
        return hit[1]
    found = ctx.catalog.products(ctx.primary, **query)
    if len(_CLASS_CACHE) > 4096:
        _CLASS_CACHE.clear()
    _CLASS_CACHE[key] = (ctx.catalog, found)
    return found


def _database_class(ctx: Context, svc: Service, deployment: str) -> Price:
    engine = svc.engine or "postgres"
    size = svc.size
    assert size is not None
    _check_engine(ctx, svc, "database", engine)
    options = [
        p
        for p in _products(
            ctx,
            category="database",
            engine=engine,
            deployment=deployment,
            min_vcpu=size.vcpu,
            min_memory_gib=size.memory_gib,
        )
        if not is_burstable(p)
    ]
    if not options:
        raise PlanningError(
            f"service {svc.name!r}: no {ctx.cloud} {engine} class in {ctx.primary} has "
            f"{size.vcpu:g} vCPU and {size.memory_gib:g} GiB"
        )
    return options[0]


def _check_engine(ctx: Context, svc: Service, category: str, engine: str) -> None:
    engines = sorted({p.engine for p in _products(ctx, category=category) if p.engine})
    if engine not in engines:
        raise PlanningError(
            f"service {svc.name!r}: engine {engine!r} is not in the {ctx.cloud} catalog "
            f"(it has: {', '.join(engines) or 'none'})"
        )


def _size_database(ctx: Context, svc: Service) -> ServicePlan:
    multi = _multi_az(ctx, svc)
    cls = _database_class(ctx, svc, "multi_az" if multi else "single_az")
    avail, source = _sla(ctx, "db_multi_zone" if multi else "db_single_zone")
    size = svc.size
    assert size is not None
    return ServicePlan(
        name=svc.name,
        kind=svc.kind.value,
        platform="managed",
        purchase=svc.purchase.value if svc.purchase else ctx.purchase,
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        zones=2 if multi else 1,
        replicas=1 + svc.read_replicas,
        cpu_request_m=None,
        memory_request_mib=None,
        memory_limit_mib=None,
        instance_class=cls.product,
        multi_az=multi,
        availability=avail,
        availability_source=source,
        engine=svc.engine or "postgres",
        read_replicas=svc.read_replicas,
        storage_gib=size.storage_gib or 0,
    )


def _cache_class(ctx: Context, svc: Service, multi: bool) -> tuple[Price, int]:
    """The cheapest cache node with the memory, and how many nodes the deployment runs.

    Where the catalog sells a zone-redundant tier as one product (deployment multi_az,
    e.g. Memorystore Standard), that product is used once; otherwise a primary plus one
    replica per extra zone.
    """
    engine = svc.engine or "redis"
    size = svc.size
    assert size is not None and size.memory_gib is not None
    _check_engine(ctx, svc, "cache", engine)
    if multi:
        bundled = [
            p
            for p in _products(
                ctx,
                category="cache",
                engine=engine,
                deployment="multi_az",
                min_memory_gib=size.memory_gib,
            )
            if not is_burstable(p)
        ]
        if bundled:
            return bundled[0], 1
    options = [
        p
        for p in _products(ctx, category="cache", engine=engine, min_memory_gib=size.memory_gib)
        if p.deployment in ("", "single_az") and not is_burstable(p)
    ]
    if not options:
        raise PlanningError(
            f"service {svc.name!r}: no {ctx.cloud} {engine} cache node in {ctx.primary} has "
            f"{size.memory_gib:g} GiB"
        )
    return options[0], (max(2, ctx.zones) if multi else 1)


def _size_cache(ctx: Context, svc: Service) -> ServicePlan:
    multi = _multi_az(ctx, svc)
    cls, nodes = _cache_class(ctx, svc, multi)
    avail, source = _sla(ctx, "cache_multi_zone" if multi else "cache_single_zone")
    return ServicePlan(
        name=svc.name,
        kind=svc.kind.value,
        platform="managed",
        purchase=svc.purchase.value if svc.purchase else ctx.purchase,
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        zones=min(nodes, ctx.zones) if multi else 1,
        replicas=nodes,
        cpu_request_m=None,
        memory_request_mib=None,
        memory_limit_mib=None,
        instance_class=cls.product,
        multi_az=multi,
        availability=avail,
        availability_source=source,
        engine=svc.engine or "redis",
        cache_nodes=nodes,
    )


def _storage_role(svc: Service) -> str:
    cls = svc.storage_class
    return f"object_storage.{cls}"


def _size_object_storage(ctx: Context, svc: Service) -> ServicePlan:
    product = _role(ctx, _storage_role(svc), svc.name)
    avail, source = _sla(
        ctx, "object_storage" if svc.storage_class == "standard" else "object_storage_ia"
    )
    return ServicePlan(
        name=svc.name,
        kind=svc.kind.value,
        platform="managed",
        purchase="on_demand",
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        zones=ctx.zones,
        replicas=0,
        cpu_request_m=None,
        memory_request_mib=None,
        memory_limit_mib=None,
        instance_class=product,
        multi_az=None,
        availability=avail,
        availability_source=source,
        storage_gib=(svc.size.storage_gib or 0) if svc.size else 0,
    )


def _size_queue(ctx: Context, svc: Service) -> ServicePlan:
    avail, source = _sla(ctx, "queue")
    return ServicePlan(
        name=svc.name,
        kind=svc.kind.value,
        platform="managed",
        purchase="on_demand",
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        zones=ctx.zones,
        replicas=0,
        cpu_request_m=None,
        memory_request_mib=None,
        memory_limit_mib=None,
        instance_class=_role(ctx, "queue_requests", svc.name),
        multi_az=None,
        availability=avail,
        availability_source=source,
    )


def _role(ctx: Context, role: str, who: str) -> str:
    try:
        return ctx.catalog.role(role)
    except CatalogError as exc:
        raise PlanningError(f"service {who!r}: {exc}") from None


# --- node pools ----------------------------------------------------------------------------

_BURSTABLE = re.compile(
    r"^((db|cache)\.)?t\d|^B_|^Burstable$|^B$|^db-shared$|^e2-(micro|small|medium)$"
)


def is_burstable(price: Price) -> bool:
    """Burstable and shared-core types: their list price assumes idle CPU, so planned
    sustained load would also pay CPU credits; the planner never picks them by default."""
    return bool(_BURSTABLE.match(price.family) or _BURSTABLE.match(price.product))


def _allowed(price: Price, allow: tuple[str, ...] | None) -> bool:
    if allow:
        return price.product in allow or price.family in allow
    # Default: current-generation, non-burstable types of 2 vCPU or more.
    return price.generation == "current" and not is_burstable(price) and (price.vcpu or 0) >= 2


def _shapes(ctx: Context, purchase: str) -> list[tuple[Price, NodeShape]]:
    rules = ctx.sizing["allocatable"][ctx.cloud]
    allow = ctx.design.defaults.node_types
    out = []
    for price in _products(ctx, category="compute", purchase=purchase):
        if not _allowed(price, allow) or not price.vcpu or not price.memory_gib:
            continue
        try:
            shape = node_shape(price.product, price.vcpu, price.memory_gib, rules)
        except KeyError:
            continue
        if shape.allocatable_cpu_m > 0 and shape.allocatable_memory_mib > 0 and shape.pod_slots > 0:
            out.append((price, shape))
    return out


def plan_pools(ctx: Context, services: Sequence[ServicePlan]) -> list[NodePoolPlan]:
    """One pool per (pool name, purchase option); the instance type with the lowest cost."""
    groups: dict[tuple[str, str], list[ServicePlan]] = {}
    for s in services:
        if s.platform == Platform.kubernetes and s.kind == Kind.stateless and s.pool:
            groups.setdefault((s.pool, s.purchase), []).append(s)
    names = [p for p, _ in groups]
    pools = []
    for (pool, purchase), members in sorted(groups.items()):
        name = pool if names.count(pool) == 1 else f"{pool}-{purchase.replace('_', '-')}"
        pools.append(_plan_pool(ctx, name, purchase, members))
    return pools


def _plan_pool(
    ctx: Context, name: str, purchase: str, members: Sequence[ServicePlan]
) -> NodePoolPlan:
    z = ctx.zones
    pods = tuple(
        PodGroup(s.name, s.cpu_request_m or 0, s.memory_request_mib or 0, s.replicas // z)
        for s in members
    )
    key = (
        id(ctx.catalog),
        ctx.cloud,
        ctx.primary,
        purchase,
        z,
        ctx.design.defaults.node_types,
        pods,
    )
    cached = _POOL_CACHE.get(key)
    if cached is not None and cached[0] is ctx.catalog:
        from dataclasses import replace

        return replace(cached[1], name=name)
    pool = _plan_pool_uncached(ctx, name, purchase, members, pods)
    if len(_POOL_CACHE) > 4096:
        _POOL_CACHE.clear()
    _POOL_CACHE[key] = (ctx.catalog, pool)
    return pool


# Variants of one design (decisions, suggestions, the explorer) re-plan identical pools;
# packing is pure, so a result is reused for the same catalog, region, purchase and pods.
_POOL_CACHE: dict[tuple[Any, ...], tuple[Catalog, NodePoolPlan]] = {}


def _plan_pool_uncached(
    ctx: Context,
    name: str,
    purchase: str,
    members: Sequence[ServicePlan],
    pods: tuple[PodGroup, ...],
) -> NodePoolPlan:
    z = ctx.zones
    shapes = _shapes(ctx, purchase)
    if not shapes:
        raise PlanningError(
            f"node pool {name!r}: no allowed {ctx.cloud} instance type in {ctx.primary} "
            f"is sold as {purchase} (defaults.node_types: {ctx.design.defaults.node_types})"
        )
    # Evaluate the cheapest lower bounds first and stop once no candidate can beat the best.
    bounded = sorted(
        (
            (nodes_lower_bound(pods, shape) * z * price.unit_price, price, shape)
            for price, shape in shapes
        ),
        key=lambda t: (t[0], t[1].product),
    )
    results: list[tuple[Decimal, int, Price, NodeShape, int]] = []
    best: Decimal | None = None
    for bound, price, shape in bounded:
        if best is not None and bound > best and len(results) >= 4:
            break
        per_zone = pack_first_fit_decreasing(pods, shape)
        if per_zone is None:
            continue
        nodes = per_zone * z
        hourly = nodes * price.unit_price
        results.append((hourly, nodes, price, shape, per_zone))
        if best is None or hourly < best:
            best = hourly
    if not results:
        biggest = max(members, key=lambda s: (s.cpu_request_m or 0, s.memory_request_mib or 0))
        raise PlanningError(
            f"service {biggest.name!r}: a replica of {biggest.cpu_request_m}m CPU and "
            f"{biggest.memory_request_mib} MiB fits no allowed {ctx.cloud} node type in "
            f"{ctx.primary}; lower replica.cpu/memory_mib or allow larger node_types"
        )
    results.sort(key=lambda r: (r[0], -r[1], r[2].product))
    hourly, nodes, price, shape, _ = results[0]
    cpu_req = sum(g.cpu_m * g.count for g in pods) * z
    mem_req = sum(g.memory_mib * g.count for g in pods) * z
    return NodePoolPlan(
        name=name,
        instance_type=price.product,
        nodes=nodes,
        zones=z,
        max_pods=shape.max_pods,
        allocatable_cpu_m=shape.allocatable_cpu_m,
        allocatable_memory_mib=shape.allocatable_memory_mib,
        cpu_utilization=round(cpu_req / (nodes * shape.allocatable_cpu_m), 4),
        memory_utilization=round(mem_req / (nodes * shape.allocatable_memory_mib), 4),
        purchase=purchase,
        services=tuple(s.name for s in members),
        shares=_shares(pods),
        candidates=tuple(
            PoolCandidate(r[2].product, r[1], (r[0] * HOURS).quantize(Decimal("0.01")))
            for r in results[:5]
        ),
    )


def _shares(pods: Sequence[PodGroup]) -> tuple[tuple[str, Decimal], ...]:
    """Each service's share of a shared pool: the mean of its CPU and memory shares."""
    cpu = sum(g.cpu_m * g.count for g in pods) or 1
    mem = sum(g.memory_mib * g.count for g in pods) or 1
    raw = [
        (g.service, (Decimal(g.cpu_m * g.count) / cpu + Decimal(g.memory_mib * g.count) / mem) / 2)
        for g in pods
    ]
    shares = [(name, share.quantize(_Q)) for name, share in raw]
    # Give the rounding remainder to the largest share so the shares sum to exactly 1.
    gap = Decimal(1) - sum(s for _, s in shares)
    top = max(range(len(shares)), key=lambda i: shares[i][1])
    shares[top] = (shares[top][0], shares[top][1] + gap)
    return tuple(shares)


# --- availability path ---------------------------------------------------------------------


def user_path(ctx: Context, services: Sequence[ServicePlan]) -> list[PathComponent]:
    """The entrypoints' load balancers, then each service of their dependency closure once."""
    by_name = {s.name: s for s in services}
    entry = [s.name for s in services if s.entrypoint]
    closure = dependency_closure(entry, {s.name: s.depends_on for s in services})
    lb_avail, lb_source = _sla(ctx, "load_balancer")
    path = [
        PathComponent(f"load-balancer ({name})", "load_balancer", lb_avail, lb_source)
        for name in entry
        if by_name[name].kind == Kind.stateless
    ]
    for name in closure:
        s = by_name[name]
        path.append(PathComponent(name, s.kind, s.availability, s.availability_source))
    return path


# --- cost components: primary region -------------------------------------------------------


def _c(
    service: str,
    resource: str,
    component: str,
    product: str,
    region: str,
    purchase: str,
    quantity: Decimal | float | int,
    per: str,
    *,
    engine: str = "",
    deployment: str = "",
    category: str = "",
) -> CostComponent:
    return CostComponent(
        service=service,
        resource=resource,
        component=component,
        product=product,
        region=region,
        purchase=purchase,
        quantity=dec(quantity),
        per=per,  # type: ignore[arg-type]
        engine=engine,
        deployment=deployment,
        category=category,
    )


def monthly_requests_million(ctx: Context, peak_rps: float) -> float:
    return peak_rps * float(ctx.traffic["average_to_peak"]) * SECONDS_PER_MONTH / 1e6


def region_components(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    compute_fraction: float = 1.0,
    lb_capacity: bool = True,
    category: str = "",
) -> list[CostComponent]:
    """Everything one serving region runs; `compute_fraction` scales compute (warm standby)."""
    out: list[CostComponent] = []
    z = ctx.zones

    def scaled(n: int, per_zone: bool = True) -> int:
        if compute_fraction >= 1:
            return n
        floor = z if per_zone else 1
        return max(floor, math.ceil(n * compute_fraction / floor) * floor)

    for pool in pools:
        nodes = scaled(pool.nodes)
        for service, share in pool.shares:
            out.append(
                _c(
                    service,
                    f"node-pool/{pool.name}",
                    f"{pool.instance_type} x {nodes} nodes (share {share:.4f})",
                    pool.instance_type,
                    region,
                    pool.purchase,
                    Decimal(nodes) * share,
                    "hour",
                    category=category or "compute",
                )
            )
    for s in services:
        if s.kind == Kind.stateless and s.platform == Platform.vm and s.instance_class:
            out.append(
                _c(
                    s.name,
                    f"vm/{s.name}",
                    f"{s.instance_class} x {scaled(s.replicas)}",
                    s.instance_class,
                    region,
                    s.purchase,
                    scaled(s.replicas),
                    "hour",
                    category=category or "compute",
                )
            )
        elif s.kind == Kind.stateless and s.platform == Platform.managed:
            n = scaled(s.replicas)
            vcpu = (s.cpu_request_m or 1000) / 1000
            mem_gib = (s.memory_request_mib or 512) / 1024
            out.append(
                _c(
                    s.name,
                    f"containers/{s.name}",
                    f"{n} x {vcpu:g} vCPU",
                    ctx.catalog.role("containers_vcpu"),
                    region,
                    s.purchase,
                    n * vcpu,
                    "hour",
                    category=category or "containers",
                )
            )
            out.append(
                _c(
                    s.name,
                    f"containers/{s.name}",
                    f"{n} x {mem_gib:g} GiB",
                    ctx.catalog.role("containers_memory"),
                    region,
                    s.purchase,
                    n * mem_gib,
                    "hour",
                    category=category or "containers",
                )
            )
        elif s.kind == Kind.database and s.instance_class:
            out += _database_components(ctx, s, region, category=category)
        elif s.kind == Kind.cache and s.instance_class:
            dep = "multi_az" if (s.multi_az and s.cache_nodes == 1) else ""
            out.append(
                _c(
                    s.name,
                    f"cache/{s.name}",
                    f"{s.instance_class} x {s.cache_nodes}",
                    s.instance_class,
                    region,
                    s.purchase,
                    s.cache_nodes,
                    "hour",
                    engine=s.engine or "",
                    deployment=_cache_deployment(ctx, s, dep),
                    category=category,
                )
            )
        elif s.kind == Kind.object_storage and s.instance_class:
            out.append(
                _c(
                    s.name,
                    f"bucket/{s.name}",
                    "storage",
                    s.instance_class,
                    region,
                    "on_demand",
                    s.storage_gib,
                    "month",
                    category=category,
                )
            )
            svc = ctx.service(s.name)
            egress = svc.transfer.egress_gib_month if svc.transfer else 0
            if egress and lb_capacity:
                out.append(
                    _c(
                        s.name,
                        f"bucket/{s.name}",
                        "egress to the internet",
                        ctx.catalog.role("egress"),
                        region,
                        "on_demand",
                        egress,
                        "month",
                        category=category,
                    )
                )
        elif s.kind == Kind.queue:
            msgs = ctx.service(s.name).messages_million_month
            if msgs:
                out.append(
                    _c(
                        s.name,
                        f"queue/{s.name}",
                        "requests",
                        ctx.catalog.role("queue_requests"),
                        region,
                        "on_demand",
                        msgs,
                        "month",
                        category=category,
                    )
                )
    out += _shared_components(
        ctx,
        region,
        services,
        pools,
        lb_capacity=lb_capacity,
        category=category,
        nat_zones=z if compute_fraction >= 1 else 1,
    )
    return out


def _cache_deployment(ctx: Context, s: ServicePlan, dep: str) -> str:
    # Match the catalog row the sizing picked (AWS rows carry no deployment).
    price = ctx.catalog.find(
        s.instance_class or "", ctx.primary, "on_demand", engine=s.engine or "", deployment=dep
    )
    return dep if price is not None else ""


def _database_components(
    ctx: Context,
    s: ServicePlan,
    region: str,
    *,
    category: str = "",
    multi_az: bool | None = None,
    replicas: int | None = None,
    prefix: str = "db",
) -> list[CostComponent]:
    multi = s.multi_az if multi_az is None else multi_az
    n_replicas = s.read_replicas if replicas is None else replicas
    dep = "multi_az" if multi else "single_az"
    cls = s.instance_class or ""
    engine = s.engine or ""
    storage = ctx.catalog.role("db_storage")
    # Some clouds price database storage per engine (Azure); others do not (AWS, GCP).
    storage_engine = (
        engine
        if ctx.catalog.find(storage, region, "on_demand", engine=engine, deployment=dep)
        else ""
    )
    out = [
        _c(
            s.name,
            f"{prefix}/{s.name}",
            f"primary {cls} ({dep.replace('_', '-')})",
            cls,
            region,
            s.purchase,
            1,
            "hour",
            engine=engine,
            deployment=dep,
            category=category,
        ),
        _c(
            s.name,
            f"{prefix}/{s.name}",
            f"storage {s.storage_gib:g} GiB ({dep.replace('_', '-')})",
            storage,
            region,
            "on_demand",
            s.storage_gib,
            "month",
            deployment=dep,
            engine=storage_engine,
            category=category or "database_storage",
        ),
    ]
    if n_replicas:
        out.append(
            _c(
                s.name,
                f"{prefix}/{s.name}",
                f"read replicas {cls} x {n_replicas}",
                cls,
                region,
                s.purchase,
                n_replicas,
                "hour",
                engine=engine,
                deployment="single_az",
                category=category,
            )
        )
        out.append(
            _c(
                s.name,
                f"{prefix}/{s.name}",
                f"replica storage {s.storage_gib:g} GiB x {n_replicas}",
                storage,
                region,
                "on_demand",
                s.storage_gib * n_replicas,
                "month",
                deployment="single_az",
                engine=storage_engine,
                category=category or "database_storage",
            )
        )
    return out


def lcu_per_hour(ctx: Context, peak_rps: float) -> float:
    """ALB capacity units: the largest of new connections, processed GB and rule evaluations."""
    t = ctx.traffic
    avg_rps = peak_rps * float(t["average_to_peak"])
    new_conn = avg_rps / float(t["requests_per_connection"]) / float(t["lcu_new_connections_per_s"])
    gb_per_hour = (
        avg_rps * float(t["response_kib"]) * 1024 * 3600 / 1e9 / float(t["lcu_gb_per_hour"])
    )
    rules = avg_rps / float(t["lcu_rule_evaluations_per_s"])
    return max(new_conn, gb_per_hour, rules)


def lb_gb_per_month(ctx: Context, peak_rps: float) -> float:
    t = ctx.traffic
    return (
        peak_rps
        * float(t["average_to_peak"])
        * float(t["response_kib"])
        * 1024
        * SECONDS_PER_MONTH
        / 1e9
    )


def _shared_components(
    ctx: Context,
    region: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    lb_capacity: bool,
    category: str,
    nat_zones: int,
) -> list[CostComponent]:
    out: list[CostComponent] = []
    if pools:
        out.append(
            _c(
                "platform",
                "kubernetes",
                "control plane",
                ctx.catalog.role("k8s_control_plane"),
                region,
                "on_demand",
                1,
                "hour",
                category=category or "kubernetes",
            )
        )
    for s in services:
        if not (s.entrypoint and s.kind == Kind.stateless):
            continue
        out.append(
            _c(
                s.name,
                f"load-balancer/{s.name}",
                "load balancer hours",
                ctx.catalog.role("lb_hour"),
                region,
                "on_demand",
                1,
                "hour",
                category=category or "load_balancer",
            )
        )
        load = ctx.service(s.name).load
        if lb_capacity and load is not None:
            product = ctx.catalog.role("lb_capacity")
            unit = ctx.catalog.price(product, region, "on_demand").unit
            if unit == "GB":
                qty, per, what = lb_gb_per_month(ctx, load.peak_rps), "month", "data processed"
            else:
                qty, per, what = lcu_per_hour(ctx, load.peak_rps), "hour", "capacity units"
            out.append(
                _c(
                    s.name,
                    f"load-balancer/{s.name}",
                    what,
                    product,
                    region,
                    "on_demand",
                    qty,
                    per,
                    category=category or "load_balancer",
                )
            )
    if any(s.kind == Kind.stateless and s.platform != Platform.managed for s in services):
        gib = float(ctx.traffic["nat_gib_per_zone_month"])
        out.append(
            _c(
                "platform",
                "nat-gateway",
                f"{nat_zones} gateways (one per zone)",
                ctx.catalog.role("nat_hour"),
                region,
                "on_demand",
                nat_zones,
                "hour",
                category=category or "nat",
            )
        )
        out.append(
            _c(
                "platform",
                "nat-gateway",
                "data processed",
                ctx.catalog.role("nat_gb"),
                region,
                "on_demand",
                gib * nat_zones,
                "month",
                category=category or "nat",
            )
        )
    if ctx.zones >= 2:
        gib = inter_zone_gib(ctx, services)
        if gib > 0:
            out.append(
                _c(
                    "platform",
                    "network",
                    "inter-zone traffic (both directions)",
                    ctx.catalog.role("inter_az"),
                    region,
                    "on_demand",
                    gib * 2,
                    "month",
                    category=category or "network",
                )
            )
    return out


def inter_zone_gib(ctx: Context, services: Sequence[ServicePlan]) -> float:
    """GiB a month crossing zones on service-to-service calls (the documented estimate)."""
    design = ctx.design
    per_million = design.defaults.inter_zone_gib_per_million_requests
    crossing = (ctx.zones - 1) / ctx.zones
    total = 0.0
    for s in services:
        load = ctx.service(s.name).load
        if load is None:
            continue
        total += (
            len(s.depends_on)
            * monthly_requests_million(ctx, load.peak_rps)
            * per_million
            * crossing
        )
    return total


# --- cost components: the DR region for each strategy --------------------------------------


def dr_components(
    ctx: Context, strategy: str, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """What the DR region costs under `strategy`; each strategy keeps the cheaper ones' parts."""
    region = ctx.dr_region
    change = ctx.dr.daily_change_fraction
    days = ctx.dr.days_per_month
    retention = ctx.design.dr.backup_retention_days
    out: list[CostComponent] = []
    data = [s for s in services if s.kind in (Kind.database, Kind.object_storage)]
    # backup & restore: cross-region copies of databases and buckets.
    for s in data:
        if s.kind == Kind.database:
            backup_gib = s.storage_gib * (1 + change * (retention - 1))
            out.append(
                _c(
                    s.name,
                    f"dr-backup/{s.name}",
                    f"snapshot copies ({retention} days)",
                    ctx.catalog.role("snapshot"),
                    region,
                    "on_demand",
                    backup_gib,
                    "month",
                    category="dr",
                )
            )
        else:
            out.append(
                _c(
                    s.name,
                    f"dr-backup/{s.name}",
                    "replicated objects (infrequent access)",
                    ctx.catalog.role("object_storage.standard_ia"),
                    region,
                    "on_demand",
                    s.storage_gib,
                    "month",
                    category="dr",
                )
            )
        out.append(
            _c(
                s.name,
                f"dr-backup/{s.name}",
                "cross-region copy of daily changes",
                ctx.catalog.role("inter_region"),
                ctx.primary,
                "on_demand",
                s.storage_gib * change * days,
                "month",
                category="dr",
            )
        )
    if strategy == "backup_restore":
        return out
    if strategy == "active_active":
        full = region_components(ctx, region, services, pools, lb_capacity=False, category="dr")
        full = [c for c in full if not c.resource.startswith("bucket/")]
        for s in services:
            if s.kind == Kind.database:
                full.append(
                    _c(
                        s.name,
                        f"dr-replication/{s.name}",
                        "replication traffic",
                        ctx.catalog.role("inter_region"),
                        ctx.primary,
                        "on_demand",
                        s.storage_gib * change * days,
                        "month",
                        category="dr",
                    )
                )
        return out + full
    # pilot light: live database replicas and the always-on core.
    for s in services:
        if s.kind == Kind.database:
            out += _database_components(
                ctx, s, region, category="dr", multi_az=False, replicas=0, prefix="dr-db"
            )
            out.append(
                _c(
                    s.name,
                    f"dr-replication/{s.name}",
                    "replication traffic",
                    ctx.catalog.role("inter_region"),
                    ctx.primary,
                    "on_demand",
                    s.storage_gib * change * days,
                    "month",
                    category="dr",
                )
            )
    if pools:
        out.append(
            _c(
                "platform",
                "dr-kubernetes",
                "control plane (standby)",
                ctx.catalog.role("k8s_control_plane"),
                region,
                "on_demand",
                1,
                "hour",
                category="dr",
            )
        )
    for s in services:
        if s.entrypoint and s.kind == Kind.stateless:
            out.append(
                _c(
                    s.name,
                    f"dr-load-balancer/{s.name}",
                    "load balancer hours (idle)",
                    ctx.catalog.role("lb_hour"),
                    region,
                    "on_demand",
                    1,
                    "hour",
                    category="dr",
                )
            )
    if strategy == "pilot_light":
        return out
    # warm standby: compute at warm_fraction, one cache node each, one NAT gateway.
    fraction = ctx.design.dr.warm_fraction
    warm_services = [s for s in services if s.kind == Kind.stateless]
    warm = region_components(
        ctx,
        region,
        warm_services,
        pools,
        compute_fraction=fraction,
        lb_capacity=False,
        category="dr",
    )
    warm = [
        c
        for c in warm
        if c.resource not in ("kubernetes",)
        and not c.resource.startswith("load-balancer/")
        and c.resource != "network"
    ]
    for s in services:
        if s.kind == Kind.cache and s.instance_class:
            warm.append(
                _c(
                    s.name,
                    f"dr-cache/{s.name}",
                    f"{s.instance_class} x 1 (warm)",
                    s.instance_class,
                    region,
                    s.purchase,
                    1,
                    "hour",
                    engine=s.engine or "",
                    deployment=_cache_deployment(
                        ctx, s, "multi_az" if (s.multi_az and s.cache_nodes == 1) else ""
                    ),
                    category="dr",
                )
            )
    return out + warm
