"""Catalog rows for the security baseline and cross-region connectivity (issue 17): customer
managed keys and their requests, secrets and their calls, web application firewalls, flow logs,
AWS Transit Gateway and Azure global VNet peering.

Imported by build_catalog.py (same folder). Prices are the vendors' published list prices (each
unchanged since before AS_OF, the catalog's date; checked against the pricing pages in 2026); a price the page gives per 10,000 calls is converted to the
catalog's unit (per million) and the row says "derived". A source that says "same in
every region" is the vendor's one price for all regions; any other row outside the base region
says "approximate" (the base region's price, not read for that region).
"""

from __future__ import annotations

from collections.abc import Iterator

from build_catalog import (
    AWS_REGION_ANCHORS,
    AZURE_BASE,
    AZURE_REGIONS,
    GCP_BASE,
    GCP_REGIONS,
    Row,
)
from catalog_more import regional_rows

AWS_BASE = "us-east-1"
Tier = tuple[int | None, int | None, str]
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
    """Each (service, category, product, unit, price, source) of `table` in every region, by
    catalog_more's row writer (a source that says "same in every region" is kept as it is;
    otherwise rows outside the base region say approximate)."""
    for service, category, product, unit, price, source in table:
        yield from regional_rows(
            cloud, service, category, product, unit, dict.fromkeys(regions, price), source, base
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
         f"{kms}, each customer managed KMS key a month; same in every region"),
        ("awskms", "security", "kms-requests", "request-million", "3.00",
         f"derived: {kms}, symmetric requests 0.03 per 10,000 = 3.00 per million; same in every region"),
        ("AWSSecretsManager", "security", "secrets-manager-secret", "month", "0.40",
         f"{sm}, per secret a month; same in every region"),
        ("AWSSecretsManager", "security", "secrets-manager-api", "request-million", "5.00",
         f"derived: {sm}, 0.05 per 10,000 API calls = 5.00 per million; same in every region"),
        ("awswaf", "security", "waf-web-acl", "month", "5.00", f"{waf}, web ACL a month; same in every region"),
        ("awswaf", "security", "waf-rule", "month", "1.00",
         f"{waf}, rule or managed rule group a month; same in every region"),
        ("awswaf", "security", "waf-requests", "request-million", "0.60",
         f"{waf}, per million web requests inspected; same in every region"),
        ("AmazonCloudWatch", "security", "vpc-flow-logs", "GB", FLOW_TIERS,
         "Amazon CloudWatch pricing page, vended logs (VPC Flow Logs) delivered to CloudWatch "
         "Logs per GB: first 10 TB, next 20 TB, next 20 TB, over 50 TB"),
        ("AmazonVPC", "network", "tgw-attachment", "hour", "0.05",
         f"{tgw}, per attachment-hour (VPC or peering)"),
        ("AmazonVPC", "network", "tgw-data", "GB", "0.02",
         f"{tgw}, data processed per GB sent to the gateway"),
    ])  # fmt: skip


def gcp_security() -> Iterator[Row]:
    kms, sm = "Cloud KMS pricing page", "Secret Manager pricing page"
    armor = "Cloud Armor pricing page, Standard tier"
    yield from security_rows("gcp", tuple(GCP_REGIONS), GCP_BASE, [
        ("Cloud KMS", "security", "cloud-kms-key", "month", "0.06",
         f"{kms}, active software key version a month; same in every region"),
        ("Cloud KMS", "security", "cloud-kms-ops", "request-million", "3.00",
         f"derived: {kms}, cryptographic operations 0.03 per 10,000 = 3.00 per million; same in every region"),
        ("Secret Manager", "security", "secret-manager-version", "month", "0.06",
         f"{sm}, active secret version per location a month; same in every region"),
        ("Secret Manager", "security", "secret-manager-access", "request-million", "3.00",
         f"derived: {sm}, access operations 0.03 per 10,000 = 3.00 per million; same in every region"),
        ("Cloud Armor", "security", "cloud-armor-policy", "month", "5.00",
         f"{armor}, security policy a month; same in every region"),
        ("Cloud Armor", "security", "cloud-armor-rule", "month", "1.00",
         f"{armor}, rule a month; same in every region"),
        ("Cloud Armor", "security", "cloud-armor-requests", "request-million", "0.75",
         f"{armor}, per million requests evaluated; same in every region"),
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
         "Azure Virtual Network pricing page, global VNet peering outbound per GB, zone 1"),
        ("Virtual Network", "network", "vnet-peering-global-in", "GB", "0.035",
         "Azure Virtual Network pricing page, global VNet peering inbound per GB, zone 1"),
    ])  # fmt: skip
