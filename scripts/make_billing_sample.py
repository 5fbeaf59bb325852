"""Generate the synthetic FOCUS 1.0 billing sample in data/billing/, with planted waste.

    python scripts/make_billing_sample.py [--seed 7] [--out data/billing]

Writes (byte-identical for the same seed and catalog):
  focus-sample.csv.gz        one month (September 2024) of FOCUS 1.0 rows, AWS and Azure:
                             hourly instance rows, daily storage/network rows, a tax and a
                             credit row; prices from the shipped catalog
  utilization-sample.csv.gz  hourly CPU, memory, network and disk samples of the same resources
  planted.json               what was planted and the monthly savings the report must find

Planted waste: idle machines, an oversized machine, previous-generation machines, gp2
volumes, an unused volume, an old snapshot, an idle NAT gateway and load balancer,
interruptible workloads on on-demand capacity, untagged resources, and a steady on-demand
baseline with no commitment. Everything else is busy, current and tagged, so a correct
report flags exactly the planted items. Expected savings are computed here from the true
sizes, hours and catalog prices, independently of the report's code.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devops_plan.catalog import Catalog, load_catalog  # noqa: E402

START = datetime(2024, 9, 1)
END = datetime(2024, 10, 1)
HOURS = int((END - START).total_seconds() // 3600)  # 720
MONTH = Decimal(730)
REGION = "us-east-1"
ACCOUNT = "123456789012"
CENT = Decimal("0.01")

# The FOCUS 1.0 columns, in the order of the FinOps Foundation's sample export.
COLUMNS = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "Id",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
]
NUMERIC = {
    "BilledCost",
    "ConsumedQuantity",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "ListCost",
    "PricingQuantity",
    "Id",
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def monthly(amount: Decimal) -> Decimal:
    """An amount over the sample's 720 hours as a 730-hour month (the report's rule)."""
    return amount * MONTH / Decimal(HOURS)


def rid(prefix: str, name: str, digits: int = 17) -> str:
    return prefix + hashlib.sha256(name.encode()).hexdigest()[:digits]


def tags(**values: str) -> str:
    return json.dumps(values)


OWNED = {"environment": "prod", "owner": "shop-team"}


@dataclass(frozen=True)
class Machine:
    name: str
    instance_type: str
    profile: str  # busy | idle | oversized
    tags: dict[str, str] = field(default_factory=lambda: dict(OWNED))
    pricing: str = "Standard"  # FOCUS PricingCategory: Standard (on demand) or Committed
    schedule: str = "always"  # always | business (weekdays 08:00-20:00 UTC)

    @property
    def resource_id(self) -> str:
        return "i-0" + hashlib.sha256(self.name.encode()).hexdigest()[:16]

    def running(self, hour: datetime) -> bool:
        if self.schedule == "always":
            return True
        return hour.weekday() < 5 and 8 <= hour.hour < 20


MACHINES = (
    Machine("web-1", "m5.large", "busy"),
    Machine("web-2", "m5.large", "busy"),
    Machine("api-1", "c5.xlarge", "busy"),
    Machine("web-burst-1", "m5.large", "busy", schedule="business"),
    Machine("web-burst-2", "m5.large", "busy", schedule="business"),
    Machine("idle-dev-box", "m5.xlarge", "idle", tags={"environment": "dev"}),
    Machine("reporting-host", "m5.2xlarge", "oversized"),
    Machine("legacy-app", "m4.xlarge", "busy"),
    Machine("old-small", "t2.medium", "busy"),
    Machine("idle-old", "c4.large", "idle"),
    Machine("batch-worker-1", "m5.large", "busy", tags={**OWNED, "workload": "batch"}),
    Machine("ci-runner-2", "c5.large", "busy"),
    Machine("db-host-reserved", "r5.large", "busy", pricing="Committed"),
)


@dataclass(frozen=True)
class Volume:
    name: str
    volume_type: str
    size_gb: int
    busy: bool

    @property
    def resource_id(self) -> str:
        return "vol-0" + hashlib.sha256(self.name.encode()).hexdigest()[:16]


VOLUMES = (
    Volume("web-1-data", "gp2", 500, True),
    Volume("web-2-data", "gp2", 200, True),
    Volume("orphaned-data", "gp3", 100, False),
    Volume("api-1-data", "gp3", 300, True),
)
SNAPSHOTS = (("snap-old", 200, "2023-11-15"), ("snap-new", 50, "2024-09-10"))
NATS = (("nat-idle", Decimal("0.02")), ("nat-busy", Decimal(3000)))
ALBS = (("alb-idle", Decimal("0.5")), ("alb-busy", Decimal(2000)))

PROFILES = {  # cpu %, memory %, network bytes per hour
    "busy": ((35.0, 75.0), (50.0, 80.0), (50e6, 500e6)),
    "idle": ((0.3, 2.5), (10.0, 20.0), (10e3, 60e3)),
    "oversized": ((3.0, 9.0), (8.0, 12.0), (5e6, 20e6)),
}


@dataclass
class Planted:
    kind: str
    resource_id: str
    name: str
    monthly_savings: Decimal | None
    counted: bool = True
    why: str = ""


def hours() -> Iterator[datetime]:
    for h in range(HOURS):
        yield START + timedelta(hours=h)


def days() -> Iterator[datetime]:
    day = START
    while day < END:
        yield day
        day += timedelta(days=1)


def ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def num(value: Decimal) -> str:
    text = f"{value:.10f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


class Rows:
    """FOCUS rows, filled with the constant columns."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(
        self,
        *,
        start: datetime,
        end: datetime,
        service: str,
        category: str,
        description: str,
        quantity: Decimal,
        unit: str,
        unit_price: Decimal,
        resource_id: str | None,
        resource_name: str | None,
        resource_type: str | None,
        tag_json: str | None,
        provider: str = "AWS",
        region: str = REGION,
        charge: str = "Usage",
        pricing: str | None = "Standard",
        billed: Decimal | None = None,
        effective: Decimal | None = None,
        commitment: str | None = None,
        sku: str = "",
    ) -> None:
        list_cost = quantity * unit_price
        billed = list_cost if billed is None else billed
        effective = billed if effective is None else effective
        aws = provider == "AWS"
        self.rows.append(
            {
                "AvailabilityZone": "NULL",
                "BilledCost": num(billed),
                "BillingAccountId": ACCOUNT if aws else "8611537",
                "BillingAccountName": "Shop Inc" if aws else "Shop Inc (Azure)",
                "BillingCurrency": "USD",
                "BillingPeriodEnd": ts(END),
                "BillingPeriodStart": ts(START),
                "ChargeCategory": charge,
                "ChargeClass": "NULL",
                "ChargeDescription": description,
                "ChargeFrequency": "Usage-Based" if charge == "Usage" else "One-Time",
                "ChargePeriodEnd": ts(end),
                "ChargePeriodStart": ts(start),
                "CommitmentDiscountCategory": "Spend" if commitment else "NULL",
                "CommitmentDiscountId": commitment or "NULL",
                "CommitmentDiscountName": "NULL",
                "CommitmentDiscountStatus": "Used" if commitment else "NULL",
                "CommitmentDiscountType": "Savings Plan"
                if commitment and aws
                else ("Reservation" if commitment else "NULL"),
                "ConsumedQuantity": num(quantity),
                "ConsumedUnit": unit,
                "ContractedCost": num(effective),
                "ContractedUnitPrice": num(unit_price),
                "EffectiveCost": num(effective),
                "InvoiceIssuerName": "Amazon Web Services, Inc." if aws else "Microsoft",
                "ListCost": num(list_cost),
                "ListUnitPrice": num(unit_price),
                "PricingCategory": pricing or "NULL",
                "PricingQuantity": num(quantity),
                "PricingUnit": unit,
                "ProviderName": provider,
                "PublisherName": "Amazon Web Services, Inc." if aws else "Microsoft",
                "RegionId": region,
                "RegionName": "US East (N. Virginia)" if aws else "East US",
                "ResourceId": resource_id or "NULL",
                "ResourceName": resource_name or "NULL",
                "ResourceType": resource_type or "NULL",
                "ServiceCategory": category,
                "Id": str(len(self.rows) + 1),
                "ServiceName": service,
                "SkuId": sku or hashlib.sha256(description.encode()).hexdigest()[:16].upper(),
                "SkuPriceId": "NULL",
                "SubAccountId": "210987654321" if aws else "64e355d7",
                "SubAccountName": "shop-prod" if aws else "analytics",
                "Tags": tag_json or "NULL",
            }
        )


