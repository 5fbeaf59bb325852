"""The cost model: resources declare cost components, the catalog prices them, totals add up.

The Infracost way: a resource never looks a price up; it declares components (product,
region, purchase option, an hourly or monthly quantity, a discount). `price_components`
prices them all at once against a Catalog, collecting every missing price instead of
pricing it as 0. Money is Decimal; a month is 730 hours; each line item is rounded to
the cent (half up) and every total is the exact sum of its rounded line items.

Tiered products (internet egress, queue requests ...) are priced by walking their tiers
(Infracost's tier buckets): the components of one product in one region share a meter, in
the order they are declared, so the second component starts where the first one's usage
ended, as a bill does; each tier a component reaches is a line item of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from ..catalog import PURCHASES, Catalog, Price
from ..errors import MissingPrice, PriceNotFound
from ..units import HOURS_PER_MONTH, money, round_cents

__all__ = [
    "COMMITMENTS",
    "CentsMemo",
    "CostComponent",
    "CostSummary",
    "LineItem",
    "Meter",
    "PriceMemo",
    "monthly_cost",
    "monthly_quantity",
    "price_cents",
    "price_components",
    "price_options",
    "summarize",
    "with_purchase",
]

_MONTH = Decimal(HOURS_PER_MONTH)
_ZERO = Decimal(0)
_ONE = Decimal(1)
# Purchase options that commit to a baseline: what runs above it is bought on demand.
COMMITMENTS = frozenset({"reserved_1y", "reserved_3y", "savings_plan_1y", "savings_plan_3y"})
# Usage so far this month per tiered product (its catalog key), shared by the components
# priced in one call.
Meter = dict[tuple[str, str, str, str, str], Decimal]
# Line items of untiered components already priced, per catalog (a Planner's memo): the same
# component always prices the same way in one catalog.
# (catalog, component) for an untiered product; (catalog, component, usage before it) for a
# tiered one.
PriceMemo = dict[tuple[Any, ...], tuple["LineItem", ...]]
_MEMO_LIMIT = 200_000


class CostComponent(NamedTuple):
    """One priced quantity a resource declares: what, where, how bought, how much.

    `per="hour"`: `quantity` is consumed every hour (3 instances, 2 GB per hour) and is
    multiplied by 730 for the month. `per="month"`: `quantity` is already monthly
    (100 GB-month stored, 4 million requests). `discount` is a fraction off the
    catalog price (0.1 = 10% negotiated discount). `category` overrides the catalog's
    category in totals when set (e.g. "dr" for standby resources). `baseline` is the part
    of an hourly quantity that runs all month when the rest autoscales (the fewest nodes in
    any hour): bought under a commitment, only the baseline is committed and the rest is
    priced on demand, as two line items.
    """

    service: str
    resource: str
    component: str
    product: str
    region: str
    purchase: str
    quantity: Decimal
    per: Literal["hour", "month"]
    engine: str = ""
    deployment: str = ""
    category: str = ""
    discount: Decimal = Decimal(0)
    baseline: Decimal | None = None


@dataclass(frozen=True)
class LineItem:
    """A priced component: monthly quantity in the price's unit, and its monthly cost.

    `unit_price` is the catalog price; `monthly_cost` = quantity x unit_price x
    (1 - discount), rounded to the cent half up. `purchase` is the option actually
    priced (on_demand when the product is not sold as the requested option). `source` is
    where the catalog's price comes from.
    """

    service: str
    resource: str
    component: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    monthly_cost: Decimal
    region: str
    purchase: str
    category: str
    product: str
    engine: str = ""
    deployment: str = ""
    discount: Decimal = Decimal(0)
    requested_purchase: str = ""
    source: str = ""
    as_of: str = ""


@dataclass(frozen=True)
class CostSummary:
    """Totals of a set of line items; each total is the exact sum of its line items."""

    monthly_total: Decimal
    by_service: dict[str, Decimal]
    by_category: dict[str, Decimal]
    line_items: tuple[LineItem, ...]


def monthly_quantity(component: CostComponent, price: Price) -> Decimal:
    """The component's quantity for a 730-hour month, in the unit of `price`."""
    found = _monthly(component, component.quantity, price)
    if isinstance(found, str):
        raise ValueError(found)
    return found


