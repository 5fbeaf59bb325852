"""The spend query's `time` rows (`sql/spend.sql`) added up into the three grains the report
reads: spend per day and service, on-demand compute per charge period, and every row read
per source file and currency.

The query groups once per charge period, file, currency, provider, service and category;
each grain here is a coarser grouping of those rows, so adding them up gives exactly what
grouping the bill's rows by the grain's keys would: amounts are Decimals added at a
precision no sum of DECIMAL(38, 12) values rounds in, a sum is None only when every part
is (SQL's NULL), keys keep NULL apart from the empty text, and counts, first starts and
last ends combine as SQL's count, min and max do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from typing import Any

Row = Mapping[str, Any]

# 38 digits of a DECIMAL(38, 12) sum, and more: a Decimal sum of them never rounds.
_PRECISION = 80
_DAY_KEYS = ("day", "provider", "service", "service_category", "charge_category", "currency")
_HOUR_KEYS = ("provider", "period_start", "period_end")
_FILE_KEYS = ("source_file", "currency")


def _plus(total: Decimal | None, part: Any) -> Decimal | None:
    """SQL's sum of two partial sums: NULL only when both are."""
    if part is None:
        return total
    amount = part if isinstance(part, Decimal) else Decimal(str(part))
    return amount if total is None else total + amount


def _least(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b < a) else a


def _greatest(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


def roll_up(
    rows: Iterable[Row],
    keys: tuple[str, ...],
    *,
    sums: tuple[str, ...] = (),
    counts: tuple[str, ...] = (),
    firsts: tuple[str, ...] = (),
    lasts: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """`rows` grouped by `keys`: `sums` added exactly, `counts` added, the least of `firsts`
    and the greatest of `lasts`; one dict per group, in the order groups first appear."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    with localcontext() as context:
        context.prec = _PRECISION
        for row in rows:
            key = tuple(row[k] for k in keys)
            group = groups.get(key)
            if group is None:
                group = dict(zip(keys, key, strict=True))
                group.update(dict.fromkeys((*sums, *firsts, *lasts)))
                group.update(dict.fromkeys(counts, 0))
                groups[key] = group
            for name in sums:
                group[name] = _plus(group[name], row[name])
            for name in counts:
                group[name] += int(row[name] or 0)
            for name in firsts:
                group[name] = _least(group[name], row[name])
            for name in lasts:
                group[name] = _greatest(group[name], row[name])
    return list(groups.values())


def day_rows(time_rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Spend per day, provider, service, service and charge category and currency, in the
    period (`in_period`)."""
    return roll_up(
        (r for r in time_rows if r["in_period"] is True),
        _DAY_KEYS,
        sums=("billed_cost", "effective_cost", "list_cost"),
        counts=("row_count", "billed_rows"),
    )


def compute_hour_rows(time_rows: Iterable[Row]) -> list[dict[str, Any]]:
    """On-demand compute EffectiveCost per provider and dated charge period, in the period."""
    return roll_up(
        (
            r
            for r in time_rows
            if r["in_period"] is True
            and r["on_demand_compute"] is True
            and r["period_start"] is not None
            and r["period_end"] is not None
        ),
        _HOUR_KEYS,
        sums=("effective_cost",),
    )


def file_rows(time_rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Every row read per source file and currency, with no period filter."""
    return roll_up(
        time_rows,
        _FILE_KEYS,
        sums=("billed_cost",),
        counts=("row_count", "billed_rows", "dated_rows", "implausible_rows"),
        firsts=("first_start",),
        lasts=("last_end",),
    )
