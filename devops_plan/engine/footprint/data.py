"""Data declarers: database instances and storage (primary, standby, read replicas) and cache
nodes. Buckets, queues and backups are storage (storage.py)."""

from __future__ import annotations

from ...design import Kind
from ..context import Context
from ..cost import CostComponent
from ..services import ServicePlan
from .base import component
from .engines import workload_database


def database(
    ctx: Context,
    s: ServicePlan,
    region: str,
    *,
    category: str = "",
    multi_az: bool | None = None,
    replicas: int | None = None,
    prefix: str = "db",
) -> list[CostComponent]:
    """The primary (single- or Multi-AZ), its storage, and read replicas with theirs."""
    if s.kind != Kind.database or not s.instance_class:
        return []
    facts = ctx.engines.get(s.engine or "")
    if facts is not None and facts.pricing != "instance":
        return workload_database(ctx, s, region, f"{prefix}/{s.name}", category)
    multi = s.multi_az if multi_az is None else multi_az
    n_replicas = s.read_replicas if replicas is None else replicas
    dep = "multi_az" if multi else "single_az"
    cls = s.instance_class
    engine = s.engine or ""
    storage = (
        facts.storage_product if facts and facts.storage_product else ctx.catalog.role("db_storage")
    )
    # Some clouds price database storage per engine (Azure); others do not (AWS, GCP).
    priced_by_engine = ctx.catalog.find(storage, region, "on_demand", engine=engine, deployment=dep)
    storage_engine = engine if priced_by_engine else ""
    resource = f"{prefix}/{s.name}"
    out = [
        component(
            s.name, resource, f"primary {cls} ({dep.replace('_', '-')})", cls, region,
            s.purchase, 1, "hour", engine=engine, deployment=dep, category=category,
        ),
        component(
            s.name, resource, f"storage {s.storage_gib:g} GiB ({dep.replace('_', '-')})",
            storage, region, "on_demand", s.storage_gib, "month", deployment=dep,
            engine=storage_engine, category=category or "database_storage",
        ),
    ]  # fmt: skip
    if n_replicas:
        out += [
            component(
                s.name, resource, f"read replicas {cls} x {n_replicas}", cls, region,
                s.purchase, n_replicas, "hour", engine=engine, deployment="single_az",
                category=category,
            ),
            component(
                s.name, resource, f"replica storage {s.storage_gib:g} GiB x {n_replicas}",
                storage, region, "on_demand", s.storage_gib * n_replicas, "month",
                deployment="single_az", engine=storage_engine,
                category=category or "database_storage",
            ),
        ]  # fmt: skip
    return out


def cache_deployment(ctx: Context, s: ServicePlan) -> str:
    """The deployment of the catalog row the sizing picked ('multi_az' for a zone-redundant
    tier sold as one product; AWS rows carry none)."""
    dep = "multi_az" if (s.multi_az and s.cache_nodes == 1) else ""
    price = ctx.catalog.find(
        s.instance_class or "", ctx.primary, "on_demand", engine=s.engine or "", deployment=dep
    )
    return dep if price is not None else ""


def cache(
    ctx: Context,
    s: ServicePlan,
    region: str,
    *,
    nodes: int | None = None,
    category: str = "",
    prefix: str = "cache",
    note: str = "",
) -> list[CostComponent]:
    """The cache nodes (all of them, or `nodes` for a warm copy)."""
    if s.kind != Kind.cache or not s.instance_class:
        return []
    count = s.cache_nodes if nodes is None else nodes
    return [
        component(
            s.name,
            f"{prefix}/{s.name}",
            f"{s.instance_class} x {count}{note}",
            s.instance_class,
            region,
            s.purchase,
            count,
            "hour",
            engine=s.engine or "",
            deployment=cache_deployment(ctx, s),
            category=category,
        )
    ]
