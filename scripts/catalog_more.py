"""Catalog rows for what a design implies beyond its instances: internet egress and CDN tiers,
public IPv4 addresses, private endpoints, GCP Cloud NAT per VM, database backups, object
storage requests, queue tiers, logs and metrics, DNS and global routing (issue 18).

Imported by build_catalog.py (same folder); the readable tables are here, the Row type and
the regional tables there. Base-region prices are list prices transcribed from the vendors'
pricing pages as of AS_OF; a row says "approximate" where it is less sure (a region outside
the base, or a price remembered rather than read), and "derived" where it is computed.
Tiers: (start, end, price) in the row's unit per month; end None is the last tier. Free
allowances that span a whole account (AWS's 100 GB of egress a month over all regions, the
first million SQS requests) are not subtracted; allowances a bill shows as a zero-priced tier
of the product itself (Service Bus Standard's 13M included operations, Cloud Logging's 50 GiB
per project) are tiers at 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal

from build_catalog import (
    AWS_REGION_ANCHORS,
    AZURE_BASE,
    AZURE_REGIONS,
    AZURE_SERVICE_FACTOR,
    GCP_BASE,
    GCP_REGIONS,
    GCP_SERVICE_FACTOR,
    D,
    Row,
    fmt_qty,
    q,
)

Tier = tuple[int | None, int | None, str]  # start, end (None: no end), price


def _rows(
    cloud: str,
    service: str,
    category: str,
    product: str,
    unit: str,
    prices: dict[str, str | list[Tier]],
    source: str,
    base: str,
) -> Iterator[Row]:
    """One row per region (or one per tier), `source` completed per region: the base
    region's rows are list prices, the others say approximate unless the table is marked
    'same in every region'."""
    for region, price in prices.items():
        where = f"{source}, {region} list price"
        if region != base and "same in every region" not in source:
            where += "; approximate"
        elif "same in every region" in source:
            where = source
        ladder = price if isinstance(price, list) else [(None, None, price)]
        for start, end, amount in ladder:
            tiered = start is not None
            yield Row(
                cloud=cloud,
                service=service,
                category=category,
                product=product,
                region=region,
                purchase="on_demand",
                unit=unit,
                unit_price=D(amount),
                source=where,
                tier_start=D(start) if tiered else None,
                tier_end=D(end) if end is not None else None,
            )


# The one row writer, for the other table modules (catalog_security.py).
regional_rows = _rows


def _scaled(prices: str, factors: dict[str, Decimal]) -> dict[str, str | list[Tier]]:
    """A base-region price in every region, times the region's factor."""
    return {r: fmt_qty(q(D(prices) * f)) for r, f in factors.items()}


def _same(price: str | list[Tier], regions: Iterable[str]) -> dict[str, str | list[Tier]]:
    return dict.fromkeys(regions, price)


# ---------------------------------------------------------------------------
# AWS
# ---------------------------------------------------------------------------

AWS_BASE = "us-east-1"
AWS_REGIONS = tuple(AWS_REGION_ANCHORS)
_GP3 = {r: D(a["gp3"]) for r, a in AWS_REGION_ANCHORS.items()}
AWS_FACTOR = {r: v / _GP3[AWS_BASE] for r, v in _GP3.items()}  # EBS gp3 there / us-east-1

# Data transfer out to the internet, per GB a month: first 10 TB, next 40 TB, next 100 TB,
# over 150 TB (the Price List's ranges 0-10240-51200-153600 GB).
_AWS_OUT = {
    "us-east-1": ("0.09", "0.085", "0.07", "0.05"),
    "us-east-2": ("0.09", "0.085", "0.07", "0.05"),
    "us-west-2": ("0.09", "0.085", "0.07", "0.05"),
    "eu-west-1": ("0.09", "0.085", "0.07", "0.05"),
    "eu-west-2": ("0.09", "0.085", "0.07", "0.05"),
    "eu-central-1": ("0.09", "0.085", "0.07", "0.05"),
    "ap-south-1": ("0.1093", "0.085", "0.082", "0.08"),
    "ap-northeast-1": ("0.114", "0.089", "0.086", "0.084"),
    "ap-southeast-1": ("0.12", "0.085", "0.082", "0.08"),
}
_TB = (10240, 51200, 153600)


