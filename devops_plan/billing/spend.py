"""What was spent: the query results of one engine as frozen, typed, sorted records.

`collect_spend` is the only place that runs the report's SQL; everything after it
(recommendations, the report, the writers) works on the `Spend` it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from typing import Any

from ..errors import BillingInputError
from ..units import HOURS_PER_MONTH
from .gc_pause import paused_gc
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
    """Rows and BilledCost read from one source, before any period filter."""

    source: str
    row_count: int
    billed_rows: int
    dated_rows: int
    billed_cost: Decimal
    first_start: datetime | None
    last_end: datetime | None


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
    def currency(self) -> str:
        found = sorted({d.currency for d in self.daily if d.currency})
        return "/".join(found) if found else "USD"

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
    """A unit price read as a float, as the Decimal of its shortest text (0.096, not 0.0959...)."""
    return None if value is None else Decimal(repr(float(value)))


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


def period_filter(since: date | None, until: date | None) -> str:
    """The WHERE clause of a period; built from parsed dates only, never from raw text."""
    parts = []
    if since is not None:
        parts.append(f"ChargePeriodStart >= TIMESTAMP '{since.isoformat()} 00:00:00'")
    if until is not None:
        parts.append(f"ChargePeriodStart < TIMESTAMP '{until.isoformat()} 00:00:00'")
    return " AND ".join(parts) if parts else "TRUE"


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


def collect_spend(engine: Engine, since: date | None = None, until: date | None = None) -> Spend:
    """Run the report's query on `engine` and return its results, typed and sorted.

    One query (`sql/spend.sql`) reads the input once and returns four grains of
    aggregates: charge lines, days, charge periods and source files. The period is
    [since, until) when given (until is exclusive, as in Cost Explorer and FOCUS's
    BillingPeriodEnd), otherwise the span of the data itself.
    """
    with paused_gc():
        return _collect(engine, since, until)


@dataclass
class _Grains:
    """The spend query's rows, by grain: files read, charge lines, days, compute hours."""

    lines: list[ChargeLine] = field(default_factory=list)
    daily: list[DailySpend] = field(default_factory=list)
    hours: list[ComputeHour] = field(default_factory=list)
    inputs: list[InputSummary] = field(default_factory=list)

    def add(self, row: Mapping[str, Any]) -> None:
        grain = row["grain"]
        if grain == "file":
            self.inputs.append(_input(row))
        elif row["in_period"] is not True:
            return  # outside --since/--until (or undated while a period is set)
        elif grain == "line":
            self.lines.append(_line(row))
        elif grain == "day":
            self.daily.append(_daily(row))
        elif (
            row["on_demand_compute"] is True
            and (period_start := _when(row["period_start"])) is not None
            and (period_end := _when(row["period_end"])) is not None
        ):
            self.hours.append(
                ComputeHour(
                    provider=_text(row["provider"]),
                    start=period_start,
                    end=period_end,
                    cost=_money(row["effective_cost"]),
                )
            )


def _collect(engine: Engine, since: date | None, until: date | None) -> Spend:
    if since is not None and until is not None and until <= since:
        raise BillingInputError(
            f"--until {until.isoformat()} must be after --since {since.isoformat()}"
        )
    found = _Grains()
    for row in engine.query("spend", where=period_filter(since, until)):
        found.add(row)
    inputs = tuple(sorted(found.inputs, key=lambda i: i.source))
    lines = tuple(sorted(found.lines, key=_line_key))
    daily = tuple(sorted(found.daily, key=_daily_key))
    hours = tuple(sorted(found.hours, key=lambda h: (h.provider, h.start, h.end)))
    rows_read = sum(i.row_count for i in inputs)
    if rows_read == 0:
        rejected = engine.rejected_rows()
        extra = f" ({len(rejected)} row(s) could not be read)" if rejected else ""
        raise BillingInputError(f"no billing rows could be read from the input{extra}")
    starts = [i.first_start for i in inputs if i.first_start is not None]
    ends = [i.last_end for i in inputs if i.last_end is not None]
    if not starts or not ends:
        raise BillingInputError("no billing row has a ChargePeriodStart and ChargePeriodEnd")
    start = datetime.combine(since, time()) if since else min(starts)
    end = datetime.combine(until, time()) if until else max(ends)
    if end <= start:
        end = start + timedelta(hours=1)
    return Spend(
        period=Period(start, end),
        lines=lines,
        daily=daily,
        compute_hours=hours,
        inputs=inputs,
        rejected=engine.rejected_rows(),
        engine=engine.name,
        filtered=since is not None or until is not None,
    )
