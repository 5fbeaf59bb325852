"""The advice that needs no utilization data, worked out by hand: NAT traffic through
private endpoints, log retention and ingestion class or tier, storage classes.

Each bill is one 720-hour month (September 2024), so a quantity Q in it is Q x 730 / 720
a (730-hour) month; the quantities are chosen to make that a round figure."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from devops_plan.billing.inventory import Resource, build_inventory
from devops_plan.billing.rules import RuleContext, recommend
from devops_plan.billing.rules.endpoints import EndpointRule
from devops_plan.billing.rules.logs import LogRule
from devops_plan.billing.rules.storage_class import StorageClassRule
from devops_plan.billing.settings import ReportSettings
from devops_plan.billing.sources.utilization import Utilization
from devops_plan.billing.spend import ChargeLine, Period, Spend
from devops_plan.catalog import Catalog, load_catalog
from tests.billing_fixtures import charge_line

START, END = datetime(2024, 9, 1), datetime(2024, 10, 1)
REGION = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1"}
PROVIDER = {"aws": "AWS", "azure": "Microsoft", "gcp": "Google Cloud"}


def catalog(cloud: str, prices: dict[str, str]) -> Catalog:
    """A catalog of `prices` (product -> unit price) in the cloud's test region, each row
    made from a shipped row so every other field is a real row's."""
    template = next(
        p for p in load_catalog(cloud).rows if p.region == REGION[cloud] and not p.tiered
    )
    return Catalog(
        cloud,
        [
            replace(template, product=product, unit_price=Decimal(price), vcpu=None)
            for product, price in prices.items()
        ],
    )


def context(cloud: str, lines: list[ChargeLine], cat: Catalog) -> tuple[Resource, RuleContext]:
    spend = Spend(Period(START, END), tuple(lines), (), (), (), (), "test", False)
    (r,) = build_inventory(lines)
    return r, RuleContext(spend, Utilization({}), {cloud: cat})


def line(cloud: str, resource_id: str, service: str, **values: object) -> ChargeLine:
    base: dict[str, object] = {
        "provider": PROVIDER[cloud],
        "region": REGION[cloud],
        "resource_id": resource_id,
        "service": service,
        "service_category": "Networking",
        "charge_description": "",
        "billed_cost": Decimal("10"),
        "effective_cost": Decimal("10"),
    }
    base.update(values)
    return charge_line(**base)


def nat(cloud: str, resource_id: str, service: str, gb: float) -> ChargeLine:
    return line(
        cloud,
        resource_id,
        service,
        usage_type="NatGateway-Bytes",
        charge_description="NAT Gateway data processed",
        consumed_unit="GB",
        consumed_quantity=gb,
    )


def test_aws_nat_through_an_interface_endpoint() -> None:
    # 730 GB a month: 730 x (0.045 - 0.01) = 25.55 less 2 zones x 730 h x 0.01 = 14.60.
    cat = catalog(
        "aws", {"nat-gateway-gb": "0.045", "vpc-endpoint-gb": "0.01", "vpc-endpoint": "0.01"}
    )
    r, ctx = context(
        "aws",
        [nat("aws", "arn:aws:ec2:us-east-1:1:natgateway/nat-0abc", "Amazon EC2", 720)],
        cat,
    )
    assert r.kind == "nat_gateway"
    (rec,) = EndpointRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("10.95")
    assert "pays for itself above 417 GB a month" in rec.evidence
    assert "gateway endpoints carry S3 and DynamoDB traffic free" in rec.evidence
    assert rec.confidence == "low"
    # One zone: the endpoint's hours halve.
    (one,) = EndpointRule().recommend(r, ctx, ReportSettings(endpoint_zones=1))
    assert one.estimated_monthly_savings == Decimal("18.25")


def test_gcp_nat_to_google_apis_is_free_through_private_google_access() -> None:
    cat = catalog("gcp", {"cloud-nat-gb": "0.045"})
    r, ctx = context(
        "gcp",
        [nat("gcp", "projects/p/regions/us-central1/routers/r/natgateway/n", "Networking", 720)],
        cat,
    )
    (rec,) = EndpointRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("32.85")  # 730 GB x 0.045