def _ladder(bounds: tuple[int, ...], prices: tuple[str, ...]) -> list[Tier]:
    starts = (0, *bounds)
    ends: tuple[int | None, ...] = (*bounds, None)
    return list(zip(starts, ends, prices, strict=True))


def aws_more() -> Iterator[Row]:
    yield from aws_network()
    yield from aws_storage()
    yield from aws_observability()


def aws_network() -> Iterator[Row]:
    net = "AWSDataTransfer", "network"
    yield from _rows(
        "aws", *net, "transfer-out", "GB",
        {r: _ladder(_TB, p) for r, p in _AWS_OUT.items()},
        "AWS EC2 data transfer pricing, out to the internet: first 10 TB, next 40 TB, next "
        "100 TB, over 150 TB a month", AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AmazonVPC", "network", "public-ipv4", "hour", _same("0.005", AWS_REGIONS),
        "Amazon VPC pricing page, public IPv4 address in use or idle, per IP-hour; same in "
        "every region", AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AmazonVPC", "network", "vpc-endpoint", "hour", _scaled("0.01", AWS_FACTOR),
        "AWS PrivateLink pricing page, interface VPC endpoint per AZ-hour", AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AmazonVPC", "network", "vpc-endpoint-gb", "GB", _same("0.01", AWS_REGIONS),
        "AWS PrivateLink pricing page, interface endpoint data processed, first PB a month; "
        "same in every region (approximate outside us-east-1)", AWS_BASE,
    )  # fmt: skip
    cloudfront = [(0, 10240, "0.085"), (10240, 51200, "0.080"), (51200, 153600, "0.060")]
    cloudfront += [(153600, 512000, "0.040"), (512000, 1048576, "0.030")]
    cloudfront += [(1048576, 5242880, "0.025"), (5242880, None, "0.020")]
    yield from _rows(
        "aws", "AmazonCloudFront", "cdn", "cloudfront-out", "GB",
        _same(cloudfront, AWS_REGIONS),
        "Amazon CloudFront pricing page, data transfer out to viewers in North America and "
        "Europe, tiered (origin fetches from AWS origins are free); same in every region",
        AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AmazonCloudFront", "cdn", "cloudfront-requests", "request-million",
        _same("1.00", AWS_REGIONS),
        "derived: Amazon CloudFront pricing page, HTTPS requests 0.0100 per 10,000 in North "
        "America and Europe = 1.00 per million; same in every region", AWS_BASE,
    )  # fmt: skip
    yield from aws_routing()


def aws_routing() -> Iterator[Row]:
    r53 = "Amazon Route 53 pricing page"
    yield from _rows(
        "aws", "AmazonRoute53", "routing", "route53-zone", "month", _same("0.50", AWS_REGIONS),
        f"{r53}, hosted zone a month (first 25 zones); same in every region", AWS_BASE,
    )  # fmt: skip
    for product, first, after, what in (
        ("route53-queries", "0.40", "0.20", "standard queries"),
        ("route53-latency-queries", "0.60", "0.30", "latency-based routing queries"),
    ):
        yield from _rows(
            "aws", "AmazonRoute53", "routing", product, "request-million",
            _same([(0, 1000, first), (1000, None, after)], AWS_REGIONS),
            f"{r53}, {what} per million: first 1 billion a month, then over; same in every "
            "region", AWS_BASE,
        )  # fmt: skip
    yield from _rows(
        "aws", "AmazonRoute53", "routing", "route53-health-check", "month",
        _same("0.50", AWS_REGIONS),
        f"{r53}, health check of an AWS endpoint a month (basic); same in every region",
        AWS_BASE,
    )  # fmt: skip
    ga = "AWS Global Accelerator pricing page"
    yield from _rows(
        "aws", "AWSGlobalAccelerator", "routing", "global-accelerator", "hour",
        _same("0.025", AWS_REGIONS), f"{ga}, fixed fee per accelerator-hour; same in every region",
        AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AWSGlobalAccelerator", "routing", "global-accelerator-gb", "GB",
        _same("0.015", AWS_REGIONS),
        f"{ga}, data transfer premium, dominant direction, North America to North America "
        "(charged on top of data transfer out); same in every region; approximate", AWS_BASE,
    )  # fmt: skip


