"""Catalog rows: the Price of one unit of a product in a region, the fixed vocabularies
(clouds, purchase options, units, categories), and the one rule for burstable types."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..units import HOURS_PER_MONTH

CLOUDS = ("aws", "gcp", "azure")
# The region each cloud's list prices are transcribed for; the CLI's default region.
BASE_REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
PURCHASES = (
    "on_demand",
    "spot",
    "reserved_1y",
    "reserved_3y",
    "savings_plan_1y",
    "savings_plan_3y",
)
# The fixed unit vocabulary. Hourly units are multiplied by 730 for a month; `month` is one
# of something a month (a DNS zone, a health check); `sample-million` a million metric samples;
# `day` one day of a daily commitment (a Log Analytics commitment tier).
UNITS = (
    "hour",
    "GB-month",
    "GB",
    "LCU-hour",
    "request-million",
    "vCPU-hour",
    "GB-hour",
    "month",
    "sample-million",
    "day",
)
HOURLY_UNITS = frozenset({"hour", "LCU-hour", "vCPU-hour", "GB-hour"})
CATEGORIES = (
    "compute",
    "database",
    "database_storage",
    "cache",
    "block_storage",
    "snapshot",
    "object_storage",
    "load_balancer",
    "nat",
    "kubernetes",
    "network",
    "containers",
    "queue",
    "cdn",
    "routing",
    "observability",
    "security",
)
# The units a product of each category is sold in: a compute row priced per GB-month is a
# mistake (a unit changed by hand, a wrong column), not a price.
CATEGORY_UNITS: dict[str, tuple[str, ...]] = {
    "compute": ("hour",),
    # Instances per hour; serverless engines per stored GB-month and per million units of
    # work (Aurora DSQL DPUs, Spanner and Cosmos storage).
    "database": ("hour", "GB-month", "request-million"),
    "database_storage": ("GB-month",),
    "cache": ("hour",),
    "block_storage": ("GB-month",),
    "snapshot": ("GB-month",),
    # Storage, and requests, retrievals and lifecycle transitions.
    "object_storage": ("GB-month", "request-million", "GB"),
    "load_balancer": ("hour", "LCU-hour", "GB"),
    "nat": ("hour", "GB"),
    "kubernetes": ("hour",),
    # Traffic, and what is held by the hour (public IPv4 addresses, private endpoints).
    "network": ("GB", "hour"),
    "containers": ("vCPU-hour", "GB-hour"),
    "queue": ("request-million", "hour"),
    # Bytes and requests at the edge; Front Door's base fee a month.
    "cdn": ("GB", "request-million", "month"),
    # DNS zones and health checks a month, queries, an accelerator's hours and bytes.
    "routing": ("month", "request-million", "hour", "GB"),
    # Logs and metrics; a daily commitment tier per day.
    "observability": ("GB", "GB-month", "sample-million", "day"),
    # Keys and secrets a month, their requests, WAF hours and capacity units (Azure's WAF
    # tier), flow logs per GB.
    "security": ("month", "request-million", "hour", "LCU-hour", "GB"),
}
# Categories where a product may really cost nothing (a free control-plane tier, traffic a
# cloud does not charge for); such a row says `free` as its unit price.
FREE_CATEGORIES = frozenset({"kubernetes", "network"})
ENGINES = ("postgres", "mysql", "redis", "aurora-postgresql", "aurora-dsql", "spanner", "cosmos")
DEPLOYMENTS = ("single_az", "multi_az")
GENERATIONS = ("current", "previous")
ARCHES = ("x86_64", "arm64")

REQUIRED_COLUMNS = (
    "cloud",
    "service",
    "product",
    "region",
    "purchase",
    "unit",
    "unit_price",
    "currency",
    "vcpu",
    "memory_gib",
    "family",
    "generation",
    "arch",
    "as_of",
    "source",
)
EXTRA_COLUMNS = ("category", "engine", "deployment")
# A tiered product has one row per tier: the monthly quantity (in the row's unit) where the
# tier starts and where it ends (empty: no end). Catalogs written before tiers existed have
# neither column; their rows are untiered.
TIER_COLUMNS = ("tier_start", "tier_end")
COLUMNS = REQUIRED_COLUMNS + EXTRA_COLUMNS + TIER_COLUMNS

_MONTH = Decimal(HOURS_PER_MONTH)
# A database class without --multi-az means the base single-AZ offering.
DEFAULT_DEPLOYMENT = "single_az"

Key = tuple[str, str, str, str, str]  # product, region, purchase, engine, deployment
RowKey = tuple[str, str, str, str, str, Decimal]  # a Key and the tier's start

# Burstable and shared-core types, per cloud: their list price assumes mostly idle CPU, so
# sustained load also pays CPU credits (AWS T family, Azure B-series and the Burstable
# database tier) or gets a fraction of a core (GCP shared-core e2-micro/small/medium,
# f1-micro, g1-small, db-f1-micro / db-g1-small). GCP's T2A and T2D ("Tau") are full cores.
_BURSTABLE_FAMILY = {
    "aws": re.compile(r"^((db|cache)\.)?t\d+[a-z]*$"),
    "gcp": re.compile(r"^db-shared$"),
    "azure": re.compile(r"^(B|Burstable)$"),
}
_BURSTABLE_PRODUCT = {
    "aws": re.compile(r"^((db|cache)\.)?t\d+[a-z]*\."),
    "gcp": re.compile(r"^(e2-(micro|small|medium)|f1-micro|g1-small|db-(f1-micro|g1-small))$"),
    "azure": re.compile(r"^(Standard_B\d|B_)"),
}


@dataclass(frozen=True, slots=True)
class Price:
    """One catalog row: the list price of one unit of a product in a region."""

    cloud: str
    service: str
    category: str
    product: str
    region: str
    purchase: str
    unit: str
    unit_price: Decimal
    currency: str
    vcpu: float | None
    memory_gib: float | None
    family: str
    generation: str
    arch: str
    engine: str
    deployment: str
    as_of: str
    source: str
    tier_start: Decimal = Decimal(0)
    tier_end: Decimal | None = None  # None: the last tier (no end), or an untiered row

    @property
    def hourly(self) -> bool:
        """True when the unit is a per-hour unit (hour, LCU-hour, vCPU-hour, GB-hour)."""
        return self.unit in HOURLY_UNITS

    @property
    def monthly(self) -> Decimal:
        """One unit for a 730-hour month for hourly units; the unit price otherwise."""
        return self.unit_price * _MONTH if self.hourly else self.unit_price

    @property
    def key(self) -> Key:
        return (self.product, self.region, self.purchase, self.engine, self.deployment)

    @property
    def row_key(self) -> RowKey:
        """What makes a row unique: its key and, for a tier, where the tier starts."""
        return (*self.key, self.tier_start)

    @property
    def tiered(self) -> bool:
        """True for a row that is one tier of a tiered product."""
        return self.tier_start > 0 or self.tier_end is not None

    @property
    def tier_label(self) -> str:
        """How a tier reads in a line item: 'first 10,240 GB', '10,240-51,200 GB', 'over
        153,600 GB'; empty for an untiered row."""
        if not self.tiered:
            return ""
        unit = _TIER_UNIT.get(self.unit, self.unit)
        start, end = _count(self.tier_start), _count(self.tier_end)
        if self.tier_start == 0:
            return f"first {end} {unit}"
        if self.tier_end is None:
            return f"over {start} {unit}"
        return f"{start}-{end} {unit}"

    # A burstable or shared-core type: the planner never picks one by default (ADR 0008).
    # Decided once per row: planning filters on it thousands of times.
    burstable: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "burstable", is_burstable(self.cloud, self.family, self.product))