def test_too_little_nat_traffic_for_an_endpoint_is_not_flagged() -> None:
    cat = catalog(
        "aws", {"nat-gateway-gb": "0.045", "vpc-endpoint-gb": "0.01", "vpc-endpoint": "0.01"}
    )
    r, ctx = context(
        "aws",
        [nat("aws", "arn:aws:ec2:us-east-1:1:natgateway/nat-0abc", "Amazon EC2", 400)],
        cat,
    )
    assert EndpointRule().recommend(r, ctx, ReportSettings()) == []


def _logs(cloud: str, rid: str, service: str, ingest: float, stored: float) -> list[ChargeLine]:
    return [
        line(
            cloud,
            rid,
            service,
            service_category="Management and Governance",
            usage_type="DataProcessing-Bytes",
            charge_description="Log ingestion",
            consumed_unit="GB",
            consumed_quantity=ingest,
        ),
        line(
            cloud,
            rid,
            service,
            service_category="Management and Governance",
            usage_type="TimedStorage-ByteHrs",
            charge_description="Log storage",
            consumed_unit="GB-Mo",
            consumed_quantity=stored,
        ),
    ]


def test_cloudwatch_logs_retention_and_infrequent_access_add_up() -> None:
    # 730 GB ingested and 3,650 GB-month stored a month. 30 days keep 730 x 30 / (730 / 24)
    # = 720 GB-month: 2,930 x 0.03 = 87.90; the IA class ingests at 0.25: 730 x 0.25 =
    # 182.50; one recommendation worth both, 270.40.
    cat = catalog(
        "aws",
        {
            "cloudwatch-logs-ingest": "0.50",
            "cloudwatch-logs-storage": "0.03",
            "cloudwatch-logs-ingest-ia": "0.25",
        },
    )
    rid = "arn:aws:logs:us-east-1:1:log-group:/app/api"
    r, ctx = context("aws", _logs("aws", rid, "AmazonCloudWatch", 720, 3600), cat)
    assert r.kind == "log_store"
    (rec,) = LogRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("270.40")
    assert "2930.0 GB-month at" in rec.evidence and "about 152 days" in rec.finding
    assert rec.confidence == "low"  # the IA class is for logs rarely queried
    assert rec.price_source == "catalog aws 2025-01-01"
    # Keeping 152 days (what is kept now) leaves only the ingestion class.
    (ia,) = LogRule().recommend(r, ctx, ReportSettings(log_retention_days=153))
    assert ia.estimated_monthly_savings == Decimal("182.50")


def test_log_analytics_commitment_tier() -> None:
    # 4,562.5 GB a month = 150 GB a day over 730 / 24 days, at 2.30 = 10,493.75; the 100 GB
    # tier at 196 a day (1.96 per GB, the same above it): 196 x 30.4167 + 50 x 1.96 x
    # 30.4167 = 8,942.50; saves 1,551.25. Retention is within the 31 days included.
    cat = catalog(
        "azure",
        {
            "log-analytics-ingest": "2.30",
            "log-analytics-retention": "0.10",
            "log-analytics-commitment-100": "196",
        },
    )
    rid = "/subscriptions/s/resourcegroups/g/providers/microsoft.operationalinsights/workspaces/w"
    lines = _logs("azure", rid, "Log Analytics", 4500, 0)[:1]
    r, ctx = context("azure", lines, cat)
    (rec,) = LogRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("1551.25")
    assert "150 GB a day" in rec.evidence and rec.confidence == "medium"
    # Under 100 GB a day the tier does not pay.
    r, ctx = context("azure", _logs("azure", rid, "Log Analytics", 2900, 0)[:1], cat)
    assert LogRule().recommend(r, ctx, ReportSettings()) == []


