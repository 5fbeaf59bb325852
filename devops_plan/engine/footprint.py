"""Cost components: what each deployed resource declares, in the primary region and in the
DR region for each strategy. Resources declare; `cost.price_components` prices them later.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from ..design import Kind, Platform
from .cost import CostComponent
from .pools import NodePoolPlan
from .services import SECONDS_PER_MONTH, Context, ServicePlan, dec


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


def _daily_changes(ctx: Context, s: ServicePlan, prefix: str, what: str) -> CostComponent:
    """Cross-region transfer of a data service's daily changes for a month (backup copies
    and live replication move the same bytes)."""
    return _c(
        s.name,
        f"{prefix}/{s.name}",
        what,
        ctx.catalog.role("inter_region"),
        ctx.primary,
        "on_demand",
        s.storage_gib * ctx.dr.daily_change_fraction * ctx.dr.days_per_month,
        "month",
        category="dr",
    )


def dr_components(
    ctx: Context, strategy: str, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """What the DR region costs under `strategy`; each strategy keeps the cheaper ones' parts."""
    region = ctx.dr_region
    change = ctx.dr.daily_change_fraction
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
        out.append(_daily_changes(ctx, s, "dr-backup", "cross-region copy of daily changes"))
    if strategy == "backup_restore":
        return out
    if strategy == "active_active":
        full = region_components(ctx, region, services, pools, lb_capacity=False, category="dr")
        full = [c for c in full if not c.resource.startswith("bucket/")]
        for s in services:
            if s.kind == Kind.database:
                full.append(_daily_changes(ctx, s, "dr-replication", "replication traffic"))
        return out + full
    # pilot light: live database replicas and the always-on core.
    for s in services:
        if s.kind == Kind.database:
            out += _database_components(
                ctx, s, region, category="dr", multi_az=False, replicas=0, prefix="dr-db"
            )
            out.append(_daily_changes(ctx, s, "dr-replication", "replication traffic"))
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
