"""Generate a FOCUS bill from a plan, with planted drift, for `devops-plan reconcile`.

    python scripts/make_reconcile_sample.py [--design data/designs/startup.yaml] [--out data/billing]

Writes reconcile-sample.csv.gz (September 2024, 720 hours; AWS FOCUS 1.0 columns the report
reads) and reconcile-planted.json (what was planted, and the amounts the reconciliation must
find). Every planned line item is billed as planned (its quantity per hour or per day, at the
plan's own unit price) except the planted drift:

- the NAT gateway doubled (twice the gateways and twice the data processed; its public IPv4
  address, which an untagged bill cannot tell from the load balancer's, as planned);
- an unplanned resource: an untagged m5.large running all month;
- the first stateless service's node pool running half its nodes.

The node pools' machines and the NAT gateways (with their public IPv4 addresses, which a bill
cannot tell from a load balancer's without tags) carry the tags the exports write
(devops-plan/service and devops-plan/component), the rest is untagged, so both ways of
mapping are used. Machines of an autoscaled pool run whole: those always on, and one more
for its share of each day's hours. The amounts
in reconcile-planted.json are computed here from the plan's line items, independently of the
reconciliation's code. Tests call `bill_rows` with other plans and drift.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devops_plan import build_plan, load_catalog, load_design  # noqa: E402
from devops_plan.plan import LineItemOut, Plan  # noqa: E402

START = datetime(2024, 9, 1)
HOURS = 720
MONTH = Decimal(730)
MILLION = Decimal(1_000_000)
COLUMNS = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "BillingCurrency",
    "ChargeCategory",
    "ChargeDescription",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingCategory",
    "ProviderName",
    "RegionId",
    "ResourceId",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "x_InstanceType",
    "Tags",
)
M5_LARGE = Decimal("0.096")  # the AWS list price the unplanned instance is billed at (us-east-1)

# How AWS bills each catalog category: service, service category, resource type, unit and a
# description ({product}, {price} and {region} filled in), as AWS's FOCUS export writes them.
_TEXTS = {
    "compute": (
        "Amazon Elastic Compute Cloud",
        "Compute",
        "instance",
        "Hours",
        "${price} per On Demand Linux {product} Instance Hour",
    ),
    "database": (
        "Amazon Relational Database Service",
        "Databases",
        "db",
        "Hours",
        "${price} per RDS {product} instance hour (or partial hour)",
    ),
    "database_storage": (
        "Amazon Relational Database Service",
        "Databases",
        "db",
        "GB-Mo",
        "${price} per GB-month of provisioned gp3 storage",
    ),
    "cache": (
        "Amazon ElastiCache",
        "Databases",
        "cluster",
        "Hours",
        "${price} per {product} node hour (or partial hour)",
    ),
    "object_storage": (
        "Amazon Simple Storage Service",
        "Storage",
        "bucket",
        "GB-Mo",
        "${price} per GB-month of {product} storage used",
    ),
    "snapshot": (
        "Amazon Elastic Compute Cloud",
        "Storage",
        "snapshot",
        "GB-Mo",
        "${price} per GB-Month of snapshot data stored",
    ),
    "block_storage": (
        "Amazon Elastic Compute Cloud",
        "Storage",
        "volume",
        "GB-Mo",
        "${price} per GB-month of {product} provisioned storage (EBS volume)",
    ),
    "kubernetes": (
        "Amazon Elastic Container Service for Kubernetes",
        "Compute",
        "cluster",
        "Hours",
        "Amazon EKS cluster usage in {region}",
    ),
    "queue": (
        "Amazon Simple Queue Service",
        "Integration",
        "queue",
        "Requests",
        "${price} per million Amazon SQS requests",
    ),
}
_BY_PRODUCT = {
    # The security baseline (issue 17): what the exports call each product.
    "kms-key": ("AWS Key Management Service", "Security", "key", "Keys", "${price} per key"),
    "kms-requests": (
        "AWS Key Management Service",
        "Security",
        "key",
        "Requests",
        "${price} per 1,000,000 requests (derived from per 10,000)",
    ),
    "secrets-manager-secret": (
        "AWS Secrets Manager",
        "Security",
        "secret",
        "Secrets",
        "${price} per secret-month",
    ),
    "secrets-manager-api": (
        "AWS Secrets Manager",
        "Security",
        "secret",
        "API Requests",
        "${price} per 1,000,000 API requests (derived from per 10,000)",
    ),
    "waf-web-acl": ("AWS WAF", "Security", "webacl", "WebACL", "${price} per web ACL-month"),
    "waf-rule": ("AWS WAF", "Security", "webacl", "Rule", "${price} per rule-month"),
    "waf-requests": (
        "AWS WAF",
        "Security",
        "webacl",
        "Requests",
        "${price} per million web requests",
    ),
    "vpc-flow-logs": (
        "Amazon Virtual Private Cloud",
        "Security",
        "flowlog",
        "GB",
        "${price} per GB of VPC flow logs delivered (vended logs)",
    ),
    "nat-gateway": (
        "Amazon Elastic Compute Cloud",
        "Networking",
        "natgateway",
        "Hours",
        "${price} per NAT Gateway Hour",
    ),
    "nat-gateway-gb": (
        "Amazon Elastic Compute Cloud",
        "Networking",
        "natgateway",
        "GB",
        "${price} per GB Data Processed by NAT Gateways",
    ),
    "alb": (
        "Elastic Load Balancing",
        "Networking",
        "loadbalancer",
        "Hours",
        "${price} per Application LoadBalancer-hour (or partial hour)",
    ),
    "alb-lcu": (
        "Elastic Load Balancing",
        "Networking",
        "loadbalancer",
        "LCU-Hrs",
        "${price} per used Application load balancer capacity unit-hour",
    ),
    "transfer-out": (
        "AWS Data Transfer",
        "Networking",
        "",
        "GB",
        "${price} per GB - first 10 TB / month data transfer out",
    ),
    "transfer-inter-az": (
        "AWS Data Transfer",
        "Networking",
        "",
        "GB",
        "${price} per GB - regional data transfer between EC2 AZs",
    ),
    "transfer-inter-region": (
        "AWS Data Transfer",
        "Networking",
        "",
        "GB",
        "${price} per GB - {region} data transfer to another region",
    ),
}
# What the traffic model adds (issue 18), as the AWS exports describe it.
_BY_PRODUCT |= {
    "public-ipv4": (
        "Amazon Virtual Private Cloud",
        "Networking",
        "ipv4",
        "Hrs",
        "${price} per In-use public IPv4 address per hour",
    ),
    "vpc-endpoint": (
        "Amazon Virtual Private Cloud",
        "Networking",
        "vpcendpoint",
        "Hrs",
        "${price} per VPC Endpoint Hour",
    ),
    "vpc-endpoint-gb": (
        "Amazon Virtual Private Cloud",
        "Networking",
        "vpcendpoint",
        "GB",
        "${price} per GB Data Processed by VPC Endpoint",
    ),
    "rds-backup": (
        "Amazon Relational Database Service",
        "Databases",
        "db",
        "GB-Mo",
        "${price} per additional GB-month of backup storage exceeding free allocation",
    ),
    "s3-standard-get": (
        "Amazon Simple Storage Service",
        "Storage",
        "bucket",
        "Requests",
        "${price} per 1,000,000 GET and all other requests",
    ),
    "cloudwatch-logs-ingest": (
        "AmazonCloudWatch",
        "Management and Governance",
        "log-group",
        "GB",
        "${price} per GB logs data ingested - Standard",
    ),
    "cloudwatch-logs-storage": (
        "AmazonCloudWatch",
        "Management and Governance",
        "log-group",
        "GB-Mo",
        "${price} per GB-mo of log storage",
    ),
    "amp-samples": (
        "Amazon Managed Service for Prometheus",
        "Management and Governance",
        "workspace",
        "Samples",
        "${price} per 1M samples ingested",
    ),
    "route53-zone": (
        "Amazon Route 53",
        "Networking",
        "hostedzone",
        "HostedZone",
        "${price} per Hosted Zone for the first 25 Hosted Zones",
    ),
    "route53-health-check": (
        "Amazon Route 53",
        "Networking",
        "healthcheck",
        "Health-Check",
        "${price} per AWS endpoint health check",
    ),
    "route53-queries": (
        "Amazon Route 53",
        "Networking",
        "hostedzone",
        "Queries",
        "${price} per 1M queries for the first 1 Billion queries",
    ),
}
_MACHINES = frozenset({"compute", "database", "cache"})
# Units a bill counts one by one where the catalog prices a million.
_COUNTED = frozenset({"Requests", "API Requests", "Samples", "Queries"})


@dataclass(frozen=True)
class Drift:
    """What to plant: factors on components, and an unplanned instance."""

    factors: tuple[tuple[str, str, Decimal], ...] = ()  # (service, component, factor)
    unplanned_hours: int = 0  # hours an untagged m5.large runs in the primary region


def billing_texts(li: LineItemOut, category: str) -> tuple[str, ...]:
    """How AWS bills a line item: service, service category, resource type, unit, description."""
    texts = _BY_PRODUCT.get(li.product) or _TEXTS.get(category)
    if texts is None:
        raise SystemExit(f"no billing texts for {li.product} ({category}); add them to _TEXTS")
    service, service_category, rtype, unit, description = texts
    text = description.format(price=li.unit_price, product=li.product, region=li.region)
    return service, service_category, rtype, unit, text


def _row(
    li: LineItemOut,
    texts: tuple[str, ...],
    start: datetime,
    hours: int,
    quantity: Decimal,
    resource: str,
    tags: str,
    per_unit: Decimal = Decimal(1),
) -> dict[str, str]:
    service, service_category, rtype, unit, description = texts
    cost = quantity * Decimal(str(li.unit_price)) * per_unit
    return {
        "BilledCost": f"{cost:f}",
        "EffectiveCost": f"{cost:f}",
        "ListCost": f"{cost:f}",
        "BillingCurrency": "USD",
        "ChargeCategory": "Usage",
        "ChargeDescription": description,
        "ChargePeriodStart": f"{start:%Y-%m-%d %H:%M:%S}",
        "ChargePeriodEnd": f"{start + timedelta(hours=hours):%Y-%m-%d %H:%M:%S}",
        "ConsumedQuantity": f"{quantity:f}",
        "ConsumedUnit": unit,
        "PricingCategory": "Standard",
        "ProviderName": "AWS",
        "RegionId": li.region,
        "ResourceId": resource,
        "ResourceType": rtype,
        "ServiceCategory": service_category,
        "ServiceName": service,
        "x_InstanceType": li.product if rtype in ("instance", "db", "cluster") else "",
        "Tags": tags,
    }


def _item_rows(
    li: LineItemOut, index: int, category: str, factor: Decimal, services: str, tag: bool
) -> Iterator[dict[str, str]]:
    texts = billing_texts(li, category)
    quantity = Decimal(str(li.quantity)) * factor
    # A bill counts requests one by one where the catalog prices a million of them.
    per_unit = Decimal(1)
    if li.unit.endswith("-million") and texts[3] in _COUNTED:
        quantity, per_unit = quantity * MILLION, 1 / MILLION
    hourly = texts[3] in ("Hours", "LCU-Hrs")
    component = li.resource.split("/", 1)[0]
    tags = (
        json.dumps({"devops-plan/service": services, "devops-plan/component": component})
        if tag
        else "{}"
    )
    if category in _MACHINES and texts[3] == "Hours":
        # Whole machines: those always on, and one more for its share of each day's hours
        # (an autoscaled pool of 1.625 nodes on average runs a second node 15 hours a day;
        # a share that is not whole hours ends with a part of an hour, so the hours add up).
        average = quantity / MONTH
        always = int(average)
        extra = (average - always) * 24
        for node in range(always + (1 if extra else 0)):
            rid = f"{li.resource}/{li.region}/{index}-{node}"
            for hour in range(HOURS):
                used = Decimal(1) if node < always else min(Decimal(1), extra - hour % 24)
                if used > 0:
                    yield _row(li, texts, START + timedelta(hours=hour), 1, used, rid, tags)
        return
    rid = f"{li.resource}/{li.region}/{index}"
    step = 1 if hourly else 24
    per_step = quantity * step / MONTH
    for hour in range(0, HOURS, step):
        yield _row(li, texts, START + timedelta(hours=hour), step, per_step, rid, tags, per_unit)


def _merged(plan: Plan, categories: dict[str, str]) -> list[tuple[LineItemOut, str, str]]:
    """The line items, with the shares of one node pool (one per service) merged into one item
    whose machines carry every sharing service in their tag (as the exports tag them)."""
    merged: dict[tuple[str, ...], tuple[LineItemOut, list[str]]] = {}
    for li in plan.cost.line_items:
        category = categories.get(li.product, li.category)
        shared = category in _MACHINES and li.resource.startswith("node-pool/")
        key = (
            li.resource,
            li.region,
            li.product,
            li.purchase,
            "" if shared else li.service + li.component,
        )
        if key in merged:
            first, services = merged[key]
            quantity = Decimal(str(first.quantity)) + Decimal(str(li.quantity))
            merged[key] = (first.model_copy(update={"quantity": float(quantity)}), services)
            services.append(li.service)
        else:
            merged[key] = (li, [li.service])
    return [
        (li, category, ",".join(services))
        for (li, services) in merged.values()
        for category in (categories.get(li.product, li.category),)
    ]


def bill_rows(
    plan: Plan, drift: Drift = Drift(), tagged: tuple[str, ...] = ("node-pool",)
) -> list[dict[str, str]]:
    """The bill of `plan` for 720 hours from 2024-09-01, with `drift` planted; line items of
    the components in `tagged` carry the devops-plan tags."""
    catalog = load_catalog(plan.cloud)
    categories = {p.product: p.category for p in catalog.rows}
    factors = {(s, c): f for s, c, f in drift.factors}
    rows: list[dict[str, str]] = []
    for index, (li, category, services) in enumerate(_merged(plan, categories)):
        component = li.resource.split("/", 1)[0]
        factor = factors.get((li.service, component), Decimal(1)) if _drifts(li) else Decimal(1)
        rows.extend(_item_rows(li, index, category, factor, services, component in tagged))
    for hour in range(drift.unplanned_hours):
        rows.append(_unplanned(plan, START + timedelta(hours=hour)))
    return rows


def _unplanned(plan: Plan, start: datetime) -> dict[str, str]:
    return {
        "BilledCost": f"{M5_LARGE:f}",
        "EffectiveCost": f"{M5_LARGE:f}",
        "ListCost": f"{M5_LARGE:f}",
        "BillingCurrency": "USD",
        "ChargeCategory": "Usage",
        "ChargeDescription": f"${M5_LARGE} per On Demand Linux m5.large Instance Hour",
        "ChargePeriodStart": f"{start:%Y-%m-%d %H:%M:%S}",
        "ChargePeriodEnd": f"{start + timedelta(hours=1):%Y-%m-%d %H:%M:%S}",
        "ConsumedQuantity": "1",
        "ConsumedUnit": "Hours",
        "PricingCategory": "Standard",
        "ProviderName": "AWS",
        "RegionId": plan.regions[0],
        "ResourceId": "i-0unplanned0000001",
        "ResourceType": "instance",
        "ServiceCategory": "Compute",
        "ServiceName": "Amazon Elastic Compute Cloud",
        "x_InstanceType": "m5.large",
        "Tags": "{}",
    }


def write_bill(rows: list[dict[str, str]], path: Path) -> Path:
    """The rows as a gzip CSV with fixed bytes (no timestamp in the gzip header)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(gzip.compress(buffer.getvalue().encode(), mtime=0))
    return path


