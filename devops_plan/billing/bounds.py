"""What the report trusts in a bill before it adds anything up: the months its plausible rows
fall in, and the one currency it is in.

A bill is a few months of rows. A row dated 2100 among rows of September 2024 is a mistake,
and taken at face value it would stretch the period to 76 years, turn every monthly figure
into almost nothing and make the hourly commitment series too big for memory. So the months
that hold rows are split into clusters wherever more than `GAP_MONTHS` months hold none;
the cluster with the most rows is the bill, and another cluster is kept only when it holds a
real share of the rows (`MIN_CLUSTER_SHARE`, e.g. two exports a year apart). Rows outside
the kept months, and rows with an amount no bill has (`MAX_AMOUNT`), are rejected: counted,
with examples, like unreadable rows. A bill is in one currency: amounts in different
currencies are never added together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..errors import BillingInputError

GAP_MONTHS = 3
MIN_CLUSTER_SHARE = 0.05
# The largest plausible amount on one row, in the bill's currency: beyond it a value is a
# mistake, and sums of such values overflow exact decimals. (The mapping SQL takes a
# quantity this large as unknown.)
MAX_AMOUNT = "1e15"
# The longest span of plausible months a report covers (about ten years): the hourly
# commitment series is laid out over it.
MAX_PERIOD_DAYS = 3700
# Rows with an end a little past the last plausible month are still plausible (a daily or
# monthly row that starts on its last day).
_END_MARGIN = timedelta(days=31)
_MONEY = ("BilledCost", "EffectiveCost", "ListCost")
_MAX_COLUMNS = ("max_billed", "max_effective", "max_list")


@dataclass(frozen=True)
class MonthRows:
    """The rows that start in one calendar month, in one currency (from sql/span.sql): how
    many, the months their ends fall in, and their largest amount."""

    year: int | None  # None: rows without a ChargePeriodStart
    month: int | None
    currency: str
    rows: int
    first_end: int | None = None  # month index of the earliest ChargePeriodEnd
    last_end: int | None = None
    max_amount: float | None = None  # the largest absolute amount

    @property
    def index(self) -> int | None:
        """Months since year 0 (a sortable month number), None for undated rows."""
        if self.year is None or self.month is None:
            return None
        return self.year * 12 + self.month - 1


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def month_rows(rows: Iterable[Mapping[str, Any]]) -> list[MonthRows]:
    """sql/span.sql's rows as MonthRows."""
    found = []
    for r in rows:
        amounts = [float(r[k]) for k in _MAX_COLUMNS if r[k] is not None]
        found.append(
            MonthRows(
                _int(r["start_year"]),
                _int(r["start_month"]),
                "" if r["currency"] is None else str(r["currency"]),
                int(r["row_count"]),
                _int(r["first_end_month"]),
                _int(r["last_end_month"]),
                max(amounts) if amounts else None,
            )
        )
    return found


def plausible_months(counts: Mapping[int, int]) -> tuple[int, int] | None:
    """The first and last month (indexes) of the plausible rows, from rows per month; None
    when no row is dated. Pure: clusters split at gaps over GAP_MONTHS; the largest is kept
    (the earliest among equals) and every other holding at least MIN_CLUSTER_SHARE."""
    if not counts:
        return None
    clusters: list[list[int]] = []
    for month in sorted(counts):
        if clusters and month - clusters[-1][-1] <= GAP_MONTHS + 1:
            clusters[-1].append(month)
        else:
            clusters.append([month])
    sizes = [sum(counts[m] for m in c) for c in clusters]
    total = sum(sizes)
    largest = sizes.index(max(sizes))
    kept = [
        c
        for i, (c, size) in enumerate(zip(clusters, sizes, strict=True))
        if i == largest or size >= MIN_CLUSTER_SHARE * total
    ]
    return kept[0][0], kept[-1][-1]


