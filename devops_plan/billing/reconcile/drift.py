"""Plan against actual, per service and component kind: what was planned for the period, what
the bill says, the difference, whether it drifts past the thresholds, and the likely cause
where the data says it (more or fewer machine-hours than planned, more data than the traffic
model, another instance type, another price, a charge the plan does not price).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ...config.models import ReconcileSettings
from ...units import HOURS_PER_MONTH, format_money, format_rate
from .kinds import GB, GB_MONTH, HOUR, MACHINE_CATEGORIES
from .match import Group, PlanItem

_ZERO = Decimal(0)
_MONTH = Decimal(HOURS_PER_MONTH)


@dataclass
class Actual:
    """What the bill holds for one planned group: cost, cost and quantity per measure, hours
    per instance type, and the part mapped by tags."""

    cost: Decimal = _ZERO
    by_tag: Decimal = _ZERO
    measures: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # cost, qty
    types: dict[str, Decimal] = field(default_factory=dict)

    def add(self, cost: Decimal, measure: str, quantity: Decimal, detail: str, tag: bool) -> None:
        self.cost += cost
        if tag:
            self.by_tag += cost
        was_cost, was_qty = self.measures.get(measure, (_ZERO, _ZERO))
        self.measures[measure] = (was_cost + cost, was_qty + quantity)
        if detail:
            self.types[detail] = self.types.get(detail, _ZERO) + quantity


@dataclass(frozen=True)
class Quantity:
    """Planned and billed quantity of one measure over the period."""

    measure: str
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True)
class ComponentRow:
    """One planned service and component kind against the bill, over the period."""

    service: str
    component: str
    regions: tuple[str, ...]
    planned: Decimal
    actual: Decimal
    quantities: tuple[Quantity, ...]
    by_tag: Decimal  # the part of `actual` mapped by tags
    drift: bool
    causes: tuple[str, ...]

    @property
    def difference(self) -> Decimal:
        return self.actual - self.planned

    @property
    def percent(self) -> Decimal | None:
        return self.difference * 100 / self.planned if self.planned else None


@dataclass(frozen=True)
class UnplannedRow:
    """Billed spend that maps to nothing in the plan, per resource and reason."""

    provider: str
    service: str
    resource_id: str
    cause: str
    billed: Decimal
    drift: bool


def is_drift(planned: Decimal, actual: Decimal, s: ReconcileSettings) -> bool:
    difference = abs(actual - planned)
    if difference < s.drift_min_amount or difference == 0:
        return False
    return planned == 0 or difference * 100 > Decimal(str(s.drift_pct)) * planned


def component_rows(
    items: Sequence[PlanItem],
    actuals: Mapping[Group, Actual],
    hours: Decimal,
    currency: str,
    settings: ReconcileSettings,
) -> tuple[ComponentRow, ...]:
    """A row per planned group (and per group only tags named), in plan order."""
    planned: dict[Group, list[PlanItem]] = {}
    for item in items:
        planned.setdefault(item.group, []).append(item)
    for group in actuals:
        planned.setdefault(group, [])
    scale = hours / _MONTH
    return tuple(
        _row(group, group_items, actuals.get(group, Actual()), scale, hours, currency, settings)
        for group, group_items in planned.items()
    )


def _row(
    group: Group,
    items: Sequence[PlanItem],
    actual: Actual,
    scale: Decimal,
    hours: Decimal,
    currency: str,
    settings: ReconcileSettings,
) -> ComponentRow:
    planned = sum((i.monthly_cost for i in items), _ZERO) * scale
    quantities = _quantities(items, actual, scale)
    drift = is_drift(planned, actual.cost, settings)
    causes = _causes(items, actual, quantities, hours, currency, settings) if drift else ()
    return ComponentRow(
        service=group[0],
        component=group[1],
        regions=tuple(sorted({i.region for i in items})),
        planned=planned,
        actual=actual.cost,
        quantities=quantities,
        by_tag=actual.by_tag,
        drift=drift,
        causes=causes,
    )


def _quantities(items: Sequence[PlanItem], actual: Actual, scale: Decimal) -> tuple[Quantity, ...]:
    planned: dict[str, Decimal] = {}
    for item in items:
        measure = item.kind.measure
        planned[measure] = planned.get(measure, _ZERO) + item.quantity * scale
    return tuple(
        Quantity(m, planned.get(m, _ZERO), actual.measures.get(m, (_ZERO, _ZERO))[1])
        for m in sorted(set(planned) | {m for m in actual.measures if m})
    )


def _off(planned: Decimal, actual: Decimal, settings: ReconcileSettings) -> bool:
    if planned == 0:
        return actual != 0
    return abs(actual - planned) * 100 > Decimal(str(settings.drift_pct)) * planned


def _causes(
    items: Sequence[PlanItem],
    actual: Actual,
    quantities: Iterable[Quantity],
    hours: Decimal,
    currency: str,
    settings: ReconcileSettings,
) -> tuple[str, ...]:
    """The likely causes of a drift, as far as the quantities and prices in the bill say."""
    if not items:
        return ("tagged for a component the plan does not have",)
    if actual.cost == 0:
        return ("nothing billed maps to it: not running, or neither tagged nor recognised",)
    category = items[0].kind.category
    causes = [_type_cause(items, actual)] if category in MACHINE_CATEGORIES else []
    for q in quantities:
        if q.planned == 0:
            cost = actual.measures.get(q.measure, (_ZERO, _ZERO))[0]
            causes.append(
                f"charges the plan does not price: {q.measure or 'other units'} "
                f"({format_money(cost, currency)})"
            )
        elif _off(q.planned, q.actual, settings):
            # Hours of several kinds (a NAT gateway's and its public IPv4 address's) are not
            # "NAT gateway-hours": name them by category only when they are all of one.
            same = all(i.kind.category == category for i in items if i.kind.measure == q.measure)
            causes.append(_quantity_cause(q, category if same else "", hours))
        else:
            causes.append(_price_cause(q, items, actual, currency, settings))
    return tuple(c for c in causes if c)


def _type_cause(items: Sequence[PlanItem], actual: Actual) -> str:
    planned = {i.kind.detail for i in items}
    other = sorted(t for t in actual.types if t not in planned)
    if not other:
        return ""
    return f"billed as {', '.join(other)}; the plan has {', '.join(sorted(planned))}"


# What an hour of each category is called in a cause.
_HOURS = {
    "compute": "instance-hours",
    "database": "database instance-hours",
    "cache": "cache node-hours",
    "nat": "NAT gateway-hours",
    "load_balancer": "load balancer-hours",
    "kubernetes": "cluster-hours",
}


def _quantity_cause(q: Quantity, category: str, hours: Decimal) -> str:
    more = "more" if q.actual > q.planned else "less"
    if q.measure == HOUR and category in _HOURS:
        return (
            f"{q.actual:,.0f} {_HOURS[category]} ({q.actual / hours:.1f} running on average) "
            f"against {q.planned:,.0f} planned ({q.planned / hours:.1f})"
        )
    if q.measure == GB:
        return f"{q.actual:,.1f} GB ({more} than the plan's traffic model: {q.planned:,.1f} GB)"
    if q.measure == GB_MONTH:
        return f"{q.actual:,.1f} GB-months stored against {q.planned:,.1f} planned"
    return f"{q.actual:,.2f} {q.measure} against {q.planned:,.2f} planned"


def _price_cause(
    q: Quantity,
    items: Sequence[PlanItem],
    actual: Actual,
    currency: str,
    settings: ReconcileSettings,
) -> str:
    cost = actual.measures.get(q.measure, (_ZERO, _ZERO))[0]
    same = [i for i in items if i.kind.measure == q.measure]
    planned_cost = sum((i.monthly_cost for i in same), _ZERO)
    planned_qty = sum((i.quantity for i in same), _ZERO)
    if not q.actual or not planned_qty:
        return ""
    billed_rate, planned_rate = cost / q.actual, planned_cost / planned_qty
    if not _off(planned_rate, billed_rate, settings):
        return ""
    purchases = ", ".join(sorted({i.purchase for i in same}))
    return (
        f"billed at {format_rate(billed_rate.quantize(Decimal('0.0001')), currency, q.measure)}; "
        f"the plan prices {format_rate(planned_rate.quantize(Decimal('0.0001')), currency, q.measure)}"
        f" ({purchases})"
    )