def _drifts(li: LineItemOut) -> bool:
    """Whether planted drift touches a line item: not a public IPv4 address, which an untagged
    bill cannot tell from another component's (a NAT's from a load balancer's), so its drift
    could not be found where it was planted."""
    return li.product != "public-ipv4"


def planted(plan: Plan, drift: Drift) -> dict[str, object]:
    """What was planted and its amount over the 720 hours, from the plan's line items."""
    scale = Decimal(HOURS) / MONTH
    found = []
    for service, component, factor in drift.factors:
        monthly = sum(
            (
                li.monthly_cost
                for li in plan.cost.line_items
                if li.service == service
                and li.resource.split("/", 1)[0] == component
                and _drifts(li)
            ),
            Decimal(0),
        )
        found.append(
            {
                "service": service,
                "component": component,
                "factor": f"{factor:f}",
                "difference": f"{monthly * scale * (factor - 1):.2f}",
            }
        )
    unplanned = M5_LARGE * drift.unplanned_hours
    return {
        "design": plan.design,
        "hours": HOURS,
        "drift": found,
        "unplanned": {"resource_id": "i-0unplanned0000001", "billed": f"{unplanned:.2f}"},
    }


def sample_drift(plan: Plan) -> Drift:
    """The sample's drift: a doubled NAT, an unplanned m5.large, half the first pool's nodes."""
    pool = next(li.service for li in plan.cost.line_items if li.resource.startswith("node-pool/"))
    return Drift(
        factors=(("platform", "nat-gateway", Decimal(2)), (pool, "node-pool", Decimal("0.5"))),
        unplanned_hours=HOURS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--design", default=str(ROOT / "data" / "designs" / "startup.yaml"))
    parser.add_argument("--out", default=str(ROOT / "data" / "billing"))
    args = parser.parse_args(argv)
    plan = build_plan(load_design(args.design))
    drift = sample_drift(plan)
    out = Path(args.out)
    write_bill(bill_rows(plan, drift), out / "reconcile-sample.csv.gz")
    text = json.dumps(planted(plan, drift), indent=2) + "\n"
    (out / "reconcile-planted.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