def aws_storage() -> Iterator[Row]:
    yield from _rows(
        "aws", "AmazonRDS", "snapshot", "rds-backup", "GB-month", _scaled("0.095", AWS_FACTOR),
        "AWS RDS pricing page, backup storage beyond the free allowance (100% of the "
        "provisioned storage in the region)", AWS_BASE,
    )  # fmt: skip
    aurora = _rows(
        "aws", "AmazonRDS", "snapshot", "rds-backup", "GB-month", _scaled("0.021", AWS_FACTOR),
        "AWS Aurora pricing page, Aurora PostgreSQL backup storage beyond the free allowance "
        "(100% of the cluster's storage)", AWS_BASE,
    )  # fmt: skip
    yield from (replace(r, engine="aurora-postgresql") for r in aurora)
    s3 = "AWS S3 pricing page"
    for product, price, what in (
        ("s3-standard-put", "5.00", "S3 Standard PUT, COPY, POST, LIST 0.005 per 1,000"),
        ("s3-standard-get", "0.40", "S3 Standard GET, SELECT 0.0004 per 1,000"),
        ("s3-standard-ia-put", "10.00", "S3 Standard-IA PUT, COPY, POST, LIST 0.01 per 1,000"),
        ("s3-standard-ia-get", "1.00", "S3 Standard-IA GET 0.001 per 1,000"),
        ("s3-glacier-ir-put", "20.00", "S3 Glacier Instant Retrieval PUT 0.02 per 1,000"),
        ("s3-glacier-ir-get", "10.00", "S3 Glacier Instant Retrieval GET 0.01 per 1,000"),
        ("s3-transition-standard-ia", "10.00", "lifecycle transitions to Standard-IA 0.01 per 1,000"),
        ("s3-transition-glacier-ir", "20.00", "lifecycle transitions to Glacier IR 0.02 per 1,000"),
    ):  # fmt: skip
        yield from _rows(
            "aws", "AmazonS3", "object_storage", product, "request-million",
            _same(price, AWS_REGIONS),
            f"derived: {s3}, {what} = {price} per million; same in every region (approximate "
            "outside us-east-1)", AWS_BASE,
        )  # fmt: skip
    for product, price in (
        ("s3-standard-ia-retrieval", "0.01"),
        ("s3-glacier-ir-retrieval", "0.03"),
    ):
        yield from _rows(
            "aws", "AmazonS3", "object_storage", product, "GB", _same(price, AWS_REGIONS),
            f"{s3}, data retrieval per GB; same in every region (approximate outside "
            "us-east-1)", AWS_BASE,
        )  # fmt: skip
    sqs = "AWS SQS pricing page"
    for product, prices, what in (
        ("sqs-requests", ("0.40", "0.30", "0.24"), "standard queue"),
        ("sqs-fifo-requests", ("0.50", "0.40", "0.35"), "FIFO queue"),
    ):
        yield from _rows(
            "aws", "AmazonSQS", "queue", product, "request-million",
            _same(_ladder((100000, 200000), prices), AWS_REGIONS),
            f"{sqs}, {what} requests per million (64 KB chunks): first 100 billion, next 100 "
            "billion, over 200 billion a month (the free first million is per account, not "
            "subtracted); same in every region (approximate outside us-east-1)", AWS_BASE,
        )  # fmt: skip


