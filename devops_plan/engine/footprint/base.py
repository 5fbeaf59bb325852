"""What every declarer shares: building a cost component with quantities to six places, the
warm-standby scaling rule, average counts over a day, and the shares a region takes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from ..context import Context, dec
from ..cost import CostComponent

T = TypeVar("T")
DAYS_PER_MONTH = Decimal(730) / 24  # a 730-hour month is 30.4167 days
DAYS = 730 / 24  # the same, for quantities computed in floats


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
    baseline: Decimal | float | int | None = None,
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
        baseline=None if baseline is None else dec(baseline),
    )


def scaled_count(count: int, fraction: float, zones: int) -> int:
    """How many of `count` instances run at `fraction` of full size (warm standby): whole
    zones, at least one per zone. The one rule for the cost model and the deployments."""
    if fraction >= 1:
        return count
    return max(zones, math.ceil(count * fraction / zones) * zones)


def mean(counts: Sequence[int]) -> Decimal:
    """The average of hourly counts, exactly (to six places when the division does not end)."""
    return dec(Decimal(sum(counts)) / len(counts)) if counts else Decimal(0)


def monthly_requests_million(ctx: Context, name: str, share: float = 1.0) -> float:
    """A stateless service's requests a month, in millions, over its load profile."""
    load = ctx.flows.loads.get(name)
    return 0.0 if load is None else load.monthly_requests * share / 1e6


def remembered(
    ctx: Context,
    what: str,
    settings: tuple[Any, ...],
    inputs: Sequence[object],
    declare: Callable[[], list[CostComponent]],
) -> list[CostComponent]:
    """`declare()`, remembered by the context (Context.remembered: by the identity of the
    plans in `inputs`, the only part of the design it may read beyond what a variant sharing
    the context's declarations keeps)."""
    return list(ctx.remembered(what, settings, inputs, lambda: tuple(declare())))


def remembered_each(
    ctx: Context,
    what: str,
    settings: tuple[Any, ...],
    inputs: Sequence[T],
    declare: Callable[[T], list[CostComponent]],
) -> list[CostComponent]:
    """`declare(x)` for each of `inputs` in turn, each remembered as `remembered` does."""
    table = ctx.declared.setdefault((what, settings), {})
    out: list[CostComponent] = []
    for x in inputs:
        found = table.get(id(x))
        if found is None:
            found = table[id(x)] = (x, tuple(declare(x)))
        out += found[1]
    return out