_TIER_UNIT = {"request-million": "million", "sample-million": "million samples"}


def _count(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():,f}"


def is_burstable(cloud: str, family: str, product: str) -> bool:
    """The one burstable rule, for catalog rows and for instance types seen in a bill."""
    by_family = _BURSTABLE_FAMILY.get(cloud)
    by_product = _BURSTABLE_PRODUCT.get(cloud)
    return bool(
        (by_family is not None and family and by_family.match(family))
        or (by_product is not None and by_product.match(product))
    )


def closest(word: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """The choices nearest to `word` (for 'did you mean' messages), best first."""
    pool = sorted(set(choices))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not found:
        low = word.lower()
        found = [c for c in pool if c.lower().startswith(low[:3])][:n] if low else []
    return found


def hint(word: str, choices: Iterable[str]) -> str:
    near = closest(word, choices)
    return f" (closest: {', '.join(near)})" if near else ""


def describe_key(key: Key | RowKey) -> str:
    """How a catalog key reads in a message: m5.large in us-east-1 (on_demand, postgres);
    a tier adds where it starts (transfer-out in us-east-1 (on_demand, tier from 10240))."""
    product, region, purchase, engine, deployment = key[:5]
    extra = "".join(f", {part}" for part in (engine, deployment) if part)
    if len(key) > 5 and key[5]:
        extra += f", tier from {key[5]}"
    return f"{product} in {region} ({purchase}{extra})"
