"""Traffic declarers: responses to the internet (straight from the region, or through a CDN),
service-to-service calls crossing zones, and what private workloads send out through NAT
(image pulls, calls to managed services that no private endpoint carries), with the private
endpoints chosen where they cost less than NAT. Quantities come from engine/flows.py."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...design import Kind, ObjectStorageService, Platform, StatelessService
from ..context import Context
from ..cost import CostComponent
from ..flows import KIB_PER_GIB
from ..pools import NodePoolPlan
from ..services import ServicePlan
from .base import DAYS, component
from .network import private_workloads

MANAGED = (Kind.queue, Kind.object_storage)  # reached over the network, not inside a zone


def internet(
    ctx: Context, s: ServicePlan, region: str, share: float, category: str
) -> list[CostComponent]:
    """An entrypoint's responses to the internet: this region's share of them at the cloud's
    tiered egress rates, or, behind a CDN, all of them from the edge (declared once, in the
    primary region: a CDN is global)."""
    svc = ctx.service(s.name)
    load = ctx.flows.loads.get(s.name)
    if not isinstance(svc, StatelessService) or load is None or load.internet_gib <= 0:
        return []
    if svc.cdn is None:
        if share <= 0:
            return []
        return [
            component(s.name, f"internet/{s.name}", "responses to the internet",
                      ctx.catalog.role("egress"), region, "on_demand", load.internet_gib * share,
                      "month", category=category)
        ]  # fmt: skip
    if region != ctx.primary or share <= 0:
        return []
    return cdn(ctx, s.name, region, load.internet_gib, load.monthly_requests * load.internet_share,
               svc.cdn.cache_hit_ratio, category)  # fmt: skip


def cdn(
    ctx: Context, name: str, region: str, origin_gib: float, origin_requests: float,
    hit_ratio: float, category: str,
) -> list[CostComponent]:  # fmt: skip
    """A CDN in front of an entrypoint: the service serves the cache misses, so the edge
    delivers 1 / (1 - hit ratio) times its responses and requests; filling the cache from the
    origin is priced where the cloud charges it (GCP)."""
    resource, cat = f"cdn/{name}", category or "cdn"
    edge = 1 / (1 - hit_ratio)
    out = []
    base = ctx.catalog.find_role("cdn_base")
    if base is not None:
        out.append(
            component(
                name, resource, "profile", base, region, "on_demand", 1, "month", category=cat
            )
        )
    out += [
        component(name, resource, "responses from the edge", ctx.catalog.role("cdn_egress"),
                  region, "on_demand", origin_gib * edge, "month", category=cat),
        component(name, resource, "requests at the edge", ctx.catalog.role("cdn_requests"),
                  region, "on_demand", origin_requests * edge / 1e6, "month", category=cat),
    ]  # fmt: skip
    fill = ctx.catalog.find_role("cdn_fill")
    if fill is not None:
        out.append(component(name, resource, "cache fill from the origin", fill, region,
                             "on_demand", origin_gib, "month", category=cat))  # fmt: skip
    return out


def bucket_egress(ctx: Context, s: ServicePlan, region: str, category: str) -> list[CostComponent]:
    """What a bucket serves straight to the internet (transfer.egress_gib_month)."""
    svc = ctx.service(s.name)
    gib = svc.transfer.egress_gib_month if isinstance(svc, ObjectStorageService) else 0
    if not gib:
        return []
    return [
        component(s.name, f"bucket/{s.name}", "egress to the internet", ctx.catalog.role("egress"),
                  region, "on_demand", gib, "month", category=category)
    ]  # fmt: skip


def crossing(ctx: Context, callee_kind: Kind) -> float:
    """The share of calls that cross zones: (z - 1)/z to a replica or primary in another zone;
    none between stateless services with topology-aware routing; none to regional managed
    services (queues, buckets), which are not in a zone."""
    if ctx.zones < 2 or callee_kind in MANAGED:
        return 0.0
    if callee_kind == Kind.stateless and ctx.design.network.topology_aware_routing:
        return 0.0
    return (ctx.zones - 1) / ctx.zones


def inter_zone_gib(ctx: Context, services: Sequence[ServicePlan], share: float = 1.0) -> float:
    """GiB a month crossing zones on the calls the given services make (requests and
    responses), for `share` of the traffic."""
    if ctx.zones < 2:
        return 0.0
    by_caller: dict[str, float] = {}
    for c in ctx.flows.calls:
        by_caller[c.caller] = by_caller.get(c.caller, 0.0) + c.gib * crossing(ctx, c.callee_kind)
    return sum(by_caller.get(s.name, 0.0) for s in services if s.kind == Kind.stateless) * share


def inter_zone(
    ctx: Context, region: str, services: Sequence[ServicePlan], share: float, category: str
) -> list[CostComponent]:
    """Calls crossing zones, billed on each side the cloud charges (AWS both: 2 x)."""
    gib = inter_zone_gib(ctx, services, share)
    if gib <= 0:
        return []
    sides = ctx.facts.inter_zone_charged_sides
    what = "inter-zone traffic" + (" (billed out and in)" if sides == 2 else "")
    return [
        component("platform", "network", what, ctx.catalog.role("inter_az"), region,
                  "on_demand", gib * sides, "month", category=category or "network")
    ]  # fmt: skip


def image_pulls(
    ctx: Context, region: str, services: Sequence[ServicePlan], pools: Sequence[NodePoolPlan],
    fraction: float, category: str,
) -> list[CostComponent]:  # fmt: skip
    """Container images pulled through NAT: every node and VM pulls one image a day."""
    node_hours = sum(
        sum(p.hourly_nodes) if p.hourly_nodes and fraction >= 1 else p.nodes * 24 for p in pools
    )
    node_hours += sum(
        s.replicas * 24 for s in services if s.kind == Kind.stateless and s.platform == Platform.vm
    )
    nodes = node_hours / 24 * min(1.0, fraction)
    t = ctx.traffic
    gib = nodes * DAYS * t.image_pulls_per_node_per_day * t.image_gib
    if gib <= 0:
        return []
    return [
        component("platform", "nat-gateway", "data processed: image pulls",
                  ctx.catalog.role("nat_gb"), region, "on_demand", gib, "month",
                  category=category or "nat")
    ]  # fmt: skip


def endpoint_choice(ctx: Context, kind: Kind, gib: float) -> str:
    """How calls to a managed service of `kind` leave private subnets: 'free' (a free
    endpoint), 'endpoint' (a priced private endpoint, when cheaper than NAT or asked for) or
    'nat'. Compared by the catalog's unit prices in the primary region."""
    offer = ctx.facts.private_endpoints.get(kind.value, "none")
    wanted = ctx.design.network.private_endpoints
    if offer == "free":
        return "free"
    if offer != "priced" or wanted == "never":
        return "nat"
    if wanted == "always":
        return "endpoint"
    region, cat = ctx.primary, ctx.catalog
    hour = cat.price(ctx.catalog.role("private_endpoint_hour"), region).unit_price
    per_gb = cat.price(ctx.catalog.role("private_endpoint_gb"), region).unit_price
    nat_gb = cat.price(ctx.catalog.role("nat_gb"), region).unit_price
    g = Decimal(str(gib))
    endpoint = hour * 730 * _endpoint_units(ctx) + per_gb * g * _endpoint_sides(ctx)
    return "endpoint" if endpoint < nat_gb * g else "nat"


