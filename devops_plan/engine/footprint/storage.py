"""Storage declarers: node and VM root volumes, database backup storage beyond the free
allowance, object storage by lifecycle class with its requests and transitions, and queues
by their real tiers and limits (engine/queues.py chooses the tier)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...design import DatabaseService, Kind, ObjectStorageService, Platform, QueueService
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..queues import queue_plan
from ..services import ServicePlan
from .base import DAYS_PER_MONTH, component
from .compute import counts


def root_gib(ctx: Context, pool: str | None) -> int:
    """A node's root volume: the pool's `root_volume_gib`, else the cloud's default."""
    settings = ctx.design.node_pools.get(pool or "")
    asked = settings.root_volume_gib if settings is not None else None
    return asked or ctx.facts.root_volume_gib


def root_volumes(
    ctx: Context, region: str, pools: Sequence[NodePoolPlan], fraction: float, category: str,
    autoscale: bool = True,
) -> list[CostComponent]:  # fmt: skip
    """Each node's root volume, for as long as the node runs (autoscaled nodes take theirs
    with them): one line per pool, a cost the pool's services share."""
    out = []
    product = ctx.catalog.role("root_volume")
    for pool in pools:
        gib = root_gib(ctx, pool.name)
        _, average, _ = counts(pool.nodes, pool.hourly_nodes, fraction, ctx.zones, autoscale)
        out.append(component("platform", f"node-pool/{pool.name}", f"root volumes {gib} GiB",
                             product, region, "on_demand", average * gib, "month",
                             category=category or "block_storage"))  # fmt: skip
    return out


def vm_root_volumes(
    ctx: Context,
    s: ServicePlan,
    region: str,
    fraction: float,
    category: str,
    autoscale: bool = True,
) -> list[CostComponent]:
    if s.kind != Kind.stateless or s.platform != Platform.vm:
        return []
    gib = ctx.facts.root_volume_gib
    _, average, _ = counts(s.replicas, s.hourly_replicas, fraction, ctx.zones, autoscale)
    return [
        component(s.name, f"vm/{s.name}", f"root volumes {gib} GiB", ctx.catalog.role("root_volume"),
                  region, "on_demand", average * gib, "month", category=category or "block_storage")
    ]  # fmt: skip


def backup_gib(ctx: Context, s: ServicePlan) -> Decimal:
    """Backup storage beyond the free allowance: a full copy and (retention - 1) daily
    changes, plus with point-in-time recovery the transaction logs of the retention window
    (a day's change a day), less the allowance (a fraction of the provisioned storage)."""
    svc = ctx.service(s.name)
    if not isinstance(svc, DatabaseService):
        return Decimal(0)
    storage = Decimal(str(s.storage_gib))
    change = Decimal(str(ctx.dr.daily_change_fraction))
    days = svc.backup.retention_days
    kept = storage * (1 + change * (days - 1))
    if svc.backup.pitr:
        kept += storage * change * days
    free = storage * Decimal(str(ctx.facts.db_backup_free_fraction))
    return max(Decimal(0), kept - free)


def database_backups(
    ctx: Context, s: ServicePlan, region: str, category: str
) -> list[CostComponent]:
    svc = ctx.service(s.name)
    gib = backup_gib(ctx, s)
    facts = ctx.engines.get(s.engine or "")
    if facts is not None and facts.pricing != "instance":
        return []  # engines priced by their work bill backups their own way (not modelled)
    if not isinstance(svc, DatabaseService) or gib <= 0:
        return []
    product = ctx.catalog.role("db_backup")
    by_engine = ctx.catalog.find(product, region, engine=s.engine or "") is not None
    pitr = ", point-in-time logs" if svc.backup.pitr else ""
    return [
        component(s.name, f"db/{s.name}",
                  f"backup storage ({svc.backup.retention_days} days{pitr}) beyond the allowance",
                  product, region, "on_demand", gib, "month",
                  engine=(s.engine or "") if by_engine else "", category=category or "snapshot")
    ]  # fmt: skip


