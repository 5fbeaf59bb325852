"""What was spent: the query results of one engine as frozen, typed, sorted records.

`collect_spend` is the only place that runs the report's SQL; everything after it
(recommendations, the report, the writers) works on the `Spend` it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import groupby
from operator import attrgetter
from typing import Any, TypeVar

from ..errors import BillingInputError
from ..units import HOURS_PER_MONTH
from .bounds import MAX_AMOUNT, Bounds, find_bounds, month_rows
from .gc_pause import paused_gc
from .grains import compute_hour_rows, day_rows, file_rows
from .sources.engine import Engine, RejectedRow

_ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    """The half-open time range [start, end) the report covers."""

    start: datetime
    end: datetime

    @cached_property
    def hours(self) -> Decimal:
        return Decimal(int((self.end - self.start).total_seconds())) / Decimal(3600)

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


@dataclass(frozen=True)
class ChargeLine:
    """Spend of one resource on one SKU/charge/pricing category over the period."""

    provider: str
    service: str
    service_category: str
    region: str
    resource_id: str
    resource_name: str
    resource_type: str
    instance_type: str
    usage_type: str
    charge_description: str
    charge_category: str
    pricing_category: str
    tags: str
    consumed_unit: str
    billed_cost: Decimal
    effective_cost: Decimal
    list_cost: Decimal | None
    consumed_quantity: float | None
    list_unit_price: Decimal | None
    row_count: int
    first_start: datetime | None
    last_end: datetime | None


@dataclass(frozen=True)
class DailySpend:
    day: date | None
    provider: str
    service: str
    service_category: str
    charge_category: str
    currency: str
    billed_cost: Decimal
    effective_cost: Decimal
    list_cost: Decimal | None
    row_count: int
    billed_rows: int


@dataclass(frozen=True)
class ComputeHour:
    """On-demand compute spend of one provider in one charge period (an hour or a day)."""

    provider: str
    start: datetime
    end: datetime
    cost: Decimal


@dataclass(frozen=True)
class InputSummary:
    """Rows and BilledCost read from one source in one currency, before any period filter;
    the BilledCost and dates are those of its plausible rows."""

    source: str
    row_count: int
    billed_rows: int
    dated_rows: int
    billed_cost: Decimal
    first_start: datetime | None
    last_end: datetime | None
    currency: str = ""
    implausible_rows: int = 0


@dataclass(frozen=True)
class ImplausibleRow:
    """An example of a row rejected as implausible: dated far outside the bill's months, or
    with an amount no bill has. Values as the file holds them."""

    file: str
    period_start: str
    period_end: str
    resource_id: str
    billed_cost: str
    reason: str


@dataclass(frozen=True)
class Spend:
    period: Period
    lines: tuple[ChargeLine, ...]
    daily: tuple[DailySpend, ...]
    compute_hours: tuple[ComputeHour, ...]
    inputs: tuple[InputSummary, ...]
    rejected: tuple[RejectedRow, ...]
    engine: str
    filtered: bool  # whether --since/--until narrowed the inputs
    currency: str = "USD"  # the one currency every amount here is in
    implausible: tuple[ImplausibleRow, ...] = ()  # examples (the count is in `inputs`)
    notes: tuple[str, ...] = ()  # what the reading decided (a period cut, a currency)

    @property
    def billed_cost(self) -> Decimal:
        return sum((d.billed_cost for d in self.daily), _ZERO)

    @property
    def effective_cost(self) -> Decimal:
        return sum((d.effective_cost for d in self.daily), _ZERO)

    @property
    def list_cost(self) -> Decimal:
        return sum((d.list_cost or _ZERO for d in self.daily), _ZERO)

    @property
    def row_count(self) -> int:
        return sum(d.row_count for d in self.daily)

    @property
    def implausible_rows(self) -> int:
        return sum(i.implausible_rows for i in self.inputs)

    def other_currencies(self) -> list[tuple[str, int, Decimal]]:
        """Rows and BilledCost read in other currencies than the report's (not in it)."""
        found: dict[str, tuple[int, Decimal]] = {}
        for i in self.inputs:
            if i.currency and i.currency != self.currency:
                rows, billed = found.get(i.currency, (0, _ZERO))
                found[i.currency] = (rows + i.row_count, billed + i.billed_cost)
        return [(c, rows, billed) for c, (rows, billed) in sorted(found.items())]

    def monthly(self, amount: Decimal) -> Decimal:
        """`amount` spent over the period as an average 730-hour month."""
        hours = self.period.hours
        return amount * HOURS_PER_MONTH / hours if hours > 0 else _ZERO


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _money(value: Any) -> Decimal:
    if value is None:
        return _ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _money_or_none(value: Any) -> Decimal | None:
    return None if value is None else _money(value)


