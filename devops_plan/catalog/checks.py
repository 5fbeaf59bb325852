"""What a catalog row may say, whoever wrote it (a person with a spreadsheet, the shipped
generator, or `catalog refresh` from a cloud's price API): a price that is plausible for its
unit (zero only where the row says `free` and the category can be free, or the row is a
tier of a tiered product: a free allowance), a unit that fits the
category, a date that is not in the future, and ids and text that can be written into any
output. The CSV reader and the refresh adapters apply the same rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from ..inputs import text_problem
from .price import CATEGORY_UNITS, FREE_CATEGORIES, Price

FREE = "free"  # the unit_price of a product that really costs nothing (AKS free tier, ...)
# No list price per hour, GB, GB-month or million requests is below a millionth of a
# currency unit, or above a million: outside that range the row is a typo or corrupt.
MIN_PRICE = Decimal("0.000001")
MAX_PRICE = Decimal(1_000_000)
MAX_VCPU = 4096.0
MAX_MEMORY_GIB = 65536.0
# A price list may be published a few days ahead of its date; a row dated later than this
# (2999-12-31) would outlive every refresh.
FUTURE_DAYS = 7

_PRODUCT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_REGION = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TEXT_LIMITS = {"service": 100, "source": 400}


class RowProblem(Exception):
    """One cell of a catalog row is wrong: its column, and what was expected."""

    def __init__(self, column: str, message: str):
        self.column = column
        super().__init__(message)


def parse_price(value: str, category: str) -> Decimal:
    """A unit_price cell: a decimal number, or `free` for a category that can be free."""
    if value.strip().lower() == FREE:
        return Decimal(0)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowProblem(
            "unit_price", f"expected a decimal number or {FREE} (got {value!r})"
        ) from None
    if not number.is_finite() or number < 0:
        raise RowProblem("unit_price", f"expected a number >= 0 (got {value!r})")
    if number == 0:
        hint = (
            f"write {FREE} if this product costs nothing"
            if category in FREE_CATEGORIES
            else f"{category} is never free"
        )
        raise RowProblem("unit_price", f"a unit price of 0 is not a price; {hint}")
    return number


def check_row(price: Price, today: date | None = None) -> None:
    """RowProblem for the first thing wrong with a row (its prices, unit, date, ids, text)."""
    _check_price(price)
    units = CATEGORY_UNITS.get(price.category, ())
    if price.unit not in units:
        raise RowProblem(
            "unit",
            f"{price.unit!r} does not fit a {price.category} product; expected "
            + " or ".join(units),
        )
    _check_date(price.as_of, today or date.today())
    _check_ids(price)


def _check_price(price: Price) -> None:
    value = price.unit_price
    if value == 0:
        # A free allowance is the first tier of a tiered product (Cloud Logging's first
        # 50 GiB, Service Bus Standard's first 13M operations), whatever its category.
        if price.category not in FREE_CATEGORIES and not price.tiered:
            raise RowProblem(
                "unit_price",
                f"a unit price of 0 for {price.product}: {price.category} is never free"
                " (only a tier of a tiered product, or a kubernetes or network product)",
            )
        return
    if not MIN_PRICE <= value <= MAX_PRICE:
        raise RowProblem(
            "unit_price",
            f"{value} is not a plausible price per {price.unit}; expected {MIN_PRICE} to "
            f"{MAX_PRICE:,} (or {FREE})",
        )
    for column, number, most in (
        ("vcpu", price.vcpu, MAX_VCPU),
        ("memory_gib", price.memory_gib, MAX_MEMORY_GIB),
    ):
        if number is not None and number > most:
            raise RowProblem(column, f"expected at most {most:g} (got {number:g})")


def _check_date(as_of: str, today: date) -> None:
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise RowProblem(
            "as_of", f"expected an ISO date such as 2025-01-01 (got {as_of!r})"
        ) from None
    if day > today + timedelta(days=FUTURE_DAYS):
        raise RowProblem(
            "as_of",
            f"{as_of} is in the future (today is {today.isoformat()}); a price is dated "
            "when it was published",
        )


def _check_ids(price: Price) -> None:
    for column, value, pattern, what in (
        ("product", price.product, _PRODUCT, "letters, digits, '.', '_' and '-'"),
        ("region", price.region, _REGION, "lowercase letters, digits and '-'"),
        ("currency", price.currency, _CURRENCY, "a three-letter ISO code such as USD"),
    ):
        if not pattern.match(value):
            raise RowProblem(column, f"expected {what} (got {value[:80]!r})")
    if price.family and not _PRODUCT.match(price.family):
        raise RowProblem(
            "family", f"expected letters, digits, '.', '_' and '-' (got {price.family[:80]!r})"
        )
    for column, most in _TEXT_LIMITS.items():
        text = getattr(price, column)
        problem = text_problem(text)
        if problem is None and len(text) > most:
            problem = f"is {len(text)} characters long; at most {most}"
        if problem is not None:
            raise RowProblem(column, problem)
