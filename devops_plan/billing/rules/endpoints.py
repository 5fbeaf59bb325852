"""NAT data processing that private endpoints would carry for less: traffic from private
subnets to the cloud's own services (object storage, queues, registries, APIs) pays the
NAT's per-GB processing; AWS gateway endpoints for S3 and DynamoDB and Google's Private
Google Access carry it free, interface / private endpoints for a fraction of the NAT's rate.

The bill says how many GB a gateway processed, not where they went, so the saving is what
the gateway's traffic would cost through an interface endpoint if it is bound for the
cloud's services (a gateway endpoint saves all of it): confidence low, with the break-even.
"""

from __future__ import annotations

from pydantic import Field

from ...catalog import Price
from ...units import format_money, format_rate
from ..inventory import Resource
from .base import (
    MONTH,
    ZERO,
    Found,
    ResourceRule,
    RuleContext,
    RuleSettings,
    catalog_source,
    joined_sources,
)

# Per cloud: the catalog products of NAT data processing, a private endpoint's data
# processing and its hour, and what carries the cloud's own services free.
PRODUCTS: dict[str, tuple[str, str, str, str]] = {
    "aws": (
        "nat-gateway-gb",
        "vpc-endpoint-gb",
        "vpc-endpoint",
        "gateway endpoints carry S3 and DynamoDB traffic free",
    ),
    "azure": (
        "nat-gateway-gb",
        "private-endpoint-gb",
        "private-endpoint",
        "service endpoints carry Storage and SQL traffic free",
    ),
    "gcp": (
        "cloud-nat-gb",
        "",
        "",
        "Private Google Access carries Google API traffic free",
    ),
}


class EndpointSettings(RuleSettings):
    endpoint_zones: int = Field(
        2,
        ge=1,
        le=10,
        description="Zones an interface endpoint is placed in (each zone is billed by the hour).",
    )


def endpoint_prices(
    r: Resource, ctx: RuleContext
) -> tuple[Price, Price | None, Price | None] | None:
    """The NAT's per-GB price and the endpoint's per-GB and hourly prices (None where the
    cloud's free path needs none); None when the NAT's own price is missing."""
    products = PRODUCTS.get(r.cloud or "")
    if products is None:
        return None
    nat = ctx.price(r, products[0])
    if nat is None:
        return None
    if not products[1]:
        return nat, None, None
    gb, hour = ctx.price(r, products[1]), ctx.price(r, products[2])
    if gb is None or hour is None:
        return None
    return nat, gb, hour


class EndpointRule(ResourceRule[EndpointSettings]):
    kind, title, resource_kinds = (
        "endpoints",
        "NAT traffic through private endpoints",
        frozenset({"nat_gateway"}),
    )
    settings_model = EndpointSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: EndpointSettings) -> Found:
        # Only a NAT gateway's own bytes: an instance's lines can carry NAT data too (a bill
        # that puts it on the instance), which the gateway's resource already counts.
        if r.kind not in self.resource_kinds:
            return []
        prices = endpoint_prices(r, ctx)
        gb = ctx.hours_per_month(r.gb_processed)
        if prices is None or gb <= 0:
            return []
        nat, via_gb, via_hour = prices
        cur = ctx.currency
        nat_cost = gb * nat.unit_price
        free = PRODUCTS[r.cloud or ""][3]
        if via_gb is None or via_hour is None:
            savings, fixed, sources = nat_cost, ZERO, catalog_source(nat)
            how = f"{free}; an endpoint has no charge here"
        else:
            fixed = via_hour.unit_price * MONTH * settings.endpoint_zones
            savings = gb * (nat.unit_price - via_gb.unit_price) - fixed
            sources = joined_sources(catalog_source(nat), catalog_source(via_gb))
            how = (
                f"through an interface endpoint {format_rate(via_gb.unit_price, cur, 'GB')}"
                f" + {format_money(fixed, cur)} a month ({settings.endpoint_zones} zones x "
                f"{format_rate(via_hour.unit_price, cur, 'h')}); {free}"
            )
        if savings <= 0:
            return []
        evidence = (
            f"{gb:.1f} GB a month processed at {format_rate(nat.unit_price, cur, 'GB')} = "
            f"{format_money(nat_cost, cur)}; {how}"
        )
        if via_gb is not None and fixed > 0:
            # savings > 0 above, so the NAT's rate is above the endpoint's
            break_even = fixed / (nat.unit_price - via_gb.unit_price)
            evidence += f"; the endpoint pays for itself above {break_even:.0f} GB a month"
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=(
                    f"NAT data processing: {gb:.0f} GB a month; the part bound for the cloud's"
                    " own services costs less through endpoints"
                ),
                action="Route traffic to the cloud's services through private or gateway endpoints",
                evidence=evidence,
                savings=savings,
                confidence="low",
                price_source=sources,
            )
        ]


def nat_judgeable(r: Resource, ctx: RuleContext) -> str:
    """Why a NAT gateway could not be judged ('' when it could)."""
    if r.gb_processed <= 0:
        return "no data processed in the bill"
    return "" if endpoint_prices(r, ctx) is not None else "no catalog price for NAT or endpoints"
