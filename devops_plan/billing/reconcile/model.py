"""The reconciliation of a plan with a bill: every billed cent either mapped onto a planned
service and component or listed as unplanned spend (the totals add up to the bill's, to the
cent), and the drift per component. `reconcile` is pure: plan + spend + catalog -> result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from ...catalog import Catalog
from ...config.models import ReconcileSettings
from ...errors import BillingInputError
from ...plan import Plan
from ...units import CENT, HOURS_PER_MONTH, round_cents
from ..spend import InputSummary, Period, Spend
from .drift import (
    Actual,
    ComponentRow,
    UnplannedRow,
    component_rows,
    is_drift,
)
from .match import Group, Matcher, plan_items, split

_ZERO = Decimal(0)


@dataclass(frozen=True)
class Reconciliation:
    """Plan against bill over one period, in the bill's currency."""

    design: str
    cloud: str
    currency: str
    period: Period
    billed_total: Decimal  # what the bill says for the period
    planned_monthly: Decimal  # the plan's monthly total
    rows: tuple[ComponentRow, ...]
    unplanned: tuple[UnplannedRow, ...]
    inputs: tuple[InputSummary, ...]
    rows_rejected: int
    rows_implausible: int
    notes: tuple[str, ...]
    settings: ReconcileSettings

    @property
    def planned_total(self) -> Decimal:
        return sum((r.planned for r in self.rows), _ZERO)

    @property
    def mapped_total(self) -> Decimal:
        return sum((r.actual for r in self.rows), _ZERO)

    @property
    def unplanned_total(self) -> Decimal:
        return sum((u.billed for u in self.unplanned), _ZERO)

    @property
    def drifted(self) -> bool:
        return any(r.drift for r in self.rows) or any(u.drift for u in self.unplanned)

    def by_service(self) -> list[tuple[str, Decimal, Decimal]]:
        """(service, planned, actual) per planned service, in plan order."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for r in self.rows:
            planned, actual = totals.get(r.service, (_ZERO, _ZERO))
            totals[r.service] = (planned + r.planned, actual + r.actual)
        return [(s, p, a) for s, (p, a) in totals.items()]


def cents(values: Sequence[Decimal]) -> list[Decimal]:
    """`values` rounded to the cent so that they add up to their rounded sum (largest
    remainder): a table's rows and its total agree to the cent."""
    target = round_cents(sum(values, _ZERO))
    floors = [v.quantize(CENT, rounding=ROUND_FLOOR) for v in values]
    left = int((target - sum(floors, _ZERO)) / CENT)
    order = sorted(range(len(values)), key=lambda i: (floors[i] - values[i], i))
    for i in order[: max(left, 0)]:
        floors[i] += CENT
    return floors


def _collect(
    spend: Spend, matcher: Matcher
) -> tuple[dict[Group, Actual], dict[tuple[str, str, str, str], Decimal]]:
    actuals: dict[Group, Actual] = {}
    unplanned: dict[tuple[str, str, str, str], Decimal] = {}
    for line in spend.lines:
        found = matcher.match(line)
        if not found.shares:
            key = (line.provider, line.service, line.resource_id, found.cause)
            unplanned[key] = unplanned.get(key, _ZERO) + line.billed_cost
            continue
        kind = matcher.kind(line)
        measure, detail = (kind.measure, kind.detail) if kind else ("", "")
        quantity = Decimal(str(line.consumed_quantity or 0)) * (kind.scale if kind else 1)
        quantities = dict(split(quantity, found.shares))
        for group, cost in split(line.billed_cost, found.shares):
            actuals.setdefault(group, Actual()).add(
                cost, measure, quantities[group], detail, found.by_tag
            )
    return actuals, unplanned


def reconcile(
    plan: Plan,
    spend: Spend,
    catalog: Catalog,
    settings: ReconcileSettings | None = None,
) -> Reconciliation:
    """The plan against the spend: pure and deterministic."""
    settings = settings or ReconcileSettings()
    if spend.currency != plan.currency:
        raise BillingInputError(
            f"the plan is priced in {plan.currency} and the bill is in {spend.currency}: "
            "reconcile compares amounts in one currency"
        )
    items = plan_items(plan, catalog)
    actuals, unplanned = _collect(spend, Matcher(items))
    rows = component_rows(items, actuals, spend.period.hours, spend.currency, settings)
    extra = tuple(
        UnplannedRow(p, s, r, c, billed, is_drift(_ZERO, billed, settings))
        for (p, s, r, c), billed in sorted(unplanned.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    notes = list(spend.notes)
    if spend.period.hours < HOURS_PER_MONTH / 4:
        notes.append(
            f"the period is {spend.period.days:g} days: the plan's monthly figures are scaled "
            "to it, and short periods drift by chance"
        )
    return Reconciliation(
        design=plan.design,
        cloud=plan.cloud,
        currency=spend.currency,
        period=spend.period,
        billed_total=spend.billed_cost,
        planned_monthly=plan.cost.monthly_total,
        rows=rows,
        unplanned=extra,
        inputs=spend.inputs,
        rows_rejected=len(spend.rejected),
        rows_implausible=spend.implausible_rows,
        notes=tuple(notes),
        settings=settings,
    )
