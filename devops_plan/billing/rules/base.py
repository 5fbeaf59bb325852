"""What every recommendation rule shares: the Recommendation it returns, the Rule it is, the
base of its typed settings, the context it reads spend, usage and prices from, and the
evidence texts and price look-ups several rules use."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ...catalog import Catalog, Price
from ...units import HOURS_PER_MONTH, format_rate, round_cents
from ..inventory import Kind, Resource
from ..sources.utilization import ResourceUsage, Utilization
from ..spend import Spend

ZERO = Decimal(0)
MONTH = Decimal(HOURS_PER_MONTH)
CONFIDENCE = ("high", "medium", "low")
BILLED = "billed cost"  # the price source of findings worth what the bill says was paid
LIST_PRICE = "billing list price (ListUnitPrice)"


@dataclass(frozen=True)
class Recommendation:
    """One finding: what, why (evidence), what to do, and what it is worth per month."""

    kind: str
    resource_id: str
    resource_name: str
    provider: str
    region: str
    service: str
    finding: str
    action: str
    evidence: str
    current_monthly_cost: Decimal
    estimated_monthly_savings: Decimal | None  # None: no price to compute it from
    confidence: str
    price_source: str
    counted: bool = True  # False when a larger recommendation on the resource is counted
    note: str = ""


# -- settings ----------------------------------------------------------------------------------


class RuleSettings(BaseModel):
    """The base of each rule's tunables; ReportSettings inherits every rule's model."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# Fields more than one rule reads, defined once (each model that reads one declares it).
MIN_DAYS: Any = Field(
    14,
    gt=0,
    description="Days of utilization needed before rightsizing or calling a machine idle.",
)
MIN_MONTHLY_SAVINGS: Any = Field(
    Decimal("1.00"),
    ge=0,
    description="Findings worth less than this a month are left out (noise for a reader).",
)

S = TypeVar("S", bound=RuleSettings)


# -- the context a rule reads --------------------------------------------------------------------


@dataclass(frozen=True)
class RuleContext:
    """The spend, utilization and price catalogs of one report, with the look-ups rules share.

    `listed` is how many resources a list in the report shows. Look-ups repeat across
    resources (a machine type's prices, a resource's usage), so the context remembers them:
    one context per report, never shared between reports.
    """

    spend: Spend
    utilization: Utilization
    catalogs: Mapping[str, Catalog]
    listed: int = 20
    _memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False)
    _usages: dict[str, ResourceUsage | None] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def currency(self) -> str:
        return self.spend.currency

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per report for `key`."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def usage(self, r: Resource) -> ResourceUsage | None:
        rid = r.resource_id
        if rid not in self._usages:
            self._usages[rid] = self.utilization.find(rid)
        return self._usages[rid]

    def monthly(self, amount: Decimal) -> Decimal:
        """An amount billed over the period, per 730-hour month, to the cent."""
        return round_cents(self.spend.monthly(amount))

    def hours_per_month(self, hours: float) -> Decimal:
        """A quantity used over the period (hours, GB-months), per 730-hour month."""
        period = self.spend.period.hours
        return Decimal(str(hours)) * MONTH / period if period > 0 else ZERO

    def catalog(self, r: Resource) -> Catalog | None:
        return self.catalogs.get(r.cloud or "")

    def price(self, r: Resource, product: str, purchase: str = "on_demand") -> Price | None:
        catalog = self.catalog(r)
        if catalog is None or not product or not r.region:
            return None
        return catalog.find(product, r.region, purchase)

    def current_hourly(self, r: Resource) -> tuple[Decimal | None, str]:
        """A machine's on-demand hourly price and its source: catalog, else the bill's list
        price, else (None, '')."""
        p = self.price(r, r.instance_type)
        if p is not None:
            return p.unit_price, catalog_source(p)
        if r.list_unit_price is not None and r.list_unit_price > 0:
            return r.list_unit_price, LIST_PRICE
        return None, ""

    def recommendation(
        self,
        r: Resource,
        kind: str,
        *,
        finding: str,
        action: str,
        evidence: str,
        savings: Decimal | None,
        confidence: str,
        price_source: str,
    ) -> Recommendation:
        """A recommendation about `r`, its current cost what the bill says, per month."""
        return Recommendation(
            kind,
            r.resource_id,
            r.name,
            r.provider,
            r.region,
            r.service,
            finding,
            action,
            evidence,
            current_monthly_cost=self.monthly(r.billed_cost),
            estimated_monthly_savings=None if savings is None else round_cents(savings),
            confidence=confidence,
            price_source=price_source,
        )


# -- rules ---------------------------------------------------------------------------------------


class Rule:
    """One kind of advice: its id, its title in the report, the resource kinds it can flag
    (none: it looks at the spend as a whole) and the model of its tunables."""

    kind: str
    title: str
    resource_kinds: frozenset[Kind] = frozenset()
    settings_model: type[RuleSettings] = RuleSettings


Found = list[Recommendation]  # what a rule found about one resource


class ResourceRule(Rule, ABC, Generic[S]):
    """A rule that looks at one billed resource at a time."""

    @abstractmethod
    def recommend(self, r: Resource, ctx: RuleContext, settings: S) -> Found:
        """The recommendations for `r` (none when the rule does not apply)."""


# -- evidence texts and candidates ---------------------------------------------------------------


def per_hour(value: Decimal) -> Decimal:
    """An hourly rate shown to the tenth of a cent."""
    return value.quantize(Decimal("0.001"))


def price_spec(p: Price) -> str:
    vcpu = f"{p.vcpu:g} vCPU" if p.vcpu is not None else "? vCPU"
    mem = f"{p.memory_gib:g} GiB" if p.memory_gib is not None else "? GiB"
    return f"{p.product} ({vcpu}, {mem}, {format_rate(p.unit_price, p.currency, 'h')})"


def catalog_source(p: Price) -> str:
    return f"catalog {p.cloud} {p.as_of}"


def joined_sources(*sources: str) -> str:
    """Price sources joined once each, in order ("catalog aws 2025-01-01" once for three
    rows of one catalog)."""
    return "; ".join(dict.fromkeys(part for s in sources for part in s.split("; ") if part))


def usage_text(u: ResourceUsage) -> str:
    parts = []
    if u.cpu_p95_pct is not None:
        parts.append(f"P95 CPU {u.cpu_p95_pct:.1f}%")
    if u.mem_peak_pct is not None:
        parts.append(f"peak memory {u.mem_peak_pct:.1f}%")
    if u.net_mb_per_day is not None:
        parts.append(f"network {u.net_mb_per_day:.2f} MB/day")
    return ", ".join(parts) + f" over {u.days:.1f} days ({u.samples} samples)"


def measured_cpu(r: Resource, ctx: RuleContext, min_days: float) -> ResourceUsage | None:
    """A machine's usage when it has a CPU figure over at least `min_days`, else None."""
    u = ctx.usage(r)
    if r.kind != "vm" or u is None or u.days < min_days or u.cpu_p95_pct is None:
        return None
    return u


def _generation_number(family: str) -> int:
    digits = re.findall(r"\d+", family)
    return int(digits[0]) if digits else 0


def cheapest(candidates: Iterable[Price]) -> Price | None:
    """Cheapest by price; among equal prices the newest generation, then by name."""
    ordered = sorted(
        candidates, key=lambda p: (p.unit_price, -_generation_number(p.family), p.product)
    )
    return ordered[0] if ordered else None