def _field(name: str, value: str) -> str:
    if value == "NULL" or name in NUMERIC:
        return value
    return '"' + value.replace('"', '""') + '"'


def focus_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    out.write(",".join(f'"{c}"' for c in COLUMNS) + "\n")
    for row in rows:
        out.write(",".join(_field(c, row[c]) for c in COLUMNS) + "\n")
    return out.getvalue()


def gzip_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    # mtime=0 and no file name: the same text always gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


@dataclass
class Sample:
    focus: str
    utilization: str
    planted: list[Planted]


def _price(cat: Catalog, product: str, purchase: str = "on_demand") -> Decimal:
    return cat.price(product, REGION, purchase).unit_price


def generate(seed: int = 7) -> Sample:
    rng = random.Random(seed)
    aws = load_catalog("aws")
    rows = Rows()
    util = io.StringIO()
    util.write("resource_id,timestamp,cpu_pct,mem_pct,net_bytes,disk_ops\n")
    ec2 = "Amazon Elastic Compute Cloud"
    sp_arn = f"arn:aws:savingsplans::{ACCOUNT}:savingsplan/5e2c7c1a-1b7e-4d7f-9b1e-0c6f1f0b9a11"

    # Machines: one row per running hour, and one utilization sample per running hour.
    for m in MACHINES:
        od = _price(aws, m.instance_type)
        committed = m.pricing == "Committed"
        sp = _price(aws, m.instance_type, "savings_plan_1y")
        (c_lo, c_hi), (m_lo, m_hi), (n_lo, n_hi) = PROFILES[m.profile]
        for hour in hours():
            if not m.running(hour):
                continue
            rows.add(
                start=hour,
                end=hour + timedelta(hours=1),
                service=ec2,
                category="Compute",
                description=(
                    f"USD {sp} per hour for Compute Savings Plan, {m.instance_type}"
                    if committed
                    else f"${od} per On Demand Linux {m.instance_type} Instance Hour"
                ),
                quantity=Decimal(1),
                unit="Hours",
                unit_price=od,
                resource_id=m.resource_id,
                resource_name=m.name,
                resource_type="instance",
                tag_json=json.dumps(m.tags),
                pricing=m.pricing,
                billed=Decimal(0) if committed else None,
                effective=sp if committed else None,
                commitment=sp_arn if committed else None,
            )
            util.write(
                f"{m.resource_id},{hour.isoformat()}Z,{rng.uniform(c_lo, c_hi):.2f},"
                f"{rng.uniform(m_lo, m_hi):.2f},{rng.uniform(n_lo, n_hi):.0f},\n"
            )
    # The Savings Plan's own fee, one row a day.
    db_host = next(m for m in MACHINES if m.pricing == "Committed")
    sp_hour = _price(aws, db_host.instance_type, "savings_plan_1y")
    for day in days():
        rows.add(
            start=day,
            end=day + timedelta(days=1),
            service="Savings Plans for AWS Compute usage",
            category="Compute",
            description="1 year No Upfront Compute Savings Plan",
            quantity=Decimal(24),
            unit="Hours",
            unit_price=sp_hour,
            resource_id=sp_arn,
            resource_name=None,
            resource_type="savingsplan",
            tag_json=tags(**OWNED),
            charge="Purchase",
            pricing="Committed",
            commitment=sp_arn,
        )
    # Data transfer out of the web machines.
    transfer = _price(aws, "transfer-out")
    for name in ("web-1", "web-2"):
        m = next(x for x in MACHINES if x.name == name)
        for day in days():
            rows.add(
                start=day,
                end=day + timedelta(days=1),
                service=ec2,
                category="Networking",
                description=f"${transfer} per GB - first 10 TB / month data transfer out beyond "
                "the global free tier",
                quantity=Decimal(rng.randint(20, 40)),
                unit="GB",
                unit_price=transfer,
                resource_id=m.resource_id,
                resource_name=m.name,
                resource_type="instance",
                tag_json=json.dumps(m.tags),
            )

    # Volumes: daily GB-month rows (a 720-hour month: size x 24 / 720 each day).
    daily_share = Decimal(24) / Decimal(HOURS)
    for v in VOLUMES:
        price = _price(aws, f"ebs-{v.volume_type}")
        label = "General Purpose SSD (gp2)" if v.volume_type == "gp2" else "General Purpose (gp3)"
        for day in days():
            rows.add(
                start=day,
                end=day + timedelta(days=1),
                service=ec2,
                category="Storage",
                description=f"${price} per GB-month of {label} provisioned storage - US East "
                "(N. Virginia)",
                quantity=Decimal(v.size_gb) * daily_share,
                unit="GB-Mo",
                unit_price=price,
                resource_id=v.resource_id,
                resource_name=v.name,
                resource_type="volume",
                tag_json=tags(**OWNED),
            )
        for hour in hours():
            ops = rng.randint(2000, 20000) if v.busy else 0
            util.write(f"{v.resource_id},{hour.isoformat()}Z,,,,{ops}\n")
    snapshot_price = _price(aws, "ebs-snapshot")
    for name, size, created in SNAPSHOTS:
        for day in days():
            rows.add(
                start=day,
                end=day + timedelta(days=1),
                service=ec2,
                category="Storage",
                description=f"${snapshot_price} per GB-Month of snapshot data stored - US East "
                "(N. Virginia)",
                quantity=Decimal(size) * daily_share,
                unit="GB-Mo",
                unit_price=snapshot_price,
                resource_id=f"arn:aws:ec2:{REGION}:{ACCOUNT}:snapshot/{rid('snap-0', name, 16)}",
                resource_name=name,
                resource_type="snapshot",
                tag_json=tags(**OWNED, created=created),
            )
    nat_hour, nat_gb = _price(aws, "nat-gateway"), _price(aws, "nat-gateway-gb")
    for name, gb in NATS:
        nat_id = f"arn:aws:ec2:{REGION}:{ACCOUNT}:natgateway/{rid('nat-0', name, 16)}"
        for day in days():
            common = {
                "start": day,
                "end": day + timedelta(days=1),
                "service": ec2,
                "category": "Networking",
                "resource_id": nat_id,
                "resource_name": name,
                "resource_type": "natgateway",
                "tag_json": tags(**OWNED),
            }
            rows.add(
                description=f"${nat_hour} per NAT Gateway Hour",
                quantity=Decimal(24),
                unit="Hours",
                unit_price=nat_hour,
                **common,  # type: ignore[arg-type]
            )
            rows.add(
                description=f"${nat_gb} per GB Data Processed by NAT Gateways",
                quantity=gb / 30,
                unit="GB",
                unit_price=nat_gb,
                **common,  # type: ignore[arg-type]
            )
    alb_hour, alb_lcu = _price(aws, "alb"), _price(aws, "alb-lcu")
    for name, lcu in ALBS:
        alb_id = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{name}/" + rid(
            "", name, 16
        )
        for day in days():
            common = {
                "start": day,
                "end": day + timedelta(days=1),
                "service": "Elastic Load Balancing",
                "category": "Networking",
                "resource_id": alb_id,
                "resource_name": name,
                "resource_type": "loadbalancer",
                "tag_json": tags(**OWNED),
            }
            rows.add(
                description=f"${alb_hour} per Application LoadBalancer-hour (or partial hour)",
                quantity=Decimal(24),
                unit="Hours",
                unit_price=alb_hour,
                **common,  # type: ignore[arg-type]
            )
            rows.add(
                description=f"${alb_lcu} per used Application load balancer capacity unit-hour",
                quantity=lcu / 30,
                unit="LCU-Hrs",
                unit_price=alb_lcu,
                **common,  # type: ignore[arg-type]
            )
    s3 = _price(aws, "s3-standard")
    for day in days():
        rows.add(
            start=day,
            end=day + timedelta(days=1),
            service="Amazon Simple Storage Service",
            category="Storage",
            description=f"${s3} per GB - first 50 TB / month of storage used",
            quantity=Decimal(1000) * daily_share,
            unit="GB-Mo",
            unit_price=s3,
            resource_id="shop-assets",
            resource_name="shop-assets",
            resource_type="bucket",
            tag_json=tags(owner="shop-team"),
        )
    # Azure: a reserved VM and its disk (mixed providers; nothing to recommend).
    azure = load_catalog("azure")
    vm_od = azure.price("Standard_D2s_v5", "eastus").unit_price
    vm_ri = azure.price("Standard_D2s_v5", "eastus", "reserved_1y").unit_price
    vm_id = "/subscriptions/64e355d7/resourcegroups/analytics/providers/microsoft.compute/virtualmachines/analytics-vm"
    disk_id = "/subscriptions/64e355d7/resourcegroups/analytics/providers/microsoft.compute/disks/analytics-vm-os"
    for day in days():
        rows.add(
            start=day,
            end=day + timedelta(days=1),
            service="Virtual Machines",
            category="Compute",
            description="Virtual Machines Dsv5 Series - D2s v5 - US East",
            quantity=Decimal(24),
            unit="1 Hour",
            unit_price=vm_od,
            resource_id=vm_id,
            resource_name="analytics-vm",
            resource_type="Virtual machine",
            tag_json=tags(environment="prod", owner="data-team"),
            provider="Microsoft",
            region="eastus",
            pricing="Committed",
            billed=Decimal(0),
            effective=vm_ri * 24,
            commitment="/providers/microsoft.capacity/reservationorders/9d3c/reservations/71b2",
        )
        rows.add(
            start=day,
            end=day + timedelta(days=1),
            service="Storage",
            category="Storage",
            description="Premium SSD Managed Disks - P10 LRS - US East",
            quantity=Decimal(1) / 30,
            unit="1/Month",
            unit_price=Decimal("19.71"),
            resource_id=disk_id,
            resource_name="analytics-vm-os",
            resource_type="Disk",
            tag_json=tags(environment="prod", owner="data-team"),
            provider="Microsoft",
            region="eastus",
        )
    # A tax and a promotional credit, as bills have; no resource.
    rows.add(
        start=START,
        end=END,
        service=ec2,
        category="Compute",
        description="Tax for product code AmazonEC2",
        quantity=Decimal(1),
        unit="Units",
        unit_price=Decimal("12.34"),
        resource_id=None,
        resource_name=None,
        resource_type=None,
        tag_json=None,
        charge="Tax",
        pricing=None,
    )
    rows.add(
        start=START,
        end=END,
        service=ec2,
        category="Compute",
        description="AWS Promotional Credit",
        quantity=Decimal(1),
        unit="Units",
        unit_price=Decimal("-25.00"),
        resource_id=None,
        resource_name=None,
        resource_type=None,
        tag_json=None,
        charge="Credit",
        pricing="Other",
    )
    return Sample(focus_csv(rows.rows), util.getvalue(), expected_findings(aws))