def month_start(index: int) -> datetime:
    """The first instant of a month index; BillingInputError beyond what a date can hold."""
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise BillingInputError(
            f"the billing rows are dated in the year {year}, which no bill covers"
        )
    return datetime(year, month + 1, 1)


@dataclass(frozen=True)
class Bounds:
    """The plausible window [start, end) of row starts, the period asked for cut to it
    (None: not asked), and the report's currency."""

    start: datetime
    end: datetime
    since: datetime | None
    until: datetime | None
    currency: str
    currencies: tuple[str, ...]  # every currency named in the bill
    notes: tuple[str, ...]
    # Whether some row lies outside the window / has an implausible amount: only then does
    # the query test each row (a clean bill pays nothing for the checks).
    check_dates: bool = True
    check_amounts: bool = True

    def plausible_sql(self) -> str:
        """The SQL predicate a plausible row meets (both engines); 'TRUE' for a clean bill."""
        parts = []
        if self.check_dates:
            lo, hi = _timestamp(self.start), _timestamp(self.end)
            end_by = _timestamp(self.end + _END_MARGIN)
            parts.append(
                f"(ChargePeriodStart IS NULL OR (ChargePeriodStart >= {lo} "
                f"AND ChargePeriodStart < {hi})) AND (ChargePeriodEnd IS NULL OR "
                f"(ChargePeriodEnd > {lo} AND ChargePeriodEnd <= {end_by}))"
            )
        if self.check_amounts:
            parts += [f"({c} IS NULL OR abs(CAST({c} AS DOUBLE)) < {MAX_AMOUNT})" for c in _MONEY]
        return " AND ".join(parts) if parts else "TRUE"

    def reason(self, start: str | None, amounts: Sequence[float | None]) -> str:
        """Why a row the predicate refused is implausible (for the examples shown); `start`
        is its ChargePeriodStart as text (any year)."""
        if start is not None and not self.start <= _parsed(start, self.start) < self.end:
            return (
                f"dated outside the billing period's months "
                f"({self.start:%Y-%m-%d} to {self.end:%Y-%m-%d})"
            )
        if any(a is not None and abs(a) >= float(MAX_AMOUNT) for a in amounts):
            return f"an amount of {float(MAX_AMOUNT):g} or more"
        return "its charge period ends outside the billing period's months"

    def period_sql(self) -> str:
        """The SQL predicate of the period asked for, and of the report's currency ('TRUE'
        when neither narrows anything). Built from parsed values only, never raw text."""
        parts = []
        if self.since is not None:
            parts.append(f"ChargePeriodStart >= {_timestamp(self.since)}")
        if self.until is not None:
            parts.append(f"ChargePeriodStart < {_timestamp(self.until)}")
        if len(self.currencies) > 1:
            # Rows that name no currency are taken to be in the report's.
            quoted = "'" + self.currency.replace("'", "''") + "'"
            parts.append(f"(BillingCurrency = {quoted} OR BillingCurrency IS NULL)")
        return " AND ".join(parts) if parts else "TRUE"


def _parsed(text: str, fallback: datetime) -> datetime:
    """A timestamp's text as a datetime; one before year 1 or after 9999 as year 1."""
    try:
        return datetime.fromisoformat(text[:19])
    except ValueError:
        return datetime.min if text != fallback.isoformat() else fallback


def _timestamp(when: datetime) -> str:
    return f"TIMESTAMP '{when:%Y-%m-%d %H:%M:%S}'"


