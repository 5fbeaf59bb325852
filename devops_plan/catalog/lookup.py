"""Price catalogs: a cloud's price table indexed for lookups. Immutable once built, so every
lookup (and every repeated product query a planner's variants make) is a dictionary hit.
Unit vocabulary, product ids and planner roles are documented in docs/pricing.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..errors import CatalogError
from .price import (
    ARCHES,
    CATEGORIES,
    DEFAULT_DEPLOYMENT,
    DEPLOYMENTS,
    ENGINES,
    GENERATIONS,
    PURCHASES,
    Key,
    Price,
    describe_key,
    hint,
    is_burstable,
)


class Catalog:
    """A cloud's price table, indexed for lookups; immutable after construction."""

    cloud: str
    currency: str
    as_of: str
    path: str

    def __init__(
        self,
        cloud: str,
        rows: Sequence[Price],
        roles: Mapping[str, str] | None = None,
        *,
        path: str = "",
    ) -> None:
        self.cloud = cloud
        self.path = path
        self.rows: tuple[Price, ...] = tuple(rows)
        self._roles = dict(roles or {})
        currencies = sorted({p.currency for p in self.rows})
        if len(currencies) > 1:
            raise CatalogError(f"{path or cloud}: more than one currency: {', '.join(currencies)}")
        self.currency = currencies[0] if currencies else "USD"
        self.as_of = max((p.as_of for p in self.rows), default="")
        self._by_key: dict[Key, Price] = {}
        self._tiers: dict[Key, tuple[Price, ...]] = {}
        self._variants: dict[tuple[str, str, str], list[Price]] = {}
        self._by_region: dict[str, list[Price]] = {}
        self._purchases: dict[str, set[str]] = {}
        self._product_regions: dict[str, set[str]] = {}
        self._sold: dict[tuple[str, str], set[str]] = {}
        self._families = {p.family for p in self.rows if p.family}
        tiers: dict[Key, list[Price]] = {}
        for p in self.rows:
            if p.tiered:
                tiers.setdefault(p.key, []).append(p)
                continue
            if p.key in self._by_key:
                raise CatalogError(f"{path or cloud}: duplicate row for {describe_key(p.key)}")
            self._by_key[p.key] = p
            self._variants.setdefault((p.product, p.region, p.purchase), []).append(p)
        for key, rows_of_key in tiers.items():
            if key in self._by_key:
                raise CatalogError(
                    f"{path or cloud}: {describe_key(key)} has a tiered and an untiered row"
                )
            ladder = _tier_ladder(key, rows_of_key, path or cloud)
            self._tiers[key] = ladder
            self._by_key[key] = ladder[0]
            self._variants.setdefault(key[:3], []).append(ladder[0])
        for p in self._by_key.values():
            self._by_region.setdefault(p.region, []).append(p)
            self._purchases.setdefault(p.product, set()).add(p.purchase)
            self._product_regions.setdefault(p.product, set()).add(p.region)
            self._sold.setdefault((p.product, p.region), set()).add(p.purchase)
        for region_rows in self._by_region.values():
            region_rows.sort(key=_sort_key)
        self._memo: dict[Key, Price | None] = {}
        self._queries: dict[tuple[Any, ...], tuple[Price, ...]] = {}
        # A region's rows per (category, purchase), in the region's order; built on a
        # region's first query (a plan's queries scanned thousands of rows each).
        self._sections: dict[str, dict[tuple[str | None, str], list[Price]]] = {}

    # -- lookups -----------------------------------------------------------------

    def tiers(self, price: Price) -> tuple[Price, ...]:
        """The tiers of the product `price` is a row of (its first tier), lowest first; the
        row alone for an untiered product."""
        return self._tiers.get(price.key, (price,))

    def find(
        self,
        product: str,
        region: str,
        purchase: str = "on_demand",
        *,
        engine: str = "",
        deployment: str = "",
    ) -> Price | None:
        """The price row, or None. Rows without an engine/deployment match any; a
        product sold single- and multi-AZ defaults to single_az; an engine must be
        named when a product has several (None when ambiguous)."""
        key = (product, region, purchase, engine, deployment)
        hit = self._by_key.get(key)
        if hit is not None:
            return hit
        if key in self._memo:
            return self._memo[key]
        found = self._resolve(key)
        self._memo[key] = found
        return found

    def _candidates(self, key: Key) -> list[Price]:
        product, region, purchase, engine, deployment = key
        rows = self._variants.get((product, region, purchase), [])
        if engine:
            rows = [p for p in rows if p.engine in (engine, "")]
            if any(p.engine == engine for p in rows):
                rows = [p for p in rows if p.engine == engine]
        if deployment:
            rows = [p for p in rows if p.deployment in (deployment, "")]
            if any(p.deployment == deployment for p in rows):
                rows = [p for p in rows if p.deployment == deployment]
        elif len({p.deployment for p in rows}) > 1:
            rows = [p for p in rows if p.deployment in (DEFAULT_DEPLOYMENT, "")]
        return rows

    def _resolve(self, key: Key) -> Price | None:
        rows = self._candidates(key)
        return rows[0] if len(rows) == 1 else None

    def price(
        self,
        product: str,
        region: str,
        purchase: str = "on_demand",
        *,
        engine: str = "",
        deployment: str = "",
    ) -> Price:
        """The price row; CatalogError naming the closest valid ids when there is none."""
        found = self.find(product, region, purchase, engine=engine, deployment=deployment)
        if found is not None:
            return found
        raise CatalogError(self.explain_missing(product, region, purchase, engine, deployment))

    def explain_missing(
        self, product: str, region: str, purchase: str, engine: str = "", deployment: str = ""
    ) -> str:
        """Why (product, region, purchase, engine, deployment) has no price, with suggestions."""
        cloud = self.cloud
        if purchase not in PURCHASES:
            return (
                f"unknown purchase option {purchase!r}{hint(purchase, PURCHASES)}; "
                f"expected one of {', '.join(PURCHASES)}"
            )
        if product not in self._purchases:
            return f"unknown {cloud} product {product!r}{hint(product, self._purchases)}"
        if region not in self._by_region:
            return (
                f"unknown {cloud} region {region!r}{hint(region, self._by_region)}; "
                f"regions: {', '.join(self.regions())}"
            )
        if region not in self._product_regions[product]:
            return (
                f"{cloud} {product} has no price in {region}; "
                f"priced in: {', '.join(sorted(self._product_regions[product]))}"
            )
        sold = self.purchases_for(product, region)
        if purchase not in sold:
            return (
                f"{cloud} {product} in {region} is not sold as {purchase}; "
                f"purchase options: {', '.join(sold)}"
            )
        if engine and engine not in ENGINES:
            return f"unknown engine {engine!r}{hint(engine, ENGINES)}"
        if deployment and deployment not in DEPLOYMENTS:
            return f"unknown deployment {deployment!r}; expected one of {', '.join(DEPLOYMENTS)}"
        rows = self._variants[(product, region, purchase)]
        engines = sorted({p.engine for p in rows if p.engine})
        deployments = sorted({p.deployment for p in rows if p.deployment})
        wanted = ", ".join(
            part for part in (engine and f"engine {engine}", deployment and deployment) if part
        )
        offers = "; ".join(
            part
            for part in (
                engines and f"engines: {', '.join(engines)}",
                deployments and f"deployments: {', '.join(deployments)}",
            )
            if part
        )
        if wanted:
            return f"{cloud} {product} in {region} ({purchase}) has no {wanted}; {offers}"
        return f"{cloud} {product} in {region} ({purchase}) needs an engine; {offers}"

    def products(
        self,
        region: str,
        *,
        category: str | None = None,
        family: str | None = None,
        purchase: str = "on_demand",
        min_vcpu: float | None = None,
        min_memory_gib: float | None = None,
        engine: str | None = None,
        deployment: str | None = None,
        arch: str | None = None,
        generation: str | None = None,
    ) -> list[Price]:
        """Rows in `region` matching every filter given, sorted by unit price then product.

        Remembered per query: a catalog never changes, and a planner's variants repeat them.
        """
        query: tuple[Any, ...] = (region, category, family, purchase, min_vcpu, min_memory_gib)
        query += (engine, deployment, arch, generation)
        found = self._queries.get(query)
        if found is None:
            rows = self._select(
                region,
                category,
                family,
                purchase,
                min_vcpu,
                min_memory_gib,
                engine,
                deployment,
                arch,
                generation,
            )
            found = self._queries[query] = tuple(rows)
        return list(found)

    def _select(
        self,
        region: str,
        category: str | None,
        family: str | None,
        purchase: str,
        min_vcpu: float | None,
        min_memory_gib: float | None,
        engine: str | None,
        deployment: str | None,
        arch: str | None,
        generation: str | None,
    ) -> list[Price]:
        self._check_query(region, category, family, purchase)
        for name, value, allowed in (
            ("engine", engine, ENGINES),
            ("deployment", deployment, DEPLOYMENTS),
            ("arch", arch, ARCHES),
            ("generation", generation, GENERATIONS),
        ):
            if value is not None and value not in allowed:
                raise CatalogError(
                    f"unknown {name} {value!r}{hint(value, allowed)}; "
                    f"expected one of {', '.join(allowed)}"
                )
        wanted = {
            "purchase": purchase,
            "category": category,
            "family": family,
            "engine": engine,
            "deployment": deployment,
            "arch": arch,
            "generation": generation,
        }
        equal = [(k, v) for k, v in wanted.items() if v is not None]
        return [
            p
            for p in self._section(region, category, purchase)
            if all(getattr(p, k) == v for k, v in equal)
            and (min_vcpu is None or (p.vcpu is not None and p.vcpu >= min_vcpu))
            and (
                min_memory_gib is None
                or (p.memory_gib is not None and p.memory_gib >= min_memory_gib)
            )
        ]

    def _section(self, region: str, category: str | None, purchase: str) -> list[Price]:
        """The rows of `region` with `category` (any when None) and `purchase`, in order."""
        sections = self._sections.get(region)
        if sections is None:
            sections = self._sections[region] = {}
            for p in self._by_region[region]:
                sections.setdefault((p.category, p.purchase), []).append(p)
                sections.setdefault((None, p.purchase), []).append(p)
        return sections.get((category, purchase), [])

    def _check_query(
        self, region: str, category: str | None, family: str | None, purchase: str
    ) -> None:
        if region not in self._by_region:
            raise CatalogError(
                f"unknown {self.cloud} region {region!r}{hint(region, self._by_region)}; "
                f"regions: {', '.join(self.regions())}"
            )
        if category is not None and category not in CATEGORIES:
            raise CatalogError(
                f"unknown category {category!r}{hint(category, CATEGORIES)}; "
                f"expected one of {', '.join(CATEGORIES)}"
            )
        if purchase not in PURCHASES:
            raise CatalogError(
                f"unknown purchase option {purchase!r}{hint(purchase, PURCHASES)}; "
                f"expected one of {', '.join(PURCHASES)}"
            )
        if family is not None and family not in self._families:
            raise CatalogError(
                f"unknown {self.cloud} family {family!r}{hint(family, self._families)}"
            )

    def role(self, role: str) -> str:
        """The product id the planner uses for `role` (data/pricing/roles.yaml)."""
        product = self._roles.get(role)
        if product is None:
            raise CatalogError(
                f"no {self.cloud} product for planner role {role!r}{hint(role, self._roles)} "
                "in roles.yaml"
            )
        return product

    def find_role(self, role: str) -> str | None:
        """The product id for `role`, or None when this cloud does not bill that role."""
        return self._roles.get(role)

    def roles(self) -> dict[str, str]:
        return dict(sorted(self._roles.items()))

    def regions(self) -> list[str]:
        return sorted(self._by_region)

    def product_ids(self) -> list[str]:
        return sorted(self._purchases)

    def purchases_for(self, product: str, region: str) -> list[str]:
        """Purchase options sold for `product` in `region`, in PURCHASES order."""
        sold = self._sold.get((product, region), set())
        return [p for p in PURCHASES if p in sold]

    def sells(self, product: str, purchase: str) -> bool:
        """Whether `product` is sold as `purchase` in any region of this catalog."""
        return purchase in self._purchases.get(product, ())

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"Catalog({self.cloud!r}, rows={len(self.rows)}, as_of={self.as_of!r})"


def _tier_ladder(key: Key, rows: list[Price], where: str) -> tuple[Price, ...]:
    """A tiered product's rows in order; CatalogError unless they start at 0, each starts
    where the one before ends, and only the last is open-ended."""
    ladder = tuple(sorted(rows, key=lambda p: p.tier_start))
    expected = Decimal(0)
    for i, tier in enumerate(ladder):
        last = i == len(ladder) - 1
        if tier.tier_start != expected or (tier.tier_end is None) != last:
            raise CatalogError(
                f"{where}: tiers of {describe_key(key)} must run from 0 without gaps or "
                f"overlaps, the last without an end (tier {i + 1} is "
                f"{tier.tier_start}-{tier.tier_end if tier.tier_end is not None else ''})"
            )
        expected = tier.tier_end if tier.tier_end is not None else expected
    return ladder


def _sort_key(p: Price) -> tuple[Decimal, str, str, str]:
    return (p.unit_price, p.product, p.engine, p.deployment)


__all__ = ["Catalog", "is_burstable"]