def expected_findings(aws: Catalog) -> list[Planted]:
    """What the report must find, from the true sizes, hours and catalog prices."""
    p = lambda product, purchase="on_demand": _price(aws, product, purchase)  # noqa: E731
    by_name = {m.name: m for m in MACHINES}
    vols = {v.name: v for v in VOLUMES}

    def machine_month(name: str) -> Decimal:
        return cents(monthly(p(by_name[name].instance_type) * HOURS))

    def move(name: str, target: str, purchase: str = "on_demand") -> Decimal:
        m = by_name[name]
        return cents((p(m.instance_type) - p(target, purchase)) * MONTH)

    planted = [
        Planted(
            "idle",
            by_name["idle-dev-box"].resource_id,
            "idle-dev-box",
            machine_month("idle-dev-box"),
            why="P95 CPU ~2%, ~1 MB/day of network",
        ),
        Planted(
            "rightsizing",
            by_name["idle-dev-box"].resource_id,
            "idle-dev-box",
            move("idle-dev-box", "m5.large"),
            counted=False,
            why="overlaps the idle finding",
        ),
        Planted(
            "idle",
            by_name["idle-old"].resource_id,
            "idle-old",
            machine_month("idle-old"),
            why="P95 CPU ~2%, previous generation too",
        ),
        Planted(
            "modernization",
            by_name["idle-old"].resource_id,
            "idle-old",
            move("idle-old", "c6i.large"),
            counted=False,
            why="overlaps the idle finding",
        ),
        Planted(
            "rightsizing",
            by_name["reporting-host"].resource_id,
            "reporting-host",
            move("reporting-host", "m5.large"),
            why="P95 CPU ~9%, memory ~12% of 8 vCPU/32 GiB",
        ),
        Planted(
            "modernization",
            by_name["legacy-app"].resource_id,
            "legacy-app",
            move("legacy-app", "m6i.xlarge"),
            why="m4 is previous generation",
        ),
        Planted(
            "modernization",
            by_name["old-small"].resource_id,
            "old-small",
            move("old-small", "t3a.medium"),
            why="t2 is previous generation",
        ),
        Planted(
            "spot",
            by_name["batch-worker-1"].resource_id,
            "batch-worker-1",
            move("batch-worker-1", "m5.large", "spot"),
            why="tag workload=batch",
        ),
        Planted(
            "spot",
            by_name["ci-runner-2"].resource_id,
            "ci-runner-2",
            move("ci-runner-2", "c5.large", "spot"),
            why="name matches *ci-runner*",
        ),
    ]
    gp2, gp3 = p("ebs-gp2"), p("ebs-gp3")
    for name in ("web-1-data", "web-2-data"):
        planted.append(
            Planted(
                "modernization",
                vols[name].resource_id,
                name,
                cents(Decimal(vols[name].size_gb) * MONTH / HOURS * (gp2 - gp3)),
                why="gp2 volume",
            )
        )
    orphan = vols["orphaned-data"]
    planted.append(
        Planted(
            "waste",
            orphan.resource_id,
            orphan.name,
            cents(monthly(Decimal(orphan.size_gb) * p("ebs-gp3"))),
            why="no disk I/O",
        )
    )
    planted.append(
        Planted(
            "waste",
            f"arn:aws:ec2:{REGION}:{ACCOUNT}:snapshot/{rid('snap-0', 'snap-old', 16)}",
            "snap-old",
            cents(monthly(Decimal(200) * p("ebs-snapshot"))),
            why="created 2023-11-15",
        )
    )
    planted.append(
        Planted(
            "waste",
            f"arn:aws:ec2:{REGION}:{ACCOUNT}:natgateway/{rid('nat-0', 'nat-idle', 16)}",
            "nat-idle",
            cents(monthly(HOURS * p("nat-gateway") + NATS[0][1] * p("nat-gateway-gb"))),
            why="0.02 GB processed in a month",
        )
    )
    planted.append(
        Planted(
            "waste",
            f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/alb-idle/"
            + rid("", "alb-idle", 16),
            "alb-idle",
            cents(monthly(HOURS * p("alb") + ALBS[0][1] * p("alb-lcu"))),
            why="0.5 LCU-hours in a month",
        )
    )
    planted.append(expected_commitment(aws, [x for x in planted if x.counted]))
    # Advice that needs no utilization (issue 19) and prices the catalog now has (issue 18):
    # nat-busy's 3,000 GB through an interface endpoint in the report's default 2 zones, and
    # shop-assets' 1,000 GB, never read, in the infrequent-access class.
    planted.append(
        Planted(
            "endpoints",
            f"arn:aws:ec2:{REGION}:{ACCOUNT}:natgateway/{rid('nat-0', 'nat-busy', 16)}",
            "nat-busy",
            cents(
                monthly(NATS[1][1]) * (p("nat-gateway-gb") - p("vpc-endpoint-gb"))
                - p("vpc-endpoint") * MONTH * 2
            ),
            why="3,000 GB a month through NAT; an interface endpoint costs less above 417 GB",
        )
    )
    planted.append(
        Planted(
            "storage_class",
            "shop-assets",
            "shop-assets",
            cents(monthly(Decimal(1000)) * (p("s3-standard") - p("s3-standard-ia"))),
            why="1,000 GB in the standard class with no reads",
        )
    )
    planted.append(
        Planted(
            "tag_hygiene",
            "(resources without required tags)",
            "",
            None,
            counted=False,
            why="idle-dev-box has no owner tag, shop-assets no environment tag",
        )
    )
    return planted


