"""Catalog freshness: the date of the oldest price a plan uses, and whether it is older than
the limit (six months), with the one-line advice on how to refresh it. Pure: today's date is
given by the caller."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .cost import LineItem

STALE_AFTER_MONTHS = 6
REFRESHABLE = {
    "aws": "--region us-east-1",
    "gcp": "--region us-central1",
    "azure": "--region eastus",
}


def oldest_price(items: Iterable[LineItem]) -> str:
    """The as_of date of the oldest catalog row among the priced line items ('' if none)."""
    return min((i.as_of for i in items if i.as_of), default="")


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (a month counts once its day is reached)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def is_stale(as_of: str, today: str) -> bool:
    """True when `as_of` is more than six months before `today` (both ISO dates)."""
    if not as_of or not today:
        return False
    return (
        months_between(date.fromisoformat(as_of), date.fromisoformat(today)) >= STALE_AFTER_MONTHS
    )


def stale_warning(cloud: str, as_of: str) -> str:
    """What a stale plan says, and how to refresh the prices."""
    return (
        f"prices from the {cloud} catalog as of {as_of} are more than {STALE_AFTER_MONTHS} months "
        f"old; refresh them with `devops-plan catalog refresh {cloud} {REFRESHABLE.get(cloud, '')} "
        f"--out DIR/{cloud}.csv` and plan with `--catalog DIR` (or DEVOPS_PLAN_CATALOG=DIR)"
    )


__all__ = ["STALE_AFTER_MONTHS", "is_stale", "months_between", "oldest_price", "stale_warning"]
