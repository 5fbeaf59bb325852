"""Catalog rows for the security baseline and cross-region connectivity (issue 17): customer
managed keys and their requests, secrets and their calls, web application firewalls, flow logs,
AWS Transit Gateway and Azure global VNet peering.

Imported by build_catalog.py (same folder). Prices are the vendors' published list prices (each
unchanged since before AS_OF, the catalog's date; checked against the pricing pages in 2026); a price the page gives per 10,000 calls is converted to the
catalog's unit (per million) and the row says "derived". These services are priced the same in
every region of a cloud unless a row says otherwise; a row outside the base region says
"approximate" where the page was not read for that region.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from build_catalog import (
    AS_OF,
    AWS_REGION_ANCHORS,
    AZURE_BASE,
    AZURE_REGIONS,
    GCP_BASE,
    GCP_REGIONS,
    Row,
)

AWS_BASE = "us-east-1"
Tier = tuple[int, int | None, str]
# Vended logs (VPC Flow Logs to CloudWatch Logs) and GCP's flow log generation, per GB a month:
# first 10 TB, next 20 TB, next 20 TB, over 50 TB.
FLOW_TIERS: list[Tier] = [
    (0, 10240, "0.50"),
    (10240, 30720, "0.25"),
    (30720, 51200, "0.10"),
    (51200, None, "0.05"),
]


def security_rows(
    cloud: str,
    regions: tuple[str, ...],
    base: str,
    table: list[tuple[str, str, str, str, str | list[Tier], str]],
) -> Iterator[Row]:
    """One row per region (one per tier for a tiered price) of each (service, category, product,
    unit, price, source) in `table`."""
    for service, category, product, unit, price, source in table:
        ladder = price if isinstance(price, list) else [(None, None, price)]
        for region in regions:
            where = source if region == base else f"{source}; same price listed for every region"
            for start, end, amount in ladder:
                yield Row(
                    cloud=cloud,
                    service=service,
                    category=category,
                    product=product,
                    region=region,
                    purchase="on_demand",
                    unit=unit,
                    unit_price=Decimal(amount),
                    source=where,
                    as_of=AS_OF,
                    tier_start=Decimal(start) if start is not None else None,
                    tier_end=Decimal(end) if end is not None else None,
                )


def aws_security() -> Iterator[Row]:
    kms, sm, waf = (
        "AWS KMS pricing page",
        "AWS Secrets Manager pricing page",
        "AWS WAF pricing page",
    )
    tgw = "AWS Transit Gateway pricing page"
    yield from security_rows("aws", tuple(AWS_REGION_ANCHORS), AWS_BASE, [
        ("awskms", "security", "kms-key", "month", "1.00",
         f"{kms}, each customer managed KMS key a month"),
        ("awskms", "security", "kms-requests", "request-million", "3.00",
         f"derived: {kms}, symmetric requests 0.03 per 10,000 = 3.00 per million"),
        ("AWSSecretsManager", "security", "secrets-manager-secret", "month", "0.40",
         f"{sm}, per secret a month"),
        ("AWSSecretsManager", "security", "secrets-manager-api", "request-million", "5.00",
         f"derived: {sm}, 0.05 per 10,000 API calls = 5.00 per million"),
        ("awswaf", "security", "waf-web-acl", "month", "5.00", f"{waf}, web ACL a month"),
        ("awswaf", "security", "waf-rule", "month", "1.00",
         f"{waf}, rule or managed rule group a month"),
        ("awswaf", "security", "waf-requests", "request-million", "0.60",
         f"{waf}, per million web requests inspected"),
        ("AmazonCloudWatch", "security", "vpc-flow-logs", "GB", FLOW_TIERS,
         "Amazon CloudWatch pricing page, vended logs (VPC Flow Logs) delivered to CloudWatch "
         "Logs per GB: first 10 TB, next 20 TB, next 20 TB, over 50 TB"),
        ("AmazonVPC", "network", "tgw-attachment", "hour", "0.05",
         f"{tgw}, per attachment-hour (VPC or peering); approximate outside us-east-1"),
        ("AmazonVPC", "network", "tgw-data", "GB", "0.02",
         f"{tgw}, data processed per GB sent to the gateway"),
    ])  # fmt: skip


def gcp_security() -> Iterator[Row]:
    kms, sm = "Cloud KMS pricing page", "Secret Manager pricing page"
    armor = "Cloud Armor pricing page, Standard tier"
    yield from security_rows("gcp", tuple(GCP_REGIONS), GCP_BASE, [
        ("Cloud KMS", "security", "cloud-kms-key", "month", "0.06",
         f"{kms}, active software key version a month"),
        ("Cloud KMS", "security", "cloud-kms-ops", "request-million", "3.00",
         f"derived: {kms}, cryptographic operations 0.03 per 10,000 = 3.00 per million"),
        ("Secret Manager", "security", "secret-manager-version", "month", "0.06",
         f"{sm}, active secret version per location a month"),
        ("Secret Manager", "security", "secret-manager-access", "request-million", "3.00",
         f"derived: {sm}, access operations 0.03 per 10,000 = 3.00 per million"),
        ("Cloud Armor", "security", "cloud-armor-policy", "month", "5.00",
         f"{armor}, security policy a month"),
        ("Cloud Armor", "security", "cloud-armor-rule", "month", "1.00",
         f"{armor}, rule a month"),
        ("Cloud Armor", "security", "cloud-armor-requests", "request-million", "0.75",
         f"{armor}, per million requests evaluated"),
        ("Networking", "security", "vpc-flow-logs", "GB", FLOW_TIERS,
         "Network Intelligence Center pricing page, VPC Flow Logs generation per GB: first "
         "10 TB, next 20 TB, next 20 TB, over 50 TB"),
    ])  # fmt: skip


def azure_security() -> Iterator[Row]:
    kv, gw = "Azure Key Vault pricing page, Standard", "Azure Application Gateway pricing page"
    yield from security_rows("azure", tuple(AZURE_REGIONS), AZURE_BASE, [
        ("Key Vault", "security", "key-vault-operations", "request-million", "3.00",
         f"derived: {kv}, secrets and software-key operations 0.03 per 10,000 = 3.00 per "
         "million"),
        ("Application Gateway", "security", "appgw-waf-v2-fixed", "hour", "0.197",
         f"derived: {gw}, WAF_v2 fixed 0.443 an hour less Standard_v2's 0.246"),
        ("Application Gateway", "security", "appgw-waf-v2-cu", "LCU-hour", "0.0064",
         f"derived: {gw}, WAF_v2 capacity unit 0.0144 an hour less Standard_v2's 0.008"),
        ("Network Watcher", "security", "vnet-flow-logs", "GB", "0.50",
         "Azure Network Watcher pricing page, virtual network flow logs collected per GB"),
        ("Virtual Network", "network", "vnet-peering-global-out", "GB", "0.035",
         "Azure Virtual Network pricing page, global VNet peering outbound per GB, zone 1; "
         "approximate for other zones"),
        ("Virtual Network", "network", "vnet-peering-global-in", "GB", "0.035",
         "Azure Virtual Network pricing page, global VNet peering inbound per GB, zone 1; "
         "approximate for other zones"),
    ])  # fmt: skip