def _monthly(c: CostComponent, quantity: Decimal, price: Price) -> Decimal | str:
    """`quantity` of `c` (all of it, or the part `_bills` bills at one purchase option) for a
    730-hour month in the unit of `price`, or why it cannot be: the one rule behind
    `monthly_quantity` and the sweep's `price_cents`, which must not pay for a raise."""
    q = money(quantity)
    if q < 0 or not q.is_finite():
        return f"{c.resource} {c.component}: quantity must be >= 0 (got {quantity})"
    if c.per == "month":
        return q
    if c.per != "hour":
        return f"{c.resource} {c.component}: per must be 'hour' or 'month' (got {c.per!r})"
    if price.unit == "GB-month":
        # A GB-month already spans the month; an hourly quantity of it is a modelling slip.
        return (
            f"{c.resource} {c.component}: {price.product} is priced per GB-month; declare the "
            "stored GB with per='month'"
        )
    return q * _MONTH


def _resolve(component: CostComponent, catalog: Catalog) -> Price | None:
    """The catalog row for a component, applying the purchase fallback rule.

    Fallback rule: when the product is never sold as the requested purchase option in
    this catalog (RDS has no spot or savings plan, storage and transfer are on demand
    only), it is priced on demand. A product that is sold that way elsewhere but not in
    this region is missing, not silently priced on demand.
    """
    found = catalog.find(
        component.product,
        component.region,
        component.purchase,
        engine=component.engine,
        deployment=component.deployment,
    )
    if found is not None or component.purchase == "on_demand":
        return found
    if component.purchase in PURCHASES and not catalog.sells(component.product, component.purchase):
        return catalog.find(
            component.product,
            component.region,
            "on_demand",
            engine=component.engine,
            deployment=component.deployment,
        )
    return None


def _missing(component: CostComponent, catalog: Catalog) -> MissingPrice:
    where = f"{component.service}: {component.resource} {component.component}".strip()
    reason = catalog.explain_missing(
        component.product,
        component.region,
        component.purchase,
        component.engine,
        component.deployment,
    )
    return MissingPrice(
        cloud=catalog.cloud,
        product=component.product,
        region=component.region,
        purchase=component.purchase,
        detail=f"{where}: {reason}",
    )


def price_components(
    components: Sequence[CostComponent],
    catalog: Catalog,
    *,
    allow_missing: bool = False,
    meter: Meter | None = None,
    memo: PriceMemo | None = None,
) -> tuple[list[LineItem], list[MissingPrice]]:
    """Price every component; raise PriceNotFound listing all missing ones.

    With `allow_missing`, components without a price are returned as MissingPrice
    entries (to be shown as warnings) and left out of the line items; never priced as 0.
    `meter` carries tiered usage in from an earlier call (and out again); each call
    starts a fresh one otherwise. `memo` remembers components' line items (a tiered one's
    with the usage metered before it).
    """
    items: list[LineItem] = []
    missing: list[MissingPrice] = []
    meter = {} if meter is None else meter
    if memo is not None and len(memo) > _MEMO_LIMIT:
        memo.clear()
    for declared in components:
        known = memo.get((catalog, declared)) if memo is not None else None
        if known is not None:
            items += known
            continue
        priced: list[LineItem] = []
        tiered = False
        for component in _committed((declared,)):
            price = _resolve(component, catalog)
            if price is None:
                missing.append(_missing(component, catalog))
                tiered = True  # never remember a component with a missing price
                continue
            tiered |= _price_one(component, price, catalog, meter, priced, memo)
        items += priced
        if memo is not None and not tiered:
            memo[(catalog, declared)] = tuple(priced)
    if missing and not allow_missing:
        raise PriceNotFound(
            missing,
            hint="fix the product ids or regions, or ask to continue with warnings "
            "(allow_missing / --allow-missing-prices)",
        )
    return items, missing


