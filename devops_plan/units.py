"""Units: durations, sizes and money, and the one month length every price uses."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

# Infracost and the cloud calculators use 730 hours (8760 / 12) for a month.
HOURS_PER_MONTH = 730
MINUTES_PER_MONTH = HOURS_PER_MONTH * 60
CENT = Decimal("0.01")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
# A compound duration as format_duration writes it: 1h30m, 17m30s.
_COMPOUND = re.compile(r"^\s*(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+\s*$")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float) -> int:
    """Seconds in a duration such as ``30s``, ``15m``, ``1h``, ``1d``; a bare number is seconds.

    Raises ValueError with a message fit for a person (also for infinite or NaN numbers).
    """
    expected = f"expected a duration such as 30s, 15m, 1h or 1d (got {_short(text)})"
    if isinstance(text, bool):
        raise ValueError(expected)
    if isinstance(text, int | float):
        if text < 0:
            raise ValueError(f"a duration cannot be negative (got {_short(text)})")
        seconds = float(text)
    else:
        match = _DURATION.match(str(text))
        if match:
            value, unit = match.groups()
            seconds = float(value) * _SECONDS[unit or "s"]
        elif _COMPOUND.match(str(text)):
            seconds = sum(float(v) * _SECONDS[u] for v, u in _PART.findall(str(text)))
        else:
            raise ValueError(expected)
    if not math.isfinite(seconds):
        raise ValueError(f"a duration must be a finite number (got {_short(text)})")
    return round(seconds)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def format_duration(seconds: float) -> str:
    """An exact human form, largest units first: 3600 -> '1h', 90 -> '1m30s',
    6650 -> '1h50m50s', 0 -> '0s'. `parse_duration` reads each unit of it back."""
    seconds = round(seconds)
    if seconds == 0:
        return "0s"
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out


def money(value: Decimal | int | float | str) -> Decimal:
    """A Decimal from any number, via str so floats do not leak binary noise."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_cents(value: Decimal) -> Decimal:
    """The one rounding rule for money: to the cent, half up (as invoices do)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(
    value: Decimal | int | float, currency: str, *, places: int = 2, signed: bool = False
) -> str:
    """The one money format for people: '1,234.56 USD', '-12.00 EUR'; `signed` adds '+' to
    positive amounts (deltas). The ISO code, never a symbol: a bill may hold any currency and
    '$' alone does not say which."""
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}{abs(amount):,.{places}f} {currency}"


def format_rate(value: Decimal, currency: str, per: str = "") -> str:
    """A unit price with every digit it has (0.096 USD/h), not rounded to the cent."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return f"{text} {currency}" + (f"/{per}" if per else "")


def format_percent(value: float) -> str:
    """A percentage with every digit the plan has: 99.949984% misses 99.95%, which a rounded
    "99.95%" would hide."""
    return f"{Decimal(str(value)).normalize():f}%"


def downtime_budget_minutes(availability_percent: float) -> float:
    """Minutes of allowed downtime in a 730-hour month: 99.9 -> 43.8."""
    return round((1 - availability_percent / 100) * MINUTES_PER_MONTH, 4)
