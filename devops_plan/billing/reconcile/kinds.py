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
from dataclasses import dataclass, field
from decimal import Decimal

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
    # A billed quantity times this is in the measure's unit (requests counted one by one
    # against a catalog priced per million); not part of what a kind is.
    scale: Decimal = field(default=Decimal(1), compare=False)


# The catalog categories whose products are machines: a charge matches only the same type.
MACHINE_CATEGORIES = frozenset({"compute", "database", "cache"})
# Categories a bill tells apart by a detail: machines by type, transfers by direction, the
# security baseline by what it is (keys, secrets, a firewall, flow logs).
DETAILED_CATEGORIES = frozenset({*MACHINE_CATEGORIES, "network", "security"})
HOUR, GB, GB_MONTH = "hour", "GB", "GB-month"
MILLION = Decimal("1e-6")

# ConsumedUnit texts of the exports (AWS, Azure, Google, Oracle) -> the catalog's units, and
# what a billed quantity is multiplied by to be in that unit.
_UNITS: tuple[tuple[re.Pattern[str], str, Decimal], ...] = tuple(
    (re.compile(pattern), unit, scale)
    for pattern, unit, scale in (
        (r"^lcu|capacity ?unit", "LCU-hour", Decimal(1)),
        (r"^vcpu", "vCPU-hour", Decimal(1)),
        (r"^(gb|gib|gigabyte)s?[- ]?(hours?|hrs?|per hour)$", "GB-hour", Decimal(1)),
        (
            r"^(gb|gib|gigabyte)s?[- /]?(mo|months?|month)$|^gb months$|^1/month$",
            GB_MONTH,
            Decimal(1),
        ),
        (r"^(gb|gib|gigabytes?|1 gb)$", GB, Decimal(1)),
        (r"^(hours?|hrs?|1 hour|units/hour|instance-hours)$", HOUR, Decimal(1)),
        # Requests, queries and samples billed one by one; the catalogs price a million.
        (r"^(1m |million ).*sample", "sample-million", Decimal(1)),
        (r"^(1m |million )", "request-million", Decimal(1)),
        (r"^samples?$", "sample-million", MILLION),
        (r"request|operation|quer(y|ies)|^calls?$", "request-million", MILLION),
        # Things kept by the month (keys, secrets, web ACLs and their rules, hosted zones,
        # health checks): so many a month.
        (
            r"^(keys?|key versions?|secrets?|secret versions?|web ?acls?|rules?|polic(y|ies)"
            r"|hosted ?zones?|health-?checks?)$",
            "month",
            Decimal(1),
        ),
    )
)
# What a security charge or product is: the first pattern its text matches.
_SECURITY: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern))
    for family, pattern in (
        ("flow-logs", r"flow.?logs?"),
        ("firewall", r"\bwaf\b|armor|web ?acl"),
        ("secrets", r"secrets?.?manager"),
        ("keys", r"kms|key.?management|key.?vault"),
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


def measure_of(unit: str) -> tuple[str, Decimal]:
    """The catalog unit of a billed ConsumedUnit ('' when it is none of them), and what a
    billed quantity is multiplied by to be in it."""
    text = unit.strip().lower()
    for pattern, measure, scale in _UNITS:
        if pattern.search(text):
            return measure, scale
    return "", Decimal(1)


def security_family(text: str) -> str:
    """keys, secrets, firewall or flow-logs: what a security charge or product is."""
    lowered = text.lower()
    return next((family for family, pattern in _SECURITY if pattern.search(lowered)), "")


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
    measure, scale = measure_of(line.consumed_unit)
    for category, pattern in _CATEGORIES:
        if pattern.search(text):
            return Kind(category, measure, _detail(category, line, features, text), scale)
    return None


def _detail(category: str, line: ChargeLine, features: LineFeatures, text: str) -> str:
    if category in MACHINE_CATEGORIES:
        return features.instance_type(line)
    if category == "network":
        return direction(text)
    if category == "security":
        return security_family(text)
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
            if p.category == "security":
                detail = security_family(p.product)
            kinds[p.product] = Kind(p.category, p.unit, detail)
        return cls(kinds)

    def get(self, product: str, category: str, unit: str) -> Kind:
        """The kind of a planned product; a product the catalog lacks keeps the line item's
        own category and unit."""
        return self.kinds.get(product) or Kind(category, unit)