def _endpoint_units(ctx: Context) -> int:
    # An AWS interface endpoint is billed in each zone; an Azure private endpoint once.
    return ctx.zones if ctx.cloud == "aws" else 1


def _endpoint_sides(ctx: Context) -> int:
    # Azure Private Link bills data processed inbound and outbound.
    return 2 if ctx.cloud == "azure" else 1


def managed_calls(
    ctx: Context, region: str, services: Sequence[ServicePlan], share: float, category: str
) -> list[CostComponent]:
    """Calls from private workloads to queues and buckets: through NAT, or through a private
    endpoint where that is cheaper (free gateway endpoints cost nothing)."""
    if share <= 0 or not private_workloads(services):
        return []
    callers = {
        s.name for s in services if s.kind == Kind.stateless and s.platform != Platform.managed
    }
    out: list[CostComponent] = []
    for kind in MANAGED:
        calls = [c for c in ctx.flows.calls if c.caller in callers and c.callee_kind == kind]
        gib = sum(c.gib for c in calls) * share
        if gib <= 0:
            continue
        how = endpoint_choice(ctx, kind, sum(c.gib for c in calls))
        names = ", ".join(sorted({c.callee for c in calls}))
        if how == "nat":
            out.append(component("platform", "nat-gateway", f"data processed: calls to {names}",
                                 ctx.catalog.role("nat_gb"), region, "on_demand", gib, "month",
                                 category=category or "nat"))  # fmt: skip
        elif how == "endpoint":
            out += _endpoint(ctx, region, kind, names, gib, category)
    return out


def _endpoint(
    ctx: Context, region: str, kind: Kind, names: str, gib: float, category: str
) -> list[CostComponent]:
    resource, cat = f"private-endpoint/{kind.value}", category or "network"
    units = _endpoint_units(ctx)
    return [
        component("platform", resource, f"endpoint for {names} x {units}",
                  ctx.catalog.role("private_endpoint_hour"), region, "on_demand", units, "hour",
                  category=cat),
        component("platform", resource, f"data processed: calls to {names}",
                  ctx.catalog.role("private_endpoint_gb"), region, "on_demand",
                  gib * _endpoint_sides(ctx), "month", category=cat),
    ]  # fmt: skip


__all__ = [
    "KIB_PER_GIB",
    "bucket_egress",
    "cdn",
    "crossing",
    "endpoint_choice",
    "image_pulls",
    "inter_zone",
    "inter_zone_gib",
    "internet",
    "managed_calls",
]