@dataclass
class CentsMemo:
    """What `price_cents` remembers (per catalog, for one sweep): an untiered component's
    cents; the catalog row and tiers of each product, region, purchase option, engine and
    deployment; a tiered component's cents after each amount already metered."""

    untiered: dict[tuple[Catalog, CostComponent], int] = field(default_factory=dict)
    rows: dict[tuple[Any, ...], tuple[Price, tuple[Price, ...]]] = field(default_factory=dict)
    tiered: dict[tuple[Any, ...], int] = field(default_factory=dict)


def price_cents(
    components: Sequence[CostComponent], catalog: Catalog, memo: CentsMemo | None = None
) -> int:
    """The components' monthly total in whole cents: exactly the sum of `price_components`'
    line items (each rounded to the cent), walked in the same order with one meter, without
    building them (the sweep adds up a hundred thousand groups). Raises PriceNotFound listing
    every missing price, as `price_components` does."""
    memo = CentsMemo() if memo is None else memo
    meter: Meter = {}
    total = 0
    for declared in components:
        known = memo.untiered.get((catalog, declared))
        if known is None:
            known = _component_cents(declared, components, catalog, memo, meter)
        total += known
    return total


def _component_cents(
    c: CostComponent,
    components: Sequence[CostComponent],
    catalog: Catalog,
    memo: CentsMemo,
    meter: Meter,
) -> int:
    """One component's cents (each part `_committed` bills it as), remembered when untiered.
    A missing price or a bad quantity raises what `price_components` raises."""
    cents, tiered = 0, False
    for purchase, quantity in _bills(c):
        key = (catalog, c.product, c.region, purchase, c.engine, c.deployment)
        rows = memo.rows.get(key)
        if rows is None:
            price = _resolve(c._replace(purchase=purchase), catalog)
            if price is None:
                price_components(components, catalog)  # raises, naming every missing price
            assert price is not None
            rows = memo.rows[key] = (price, catalog.tiers(price))
        price, tiers = rows
        discount = _discount(c)
        monthly = _monthly(c, quantity, price)
        if isinstance(monthly, str):
            price_components([c], catalog)  # raises the quantity's error
        assert not isinstance(monthly, str)
        if len(tiers) == 1:
            cents += int(monthly_cost(monthly, price.unit_price, discount) * 100)
            continue
        tiered = True
        used = meter.get(price.key, _ZERO)
        meter[price.key] = used + monthly
        found = memo.tiered.get((catalog, c, purchase, monthly, used))
        if found is None:
            found = memo.tiered[(catalog, c, purchase, monthly, used)] = sum(
                int(monthly_cost(q, tier.unit_price, discount) * 100)
                for tier, q in tier_buckets(tiers, used, monthly)
            )
        cents += found
    if not tiered:
        memo.untiered[(catalog, c)] = cents
    return cents


def _price_one(
    component: CostComponent,
    price: Price,
    catalog: Catalog,
    meter: Meter,
    out: list[LineItem],
    memo: PriceMemo | None,
) -> bool:
    """Append the line items of one component at `price`; True when the product is tiered
    (its items depend on what the meter has seen: remembered with that usage)."""
    discount = _discount(component)
    quantity = monthly_quantity(component, price)
    tiers = catalog.tiers(price)
    if len(tiers) == 1:
        out.append(_item(component, price, quantity, discount))
        return False
    used = meter.get(price.key, _ZERO)
    meter[price.key] = used + quantity
    key = (catalog, component, used)
    known = memo.get(key) if memo is not None else None
    if known is None:
        known = tuple(
            _item(component, tier, part, discount)
            for tier, part in tier_buckets(tiers, used, quantity)
        )
        if memo is not None:
            memo[key] = known
    out += known
    return True


def _discount(component: CostComponent) -> Decimal:
    discount = money(component.discount)
    if not (_ZERO <= discount <= _ONE):
        raise ValueError(
            f"{component.resource} {component.component}: discount must be a fraction "
            f"between 0 and 1 (got {component.discount})"
        )
    return discount


