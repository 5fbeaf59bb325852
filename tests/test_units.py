"""Units: durations read and written both ways, and the one money format."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devops_plan.units import format_duration, format_money, parse_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (90, "1m30s"), (3600, "1h"), (1050, "17m30s"), (6650, "1h50m50s"), (86400, "1d")],
)
def test_durations_are_written_exactly_largest_unit_first(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


@given(st.integers(0, 10**8))
def test_every_written_duration_reads_back(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


def test_money_is_rounded_half_up_with_the_currency_code() -> None:
    assert format_money(Decimal("1234.565"), "EUR") == "1,234.57 EUR"
    assert format_money(Decimal("-0.004"), "USD") == "0.00 USD"
    assert format_money(Decimal("927.25"), "USD", signed=True) == "+927.25 USD"
