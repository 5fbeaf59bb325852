"""What a billed charge and a planned line item are, in one vocabulary, so they can be matched:
the price catalog's own categories (compute, database, cache, nat, load_balancer, network,
object_storage, ...), a measure (the catalog's unit: hour, GB, GB-month, LCU-hour, ...) and
a detail where one category holds several things a bill tells apart (the instance type of a
machine, the direction of a data transfer).

A plan line item's kind comes from the catalog row of its product, so a component the cost
model gains later is matched without a change here as long as its product's category is one
the bill's rules below recognise; charges of other categories are unplanned spend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ...catalog import Catalog
from ..inventory import LineFeatures
from ..spend import ChargeLine


@dataclass(frozen=True)
class Kind:
    """What a charge is: a catalog category, a measure, and an instance type or transfer
    direction where the category needs one ('' otherwise)."""

    category: str
    measure: str
    detail: str = ""


# The catalog categories whose products are machines: a charge matches only the same type.
MACHINE_CATEGORIES = frozenset({"compute", "database", "cache"})
HOUR, GB, GB_MONTH = "hour", "GB", "GB-month"

# ConsumedUnit texts of the exports (AWS, Azure, Google, Oracle) -> the catalog's units.
_UNITS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), unit)
    for pattern, unit in (
        (r"^lcu|capacity ?unit", "LCU-hour"),
        (r"^vcpu", "vCPU-hour"),
        (r"^(gb|gib|gigabyte)s?[- ]?(hours?|hrs?|per hour)$", "GB-hour"),
        (r"^(gb|gib|gigabyte)s?[- /]?(mo|months?|month)$|^gb months$|^1/month$", GB_MONTH),
        (r"^(gb|gib|gigabytes?|1 gb)$", GB),
        (r"^(hours?|hrs?|1 hour|units/hour|instance-hours)$", HOUR),
        (r"request", "request"),
    )
)

# Billed charges -> catalog categories, first match wins. Each pattern is searched in
# "service | description | resource type | usage type", lower case.
_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern))
    for category, pattern in (
        ("nat", r"nat ?gateway|cloud nat|natgateway"),
        # The security baseline (issue 17): keys, secrets, firewalls, flow logs.
        (
            "security",
            r"key management|cloud kms|secrets? manager|key vault|\bwaf\b|cloud armor"
            r"|flow ?logs?",
        ),
        # What the traffic model prices (issue 18): logs and metrics, DNS and global fronts,
        # CDNs, public addresses and private endpoints, database backup storage.
        (
            "observability",
            r"cloudwatch|cloud logging|cloud monitoring|log analytics|azure monitor"
            r"|managed service for prometheus",
        ),
        ("routing", r"route ?53|cloud dns|traffic manager|global accelerator"),
        ("cdn", r"cloudfront|cloud cdn|front ?door"),
        ("network", r"public ipv4|ip address|vpc ?endpoint|privatelink|private (link|endpoint)"),
        ("snapshot", r"backup storage"),
        ("load_balancer", r"load ?balanc|application gateway|forwarding rule|\blcu\b"),
        (
            "kubernetes",
            r"eks cluster|cluster usage|kubernetes engine|aks (free|standard)|uptime sla",
        ),
        ("containers", r"fargate|cloud run|container apps"),
        ("snapshot", r"snapshot"),
        ("queue", r"simple queue|\bsqs\b|pub/sub|service bus"),
        ("network", r"data transfer|egress|bandwidth|transfer out|inter-?region|inter-?zone"),
        ("cache", r"elasticache|memorystore|cache for redis|\bcache\.\w"),
        ("database_storage", r"(relational database|rds|cloud sql|database for).*(storage|gb-mo)"),
        ("database", r"relational database|\brds\b|cloud sql|database for (mysql|postgresql)"),
        ("object_storage", r"simple storage service|cloud storage|\bblob\b|storage used"),
        ("block_storage", r"volume|managed disks?|persistent disk|\bebs\b|ssd"),
        ("compute", r"instance hour|virtual machines?|compute engine|instance"),
    )
)
_INTER_ZONE = re.compile(r"inter-?az|inter-?zone|regional data|between (ec2 )?azs|same region")
_INTER_REGION = re.compile(r"inter-?region|data transfer to |transfer to \w|from \w+ \(.*\) to ")


def measure_of(unit: str) -> str:
    """The catalog unit of a billed ConsumedUnit ('' when it is none of them)."""
    text = unit.strip().lower()
    for pattern, measure in _UNITS:
        if pattern.search(text):
            return measure
    return ""


def direction(text: str) -> str:
    """A data transfer's direction: 'inter-zone', 'inter-region' or 'out' (to the internet)."""
    lowered = text.lower()
    if _INTER_ZONE.search(lowered):
        return "inter-zone"
    if _INTER_REGION.search(lowered):
        return "inter-region"
    return "out"


def charge_kind(line: ChargeLine, features: LineFeatures) -> Kind | None:
    """The kind of a billed charge line, or None for a charge of no resource (tax, support,
    credits, fees) or of a category no rule knows."""
    if line.charge_category not in ("Usage", ""):
        return None
    text = " | ".join(
        (line.service, line.charge_description, line.resource_type, line.usage_type)
    ).lower()
    measure = measure_of(line.consumed_unit)
    for category, pattern in _CATEGORIES:
        if pattern.search(text):
            return Kind(category, measure, _detail(category, line, features, text))
    return None


def _detail(category: str, line: ChargeLine, features: LineFeatures, text: str) -> str:
    if category in MACHINE_CATEGORIES:
        return features.instance_type(line)
    if category == "network":
        return direction(text)
    return ""


@dataclass(frozen=True)
class ProductKinds:
    """The kind of every product of a catalog (its category and unit are the same in every
    region), for the plan's line items."""

    kinds: Mapping[str, Kind]

    @classmethod
    def of(cls, catalog: Catalog) -> ProductKinds:
        kinds: dict[str, Kind] = {}
        for p in catalog.rows:
            if p.product in kinds:
                continue
            detail = p.product if p.vcpu is not None and p.category in MACHINE_CATEGORIES else ""
            if p.category == "network":
                detail = direction(p.product)
            kinds[p.product] = Kind(p.category, p.unit, detail)
        return cls(kinds)

    def get(self, product: str, category: str, unit: str) -> Kind:
        """The kind of a planned product; a product the catalog lacks keeps the line item's
        own category and unit."""
        return self.kinds.get(product) or Kind(category, unit)