def aws_observability() -> Iterator[Row]:
    cw = "Amazon CloudWatch pricing page"
    yield from _rows(
        "aws", "AmazonCloudWatch", "observability", "cloudwatch-logs-ingest", "GB",
        _scaled("0.50", AWS_FACTOR), f"{cw}, logs ingestion, standard log class", AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AmazonCloudWatch", "observability", "cloudwatch-logs-storage", "GB-month",
        _scaled("0.03", AWS_FACTOR), f"{cw}, logs storage (archived)", AWS_BASE,
    )  # fmt: skip
    yield from _rows(
        "aws", "AmazonCloudWatch", "observability", "cloudwatch-logs-ingest-ia", "GB",
        _scaled("0.25", AWS_FACTOR), f"{cw}, logs ingestion, Infrequent Access log class",
        AWS_BASE,
    )  # fmt: skip
    amp = [(0, 2000, "0.09"), (2000, 252000, "0.035"), (252000, 15252000, "0.016")]
    amp.append((15252000, None, "0.012"))
    yield from _rows(
        "aws", "AmazonPrometheus", "observability", "amp-samples", "sample-million",
        _same(amp, AWS_REGIONS),
        "derived: Amazon Managed Service for Prometheus pricing page, metric samples "
        "ingested per 10 million (0.90 first 2 billion, 0.35 next 250 billion, 0.16 next 15 "
        "trillion, 0.12 over) / 10; same in every region; approximate above 252 billion",
        AWS_BASE,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# GCP
# ---------------------------------------------------------------------------


def gcp_more() -> Iterator[Row]:
    regions = tuple(GCP_REGIONS)
    net = "Networking", "network"
    yield from _rows(
        "gcp", *net, "egress-internet", "GB",
        _same([(0, 1024, "0.12"), (1024, 10240, "0.11"), (10240, None, "0.08")], regions),
        "Google Cloud network pricing page, Premium Tier internet egress per GiB to "
        "worldwide destinations except China and Australia: 0-1 TiB, 1-10 TiB, over 10 TiB a "
        "month; same in every region (approximate outside North America)", GCP_BASE,
    )  # fmt: skip
    yield from _rows(
        "gcp", "Cloud NAT", "nat", "cloud-nat-vm", "hour", _same("0.0014", regions),
        "Google Cloud NAT pricing page, per VM-hour for a gateway serving up to 32 VMs "
        "(0.044 per gateway-hour at 32 or more); same in every region", GCP_BASE,
    )  # fmt: skip
    yield from _rows(
        "gcp", *net, "external-ip", "hour", _same("0.005", regions),
        "Google Cloud VPC pricing page, external IPv4 address in use (standard VM or Cloud "
        "NAT), per hour; same in every region", GCP_BASE,
    )  # fmt: skip
    cdn = "Google Cloud CDN pricing page"
    yield from _rows(
        "gcp", "Cloud CDN", "cdn", "cloud-cdn-egress", "GB",
        _same([(0, 10240, "0.08"), (10240, 153600, "0.055"), (153600, None, "0.03")], regions),
        f"{cdn}, cache egress to North America and Europe per GiB: 0-10 TiB, 10-150 TiB, "
        "over 150 TiB (150-500 TiB rate; above 500 TiB by contract); same in every region",
        GCP_BASE,
    )  # fmt: skip
    yield from _rows(
        "gcp", "Cloud CDN", "cdn", "cloud-cdn-fill", "GB", _same("0.01", regions),
        f"{cdn}, cache fill within North America or Europe per GiB; same in every region; "
        "approximate", GCP_BASE,
    )  # fmt: skip
    yield from _rows(
        "gcp", "Cloud CDN", "cdn", "cloud-cdn-lookups", "request-million",
        _same("0.75", regions),
        f"derived: {cdn}, HTTP/HTTPS cache lookups 0.0075 per 10,000 = 0.75 per million; "
        "same in every region", GCP_BASE,
    )  # fmt: skip
    yield from gcp_routing(regions)
    yield from gcp_storage(regions)
    yield from gcp_observability(regions)


def gcp_routing(regions: tuple[str, ...]) -> Iterator[Row]:
    dns = "Google Cloud DNS pricing page"
    yield from _rows(
        "gcp", "Cloud DNS", "routing", "cloud-dns-zone", "month", _same("0.20", regions),
        f"{dns}, managed zone a month (first 25); same in every region", GCP_BASE,
    )  # fmt: skip
    yield from _rows(
        "gcp", "Cloud DNS", "routing", "cloud-dns-queries", "request-million",
        _same([(0, 1000, "0.40"), (1000, None, "0.20")], regions),
        f"{dns}, queries per million: first billion a month, then over; same in every region",
        GCP_BASE,
    )  # fmt: skip


def gcp_storage(regions: tuple[str, ...]) -> Iterator[Row]:
    yield from _rows(
        "gcp", "Cloud SQL", "snapshot", "cloudsql-backup", "GB-month",
        _scaled("0.08", GCP_SERVICE_FACTOR), "Google Cloud SQL pricing page, backup storage",
        GCP_BASE,
    )  # fmt: skip
    gcs = "Google Cloud Storage pricing page"
    for product, price, what in (
        ("gcs-standard-class-a", "5.00", "Standard class A operations 0.05 per 10,000"),
        ("gcs-standard-class-b", "0.40", "Standard class B operations 0.004 per 10,000"),
        ("gcs-nearline-class-a", "10.00", "Nearline class A operations 0.10 per 10,000"),
        ("gcs-nearline-class-b", "1.00", "Nearline class B operations 0.01 per 10,000"),
        ("gcs-coldline-class-a", "20.00", "Coldline class A operations 0.20 per 10,000"),
        ("gcs-coldline-class-b", "10.00", "Coldline class B operations 0.10 per 10,000"),
    ):
        yield from _rows(
            "gcp", "Cloud Storage", "object_storage", product, "request-million",
            _same(price, regions),
            f"derived: {gcs}, {what} = {price} per million; same in every region", GCP_BASE,
        )  # fmt: skip
    for product, price in (("gcs-nearline-retrieval", "0.01"), ("gcs-coldline-retrieval", "0.02")):
        yield from _rows(
            "gcp", "Cloud Storage", "object_storage", product, "GB", _same(price, regions),
            f"{gcs}, data retrieval per GiB; same in every region", GCP_BASE,
        )  # fmt: skip


def gcp_observability(regions: tuple[str, ...]) -> Iterator[Row]:
    log = "Google Cloud Observability pricing page"
    yield from _rows(
        "gcp", "Cloud Logging", "observability", "cloud-logging-ingest", "GB",
        _same([(0, 50, "0"), (50, None, "0.50")], regions),
        f"{log}, Cloud Logging ingestion per GiB: first 50 GiB a project a month free, then "
        "0.50; same in every region", GCP_BASE,
    )  # fmt: skip
    yield from _rows(
        "gcp", "Cloud Logging", "observability", "cloud-logging-retention", "GB-month",
        _same("0.01", regions),
        f"{log}, Cloud Logging retention beyond the 30 days included, per GiB-month; same in "
        "every region", GCP_BASE,
    )  # fmt: skip
    gmp = [(0, 50000, "0.06"), (50000, 250000, "0.048"), (250000, 500000, "0.036")]
    gmp.append((500000, None, "0.024"))
    yield from _rows(
        "gcp", "Cloud Monitoring", "observability", "gmp-samples", "sample-million",
        _same(gmp, regions),
        f"{log}, Managed Service for Prometheus samples ingested per million: 0-50 billion, "
        "50-250 billion, 250-500 billion, over 500 billion a month; same in every region",
        GCP_BASE,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Azure
# ---------------------------------------------------------------------------

_AZURE_ZONE2 = {"centralindia", "japaneast", "southeastasia"}


def azure_more() -> Iterator[Row]:
    regions = tuple(AZURE_REGIONS)
    zone1 = _ladder(_TB, ("0.087", "0.083", "0.07", "0.05"))
    zone2 = _ladder(_TB, ("0.12", "0.085", "0.082", "0.08"))
    yield from _rows(
        "azure", "Bandwidth", "network", "egress-internet", "GB",
        {r: zone2 if r in _AZURE_ZONE2 else zone1 for r in regions},
        "Azure Bandwidth pricing page, internet egress (Microsoft premium global network) "
        "per GB: first 10 TB, next 40 TB, next 100 TB, over 150 TB a month (150-500 TB rate); "
        "zone 1 North America and Europe, zone 2 Asia (the first 100 GB a month free is not "
        "subtracted); same in every region of a zone", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Virtual Network", "network", "public-ip", "hour", _same("0.005", regions),
        "Azure IP Addresses pricing page, Standard static public IPv4 address per hour; same "
        "in every region (approximate outside eastus)", AZURE_BASE,
    )  # fmt: skip
    link = "Azure Private Link pricing page"
    yield from _rows(
        "azure", "Private Link", "network", "private-endpoint", "hour", _same("0.01", regions),
        f"{link}, private endpoint per hour; same in every region (approximate outside "
        "eastus)", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Private Link", "network", "private-endpoint-gb", "GB",
        _same("0.01", regions),
        f"{link}, data processed per GB, charged inbound and outbound, first PB; same in "
        "every region (approximate outside eastus)", AZURE_BASE,
    )  # fmt: skip
    yield from azure_front_door(regions)
    yield from azure_storage(regions)
    yield from azure_observability(regions)


def azure_front_door(regions: tuple[str, ...]) -> Iterator[Row]:
    fd = "Azure Front Door pricing page, Standard tier"
    yield from _rows(
        "azure", "Azure Front Door", "cdn", "front-door-base", "month", _same("35", regions),
        f"{fd}, base fee a month per profile; same in every region", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Azure Front Door", "cdn", "front-door-egress", "GB", _same("0.083", regions),
        f"{fd}, data transfer from edge to client in North America and Europe, first 10 TB "
        "(higher volumes priced at this rate: approximate); same in every region", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Azure Front Door", "cdn", "front-door-requests", "request-million",
        _same("0.90", regions),
        f"derived: {fd}, requests 0.009 per 10,000 in North America and Europe = 0.90 per "
        "million; same in every region", AZURE_BASE,
    )  # fmt: skip
    tm = "Azure Traffic Manager pricing page"
    yield from _rows(
        "azure", "Traffic Manager", "routing", "traffic-manager-queries", "request-million",
        _same([(0, 1000, "0.54"), (1000, None, "0.375")], regions),
        f"{tm}, DNS queries per million: first billion a month, then over; same in every "
        "region", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Traffic Manager", "routing", "traffic-manager-health", "month",
        _same("0.36", regions),
        f"{tm}, health check of an Azure endpoint a month; same in every region", AZURE_BASE,
    )  # fmt: skip


def azure_storage(regions: tuple[str, ...]) -> Iterator[Row]:
    for engine in ("postgres", "mysql"):
        for row in _rows(
            "azure", "Azure Database for PostgreSQL" if engine == "postgres" else
            "Azure Database for MySQL", "snapshot", "flexible-server-backup", "GB-month",
            _scaled("0.095", AZURE_SERVICE_FACTOR),
            "Azure Database Flexible Server pricing page, backup storage LRS beyond the free "
            "allowance (100% of the provisioned storage)", AZURE_BASE,
        ):  # fmt: skip
            yield replace(row, engine=engine)
    blob = "Azure Blob Storage pricing page, LRS"
    for product, price, what in (
        ("blob-hot-write", "5.00", "hot write operations 0.05 per 10,000"),
        ("blob-hot-read", "0.40", "hot read operations 0.004 per 10,000"),
        ("blob-cool-write", "10.00", "cool write operations 0.10 per 10,000"),
        ("blob-cool-read", "1.00", "cool read operations 0.01 per 10,000"),
        ("blob-cold-write", "18.00", "cold write operations 0.18 per 10,000"),
        ("blob-cold-read", "10.00", "cold read operations 0.10 per 10,000"),
    ):
        yield from _rows(
            "azure", "Storage", "object_storage", product, "request-million",
            _same(price, regions),
            f"derived: {blob}, {what} = {price} per million; same in every region; approximate",
            AZURE_BASE,
        )  # fmt: skip
    for product, price in (("blob-cool-retrieval", "0.01"), ("blob-cold-retrieval", "0.03")):
        yield from _rows(
            "azure", "Storage", "object_storage", product, "GB", _same(price, regions),
            f"{blob}, data retrieval per GB; same in every region; approximate", AZURE_BASE,
        )  # fmt: skip
    sb = "Azure Service Bus pricing page"
    ops = [(0, 13, "0"), (13, 100, "0.80"), (100, 2500, "0.50"), (2500, None, "0.20")]
    yield from _rows(
        "azure", "Service Bus", "queue", "service-bus-standard-ops", "request-million",
        _scaled_ladder(ops, AZURE_SERVICE_FACTOR),
        f"{sb}, Standard operations per million: first 13M a month included in the base "
        "charge, 13M-100M, 100M-2,500M, over 2,500M", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Service Bus", "queue", "service-bus-premium-mu", "hour",
        _scaled("0.928", AZURE_SERVICE_FACTOR),
        f"{sb}, Premium messaging unit per hour (about 677 a month); approximate", AZURE_BASE,
    )  # fmt: skip


def _scaled_ladder(ladder: list[Tier], factors: dict[str, Decimal]) -> dict[str, str | list[Tier]]:
    return {r: [(a, b, fmt_qty(q(D(p) * f))) for a, b, p in ladder] for r, f in factors.items()}


def azure_observability(regions: tuple[str, ...]) -> Iterator[Row]:
    mon = "Azure Monitor pricing page"
    yield from _rows(
        "azure", "Log Analytics", "observability", "log-analytics-ingest", "GB",
        _scaled("2.30", AZURE_SERVICE_FACTOR),
        f"{mon}, Analytics Logs pay-as-you-go ingestion per GB (31 days retention included)",
        AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Log Analytics", "observability", "log-analytics-retention", "GB-month",
        _scaled("0.10", AZURE_SERVICE_FACTOR),
        f"{mon}, interactive retention beyond 31 days per GB-month", AZURE_BASE,
    )  # fmt: skip
    # The commitment is paid every day; ingestion above 100 GB is billed at the tier's own
    # effective rate (196 / 100 per GB), which is how billing/rules/logs.py prices it.
    yield from _rows(
        "azure", "Log Analytics", "observability", "log-analytics-commitment-100", "day",
        _scaled("196", AZURE_SERVICE_FACTOR),
        f"{mon} and Microsoft Learn (Azure Monitor Logs pricing tiers: 196 a day for the "
        "100 GB/day commitment tier against 2.30 per GB pay-as-you-go), Analytics Logs 100 "
        "GB/day commitment tier per day (usage above it at 1.96 per GB)", AZURE_BASE,
    )  # fmt: skip
    yield from _rows(
        "azure", "Azure Monitor", "observability", "monitor-prometheus-samples",
        "sample-million", _same("0.016", regions),
        f"derived: {mon}, managed Prometheus metrics ingestion 0.16 per 10 million samples = "
        "0.016 per million; same in every region", AZURE_BASE,
    )  # fmt: skip
