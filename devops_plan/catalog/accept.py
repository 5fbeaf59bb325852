"""Accepting prices fetched by a refresh adapter into a catalog: every row checked like a
hand-written one (`checks.check_row`), nothing accepted when nothing came back or when a large
share of the products the current catalog has for the same regions and categories is gone,
and the catalog written atomically, so that on any failure the current file is untouched."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ExternalError
from .checks import RowProblem, check_row
from .files import write_catalog
from .price import Key, Price, RowKey

# A refresh that loses more than this share of the products the current catalog has for the
# same regions and categories is refused: an API that answers with a fraction of its list
# (a filter changed, a page lost) must not shrink the catalog silently.
MAX_DROP = 0.25


class RefreshRefused(ExternalError):
    """A price API answered, but not with something that can replace the current catalog."""


@dataclass(frozen=True)
class Scope:
    """What a refresh fetched: regions and catalog categories (to compare like with like)."""

    cloud: str
    regions: Collection[str]
    categories: Collection[str]
    # Single products fetched from a category the refresh does not fill whole (internet
    # egress is one product of the network category).
    products: Collection[str] = ()

    def covers(self, price: Price) -> bool:
        return price.region in self.regions and (
            price.category in self.categories or price.product in self.products
        )


def checked(rows: Sequence[Price], today: date | None = None) -> tuple[list[Price], list[str]]:
    """The rows that pass the catalog's checks, and why each other row was left out."""
    good: list[Price] = []
    skipped: list[str] = []
    for p in rows:
        try:
            check_row(p, today)
        except RowProblem as exc:
            skipped.append(f"{p.source[:120]} ({p.product}): {exc.column}: {exc}")
        else:
            good.append(p)
    return good, skipped


def cheapest_per_key(rows: Sequence[Price]) -> list[Price]:
    """One row per row key (a catalog key, and a tier's start): the cheaper (then the smaller
    source) when a product comes back twice (two SKUs of one type), so the outcome does not
    depend on page order."""
    unique: dict[RowKey, Price] = {}
    for p in rows:
        seen = unique.get(p.row_key)
        if seen is None or (p.unit_price, p.source) < (seen.unit_price, seen.source):
            unique[p.row_key] = p
    return list(unique.values())


def check_drop(
    base: Sequence[Price], fresh: Sequence[Price], scope: Scope, max_drop: float
) -> None:
    """RefreshRefused when the fetch is empty or lacks more than `max_drop` of the products
    (product and region) the current catalog has within `scope`."""
    what = ", ".join(sorted({*scope.categories, *scope.products}))
    where = f"{', '.join(sorted(scope.regions))} ({what})"
    if not fresh:
        raise RefreshRefused(
            f"{scope.cloud} price refresh fetched no prices for {where}; "
            "the catalog was left as it was"
        )
    before = {(p.product, p.region) for p in base if scope.covers(p)}
    after = {(p.product, p.region) for p in fresh}
    lost = before - after
    if before and len(lost) / len(before) > max_drop:
        example = ", ".join(sorted(f"{prod} in {reg}" for prod, reg in lost)[:3])
        raise RefreshRefused(
            f"{scope.cloud} price refresh fetched {len(after & before)} of the {len(before)} "
            f"products the current catalog has for {where}: {len(lost)} missing (e.g. {example}) "
            f"is more than {max_drop:.0%}; the catalog was left as it was "
            "(--max-drop allows a larger drop)"
        )


def merge(base: Sequence[Price], fresh: Sequence[Price]) -> tuple[list[Price], int, int]:
    """`base` with the rows of each product key in `fresh` replacing that key's rows (all
    tiers of a tiered product at once), or added; (rows, keys replaced, keys added)."""
    by_key: dict[Key, list[Price]] = {}
    for p in base:
        by_key.setdefault(p.key, []).append(p)
    new: dict[Key, list[Price]] = {}
    for p in fresh:
        new.setdefault(p.key, []).append(p)
    replaced = sum(1 for key in new if key in by_key)
    by_key.update(new)
    return [p for rows in by_key.values() for p in rows], replaced, len(new) - replaced


def accept(
    base: Sequence[Price],
    fresh: Sequence[Price],
    scope: Scope,
    out: Path,
    *,
    max_drop: float = MAX_DROP,
) -> tuple[int, int, int]:
    """Refuse or merge `fresh` (already checked) over `base` and write `out` atomically.

    Returns (rows written, rows replaced, rows added).
    """
    check_drop(base, fresh, scope, max_drop)
    merged, replaced, added = merge(base, fresh)
    write_catalog(scope.cloud, merged, out)
    return len(merged), replaced, added