def choose_currency(
    months: Sequence[MonthRows], wanted: str | None, prefer: str | None = None
) -> tuple[str, list[str]]:
    """The report's currency and notes: `wanted`, else the bill's only one, else `prefer`
    when the bill holds it (a plan's currency); BillingInputError when the bill mixes
    currencies and none was chosen, or the chosen one is not in it."""
    rows: dict[str, int] = {}
    for m in months:
        if m.currency:
            rows[m.currency] = rows.get(m.currency, 0) + m.rows
    named = sorted(rows)
    listed = ", ".join(f"{c} ({rows[c]:,} rows)" for c in named)
    if wanted is not None:
        if wanted not in rows:
            raise BillingInputError(
                f"--currency {wanted!r}: no billing row is in it; the bill holds {listed or 'none'}"
            )
        return wanted, []
    if len(named) > 1 and prefer in rows:
        assert prefer is not None
        return prefer, [f"the bill also holds other currencies ({listed}): only {prefer} is here"]
    if len(named) > 1:
        raise BillingInputError(
            f"the bill holds amounts in {len(named)} currencies: {listed}; a report adds up one "
            f"currency: pass --currency {named[0]} (or another)"
        )
    if named:
        return named[0], []
    return "USD", ["no billing row names its currency (BillingCurrency): amounts shown as USD"]


def _clip(asked: date | None, window: datetime, pick: Any) -> datetime | None:
    return None if asked is None else pick(datetime(asked.year, asked.month, asked.day), window)


def find_bounds(
    months: Sequence[MonthRows],
    wanted_currency: str | None = None,
    since: date | None = None,
    until: date | None = None,
    prefer_currency: str | None = None,
) -> Bounds:
    """The plausible window of a bill from its rows per month, the period asked for cut to
    it (0001-01-01 to 9999-12-31 means the bill's own months), and the currency."""
    if since is not None and until is not None and until <= since:
        raise BillingInputError(
            f"--until {until.isoformat()} must be after --since {since.isoformat()}"
        )
    currency, notes = choose_currency(months, wanted_currency, prefer_currency)
    counts: dict[int, int] = {}
    for m in months:
        if m.index is not None:
            counts[m.index] = counts.get(m.index, 0) + m.rows
    found = plausible_months(counts)
    if found is None:
        raise BillingInputError("no billing row has a ChargePeriodStart")
    start, end = month_start(found[0]), month_start(found[1] + 1)
    lo, hi = _clip(since, start, max), _clip(until, end, min)
    if (hi or end) <= (lo or start):
        raise BillingInputError(
            f"the period asked for ({_described(since, until)}) holds no billing rows: the "
            f"bill's rows are from {start:%Y-%m-%d} to {end:%Y-%m-%d}"
        )
    days = ((hi or end) - (lo or start)).days
    if days > MAX_PERIOD_DAYS:
        raise BillingInputError(
            f"the billing rows spread over {days:,} days ({start.isoformat()[:7]} to "
            f"{end.isoformat()[:7]}); a "
            f"report covers at most {MAX_PERIOD_DAYS:,}: pass --since and --until, or fewer files"
        )
    currencies = tuple(sorted({m.currency for m in months if m.currency}))
    if (lo, hi) != _asked(since, until) and (since, until) != (None, None):
        notes.append(
            f"the period asked for is cut to the months that hold plausible billing rows: "
            f"{(lo or start):%Y-%m-%d} to {(hi or end):%Y-%m-%d}"
        )
    return Bounds(
        start,
        end,
        lo,
        hi,
        currency,
        currencies,
        tuple(notes),
        check_dates=_outside(months, found),
        check_amounts=any(
            m.max_amount is not None and m.max_amount >= float(MAX_AMOUNT) for m in months
        ),
    )


def _described(since: date | None, until: date | None) -> str:
    if since is not None and until is not None:
        return f"{since.isoformat()} to {until.isoformat()}"
    return f"from {since.isoformat()}" if since is not None else f"until {until}"


def _asked(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    return (
        None if since is None else datetime(since.year, since.month, since.day),
        None if until is None else datetime(until.year, until.month, until.day),
    )


def _outside(months: Sequence[MonthRows], window: tuple[int, int]) -> bool:
    """Whether a row starts outside the window's months, or ends outside them (or in the
    month after, where a last row ends)."""
    first, last = window
    for m in months:
        if m.index is not None and not first <= m.index <= last:
            return True
        if m.first_end is not None and m.first_end < first:
            return True
        if m.last_end is not None and m.last_end > last + 1:
            return True
    return False