def expected_commitment(aws: Catalog, counted: list[Planted]) -> Planted:
    """The best commitment by brute force over every hourly on-demand level."""
    on_demand = [m for m in MACHINES if m.pricing == "Standard"]
    series = [
        sum((_price(aws, m.instance_type) for m in on_demand if m.running(h)), Decimal(0))
        for h in hours()
    ]
    machine_kinds = ("idle", "rightsizing", "modernization", "spot")
    already = (
        sum(
            (
                x.monthly_savings or Decimal(0)
                for x in counted
                if x.kind in machine_kinds and x.resource_id.startswith("i-")
            ),
            Decimal(0),
        )
        / MONTH
    )
    adjusted = [max(v - already, Decimal(0)) for v in series]
    weights = {
        m.name: _price(aws, m.instance_type) * sum(1 for h in hours() if m.running(h))
        for m in on_demand
    }
    best: tuple[Decimal, str] = (Decimal(0), "")
    for option in ("reserved_1y", "reserved_3y", "savings_plan_1y", "savings_plan_3y"):
        ratio = sum(
            weights[m.name] * _price(aws, m.instance_type, option) / _price(aws, m.instance_type)
            for m in on_demand
        ) / sum(weights.values())
        discount = 1 - ratio
        level_best, net_best = Decimal(0), Decimal(0)
        for level in sorted(set(adjusted)):
            net = sum(min(v, level) for v in adjusted) / len(adjusted) - level * (1 - discount)
            if net > net_best:
                level_best, net_best = level, net
        commit = (level_best * (1 - discount)).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
        level = commit / (1 - discount)
        net = sum(min(v, level) for v in adjusted) / len(adjusted) - commit
        if net > best[0]:
            best = (net, option)
    return Planted(
        "commitment",
        "AWS on-demand compute",
        "",
        cents(best[0] * MONTH),
        why=f"steady on-demand baseline; best option {best[1]}",
    )


def write(out_dir: Path, seed: int = 7) -> list[Path]:
    sample = generate(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    planted = [
        {
            "kind": x.kind,
            "resource_id": x.resource_id,
            "name": x.name,
            "monthly_savings": None if x.monthly_savings is None else f"{x.monthly_savings:.2f}",
            "counted_in_total": x.counted,
            "why": x.why,
        }
        for x in sample.planted
    ]
    files = {
        "focus-sample.csv.gz": gzip_bytes(sample.focus),
        "utilization-sample.csv.gz": gzip_bytes(sample.utilization),
        "planted.json": (json.dumps({"seed": seed, "planted": planted}, indent=2) + "\n").encode(),
    }
    written = []
    for name, data in files.items():
        path = out_dir / name
        temp = path.with_name(f".{name}.tmp")
        temp.write_bytes(data)
        temp.replace(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "billing")
    args = parser.parse_args(argv)
    for path in write(args.out, args.seed):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