def _price_or_none(value: Any) -> Decimal | None:
    """A unit price read as a float, as the Decimal of its shortest text (0.096, not
    0.0959...); None for a value no price has (not finite, negative or beyond MAX_AMOUNT)."""
    if value is None:
        return None
    number = float(value)
    if not 0 <= number < float(MAX_AMOUNT):  # NaN fails too
        return None
    return Decimal(repr(number))


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return datetime.fromisoformat(str(value))


def _day(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    when = _when(value)
    return when.date() if when else None


def _line(row: Mapping[str, Any]) -> ChargeLine:
    return ChargeLine(
        provider=_text(row["provider"]),
        service=_text(row["service"]),
        service_category=_text(row["service_category"]),
        region=_text(row["region"]),
        resource_id=_text(row["resource_id"]),
        resource_name=_text(row["resource_name"]),
        resource_type=_text(row["resource_type"]),
        instance_type=_text(row["instance_type"]),
        usage_type=_text(row["usage_type"]),
        charge_description=_text(row["charge_description"]),
        charge_category=_text(row["charge_category"]),
        pricing_category=_text(row["pricing_category"]),
        tags=_text(row["tags"]),
        consumed_unit=_text(row["consumed_unit"]),
        billed_cost=_money(row["billed_cost"]),
        effective_cost=_money(row["effective_cost"]),
        list_cost=_money_or_none(row["list_cost"]),
        consumed_quantity=_float_or_none(row["consumed_quantity"]),
        list_unit_price=_price_or_none(row["list_unit_price"]),
        row_count=int(row["row_count"]),
        first_start=_when(row["first_start"]),
        last_end=_when(row["last_end"]),
    )


# The order of charge lines: by resource, then every other key (attrgetter: C speed).
_line_key = attrgetter(
    "provider",
    "resource_id",
    "service",
    "region",
    "charge_description",
    "charge_category",
    "pricing_category",
    "consumed_unit",
    "tags",
    "resource_name",
    "resource_type",
    "instance_type",
    "usage_type",
    "service_category",
)


def _input(row: Mapping[str, Any]) -> InputSummary:
    return InputSummary(
        source=_text(row["source_file"]),
        row_count=int(row["row_count"]),
        billed_rows=int(row["billed_rows"]),
        dated_rows=int(row["dated_rows"]),
        billed_cost=_money(row["billed_cost"]),
        first_start=_when(row["first_start"]),
        last_end=_when(row["last_end"]),
        currency=_text(row["currency"]),
        implausible_rows=int(row["implausible_rows"] or 0),
    )


def _daily(row: Mapping[str, Any]) -> DailySpend:
    return DailySpend(
        day=_day(row["day"]),
        provider=_text(row["provider"]),
        service=_text(row["service"]),
        service_category=_text(row["service_category"]),
        charge_category=_text(row["charge_category"]),
        currency=_text(row["currency"]),
        billed_cost=_money(row["billed_cost"]),
        effective_cost=_money(row["effective_cost"]),
        list_cost=_money_or_none(row["list_cost"]),
        row_count=int(row["row_count"]),
        billed_rows=int(row["billed_rows"]),
    )


def _daily_key(d: DailySpend) -> tuple[date, str, str, str, str, str]:
    return (
        d.day or date.min,
        d.provider,
        d.service,
        d.service_category,
        d.charge_category,
        d.currency,
    )


R = TypeVar("R")


def _every_field(record: Any) -> tuple[tuple[Any, ...], ...]:
    """All of a record's fields, comparable whatever they hold (None sorts last)."""
    return tuple((1,) if (v := getattr(record, f.name)) is None else (0, v) for f in fields(record))


def _in_order(records: list[R], key: Any) -> tuple[R, ...]:
    """`records` sorted by `key`, records with equal keys by all their fields. Keys tie when
    the query kept two groups apart that read the same here (a NULL and an empty text both
    become ""); which comes first must not depend on the order the query returned them in,
    which differs between sql/spend.sql and the fingerprint path, and between runs."""
    found: list[R] = []
    for _, same in groupby(sorted(records, key=key), key=key):
        run = list(same)
        found += sorted(run, key=_every_field) if len(run) > 1 else run
    return tuple(found)


def collect_spend(
    engine: Engine,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
    prefer_currency: str | None = None,
) -> Spend:
    """Run the report's queries on `engine` and return their results, typed and sorted.

    A first small query (`sql/span.sql`) says what the bill spans: `bounds.find_bounds`
    decides from it which rows are plausible and the one currency to add up (`currency`,
    needed when the bill mixes several). One query (`sql/spend.sql`) then reads the input
    once and returns four grains of aggregates: charge lines, days, charge periods and
    source files. `prefer_currency` is taken when the bill mixes several and `currency` is
    not given (reconcile prefers the plan's). The period is [since, until) when given
    (until is exclusive, as in Cost Explorer and FOCUS's BillingPeriodEnd) cut to the bill's
    months, otherwise the span of the plausible rows themselves.
    """
    with paused_gc():
        return _collect(engine, since, until, currency, prefer_currency)


@dataclass
class _Grains:
    """The spend query's rows: charge lines in the period, and the `time` rows from which
    `grains` adds up the days, compute hours and files read."""

    lines: list[ChargeLine] = field(default_factory=list)
    time: list[Mapping[str, Any]] = field(default_factory=list)

    def add(self, row: Mapping[str, Any]) -> None:
        if row["grain"] == "time":
            self.time.append(row)
        elif row["in_period"] is True:  # else outside --since/--until (or undated then)
            self.lines.append(_line(row))

    def daily(self) -> list[DailySpend]:
        return [_daily(r) for r in day_rows(self.time)]

    def hours(self) -> list[ComputeHour]:
        found = []
        for r in compute_hour_rows(self.time):  # rows with both ends dated
            start, end = _when(r["period_start"]), _when(r["period_end"])
            assert start is not None and end is not None
            found.append(ComputeHour(_text(r["provider"]), start, end, _money(r["effective_cost"])))
        return found

    def inputs(self) -> list[InputSummary]:
        return [_input(r) for r in file_rows(self.time)]


def _bounds(
    engine: Engine,
    since: date | None,
    until: date | None,
    currency: str | None,
    prefer: str | None,
) -> Bounds:
    months = month_rows(engine.span())
    if sum(m.rows for m in months) == 0:
        rejected = engine.rejected_rows()
        extra = f" ({len(rejected)} row(s) could not be read)" if rejected else ""
        raise BillingInputError(f"no billing rows could be read from the input{extra}")
    return find_bounds(months, currency, since, until, prefer)


def _implausible(engine: Engine, bounds: Bounds, limit: int = 20) -> tuple[ImplausibleRow, ...]:
    """Examples of the rows the plausibility test refused."""
    rows = engine.query("outliers", plausible=bounds.plausible_sql(), limit=str(limit))
    return tuple(
        ImplausibleRow(
            file=_text(r["source_file"]),
            period_start=_text(r["period_start"]),
            period_end=_text(r["period_end"]),
            resource_id=_text(r["resource_id"]),
            billed_cost=_text(r["billed_cost"]),
            reason=bounds.reason(
                r["period_start"],
                [r["billed_value"], r["effective_value"], r["list_value"]],
            ),
        )
        for r in rows
    )


def _period(bounds: Bounds, inputs: tuple[InputSummary, ...]) -> Period:
    """[since, until) as cut to the bill's months, else the span of the plausible rows."""
    starts = [i.first_start for i in inputs if i.first_start is not None]
    ends = [i.last_end for i in inputs if i.last_end is not None]
    start = bounds.since or (min(starts) if starts else bounds.start)
    end = bounds.until or (max(ends) if ends else bounds.end)
    if end <= start:
        end = start + timedelta(hours=1)
    return Period(start, end)


def _collect(
    engine: Engine,
    since: date | None,
    until: date | None,
    currency: str | None,
    prefer: str | None,
) -> Spend:
    bounds = _bounds(engine, since, until, currency, prefer)
    found = _Grains()
    plausible = bounds.plausible_sql()
    for row in engine.spend(bounds.period_sql(), plausible):
        found.add(row)
    inputs = _in_order(found.inputs(), attrgetter("source", "currency"))
    implausible = sum(i.implausible_rows for i in inputs)
    return Spend(
        period=_period(bounds, inputs),
        lines=_in_order(found.lines, _line_key),
        daily=_in_order(found.daily(), _daily_key),
        compute_hours=_in_order(found.hours(), attrgetter("provider", "start", "end")),
        inputs=inputs,
        rejected=engine.rejected_rows(),
        engine=engine.name,
        filtered=since is not None or until is not None,
        currency=bounds.currency,
        implausible=_implausible(engine, bounds) if implausible else (),
        notes=bounds.notes,
    )