def test_the_shipped_catalogs_price_the_cheaper_log_ingestion() -> None:
    # The two bills above, priced from the shipped catalogs instead of test rows. us-east-1:
    # standard ingestion 0.50, storage 0.03, the Infrequent Access class 0.25 per GB: 2,930
    # GB-month x 0.03 = 87.90 and 730 GB x (0.50 - 0.25) = 182.50, together 270.40.
    rid = "arn:aws:logs:us-east-1:1:log-group:/app/api"
    aws = load_catalog("aws")
    r, ctx = context("aws", _logs("aws", rid, "AmazonCloudWatch", 720, 3600), aws)
    (rec,) = LogRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("270.40")
    assert "Move to the Infrequent Access log class" in rec.action
    assert "the Infrequent Access log class ingests at 0.25 USD/GB" in rec.evidence
    # East US: 150 GB a day at 2.30 = 10,493.75 a month; the 100 GB/day tier at 196 a day and
    # 1.96 per GB above it: 196 x 30.4167 + 50 x 1.96 x 30.4167 = 8,942.50; saves 1,551.25.
    ws = "/subscriptions/s/resourcegroups/g/providers/microsoft.operationalinsights/workspaces/w"
    azure = load_catalog("azure")
    r, ctx = context("azure", _logs("azure", ws, "Log Analytics", 4500, 0)[:1], azure)
    (rec,) = LogRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("1551.25")
    assert "the 100 GB/day commitment tier costs 196.00 USD a day" in rec.evidence
    assert rec.price_source == "catalog azure 2025-01-01"


S3 = {
    "s3-standard": "0.023",
    "s3-standard-get": "0.4",
    "s3-standard-ia": "0.0125",
    "s3-standard-ia-get": "1.0",
    "s3-standard-ia-retrieval": "0.01",
}


def _bucket(stored: float, reads: float) -> list[ChargeLine]:
    common = {"service_category": "Storage"}
    return [
        line(
            "aws",
            "logs-archive-bucket",
            "Amazon Simple Storage Service",
            usage_type="TimedStorage-ByteHrs",
            charge_description="$0.023 per GB - first 50 TB / month of storage used",
            consumed_unit="GB-Mo",
            consumed_quantity=stored,
            **common,
        ),
        line(
            "aws",
            "logs-archive-bucket",
            "Amazon Simple Storage Service",
            usage_type="Requests-Tier2",
            charge_description="$0.0004 per 1,000 GET and all other requests",
            consumed_unit="Requests",
            consumed_quantity=reads,
            **common,
        ),
    ]


def test_rarely_read_s3_standard_moves_to_infrequent_access() -> None:
    # 730 GB-month and 730 reads a month: 730 x (0.023 - 0.0125) = 7.665, less 730 x
    # (1.0 - 0.4) / 1e6 = 0.000438 for the reads: 7.66; retrieval break-even 766 GB.
    r, ctx = context("aws", _bucket(720, 720), catalog("aws", S3))
    assert r.kind == "bucket"
    (rec,) = StorageClassRule().recommend(r, ctx, ReportSettings())
    assert rec.estimated_monthly_savings == Decimal("7.66")
    assert "under 766 GB a month are read back" in rec.evidence


def test_often_read_s3_standard_stays() -> None:
    r, ctx = context("aws", _bucket(720, 7200), catalog("aws", S3))
    assert StorageClassRule().recommend(r, ctx, ReportSettings()) == []


def test_a_missing_price_is_no_finding_and_the_coverage_says_why() -> None:
    lines = _bucket(720, 720)
    spend = Spend(Period(START, END), tuple(lines), (), (), (), (), "test", False)
    no_reads = {k: v for k, v in S3.items() if not k.endswith("-get")}
    found = recommend(spend, Utilization({}), {"aws": catalog("aws", no_reads)}, ReportSettings())
    assert not [r for r in found.recommendations if r.kind == "storage_class"]
    (cov,) = [c for c in found.coverage if c.kind == "storage_class"]
    assert cov.judged == 0 and cov.gaps[0].reason == "no catalog price for its storage classes"
