"""Recovery: what each DR strategy achieves for this design, computed from what it deploys.

RPO is the worst data loss over the design's data stores: a database's asynchronous replica
lag (pilot light and up), none where the engine writes in every region (active-active), or
its backups (backup & restore: point-in-time logs copied across regions, else the daily
snapshot); a bucket's replication bound. RTO is the time to detect the outage (health
checks), decide to fail over (a person; not needed where every region already writes),
do the slowest of the parallel work (promote a replica, restore a backup, provision the
region, scale the standby out) and move traffic (DNS TTL). Figures and their sources:
data/dr.yaml and data/engines.yaml; the method: docs/model.md, "DR".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..defaults import EngineFacts
from ..design import DRStrategy, Kind
from ..errors import PlanningError
from ..regions import find_region
from ..units import format_duration
from .context import Context
from .services import ServicePlan


@dataclass(frozen=True)
class Recovery:
    """What one strategy achieves: RTO as the steps that add up to it, RPO with its basis."""

    strategy: str
    rto_s: int
    rpo_s: int
    rto_steps: tuple[tuple[str, int], ...]  # in order; their seconds sum to rto_s
    rpo_basis: str
    mechanism: str


def recoveries(ctx: Context, services: Sequence[ServicePlan]) -> dict[str, Recovery]:
    """Every strategy's recovery, cheapest strategy first."""
    return {s: recovery(ctx, services, s) for s in ctx.dr.strategies}


def recovery(ctx: Context, services: Sequence[ServicePlan], strategy: str) -> Recovery:
    s = DRStrategy(strategy)
    databases = [x for x in services if x.kind == Kind.database]
    rpo_s, basis = _rpo(ctx, services, databases, s)
    steps, mechanism = _rto_steps(ctx, services, databases, s)
    return Recovery(
        strategy=s.value,
        rto_s=sum(t for _, t in steps),
        rpo_s=rpo_s,
        rto_steps=tuple(steps),
        rpo_basis=basis,
        mechanism=mechanism,
    )


def _engine(ctx: Context, db: ServicePlan) -> EngineFacts:
    facts = ctx.engines.get(db.engine or "")
    if facts is None:
        raise PlanningError(
            f"service {db.name!r}: engine {db.engine!r} has no DR facts on {ctx.cloud} "
            f"(data/engines.yaml has: {', '.join(sorted(ctx.engines)) or 'none'})"
        )
    return facts


def _rpo(
    ctx: Context,
    services: Sequence[ServicePlan],
    databases: Sequence[ServicePlan],
    s: DRStrategy,
) -> tuple[int, str]:
    """The worst data loss over the data stores, and which store and why."""
    losses = [(0, "no data store holds data of record")]
    for db in databases:
        facts = _engine(ctx, db)
        if s == DRStrategy.backup_restore:
            pitr = ctx.design.dr.point_in_time_recovery and bool(facts.cross_region_backups.value)
            fact = facts.pitr if pitr else facts.snapshot_interval
            why = "point-in-time logs copied to the DR region" if pitr else "daily snapshot copies"
        elif facts.multi_region_writes and s == DRStrategy.active_active:
            losses.append((0, f"{db.name}: {facts.name} writes in every region"))
            continue
        else:
            fact, why = facts.replication_lag, "asynchronous cross-region replica lag"
        losses.append((int(fact.value), f"{db.name}: {why} ({facts.name})"))
    buckets = [x.name for x in services if x.kind == Kind.object_storage]
    if buckets:
        bound = ctx.dr.timings["object_replication"]
        names = ", ".join(buckets)
        losses.append((int(bound.value), f"{names}: object storage cross-region replication bound"))
    worst = max(losses, key=lambda x: x[0])
    return worst[0], f"{format_duration(worst[0])}: {worst[1]}"


def _rto_steps(
    ctx: Context,
    services: Sequence[ServicePlan],
    databases: Sequence[ServicePlan],
    s: DRStrategy,
) -> tuple[list[tuple[str, int]], str]:
    """Detect, decide, the slowest of the parallel work, move traffic."""
    t = ctx.dr
    detection = t.timing("health_check_interval") * t.timing("health_check_failures")
    writes_everywhere = s == DRStrategy.active_active and all(
        _engine(ctx, db).multi_region_writes for db in databases
    )
    automatic = s == DRStrategy.active_active and all(
        _engine(ctx, db).multi_region_writes or _engine(ctx, db).automatic_failover
        for db in databases
    )
    steps = [("detect the outage (health checks)", detection)]
    if not automatic:
        decision = ctx.design.dr.decision_time
        seconds = int(decision.total_seconds()) if decision is not None else t.timing("decision")
        steps.append(("decide to fail over", seconds))
    work, mechanism = _work(ctx, services, databases, s, writes_everywhere)
    if work:
        steps.append(max(work, key=lambda w: w[1]))
    steps.append(("move traffic (DNS TTL)", t.timing("dns_ttl")))
    return steps, mechanism


def _work(
    ctx: Context,
    services: Sequence[ServicePlan],
    databases: Sequence[ServicePlan],
    s: DRStrategy,
    writes_everywhere: bool,
) -> tuple[list[tuple[str, int]], str]:
    """The failover work that runs in parallel, and what the strategy does to recover."""
    t = ctx.dr
    computes = any(x.kind == Kind.stateless for x in services)
    if s == DRStrategy.backup_restore:
        work = [("provision the DR region", t.timing("provision_region"))]
        for db in databases:
            facts = _engine(ctx, db)
            hours = db.storage_gib / facts.restore_rate_gib_per_hour.value
            seconds = int(facts.restore_fixed.value + hours * 3600)
            work.append((f"restore {db.name} ({db.storage_gib:g} GiB) from backup", seconds))
        return work, "restore from cross-region backups into a freshly provisioned region"
    work = []
    if not writes_everywhere:
        for db in databases:
            facts = _engine(ctx, db)
            work.append((f"promote {db.name}'s cross-region replica", int(facts.promotion.value)))
    if computes and s == DRStrategy.pilot_light:
        work.append(("start compute from zero", t.timing("scale_from_zero")))
    elif computes and s == DRStrategy.warm_standby:
        work.append(("scale the warm standby out", t.timing("scale_out")))
    if writes_everywhere:
        return work, "the other region keeps serving; no promotion (writes in every region)"
    if s == DRStrategy.active_active:
        return work, "the other region keeps serving reads; promote its database replica"
    return work, "promote the cross-region replicas and bring compute up in the DR region"


def geo_pair_notes(ctx: Context, services: Sequence[ServicePlan], strategy: str) -> list[str]:
    """Backup & restore on a cloud that geo-restores only into its own region pair (Azure's
    Flexible Servers restore geo-redundant backups in the pair) runs the restored databases
    there: the plan must say so when its DR region, which it prices, is another."""
    primary = find_region(ctx.cloud, ctx.regions[0])
    pair = primary.geo_pair if primary else ""
    databases = [s.name for s in services if s.kind == Kind.database]
    if strategy != DRStrategy.backup_restore or not databases or pair in ("", ctx.dr_region):
        return []
    return [
        f"DR: backup & restore geo-restores {', '.join(databases)} from geo-redundant backups, "
        f"copied to {ctx.regions[0]}'s region pair, {pair}: the restored servers run there, not "
        f"in {ctx.dr_region}, whose prices the plan uses; plan with dr_region: {pair} and a "
        "catalog that prices it to price where they run"
    ]
