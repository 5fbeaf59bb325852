"""Provider-realistic bills (issue 19, item 5): a month of AWS, Azure and Google Cloud in
FOCUS 1.2 / 1.3 shape, 34,000-81,000 USD, one or two rows per resource (monthly
granularity, as cost exports aggregated per resource are), commitments already bought,
tax rows without a ResourceId, NAT gateways, log stores, object storage, gp2 volumes; no
utilization data. The report reads every row, reconciles to the cent, and no longer says a
bare "$0.00": the advice that needs no utilization finds savings, priced from the shipped
catalogs."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan.billing.report import run_report
from devops_plan.billing.writer import render_markdown
from tests.billing_fixtures import decimal_sum, focus_row, write_csv

START, END = "2024-09-01 00:00:00", "2024-10-01 00:00:00"
HOURS = 720
COLUMNS = (
    "BilledCost", "EffectiveCost", "ListCost", "ListUnitPrice", "BillingCurrency",
    "ChargeCategory", "ChargeDescription", "ChargePeriodStart", "ChargePeriodEnd",
    "ConsumedQuantity", "ConsumedUnit", "PricingCategory", "ProviderName", "RegionId",
    "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId",
    "SubAccountId", "Tags", "x_UsageType", "CommitmentDiscountId",
)  # fmt: skip
# Per provider: (ProviderName, region, machine (type, hourly), NAT (service, id, GB rate),
# log store (service, id, GB rate), bucket (service, id, GB-month rate), FOCUS version).
SHAPES = {
    "aws": (
        "AWS", "us-east-1", ("m5.2xlarge", "0.384"),
        ("Amazon Elastic Compute Cloud", "arn:aws:ec2:us-east-1:1:natgateway/nat-0{n:04x}", "0.045"),
        ("AmazonCloudWatch", "arn:aws:logs:us-east-1:1:log-group:/svc/{n}", "0.50"),
        ("Amazon Simple Storage Service", "data-lake-{n}", "0.023"),
        "1.2",
    ),
    "azure": (
        "Microsoft", "eastus", ("Standard_D8s_v5", "0.384"),
        ("NAT Gateway", "/subscriptions/s/resourcegroups/g/providers/microsoft.network/natgateways/nat{n}", "0.045"),
        ("Log Analytics", "/subscriptions/s/resourcegroups/g/providers/microsoft.operationalinsights/workspaces/w{n}", "2.30"),
        ("Storage", "/subscriptions/s/resourcegroups/g/providers/microsoft.storage/storageaccounts/sa{n}", "0.0208"),
        "1.3",
    ),
    "gcp": (
        "Google Cloud", "us-central1", ("n2-standard-8", "0.388472"),
        ("Networking", "projects/p/regions/us-central1/routers/r/natgateway/nat{n}", "0.045"),
        ("Cloud Logging", "logging.googleapis.com/projects/p/buckets/b{n}", "0.50"),
        ("Cloud Storage", "projects/_/buckets/lake-{n}", "0.020"),
        "1.3",
    ),
}  # fmt: skip


def _row(provider: str, region: str, cost: Decimal, **values: str) -> dict[str, str]:
    return focus_row(
        ProviderName=provider,
        RegionId=region,
        BilledCost=str(cost),
        EffectiveCost=str(cost),
        ListCost=str(cost),
        ChargePeriodStart=START,
        ChargePeriodEnd=END,
        Tags=json.dumps({"environment": "prod", "owner": "platform"}),
        **values,
    )


def realistic_bill(cloud: str, seed: int) -> list[dict[str, str]]:
    provider, region, (vm_type, vm_rate), nat, logs, bucket, _ = SHAPES[cloud]
    rnd = random.Random(seed)
    rows = []
    for n in range(80):  # machines: half covered by a commitment, half on demand
        hours = Decimal(HOURS)
        committed = n % 2 == 0
        cost = (hours * Decimal(vm_rate) * (Decimal("0.7") if committed else 1)).quantize(
            Decimal("0.01")
        )
        rows.append(_row(provider, region, cost,
            ServiceName="Virtual Machines" if cloud == "azure" else "Compute Engine"
            if cloud == "gcp" else "Amazon Elastic Compute Cloud",
            ServiceCategory="Compute", ResourceId=f"vm-{cloud}-{n}", ResourceName=f"app-{n}",
            ResourceType="Virtual Machine", ChargeDescription=f"{vm_type} instance hour",
            ConsumedQuantity=str(hours), ConsumedUnit="Hours", ListUnitPrice=vm_rate,
            PricingCategory="Committed" if committed else "Standard",
            CommitmentDiscountId="cd-1" if committed else "NULL",
            x_UsageType=f"BoxUsage:{vm_type}"))  # fmt: skip
    for n in range(3):  # NAT: hours and data processed, two rows per gateway
        gb = Decimal(rnd.randint(20_000, 60_000))
        for desc, qty, unit, rate in (
            ("NAT Gateway hour", Decimal(HOURS), "Hours", "0.045"),
            ("NAT Gateway data processed", gb, "GB", nat[2]),
        ):
            rows.append(_row(provider, region, (qty * Decimal(rate)).quantize(Decimal("0.01")),
                ServiceName=nat[0], ServiceCategory="Networking",
                ResourceId=nat[1].format(n=n), ResourceName=f"nat-{n}",
                ResourceType="NAT Gateway", ChargeDescription=desc,
                ConsumedQuantity=str(qty), ConsumedUnit=unit, ListUnitPrice=rate,
                PricingCategory="Standard", x_UsageType="NatGateway-Bytes"))  # fmt: skip
    for n in range(2):  # log stores: ingestion and (long-kept) storage
        ingest = Decimal(rnd.randint(3_000, 6_000))
        for desc, qty, unit, rate in (
            ("Log data ingestion", ingest, "GB", logs[2]),
            ("Log data retention", ingest * 6, "GB-Mo", "0.03"),
        ):
            rows.append(_row(provider, region, (qty * Decimal(rate)).quantize(Decimal("0.01")),
                ServiceName=logs[0], ServiceCategory="Management and Governance",
                ResourceId=logs[1].format(n=n), ResourceName=f"logs-{n}",
                ResourceType="Log", ChargeDescription=desc, ConsumedQuantity=str(qty),
                ConsumedUnit=unit, ListUnitPrice=rate, PricingCategory="Standard",
                x_UsageType="DataProcessing-Bytes" if unit == "GB"
                else "TimedStorage-ByteHrs"))  # fmt: skip
    for n in range(2):  # object storage: standard class, rarely read
        gb = Decimal(rnd.randint(50_000, 150_000))
        for desc, qty, unit, rate in (
            ("Standard storage", gb, "GB-Mo", bucket[2]),
            ("GET and read requests", gb / 10, "Requests", "0.0000004"),
        ):
            rows.append(_row(provider, region, (qty * Decimal(rate)).quantize(Decimal("0.01")),
                ServiceName=bucket[0], ServiceCategory="Storage",
                ResourceId=bucket[1].format(n=n), ResourceName=f"bucket-{n}",
                ResourceType="Bucket", ChargeDescription=f"{desc} blob" if cloud == "azure"
                else desc, ConsumedQuantity=str(qty), ConsumedUnit=unit, ListUnitPrice=rate,
                PricingCategory="Standard",
                x_UsageType="TimedStorage-ByteHrs" if unit == "GB-Mo"
                else "Requests-Tier2"))  # fmt: skip
    subtotal = sum((Decimal(r["BilledCost"]) for r in rows), Decimal(0))
    rows.append(_row(provider, region, (subtotal * Decimal("0.08")).quantize(Decimal("0.01")),
        ServiceName="Tax", ServiceCategory="Other", ResourceId="NULL", ResourceName="NULL",
        ResourceType="NULL", ChargeCategory="Tax", ChargeDescription="Sales tax",
        ConsumedQuantity="NULL", ConsumedUnit="NULL", ListUnitPrice="NULL",
        PricingCategory="NULL"))  # fmt: skip
    return rows


@pytest.mark.parametrize("cloud", sorted(SHAPES))
def test_a_realistic_bill_reconciles_and_is_never_a_bare_zero(cloud: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / f"{cloud}.csv", realistic_bill(cloud, seed=19), COLUMNS)
    total, _ = decimal_sum(path)
    assert Decimal(34_000) <= total <= Decimal(81_000), total
    report = run_report([path])
    assert report.billed_cost == total  # every row read, to the cent
    assert report.total_savings > 0, render_markdown(report)
    # Without utilization the machines are not judged, and the report says so.
    assert "have no utilization data" in render_markdown(report)
    kinds = {r.kind for r in report.recommendations if r.counted}
    # Found with no utilization data at all:
    assert kinds & {"endpoints", "logs", "storage_class", "commitment", "modernization"}
    # The shipped catalog prices Cloud NAT's data processing, and Private Google Access is
    # free: the GCP bill's NAT traffic is found without any utilization.
    if cloud == "gcp":
        assert "endpoints" in kinds
