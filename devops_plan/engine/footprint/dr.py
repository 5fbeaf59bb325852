"""What the DR region runs under each strategy. Each strategy keeps the cheaper ones' parts:
backup copies; then live database replicas, a standby control plane and idle load balancers
(pilot light); then compute at the warm fraction and one cache node (warm standby); or a
full second serving region (active-active)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...design import DRStrategy, Kind
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan
from . import data, network
from .base import component
from .region import region_components

Strategy = Callable[[Context, Sequence[ServicePlan], Sequence[NodePoolPlan]], list[CostComponent]]


def dr_components(
    ctx: Context, strategy: str, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """What the DR region costs under `strategy`."""
    return STRATEGIES[DRStrategy(strategy)](ctx, services, pools)


def daily_changes(ctx: Context, s: ServicePlan, prefix: str, what: str) -> CostComponent:
    """Cross-region transfer of a data service's daily changes for a month (backup copies
    and live replication move the same bytes)."""
    gib = s.storage_gib * ctx.dr.daily_change_fraction * ctx.dr.days_per_month
    return component(
        s.name, f"{prefix}/{s.name}", what, ctx.catalog.role("inter_region"), ctx.primary,
        "on_demand", gib, "month", category="dr",
    )  # fmt: skip


def _backup_copy(ctx: Context, s: ServicePlan) -> CostComponent:
    """A database's snapshots kept in the DR region, or a bucket's replicated objects."""
    resource = f"dr-backup/{s.name}"
    if s.kind == Kind.database:
        retention = ctx.design.dr.backup_retention_days
        gib = s.storage_gib * (1 + ctx.dr.daily_change_fraction * (retention - 1))
        what, role = f"snapshot copies ({retention} days)", "snapshot"
    else:
        gib, what = s.storage_gib, "replicated objects (infrequent access)"
        role = "object_storage.standard_ia"
    return component(
        s.name, resource, what, ctx.catalog.role(role), ctx.dr_region, "on_demand", gib,
        "month", category="dr",
    )  # fmt: skip


def backup_restore(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """Cross-region copies of databases and buckets, restored after a disaster."""
    out: list[CostComponent] = []
    for s in services:
        if s.kind in (Kind.database, Kind.object_storage):
            out.append(_backup_copy(ctx, s))
            out.append(daily_changes(ctx, s, "dr-backup", "cross-region copy of daily changes"))
    return out


def _replicas(ctx: Context, services: Sequence[ServicePlan]) -> list[CostComponent]:
    """Live single-AZ database replicas in the DR region, and their replication traffic."""
    out: list[CostComponent] = []
    for s in services:
        if s.kind == Kind.database:
            out += data.database(
                ctx, s, ctx.dr_region, category="dr", multi_az=False, replicas=0, prefix="dr-db"
            )
            if _replicates_by_transfer(ctx, s):
                out.append(daily_changes(ctx, s, "dr-replication", "replication traffic"))
    return out


def _replicates_by_transfer(ctx: Context, s: ServicePlan) -> bool:
    # Engines priced by their work bill cross-region replication in that work (DSQL's
    # replicated writes, a multi-region Spanner or Cosmos DB account), not as transfer.
    facts = ctx.engines.get(s.engine or "")
    return facts is None or facts.pricing == "instance"


def pilot_light(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """Backups, live database replicas, and the always-on core: control plane, idle LBs."""
    out = backup_restore(ctx, services, pools) + _replicas(ctx, services)
    region = ctx.dr_region
    if pools:
        out += network.control_plane(
            ctx, region, resource="dr-kubernetes", what="control plane (standby)", category="dr"
        )
    for s in services:
        out += network.load_balancer(
            ctx, s, region, capacity=False, category="dr", prefix="dr-load-balancer",
            what="load balancer hours (idle)",
        )  # fmt: skip
    return out


def _warm_copy(c: CostComponent) -> bool:
    # The standby's own control plane and load balancers are the pilot light's; a copy that
    # serves no traffic moves nothing between zones.
    return c.resource not in ("kubernetes", "network") and not c.resource.startswith(
        "load-balancer/"
    )


def warm_standby(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """The pilot light plus compute at `dr.warm_fraction` and one node of each cache."""
    stateless = [s for s in services if s.kind == Kind.stateless]
    warm = region_components(
        ctx,
        ctx.dr_region,
        stateless,
        pools,
        compute_fraction=ctx.design.dr.warm_fraction,
        lb_capacity=False,
        category="dr",
    )
    out = pilot_light(ctx, services, pools) + [c for c in warm if _warm_copy(c)]
    for s in services:
        out += data.cache(
            ctx, s, ctx.dr_region, nodes=1, category="dr", prefix="dr-cache", note=" (warm)"
        )
    return out


def active_active(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan]
) -> list[CostComponent]:
    """Backups, and a full second serving region (its buckets replicate, not duplicate)."""
    full = region_components(ctx, ctx.dr_region, services, pools, lb_capacity=False, category="dr")
    full = [c for c in full if not c.resource.startswith("bucket/")]
    for s in services:
        if s.kind == Kind.database and _replicates_by_transfer(ctx, s):
            full.append(daily_changes(ctx, s, "dr-replication", "replication traffic"))
    return backup_restore(ctx, services, pools) + full


STRATEGIES: dict[DRStrategy, Strategy] = {
    DRStrategy.backup_restore: backup_restore,
    DRStrategy.pilot_light: pilot_light,
    DRStrategy.warm_standby: warm_standby,
    DRStrategy.active_active: active_active,
}
