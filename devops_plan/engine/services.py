"""Topology: what gets deployed where. Resolves the design onto a cloud and regions (the
Context) and sizes every service: replicas, managed database and cache classes, buckets,
queues, and the user path through them.

Node pools are chosen in `pools.py`; the cost components each resource declares are in
`components.py`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..catalog import Catalog, Price
from ..defaults import DRTable, SLAEntry
from ..design import Design, Kind, Platform, Service
from ..errors import CatalogError, PlanningError
from ..regions import find_region
from ..units import HOURS_PER_MONTH
from .availability import PathComponent, dependency_closure
from .formulas import ReplicaSizing, size_replicas

HOURS = Decimal(HOURS_PER_MONTH)
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
QUANTITY = Decimal("0.000001")  # six places: quantities repeat to the digit


def dec(value: float | int | Decimal) -> Decimal:
    """A Decimal quantity with six places, so repeated runs give the same digits."""
    return Decimal(str(value)).quantize(QUANTITY)


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
        for p in catalog_products(
            ctx,
            category="compute",
            purchase=purchase,
            min_vcpu=vcpu,
            min_memory_gib=need_gib,
        )
        if (
            (p.product in allow or p.family in allow)
            if allow
            else (p.generation == "current" and not p.burstable)
        )
    ]
    if not options:
        raise PlanningError(
            f"service {name!r}: no {ctx.cloud} instance type in {ctx.primary} has {vcpu:g} vCPU "
            f"and {need_gib:.1f} GiB ({purchase})"
        )
    return options[0]


_CLASS_CACHE: dict[tuple[Any, ...], tuple[Catalog, list[Price]]] = {}


def catalog_products(ctx: Context, **query: Any) -> list[Price]:
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
        for p in catalog_products(
            ctx,
            category="database",
            engine=engine,
            deployment=deployment,
            min_vcpu=size.vcpu,
            min_memory_gib=size.memory_gib,
        )
        if not p.burstable
    ]
    if not options:
        raise PlanningError(
            f"service {svc.name!r}: no {ctx.cloud} {engine} class in {ctx.primary} has "
            f"{size.vcpu:g} vCPU and {size.memory_gib:g} GiB"
        )
    return options[0]


def _managed(svc: Service, **fields: Any) -> ServicePlan:
    """A managed data service: the cloud runs it, so it has no pods, requests or limits."""
    return ServicePlan(
        name=svc.name,
        kind=svc.kind.value,
        platform="managed",
        entrypoint=svc.entrypoint,
        depends_on=svc.depends_on,
        cpu_request_m=None,
        memory_request_mib=None,
        memory_limit_mib=None,
        **fields,
    )


def _check_engine(ctx: Context, svc: Service, category: str, engine: str) -> None:
    engines = sorted({p.engine for p in catalog_products(ctx, category=category) if p.engine})
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
    return _managed(
        svc,
        purchase=svc.purchase.value if svc.purchase else ctx.purchase,
        zones=2 if multi else 1,
        replicas=1 + svc.read_replicas,
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
            for p in catalog_products(
                ctx,
                category="cache",
                engine=engine,
                deployment="multi_az",
                min_memory_gib=size.memory_gib,
            )
            if not p.burstable
        ]
        if bundled:
            return bundled[0], 1
    options = [
        p
        for p in catalog_products(
            ctx, category="cache", engine=engine, min_memory_gib=size.memory_gib
        )
        if p.deployment in ("", "single_az") and not p.burstable
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
    return _managed(
        svc,
        purchase=svc.purchase.value if svc.purchase else ctx.purchase,
        zones=min(nodes, ctx.zones) if multi else 1,
        replicas=nodes,
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
    return _managed(
        svc,
        purchase="on_demand",
        zones=ctx.zones,
        replicas=0,
        instance_class=product,
        multi_az=None,
        availability=avail,
        availability_source=source,
        storage_gib=(svc.size.storage_gib or 0) if svc.size else 0,
    )


def _size_queue(ctx: Context, svc: Service) -> ServicePlan:
    avail, source = _sla(ctx, "queue")
    return _managed(
        svc,
        purchase="on_demand",
        zones=ctx.zones,
        replicas=0,
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
