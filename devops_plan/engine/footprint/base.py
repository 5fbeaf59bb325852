"""What every declarer shares: building a cost component with quantities to six places, the
warm-standby scaling rule, and monthly requests from peak load."""

from __future__ import annotations

import math
from decimal import Decimal

from ..context import SECONDS_PER_MONTH, Context, dec
from ..cost import CostComponent


def component(
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
    """A cost component with its quantity to six places (the same digits on every run)."""
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


def scaled_count(count: int, fraction: float, zones: int) -> int:
    """How many of `count` instances run at `fraction` of full size (warm standby): whole
    zones, at least one per zone. The one rule for the cost model and the deployments."""
    if fraction >= 1:
        return count
    return max(zones, math.ceil(count * fraction / zones) * zones)


def monthly_requests_million(ctx: Context, peak_rps: float) -> float:
    """Requests a month, in millions, at the average load (peak x average-to-peak)."""
    return peak_rps * ctx.traffic.average_to_peak * SECONDS_PER_MONTH / 1e6