def monthly_cost(quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    """A line item's monthly cost: quantity x unit price x (1 - discount), to the cent."""
    return round_cents(quantity * unit_price * (_ONE - discount))


def _bills(c: CostComponent) -> list[tuple[str, Decimal]]:
    """(purchase option, quantity) of each part a component is billed as: bought under a
    commitment with a baseline below its quantity, its baseline committed and the rest above
    it on demand; with a baseline of 0 (nothing always on, a deploy's surge nodes) all of it
    on demand; else all of it as declared."""
    base = c.baseline
    if base is None or c.purchase not in COMMITMENTS or base >= c.quantity:
        return [(c.purchase, c.quantity)]
    if base == 0:
        return [("on_demand", c.quantity)]
    return [(c.purchase, base), ("on_demand", c.quantity - base)]


def _committed(components: Iterable[CostComponent]) -> Iterator[CostComponent]:
    """Components as billed (`_bills`), each part with its own line item's label."""
    for c in components:
        bills = _bills(c)
        if len(bills) == 1:
            purchase, _ = bills[0]
            yield c if purchase == c.purchase else c._replace(baseline=None, purchase=purchase)
            continue
        (_, base), (_, above) = bills
        yield c._replace(quantity=base, baseline=None, component=f"{c.component}, always on")
        yield c._replace(
            quantity=above,
            baseline=None,
            purchase="on_demand",
            component=f"{c.component}, above the always-on count",
        )


def tier_buckets(
    tiers: Sequence[Price], used: Decimal, quantity: Decimal
) -> list[tuple[Price, Decimal]]:
    """How `quantity` more of a tiered product splits over its tiers when `used` is already
    metered this month: (tier, quantity in it) for every tier it reaches, lowest first. A
    zero quantity is one bucket of 0 in the tier the meter stands in."""
    end = used + quantity
    out = []
    for tier in tiers:
        top = tier.tier_end
        low = max(tier.tier_start, used)
        high = end if top is None else min(top, end)
        if high > low or (quantity == 0 and low == used and (top is None or used < top)):
            out.append((tier, high - low if high > low else _ZERO))
    return out


def _item(component: CostComponent, price: Price, quantity: Decimal, discount: Decimal) -> LineItem:
    label = price.tier_label
    return LineItem(
        service=component.service,
        resource=component.resource,
        component=f"{component.component} ({label})" if label else component.component,
        unit=price.unit,
        quantity=quantity,
        unit_price=price.unit_price,
        monthly_cost=monthly_cost(quantity, price.unit_price, discount),
        region=price.region,
        purchase=price.purchase,
        category=component.category or price.category,
        product=price.product,
        engine=price.engine,
        deployment=price.deployment,
        discount=discount,
        requested_purchase=component.purchase,
        source=price.source,
        as_of=price.as_of,
    )


def summarize(items: Sequence[LineItem]) -> CostSummary:
    """Totals per service, per category and overall: exact sums of the rounded items."""
    by_service: dict[str, Decimal] = {}
    by_category: dict[str, Decimal] = {}
    total = _ZERO
    for item in items:
        by_service[item.service] = by_service.get(item.service, _ZERO) + item.monthly_cost
        by_category[item.category] = by_category.get(item.category, _ZERO) + item.monthly_cost
        total += item.monthly_cost
    return CostSummary(
        monthly_total=total,
        by_service=dict(sorted(by_service.items())),
        by_category=dict(sorted(by_category.items())),
        line_items=tuple(items),
    )


def with_purchase(components: Iterable[CostComponent], purchase: str) -> list[CostComponent]:
    """The same components bought as `purchase` (the fallback rule applies when priced; under
    a commitment only a component's baseline is committed, see CostComponent)."""
    return [c._replace(purchase=purchase) for c in components]


def price_options(
    components: Sequence[CostComponent],
    catalog: Catalog,
    purchases: Sequence[str] = PURCHASES,
    *,
    allow_missing: bool = False,
) -> dict[str, CostSummary]:
    """The same components priced under each purchase option, side by side."""
    return {
        purchase: summarize(
            price_components(
                with_purchase(components, purchase), catalog, allow_missing=allow_missing
            )[0]
        )
        for purchase in purchases
    }
