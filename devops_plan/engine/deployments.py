"""Deployments: what runs in each region (nodes per pool, replicas, database and cache
instances, load balancers), from the same rules the footprint prices, so the diagram, the
Terraform variables and the runbooks read facts instead of re-deriving them from costs."""

from __future__ import annotations

from collections.abc import Sequence

from ..design import DRStrategy, Kind
from ..plan import CacheDeploymentOut, DatabaseDeploymentOut, DeploymentOut, zone_names
from .core import Core
from .footprint import scaled_count
from .services import ServicePlan

STANDBY = (DRStrategy.pilot_light, DRStrategy.warm_standby)


def deployments(core: Core, serving: Sequence[str]) -> dict[str, DeploymentOut]:
    """Every serving region, then the DR region when it does not serve (and DR is deployed:
    an environment's `dr: none` has no DR copy, so nothing is built there)."""
    ctx = core.ctx
    out = {
        region: _full(core, region, "primary" if region == ctx.primary else "serving")
        for region in serving
    }
    if ctx.dr_region not in out and ctx.design.dr.enabled:
        out[ctx.dr_region] = _standby(core, ctx.dr_region)
    return out


def _entrypoints(services: Sequence[ServicePlan]) -> tuple[str, ...]:
    return tuple(s.name for s in services if s.entrypoint and s.kind == Kind.stateless)


def _full(core: Core, region: str, role: str) -> DeploymentOut:
    """A region that serves users: everything the plan sizes."""
    services = core.services
    return DeploymentOut(
        region=region,
        role=role,
        zones=zone_names(core.ctx.cloud, region, core.ctx.zones),
        node_pools={p.name: p.nodes for p in core.pools},
        min_node_pools={p.name: p.min_nodes for p in core.pools},
        replicas={s.name: s.replicas for s in services if s.kind == Kind.stateless},
        min_replicas={
            s.name: min(s.hourly_replicas, default=s.replicas)
            for s in services
            if s.kind == Kind.stateless
        },
        databases={
            s.name: DatabaseDeploymentOut(
                instance_class=s.instance_class or "",
                multi_az=bool(s.multi_az),
                read_replicas=s.read_replicas,
                cross_region_replica=role != "primary",
            )
            for s in services
            if s.kind == Kind.database
        },
        caches={
            s.name: CacheDeploymentOut(node_type=s.instance_class or "", nodes=s.cache_nodes)
            for s in services
            if s.kind == Kind.cache
        },
        load_balancers=_entrypoints(services),
        control_plane=bool(core.pools),
    )


def _standby(core: Core, region: str) -> DeploymentOut:
    """The DR region as the chosen strategy leaves it (see footprint/dr.py)."""
    ctx = core.ctx
    strategy = DRStrategy(core.dr.strategy)
    warm = strategy == DRStrategy.warm_standby
    standby = strategy in STANDBY
    fraction = ctx.design.dr.warm_fraction if warm else 0.0

    def count(n: int) -> int:
        return scaled_count(n, fraction, ctx.zones) if warm else 0

    services = core.services
    return DeploymentOut(
        region=region,
        role="dr",
        zones=zone_names(ctx.cloud, region, ctx.zones),
        node_pools={p.name: count(p.nodes) for p in core.pools},
        min_node_pools={p.name: count(p.nodes) for p in core.pools},
        replicas={s.name: count(s.replicas) for s in services if s.kind == Kind.stateless},
        min_replicas={s.name: count(s.replicas) for s in services if s.kind == Kind.stateless},
        databases={
            s.name: DatabaseDeploymentOut(
                instance_class=s.instance_class or "",
                multi_az=False,
                read_replicas=0,
                cross_region_replica=True,
            )
            for s in services
            if s.kind == Kind.database and standby
        },
        caches={
            s.name: CacheDeploymentOut(node_type=s.instance_class or "", nodes=1)
            for s in services
            if s.kind == Kind.cache and warm
        },
        load_balancers=_entrypoints(services) if standby else (),
        control_plane=standby and bool(core.pools),
    )
