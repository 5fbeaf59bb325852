"""What the DR region runs under each strategy. Each strategy keeps the cheaper ones' parts:
backup copies; then live database replicas, a standby control plane, idle load balancers and
the global routing that fails users over (pilot light); then compute at the warm fraction
and one cache node (warm standby); or a full second serving region taking its share of the
users' traffic (active-active)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...design import DRStrategy, Kind
from ..context import Context
from ..cost import CostComponent
from ..pools import NodePoolPlan
from ..services import ServicePlan
from ..subnets import cross_region_kind
from ..variants import serving_regions
from . import data, network, security
from .base import component, remembered, remembered_each
from .region import Part, on_kubernetes, region_components
from .routing import global_routing

Strategy = Callable[..., list[CostComponent]]


def traffic_share(ctx: Context, strategy: str) -> float:
    """The share of the users' traffic each serving region takes under `strategy`."""
    return 1 / serving_regions(strategy, len(ctx.regions))


def dr_components(
    ctx: Context,
    strategy: str,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    autoscale: bool = True,
    part: Part = "all",
) -> list[CostComponent]:
    """What the DR region (and the routing between the regions) costs under `strategy` (or
    one `part` of it, as region_components); with `autoscale` False a serving copy runs its
    peak count all month."""
    out = STRATEGIES[DRStrategy(strategy)](ctx, services, pools, autoscale=autoscale, part=part)
    if part == "pools" or not regions_talk(strategy):
        return out
    inter_region = ctx.catalog.role("inter_region")
    gib = sum(float(c.quantity) for c in out if c.product == inter_region and c.per == "month")
    return out + security.connectivity(ctx, cross_region_kind(ctx), gib)


def regions_talk(strategy: str) -> bool:
    """Regions talk through their networks when the DR region keeps a live copy (a backup
    copy travels through the providers' storage services instead)."""
    return DRStrategy(strategy) != DRStrategy.backup_restore


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
    ctx: Context,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    autoscale: bool = True,
    part: Part = "all",
) -> list[CostComponent]:
    """Cross-region copies of databases and buckets, restored after a disaster."""
    if part == "pools":
        return []
    copied = [s for s in services if s.kind in (Kind.database, Kind.object_storage)]
    return remembered_each(ctx, "dr-backup", (), copied, lambda s: _backups(ctx, s))


def _backups(ctx: Context, s: ServicePlan) -> list[CostComponent]:
    return [
        _backup_copy(ctx, s),
        daily_changes(ctx, s, "dr-backup", "cross-region copy of daily changes"),
    ]


def _replicas(ctx: Context, services: Sequence[ServicePlan]) -> list[CostComponent]:
    """Live single-AZ database replicas in the DR region, and their replication traffic."""
    databases = [s for s in services if s.kind == Kind.database]
    return remembered_each(ctx, "dr-replicas", (), databases, lambda s: _replica(ctx, s))


def _replica(ctx: Context, s: ServicePlan) -> list[CostComponent]:
    out = data.database(
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


def _routing(
    ctx: Context, services: Sequence[ServicePlan], strategy: DRStrategy
) -> list[CostComponent]:
    """Global routing, declared with the entrypoints (the stateless group of components)."""
    stateless = [s for s in services if s.kind == Kind.stateless]
    if not any(s.entrypoint for s in stateless):
        return []
    # Routing must move users within the design's RTO: the cheapest option that fails over
    # in time, else the fastest.
    rto_s = int(ctx.design.targets.rto.total_seconds())
    serving = serving_regions(strategy, len(ctx.regions))
    return remembered(
        ctx, "routing", (rto_s, serving), stateless, lambda: global_routing(ctx, rto_s, serving)
    )


def _standby_core(
    ctx: Context, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan], part: Part
) -> list[CostComponent]:
    """The always-on core of a standby region: a control plane and idle load balancers, with
    their firewalls (a web ACL is billed whether or not it inspects a request)."""
    if part == "pools":
        return []
    stateless = [s for s in services if s.kind == Kind.stateless]
    return remembered(ctx, "standby", (), stateless, lambda: _standby(ctx, stateless))


