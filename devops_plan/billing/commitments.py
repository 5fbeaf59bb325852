"""Sizing a Savings Plan or reservation on the on-demand compute baseline (pure arithmetic).

Covering X dollars per hour of on-demand usage with a commitment at discount d costs
X(1 - d) every hour, used or not, and saves min(usage, X) of on-demand spend. The net
saving per hour, mean(min(h_t, X)) - X(1 - d), is largest where the share of hours with
usage above X equals 1 - d: a low percentile of hourly spend. `best_level` finds that
level exactly over every observed hourly value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

_ZERO = Decimal(0)
_ONE = Decimal(1)
# Savings Plans are bought in steps of $0.001 per hour.
COMMITMENT_STEP = Decimal("0.001")


@dataclass(frozen=True)
class Commitment:
    """The best commitment for one purchase option, per hour of the period."""

    purchase: str
    discount: Decimal  # fraction off on-demand
    commitment_per_hour: Decimal  # what is paid every hour, at the discounted rate
    level_per_hour: Decimal  # on-demand spend per hour the commitment covers
    covered_per_hour: Decimal  # mean on-demand spend actually covered
    baseline_per_hour: Decimal  # mean on-demand spend
    net_savings_per_hour: Decimal

    @property
    def coverage(self) -> Decimal:
        """Share of on-demand compute spend the commitment covers."""
        return self.covered_per_hour / self.baseline_per_hour if self.baseline_per_hour else _ZERO

    @property
    def utilization(self) -> Decimal:
        """Share of the commitment used, on average."""
        return self.covered_per_hour / self.level_per_hour if self.level_per_hour else _ZERO

    @property
    def break_even_utilization(self) -> Decimal:
        """The commitment pays for itself when at least this share of it is used."""
        return _ONE - self.discount


def hourly_series(
    periods: Sequence[tuple[datetime, datetime, Decimal]], start: datetime, end: datetime
) -> list[Decimal]:
    """On-demand spend per hour for every hour of [start, end); absent hours are 0.

    A charge period longer than an hour (daily exports) is spread evenly over its hours.
    """
    total_hours = int((end - start).total_seconds() // 3600)
    series = [_ZERO] * max(total_hours, 0)
    for p_start, p_end, cost in periods:
        hours = int((p_end - p_start).total_seconds() // 3600) or 1
        rate = cost / Decimal(hours)
        first = int((p_start - start).total_seconds() // 3600)
        for index in range(first, first + hours):
            if 0 <= index < len(series):
                series[index] += rate
    return series


def best_level(series: Sequence[Decimal], discount: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(level, covered per hour, net saving per hour) maximising the net saving.

    Candidates are the observed hourly values (the optimum is always one of them); ties
    go to the smaller commitment. A level of 0 (no commitment) saves 0.
    """
    n = len(series)
    if n == 0 or discount <= 0:
        return _ZERO, _ZERO, _ZERO
    values = sorted(v for v in series if v > 0)
    best = (_ZERO, _ZERO, _ZERO)
    prefix = _ZERO  # sum of the values below the candidate
    cost_rate = _ONE - discount
    for i, level in enumerate(values):
        if i == 0 or level != values[i - 1]:
            # Hours at or above `level` are covered up to `level`, the others in full
            # (hours without on-demand spend add nothing).
            covered = (prefix + level * (len(values) - i)) / Decimal(n)
            net = covered - level * cost_rate
            if net > best[2]:
                best = (level, covered, net)
        prefix += level
    return best


def plan_commitment(series: Sequence[Decimal], purchase: str, discount: Decimal) -> Commitment:
    """The best commitment for `purchase`, rounded down to a purchasable hourly step."""
    n = len(series)
    baseline = sum(series, _ZERO) / Decimal(n) if n else _ZERO
    level, _, _ = best_level(series, discount)
    commit = (level * (_ONE - discount)).quantize(COMMITMENT_STEP, rounding=ROUND_DOWN)
    level = commit / (_ONE - discount) if discount < 1 else _ZERO
    covered = sum((min(v, level) for v in series), _ZERO) / Decimal(n) if n else _ZERO
    return Commitment(
        purchase=purchase,
        discount=discount,
        commitment_per_hour=commit,
        level_per_hour=level,
        covered_per_hour=covered,
        baseline_per_hour=baseline,
        net_savings_per_hour=covered - commit,
    )