def _classes(svc: ObjectStorageService) -> list[tuple[str, Decimal]]:
    """(storage class, share of the stored bytes): objects written evenly and kept
    `retention_days` spend each rule's span in its class."""
    if not svc.lifecycle or not svc.retention_days:
        return [(svc.storage_class, Decimal(1))]
    out, start, cls = [], 0, svc.storage_class
    for rule in svc.lifecycle:
        out.append((cls, Decimal(rule.after_days - start) / svc.retention_days))
        start, cls = rule.after_days, rule.storage_class
    out.append((cls, Decimal(svc.retention_days - start) / svc.retention_days))
    return out


def bucket(
    ctx: Context, s: ServicePlan, region: str, share: float, category: str
) -> list[CostComponent]:
    """Stored GiB by lifecycle class, requests (the callers' calls, split into writes and
    reads, and the objects served to the internet), and lifecycle transitions."""
    svc = ctx.service(s.name)
    if not isinstance(svc, ObjectStorageService) or not s.instance_class:
        return []
    resource, storage = f"bucket/{s.name}", Decimal(str(s.storage_gib))
    out = []
    for cls, part in _classes(svc):
        label = "storage" if len(_classes(svc)) == 1 else f"storage, {cls} ({part:.0%})"
        out.append(component(s.name, resource, label, ctx.catalog.role(f"object_storage.{cls}"),
                             region, "on_demand", storage * part, "month", category=category))  # fmt: skip
    out += _bucket_requests(ctx, s, svc, region, share, category)
    t = ctx.traffic
    kib = Decimal(str(svc.object_kib or t.object_kib))
    if svc.lifecycle and svc.retention_days:
        written = storage * 1024 * 1024 / kib / svc.retention_days * DAYS_PER_MONTH / Decimal("1e6")
        for rule in svc.lifecycle:
            out.append(component(s.name, resource, f"transitions to {rule.storage_class}",
                                 ctx.catalog.role(f"object_transition.{rule.storage_class}"),
                                 region, "on_demand", written, "month", category=category))  # fmt: skip
    return out


def _bucket_requests(
    ctx: Context,
    s: ServicePlan,
    svc: ObjectStorageService,
    region: str,
    share: float,
    category: str,
) -> list[CostComponent]:
    t = ctx.traffic
    calls = sum(c.monthly_calls for c in ctx.flows.calls_to(s.name)) * share
    write = t.write_share if svc.write_share is None else svc.write_share
    kib = svc.object_kib or t.object_kib
    served = svc.transfer.egress_gib_month * 1024 * 1024 / kib if share > 0 else 0
    cls = svc.storage_class
    out = []
    for what, role, qty in (
        ("write requests", f"object_write.{cls}", calls * write),
        ("read requests", f"object_read.{cls}", calls * (1 - write) + served),
    ):
        if qty > 0:
            out.append(component(s.name, f"bucket/{s.name}", what, ctx.catalog.role(role), region,
                                 "on_demand", qty / 1e6, "month", category=category))  # fmt: skip
    return out


def queue(
    ctx: Context, s: ServicePlan, region: str, share: float, category: str
) -> list[CostComponent]:
    """A queue priced by the tier that carries its peak: operations a month in the product's
    tiers, Service Bus Standard's namespace hours, or Premium messaging units."""
    svc = ctx.service(s.name)
    if not isinstance(svc, QueueService):
        return []
    plan = queue_plan(ctx, svc)
    resource = f"queue/{s.name}"
    out = []
    if plan.units:
        out.append(component(s.name, resource, f"Premium messaging units x {plan.units}",
                             ctx.catalog.role("queue_premium_unit"), region, "on_demand",
                             plan.units, "hour", category=category))  # fmt: skip
        return out
    base = ctx.catalog.find_role("queue_base")
    if base is not None:
        out.append(component(s.name, resource, "namespace", base, region, "on_demand", 1, "hour",
                             category=category))  # fmt: skip
    if plan.operations_million > 0 and share > 0:
        ops = plan.operations_per_message
        per = "a message" if plan.batch == 1 else f"a batch of {plan.batch} messages"
        out.append(component(s.name, resource, f"{ops} operation{'s' if ops != 1 else ''} {per}",
                             plan.product, region, "on_demand", plan.operations_million * share,
                             "month", category=category))  # fmt: skip
    return out


__all__ = [
    "backup_gib",
    "bucket",
    "database_backups",
    "queue",
    "root_gib",
    "root_volumes",
    "vm_root_volumes",
]
