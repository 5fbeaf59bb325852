"""Global routing declarers: how users reach the serving region when two regions serve
(active-active) or when DR fails over to the standby (pilot light, warm standby). Each cloud
offers DNS failover and an anycast front (data/clouds.yaml); the cheapest whose failover time
is within the strategy's RTO is chosen, else the fastest."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ...usage import RoutingOption
from ..context import Context
from ..cost import CostComponent, price_components
from .base import component

Part = Callable[[Context, int], list[CostComponent]]


def _entry_totals(ctx: Context) -> tuple[float, float]:
    """(internet requests a month, internet GiB a month) of every entrypoint."""
    loads = [ctx.flows.loads[s.name] for s in ctx.design.entrypoints if s.name in ctx.flows.loads]
    return (
        sum(x.monthly_requests * x.internet_share for x in loads),
        sum(x.internet_gib for x in loads),
    )


def _one(
    ctx: Context, role: str, what: str, quantity: float | int | Decimal, per: str
) -> list[CostComponent]:
    product = ctx.catalog.find_role(role)
    if product is None:
        return []
    return [component("platform", "global-routing", what, product, ctx.primary, "on_demand",
                      quantity, per, category="routing")]  # fmt: skip


def _part(ctx: Context, part: str, endpoints: int) -> list[CostComponent]:
    requests, gib = _entry_totals(ctx)
    t = ctx.traffic
    queries = requests / t.requests_per_connection * t.dns_queries_per_connection / 1e6
    table: dict[str, tuple[str, str, float | int, str]] = {
        "dns_zone": ("dns_zone", "DNS zone", 1, "month"),
        "dns_health_checks": (
            "dns_health_check",
            f"health checks x {endpoints}",
            endpoints,
            "month",
        ),
        "dns_queries": ("dns_queries", "DNS queries", queries, "month"),
        "accelerator_hour": ("accelerator_hour", "accelerator", 1, "hour"),
        "accelerator_gb": ("accelerator_gb", "accelerated transfer", gib, "month"),
        "cdn_base": ("cdn_base", "front door profile", 1, "month"),
        "cdn_requests": ("cdn_requests", "front door requests", requests / 1e6, "month"),
    }
    role, what, quantity, per = table[part]
    return _one(ctx, role, what, quantity, per)


def option_components(ctx: Context, option: RoutingOption, endpoints: int) -> list[CostComponent]:
    out = []
    for part in option.parts:
        out += _part(ctx, part, endpoints)
    return [c._replace(component=f"{option.name}: {c.component}") for c in out]


def choose(ctx: Context, rto_s: int, endpoints: int) -> tuple[RoutingOption, list[CostComponent]]:
    """The cheapest option that fails over within `rto_s`, else the fastest, with its
    components (options are compared as priced in the primary region)."""
    priced = []
    for option in ctx.facts.routing:
        comps = option_components(ctx, option, endpoints)
        items, _ = price_components(comps, ctx.catalog)
        priced.append((sum((i.monthly_cost for i in items), Decimal(0)), option, comps))
    meeting = [p for p in priced if p[1].failover_s <= rto_s]
    if meeting:
        _cost, option, comps = min(meeting, key=lambda p: (p[0], p[1].name))
    else:
        _cost, option, comps = min(priced, key=lambda p: (p[1].failover_s, p[0], p[1].name))
    return option, comps


def global_routing(ctx: Context, rto_s: int, serving: int) -> list[CostComponent]:
    """What routes users between the primary and the other region: a health check per
    entrypoint in each region users can be sent to."""
    endpoints = max(2, serving) * len(ctx.design.entrypoints)
    return choose(ctx, rto_s, endpoints)[1]