def _standby(ctx: Context, services: Sequence[ServicePlan]) -> list[CostComponent]:
    region = ctx.dr_region
    out: list[CostComponent] = []
    if any(on_kubernetes(s) for s in services):
        out += network.control_plane(
            ctx, region, resource="dr-kubernetes", what="control plane (standby)", category="dr"
        )
    for s in services:
        out += network.load_balancer(
            ctx, s, region, share=0, category="dr", prefix="dr-load-balancer",
            what="load balancer hours (idle)",
        )  # fmt: skip
        out += security.waf(ctx, s, region, 0, "dr", prefix="dr-waf")
    return out


def pilot_light(
    ctx: Context,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    autoscale: bool = True,
    part: Part = "all",
) -> list[CostComponent]:
    """Backups, live database replicas, the always-on core, and failover routing."""
    out = backup_restore(ctx, services, pools, part=part)
    if part != "pools":
        out += _replicas(ctx, services)
    out += _standby_core(ctx, services, pools, part)
    if part != "pools":
        out += _routing(ctx, services, DRStrategy.pilot_light)
    return out


def _warm_copy(c: CostComponent) -> bool:
    # The standby's own control plane and load balancers are the pilot light's; a copy that
    # serves no traffic moves nothing between zones.
    return c.resource not in ("kubernetes", "network") and not c.resource.startswith(
        ("load-balancer/", "waf/")
    )


def warm_standby(
    ctx: Context,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    autoscale: bool = True,
    part: Part = "all",
) -> list[CostComponent]:
    """The pilot light plus compute at `dr.warm_fraction` and one node of each cache."""
    stateless = [s for s in services if s.kind == Kind.stateless]
    warm = region_components(
        ctx,
        ctx.dr_region,
        stateless,
        pools,
        compute_fraction=ctx.design.dr.warm_fraction,
        traffic_share=0,
        category="dr",
        part=part,
    )
    out = backup_restore(ctx, services, pools, part=part)
    if part != "pools":
        out += _replicas(ctx, services)
    out += _standby_core(ctx, services, pools, part) + [c for c in warm if _warm_copy(c)]
    if part == "pools":
        return out
    caches = [s for s in services if s.kind == Kind.cache]
    out += remembered_each(ctx, "dr-caches", (), caches, lambda s: _warm_cache(ctx, s))
    return out + _routing(ctx, services, DRStrategy.warm_standby)


def _warm_cache(ctx: Context, s: ServicePlan) -> list[CostComponent]:
    return data.cache(
        ctx, s, ctx.dr_region, nodes=1, category="dr", prefix="dr-cache", note=" (warm)"
    )


def active_active(
    ctx: Context,
    services: Sequence[ServicePlan],
    pools: Sequence[NodePoolPlan],
    *,
    autoscale: bool = True,
    part: Part = "all",
) -> list[CostComponent]:
    """Backups, a full second serving region taking its share of the traffic (its buckets
    replicate, not duplicate), and the routing that spreads users over the regions."""
    share = traffic_share(ctx, DRStrategy.active_active)
    full = region_components(
        ctx, ctx.dr_region, services, pools, traffic_share=share, category="dr",
        autoscale=autoscale, part=part,
    )  # fmt: skip
    full = [c for c in full if not c.resource.startswith("bucket/")]
    if part == "pools":
        return full
    for s in services:
        if s.kind == Kind.database and _replicates_by_transfer(ctx, s):
            full.append(daily_changes(ctx, s, "dr-replication", "replication traffic"))
    return (
        backup_restore(ctx, services, pools)
        + full
        + _routing(ctx, services, DRStrategy.active_active)
    )


STRATEGIES: dict[DRStrategy, Strategy] = {
    DRStrategy.backup_restore: backup_restore,
    DRStrategy.pilot_light: pilot_light,
    DRStrategy.warm_standby: warm_standby,
    DRStrategy.active_active: active_active,
}
