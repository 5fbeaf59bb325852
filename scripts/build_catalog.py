"""Write data/pricing/{aws,gcp,azure}.csv from the readable list-price tables below.

The CSVs are committed; run this script after editing a table, then review the diff:

    .venv/bin/python scripts/build_catalog.py            # writes data/pricing/*.csv
    .venv/bin/python scripts/build_catalog.py --check    # exit 1 if the CSVs are stale

Where the numbers come from (also in docs/pricing.md):
- "list price" rows are the vendors' published on-demand list prices for the base
  region (AWS us-east-1, GCP us-central1, Azure eastus), transcribed by hand from
  the public pricing pages as of AS_OF. Rows marked "approximate" are prices we are
  less sure of; they say so in their `source` column.
- Every other row is *derived*, and its `source` says how: a regional factor times
  the base-region price, or a typical discount ratio times the on-demand price
  (reserved, savings plans / committed use, spot). Derived rows are approximate by
  nature; `devops-plan catalog refresh aws` replaces AWS rows with Price List API data.
Linear size ladders (xlarge = 2 x large ...) follow the vendors' own pricing for the
families listed here.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from devops_plan.catalog import COLUMNS as CATALOG_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "pricing"
AS_OF = "2025-01-01"

# The CSV contract is the library's own: one column list, defined in devops_plan.catalog.
COLUMNS = CATALOG_COLUMNS

D = Decimal
SIX_PLACES = D("0.000001")


@dataclass(frozen=True)
class Row:
    cloud: str
    service: str
    category: str
    product: str
    region: str
    purchase: str
    unit: str
    unit_price: Decimal
    source: str
    vcpu: float | None = None
    memory_gib: float | None = None
    family: str = ""
    generation: str = ""
    arch: str = ""
    engine: str = ""
    deployment: str = ""
    currency: str = "USD"
    as_of: str = AS_OF
    tier_start: Decimal | None = None  # a tier of a tiered product: where it starts
    tier_end: Decimal | None = None  # and where it ends (None: the last tier)


def q(value: Decimal) -> Decimal:
    """Derived prices keep six decimal places (half up), enough below a cent-hour."""
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def fmt_dec(value: Decimal) -> str:
    # A product that costs nothing says so: the catalog reader refuses a bare 0 (a typo or a
    # corrupt row too often) and reads `free` as 0.
    return "free" if value == 0 else fmt_qty(value)


def fmt_qty(value: Decimal) -> str:
    """A number as written in the CSV (a tier's start may be 0)."""
    return format(value.normalize(), "f")


def fmt_num(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def regional(rows: Iterable[Row], regions: dict[str, Decimal], label: str) -> Iterator[Row]:
    """Copy base-region rows to every region by a factor; `label` says what the factor is."""
    for row in rows:
        for region, factor in regions.items():
            if region == row.region:
                yield row
                continue
            source = (
                f"derived: {row.region} list price x {region} regional factor "
                f"{fmt_dec(factor.quantize(D('0.00001'), rounding=ROUND_HALF_UP))} "
                f"({label}); approximate"
            )
            yield replace(row, region=region, unit_price=q(row.unit_price * factor), source=source)


def doubled_for_ha(rows: Iterable[Row]) -> Iterator[Row]:
    """Multi-AZ / HA instance rows at exactly 2 x the single-AZ row of the same region
    (the vendors bill a standby), so rounding a regional factor cannot break that."""
    rows = list(rows)
    single = {(r.product, r.region, r.engine): r for r in rows if r.deployment == "single_az"}
    for row in rows:
        twin = single.get((row.product, row.region, row.engine))
        if row.deployment == "multi_az" and twin is not None:
            source = row.source
            if "2 x" not in source:
                source += "; high availability = 2 x the single-AZ price"
            row = replace(row, unit_price=twin.unit_price * 2, source=source)
        yield row


def discounted(rows: Iterable[Row], ratios: dict[str, tuple[Decimal, str]]) -> Iterator[Row]:
    """Each on-demand row, plus one row per purchase option at a typical ratio of it."""
    for row in rows:
        yield row
        for purchase, (ratio, what) in ratios.items():
            yield replace(
                row,
                purchase=purchase,
                unit_price=q(row.unit_price * ratio),
                source=f"derived: on-demand x {ratio} ({what}); approximate",
            )


# ---------------------------------------------------------------------------
# AWS
# ---------------------------------------------------------------------------

AWS_EC2_PAGE = "AWS EC2 On-Demand pricing page, Linux, shared tenancy"

# Per region: the on-demand Linux price of m5.large, c5.large, r5.large, t3.micro
# (the anchors of each family class), and a factor for storage/network services
# taken from EBS gp3 (us-east-1 0.08 USD per GB-month).
AWS_REGION_ANCHORS: dict[str, dict[str, str]] = {
    "us-east-1": {"m": "0.096", "c": "0.085", "r": "0.126", "t": "0.0104", "gp3": "0.08"},
    "us-east-2": {"m": "0.096", "c": "0.085", "r": "0.126", "t": "0.0104", "gp3": "0.08"},
    "us-west-2": {"m": "0.096", "c": "0.085", "r": "0.126", "t": "0.0104", "gp3": "0.08"},
    "eu-west-1": {"m": "0.107", "c": "0.096", "r": "0.141", "t": "0.0114", "gp3": "0.088"},
    "eu-west-2": {"m": "0.111", "c": "0.101", "r": "0.148", "t": "0.0118", "gp3": "0.0928"},
    "eu-central-1": {"m": "0.115", "c": "0.097", "r": "0.152", "t": "0.012", "gp3": "0.0952"},
    "ap-south-1": {"m": "0.101", "c": "0.085", "r": "0.128", "t": "0.0112", "gp3": "0.0912"},
    "ap-northeast-1": {"m": "0.124", "c": "0.107", "r": "0.152", "t": "0.0136", "gp3": "0.096"},
    "ap-southeast-1": {"m": "0.12", "c": "0.098", "r": "0.152", "t": "0.0132", "gp3": "0.096"},
}
AWS_ANCHOR_PRODUCT = {"m": "m5.large", "c": "c5.large", "r": "r5.large", "t": "t3.micro"}


def aws_factors(kind: str) -> dict[str, Decimal]:
    base = D(AWS_REGION_ANCHORS["us-east-1"][kind])
    # Full precision, so the anchor itself comes out at its listed price.
    return {region: D(anchors[kind]) / base for region, anchors in AWS_REGION_ANCHORS.items()}


AWS_SIZES = {  # size -> vCPU for the non-burstable families
    "large": 2,
    "xlarge": 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
}

# family: (class, arch, generation, us-east-1 large price, GiB per vCPU, sizes, sure?)
AWS_FAMILIES: dict[str, tuple[str, str, str, str, float, tuple[str, ...], bool]] = {
    "m5": ("m", "x86_64", "current", "0.096", 4, tuple(AWS_SIZES), True),
    "m6i": ("m", "x86_64", "current", "0.096", 4, tuple(AWS_SIZES), True),
    "m7i": ("m", "x86_64", "current", "0.1008", 4, tuple(AWS_SIZES), True),
    "m6g": ("m", "arm64", "current", "0.077", 4, tuple(AWS_SIZES), True),
    "m7g": ("m", "arm64", "current", "0.0816", 4, tuple(AWS_SIZES), True),
    "c5": ("c", "x86_64", "current", "0.085", 2, ("large", "xlarge", "2xlarge", "4xlarge"), True),
    "c6i": ("c", "x86_64", "current", "0.085", 2, tuple(AWS_SIZES), True),
    "c7i": ("c", "x86_64", "current", "0.08925", 2, tuple(AWS_SIZES), True),
    "c6g": ("c", "arm64", "current", "0.068", 2, tuple(AWS_SIZES), True),
    "c7g": ("c", "arm64", "current", "0.0725", 2, tuple(AWS_SIZES), True),
    "r5": ("r", "x86_64", "current", "0.126", 8, tuple(AWS_SIZES), True),
    "r6i": ("r", "x86_64", "current", "0.126", 8, tuple(AWS_SIZES), True),
    "r7i": ("r", "x86_64", "current", "0.1323", 8, tuple(AWS_SIZES), True),
    "r6g": ("r", "arm64", "current", "0.1008", 8, tuple(AWS_SIZES), True),
    "r7g": ("r", "arm64", "current", "0.1071", 8, tuple(AWS_SIZES), True),
}

# Explicit rows: family -> [(size, vCPU, GiB, us-east-1 price)], with class/arch/generation.
AWS_EXPLICIT: dict[str, tuple[str, str, str, list[tuple[str, float, float, str]]]] = {
    "t3": (
        "t",
        "x86_64",
        "current",
        [
            ("micro", 2, 1, "0.0104"),
            ("small", 2, 2, "0.0208"),
            ("medium", 2, 4, "0.0416"),
            ("large", 2, 8, "0.0832"),
            ("xlarge", 4, 16, "0.1664"),
            ("2xlarge", 8, 32, "0.3328"),
        ],
    ),
    "t3a": (
        "t",
        "x86_64",
        "current",
        [
            ("micro", 2, 1, "0.0094"),
            ("small", 2, 2, "0.0188"),
            ("medium", 2, 4, "0.0376"),
            ("large", 2, 8, "0.0752"),
            ("xlarge", 4, 16, "0.1504"),
            ("2xlarge", 8, 32, "0.3008"),
        ],
    ),
    "t4g": (
        "t",
        "arm64",
        "current",
        [
            ("micro", 2, 1, "0.0084"),
            ("small", 2, 2, "0.0168"),
            ("medium", 2, 4, "0.0336"),
            ("large", 2, 8, "0.0672"),
            ("xlarge", 4, 16, "0.1344"),
            ("2xlarge", 8, 32, "0.2688"),
        ],
    ),
    "t2": (
        "t",
        "x86_64",
        "previous",
        [
            ("micro", 1, 1, "0.0116"),
            ("small", 1, 2, "0.023"),
            ("medium", 2, 4, "0.0464"),
            ("large", 2, 8, "0.0928"),
            ("xlarge", 4, 16, "0.1856"),
            ("2xlarge", 8, 32, "0.3712"),
        ],
    ),
    "m4": (
        "m",
        "x86_64",
        "previous",
        [
            ("large", 2, 8, "0.10"),
            ("xlarge", 4, 16, "0.20"),
            ("2xlarge", 8, 32, "0.40"),
            ("4xlarge", 16, 64, "0.80"),
            ("10xlarge", 40, 160, "2.00"),
        ],
    ),
    "c4": (
        "c",
        "x86_64",
        "previous",
        [
            ("large", 2, 3.75, "0.10"),
            ("xlarge", 4, 7.5, "0.199"),
            ("2xlarge", 8, 15, "0.398"),
            ("4xlarge", 16, 30, "0.796"),
            ("8xlarge", 36, 60, "1.591"),
        ],
    ),
    "r4": (
        "r",
        "x86_64",
        "previous",
        [
            ("large", 2, 15.25, "0.133"),
            ("xlarge", 4, 30.5, "0.266"),
            ("2xlarge", 8, 61, "0.532"),
            ("4xlarge", 16, 122, "1.064"),
            ("8xlarge", 32, 244, "2.128"),
        ],
    ),
}

# Typical discount ratios against on-demand (us-east-1 m5.large: 1-year standard RI
# no upfront 0.060, 3-year 0.041; compute savings plan no upfront ~0.070 / ~0.048;
# spot has averaged about a third of on-demand and changes hourly).
AWS_EC2_RATIOS = {
    "reserved_1y": (D("0.625"), "typical 1-year standard reserved instance, no upfront"),
    "reserved_3y": (D("0.43"), "typical 3-year standard reserved instance, no upfront"),
    "savings_plan_1y": (D("0.73"), "typical 1-year compute savings plan, no upfront"),
    "savings_plan_3y": (D("0.50"), "typical 3-year compute savings plan, no upfront"),
    "spot": (D("0.35"), "typical spot price; spot prices change hourly"),
}


def aws_ec2() -> Iterator[Row]:
    base: list[tuple[str, Row]] = []
    for family, (klass, arch, gen, large, gib_per_vcpu, sizes, _sure) in AWS_FAMILIES.items():
        for size in sizes:
            vcpu = AWS_SIZES[size]
            base.append(
                (
                    klass,
                    Row(
                        cloud="aws",
                        service="AmazonEC2",
                        category="compute",
                        product=f"{family}.{size}",
                        region="us-east-1",
                        purchase="on_demand",
                        unit="hour",
                        unit_price=D(large) * vcpu / 2,
                        source=f"{AWS_EC2_PAGE}, us-east-1 list price",
                        vcpu=vcpu,
                        memory_gib=vcpu * gib_per_vcpu,
                        family=family,
                        generation=gen,
                        arch=arch,
                    ),
                )
            )
    for family, (klass, arch, gen, sizes_) in AWS_EXPLICIT.items():
        for size, vcpu, gib, price in sizes_:
            base.append(
                (
                    klass,
                    Row(
                        cloud="aws",
                        service="AmazonEC2",
                        category="compute",
                        product=f"{family}.{size}",
                        region="us-east-1",
                        purchase="on_demand",
                        unit="hour",
                        unit_price=D(price),
                        source=f"{AWS_EC2_PAGE}, us-east-1 list price",
                        vcpu=vcpu,
                        memory_gib=gib,
                        family=family,
                        generation=gen,
                        arch=arch,
                    ),
                )
            )
    for klass in ("m", "c", "r", "t"):
        factors = aws_factors(klass)
        rows = [row for k, row in base if k == klass]
        anchor = AWS_ANCHOR_PRODUCT[klass]
        label = f"{anchor} there / {anchor} in us-east-1"
        for row in regional(rows, factors, label):
            if row.product == anchor:
                row = replace(row, source=f"{AWS_EC2_PAGE}, {row.region} list price")
            elif row.region != "us-east-1" and factors[row.region] == 1:
                row = replace(
                    row,
                    source=f"{AWS_EC2_PAGE}: {row.region} lists the us-east-1 price "
                    f"for {anchor}; same price assumed for {row.product}; approximate",
                )
            yield from discounted([row], AWS_EC2_RATIOS)


# RDS: class -> (vCPU, GiB); per engine the us-east-1 single-AZ price of `.large`
# (or of each t size), linear above; Multi-AZ bills two instances.
RDS_SIZES = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16}
RDS_T_SIZES = {
    "micro": (2, 1),
    "small": (2, 2),
    "medium": (2, 4),
    "large": (2, 8),
    "xlarge": (4, 16),
}
RDS_FAMILIES: dict[str, tuple[str, float, dict[str, str], bool]] = {
    # family: (arch, GiB per vCPU, {engine: large price}, sure?)
    "db.m5": ("x86_64", 4, {"postgres": "0.178", "mysql": "0.171"}, True),
    "db.m6i": ("x86_64", 4, {"postgres": "0.178", "mysql": "0.171"}, True),
    "db.m6g": ("arm64", 4, {"postgres": "0.159", "mysql": "0.152"}, True),
    "db.m7g": ("arm64", 4, {"postgres": "0.168", "mysql": "0.161"}, False),
    "db.r5": ("x86_64", 8, {"postgres": "0.25", "mysql": "0.24"}, True),
    "db.r6i": ("x86_64", 8, {"postgres": "0.25", "mysql": "0.24"}, True),
    "db.r6g": ("arm64", 8, {"postgres": "0.225", "mysql": "0.215"}, True),
    "db.r7g": ("arm64", 8, {"postgres": "0.239", "mysql": "0.228"}, False),
}
RDS_T_FAMILIES: dict[str, tuple[str, dict[str, list[str]], bool]] = {
    "db.t3": (
        "x86_64",
        {
            "postgres": ["0.018", "0.036", "0.072", "0.145", "0.29"],
            "mysql": ["0.017", "0.034", "0.068", "0.136", "0.272"],
        },
        True,
    ),
    "db.t4g": (
        "arm64",
        {
            "postgres": ["0.016", "0.032", "0.065", "0.129", "0.258"],
            "mysql": ["0.016", "0.032", "0.064", "0.128", "0.256"],
        },
        False,
    ),
}
RDS_PAGE = "AWS RDS pricing page, single-AZ on-demand"
RDS_RATIOS = {
    "reserved_1y": (D("0.65"), "typical 1-year RDS reserved instance, no upfront"),
    "reserved_3y": (
        D("0.43"),
        "typical 3-year RDS reserved instance, effective hourly of partial upfront "
        "(RDS sells no 3-year no-upfront term)",
    ),
}


def aws_rds() -> Iterator[Row]:
    base: list[Row] = []

    def add(
        family: str,
        arch: str,
        size: str,
        vcpu: float,
        gib: float,
        engine: str,
        price: str,
        sure: bool,
    ) -> None:
        note = "us-east-1 list price" if sure else "us-east-1 list price; approximate"
        single = Row(
            cloud="aws",
            service="AmazonRDS",
            category="database",
            product=f"{family}.{size}",
            region="us-east-1",
            purchase="on_demand",
            unit="hour",
            unit_price=D(price),
            source=f"{RDS_PAGE} ({engine}), {note}",
            vcpu=vcpu,
            memory_gib=gib,
            family=family,
            generation="current",
            arch=arch,
            engine=engine,
            deployment="single_az",
        )
        base.append(single)
        base.append(
            replace(
                single,
                deployment="multi_az",
                unit_price=single.unit_price * 2,
                source=f"derived: {RDS_PAGE} ({engine}) x 2 (a Multi-AZ instance "
                "deployment bills a primary and a standby)",
            )
        )

    for family, (arch, gib_per_vcpu, prices, sure) in RDS_FAMILIES.items():
        for size, vcpu in RDS_SIZES.items():
            for engine, large in prices.items():
                add(
                    family,
                    arch,
                    size,
                    vcpu,
                    vcpu * gib_per_vcpu,
                    engine,
                    str(D(large) * vcpu / 2),
                    sure,
                )
    for family, (arch, prices_t, sure) in RDS_T_FAMILIES.items():
        for engine, ladder in prices_t.items():
            for (size, (vcpu, gib)), price in zip(RDS_T_SIZES.items(), ladder, strict=True):
                add(family, arch, size, vcpu, gib, engine, price, sure)
    factors = aws_factors("m")
    label = "m5.large there / m5.large in us-east-1, applied to RDS"
    yield from discounted(doubled_for_ha(regional(base, factors, label)), RDS_RATIOS)


ELASTICACHE_PAGE = "AWS ElastiCache pricing page, Redis OSS node on-demand"
# family: (arch, {size: (vCPU, GiB)}, {size: us-east-1 price}, sure?)
ELASTICACHE: dict[str, tuple[str, dict[str, tuple[float, float]], dict[str, str], bool]] = {
    "cache.t4g": (
        "arm64",
        {"micro": (2, 0.5), "small": (2, 1.37), "medium": (2, 3.09)},
        {"micro": "0.016", "small": "0.032", "medium": "0.065"},
        True,
    ),
    "cache.m6g": (
        "arm64",
        {"large": (2, 6.38), "xlarge": (4, 12.93), "2xlarge": (8, 26.04), "4xlarge": (16, 52.26)},
        {"large": "0.149", "xlarge": "0.298", "2xlarge": "0.596", "4xlarge": "1.192"},
        True,
    ),
    "cache.m7g": (
        "arm64",
        {"large": (2, 6.38), "xlarge": (4, 12.93), "2xlarge": (8, 26.04), "4xlarge": (16, 52.26)},
        {"large": "0.158", "xlarge": "0.316", "2xlarge": "0.632", "4xlarge": "1.264"},
        False,
    ),
    "cache.r6g": (
        "arm64",
        {
            "large": (2, 13.07),
            "xlarge": (4, 26.32),
            "2xlarge": (8, 52.82),
            "4xlarge": (16, 105.81),
        },
        {"large": "0.206", "xlarge": "0.411", "2xlarge": "0.821", "4xlarge": "1.642"},
        True,
    ),
    "cache.r7g": (
        "arm64",
        {
            "large": (2, 13.07),
            "xlarge": (4, 26.32),
            "2xlarge": (8, 52.82),
            "4xlarge": (16, 105.81),
        },
        {"large": "0.219", "xlarge": "0.438", "2xlarge": "0.876", "4xlarge": "1.752"},
        False,
    ),
}
ELASTICACHE_RATIOS = {
    "reserved_1y": (D("0.66"), "typical 1-year ElastiCache reserved node, no upfront"),
    "reserved_3y": (D("0.45"), "typical 3-year ElastiCache reserved node"),
}


def aws_elasticache() -> Iterator[Row]:
    base = []
    for family, (arch, shapes, prices, sure) in ELASTICACHE.items():
        note = "us-east-1 list price" if sure else "us-east-1 list price; approximate"
        for size, (vcpu, gib) in shapes.items():
            base.append(
                Row(
                    cloud="aws",
                    service="AmazonElastiCache",
                    category="cache",
                    product=f"{family}.{size}",
                    region="us-east-1",
                    purchase="on_demand",
                    unit="hour",
                    unit_price=D(prices[size]),
                    source=f"{ELASTICACHE_PAGE}, {note}",
                    vcpu=vcpu,
                    memory_gib=gib,
                    family=family,
                    generation="current",
                    arch=arch,
                    engine="redis",
                )
            )
    label = "m5.large there / m5.large in us-east-1, applied to ElastiCache"
    yield from discounted(regional(base, aws_factors("m"), label), ELASTICACHE_RATIOS)


# Per-region tables of services whose regional prices we list explicitly.
# region: (ALB hour, LCU-hour, NAT hour, NAT GB, S3 Standard GB-month, transfer out GB,
#          inter-region GB)
AWS_NETWORK: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "us-east-1": ("0.0225", "0.008", "0.045", "0.045", "0.023", "0.09", "0.02"),
    "us-east-2": ("0.0225", "0.008", "0.045", "0.045", "0.023", "0.09", "0.02"),
    "us-west-2": ("0.0225", "0.008", "0.045", "0.045", "0.023", "0.09", "0.02"),
    "eu-west-1": ("0.0252", "0.008", "0.048", "0.048", "0.023", "0.09", "0.02"),
    "eu-west-2": ("0.02646", "0.0084", "0.05", "0.05", "0.024", "0.09", "0.02"),
    "eu-central-1": ("0.027", "0.008", "0.052", "0.052", "0.0245", "0.09", "0.02"),
    "ap-south-1": ("0.0239", "0.0076", "0.056", "0.056", "0.025", "0.1093", "0.086"),
    "ap-northeast-1": ("0.0243", "0.008", "0.062", "0.062", "0.025", "0.114", "0.09"),
    "ap-southeast-1": ("0.0252", "0.008", "0.059", "0.059", "0.025", "0.12", "0.09"),
}
SURE_REGIONS = {"us-east-1"}


def aws_other() -> Iterator[Row]:
    gp3 = {r: D(a["gp3"]) for r, a in AWS_REGION_ANCHORS.items()}
    svc_factor = {r: v / gp3["us-east-1"] for r, v in gp3.items()}
    m_factor = aws_factors("m")

    def one(
        service: str,
        category: str,
        product: str,
        unit: str,
        prices: dict[str, Decimal],
        page: str,
        *,
        deployment: str = "",
    ) -> Iterator[Row]:
        for region, price in prices.items():
            sure = region in SURE_REGIONS
            yield Row(
                cloud="aws",
                service=service,
                category=category,
                product=product,
                region=region,
                purchase="on_demand",
                unit=unit,
                unit_price=price,
                source=f"{page}, {region} list price" + ("" if sure else "; approximate"),
                deployment=deployment,
            )

    def scaled(
        service: str,
        category: str,
        product: str,
        unit: str,
        base: str,
        page: str,
        factors: dict[str, Decimal],
        label: str,
        *,
        deployment: str = "",
    ) -> Iterator[Row]:
        row = Row(
            cloud="aws",
            service=service,
            category=category,
            product=product,
            region="us-east-1",
            purchase="on_demand",
            unit=unit,
            unit_price=D(base),
            source=f"{page}, us-east-1 list price",
            deployment=deployment,
        )
        yield from regional([row], factors, label)

    net = AWS_NETWORK
    col = {name: i for i, name in enumerate(("alb", "lcu", "nat", "natgb", "s3", "out", "xr"))}

    def per_region(name: str) -> dict[str, Decimal]:
        return {r: D(v[col[name]]) for r, v in net.items()}

    # EBS gp3 and gp2 are listed per region (gp2 = 1.25 x gp3 in every region listed).
    yield from one(
        "AmazonEC2", "block_storage", "ebs-gp3", "GB-month", gp3, "AWS EBS pricing page, gp3"
    )
    yield from one(
        "AmazonEC2",
        "block_storage",
        "ebs-gp2",
        "GB-month",
        {r: v * D("1.25") for r, v in gp3.items()},
        "AWS EBS pricing page, gp2",
    )
    ebs_label = "EBS gp3 there / gp3 in us-east-1"
    yield from scaled(
        "AmazonEC2",
        "block_storage",
        "ebs-io2",
        "GB-month",
        "0.125",
        "AWS EBS pricing page, io2 storage (provisioned IOPS billed separately, not modelled)",
        svc_factor,
        ebs_label,
    )
    yield from scaled(
        "AmazonEC2",
        "snapshot",
        "ebs-snapshot",
        "GB-month",
        "0.05",
        "AWS EBS pricing page, snapshot standard tier",
        svc_factor,
        ebs_label,
    )
    for deployment, price in (("single_az", "0.115"), ("multi_az", "0.23")):
        yield from scaled(
            "AmazonRDS",
            "database_storage",
            "rds-gp3",
            "GB-month",
            price,
            f"AWS RDS pricing page, gp3 storage {deployment.replace('_', '-')}",
            svc_factor,
            ebs_label,
            deployment=deployment,
        )
    s3 = per_region("s3")
    s3_factor = {r: v / s3["us-east-1"] for r, v in s3.items()}
    yield from one(
        "AmazonS3",
        "object_storage",
        "s3-standard",
        "GB-month",
        s3,
        "AWS S3 pricing page, S3 Standard first 50 TB",
    )
    s3_label = "S3 Standard there / S3 Standard in us-east-1"
    yield from scaled(
        "AmazonS3",
        "object_storage",
        "s3-standard-ia",
        "GB-month",
        "0.0125",
        "AWS S3 pricing page, S3 Standard-Infrequent Access",
        s3_factor,
        s3_label,
    )
    yield from scaled(
        "AmazonS3",
        "object_storage",
        "s3-glacier-ir",
        "GB-month",
        "0.004",
        "AWS S3 pricing page, S3 Glacier Instant Retrieval",
        s3_factor,
        s3_label,
    )
    yield from one(
        "AWSELB",
        "load_balancer",
        "alb",
        "hour",
        per_region("alb"),
        "AWS Elastic Load Balancing pricing page, Application Load Balancer hour",
    )
    yield from one(
        "AWSELB",
        "load_balancer",
        "alb-lcu",
        "LCU-hour",
        per_region("lcu"),
        "AWS Elastic Load Balancing pricing page, Application Load Balancer LCU-hour",
    )
    yield from one(
        "AmazonEC2",
        "nat",
        "nat-gateway",
        "hour",
        per_region("nat"),
        "AWS VPC pricing page, NAT gateway hour",
    )
    yield from one(
        "AmazonEC2",
        "nat",
        "nat-gateway-gb",
        "GB",
        per_region("natgb"),
        "AWS VPC pricing page, NAT gateway data processed",
    )
    for region in AWS_REGION_ANCHORS:
        yield Row(
            cloud="aws",
            service="AmazonEKS",
            category="kubernetes",
            product="eks-cluster",
            region=region,
            purchase="on_demand",
            unit="hour",
            unit_price=D("0.10"),
            source="AWS EKS pricing page, cluster on standard support (same in every region)",
        )
        yield Row(
            cloud="aws",
            service="AWSDataTransfer",
            category="network",
            product="transfer-inter-az",
            region=region,
            purchase="on_demand",
            unit="GB",
            unit_price=D("0.01"),
            source="AWS EC2 data transfer pricing, between availability zones, per GB in each "
            "direction (same in every region)",
        )
    yield from one(
        "AWSDataTransfer",
        "network",
        "transfer-inter-region",
        "GB",
        per_region("xr"),
        "AWS EC2 data transfer pricing, out to another AWS region",
    )
    fargate_label = "m5.large there / m5.large in us-east-1, applied to Fargate"
    fargate_ratios = {
        "spot": (D("0.30"), "typical Fargate Spot price; changes with capacity"),
        "savings_plan_1y": (D("0.80"), "typical 1-year compute savings plan on Fargate"),
        "savings_plan_3y": (D("0.55"), "typical 3-year compute savings plan on Fargate"),
    }
    for product, unit, price in (
        ("fargate-vcpu", "vCPU-hour", "0.04048"),
        ("fargate-memory", "GB-hour", "0.004445"),
    ):
        yield from discounted(
            scaled(
                "AmazonECS",
                "containers",
                product,
                unit,
                price,
                "AWS Fargate pricing page, Linux/x86",
                m_factor,
                fargate_label,
            ),
            fargate_ratios,
        )


def aws_rows() -> Iterator[Row]:
    from catalog_more import aws_more
    from catalog_security import aws_security

    yield from aws_ec2()
    yield from aws_rds()
    yield from aws_elasticache()
    yield from aws_other()
    yield from aws_more()
    yield from aws_security()
    yield from aws_database_alternatives()


# ---------------------------------------------------------------------------
# GCP
# ---------------------------------------------------------------------------

GCP_BASE = "us-central1"
# Per region: the n2-standard-2 on-demand price (compute factor = it over
# us-central1's), and a rounder typical ratio for storage and other services.
GCP_REGIONS: dict[str, tuple[str, str]] = {
    "us-central1": ("0.097118", "1"),
    "us-east1": ("0.097118", "1"),
    "us-east4": ("0.109374", "1.1"),
    "us-west1": ("0.097118", "1"),
    "europe-west1": ("0.106807", "1.1"),
    "europe-west2": ("0.125068", "1.2"),
    "europe-west3": ("0.125068", "1.2"),
    "asia-south1": ("0.116596", "1.1"),
    "asia-northeast1": ("0.124855", "1.3"),
    "asia-southeast1": ("0.119787", "1.1"),
}
GCP_COMPUTE_FACTOR = {r: D(c) / D("0.097118") for r, (c, _s) in GCP_REGIONS.items()}
GCP_SERVICE_FACTOR = {r: D(s) for r, (_c, s) in GCP_REGIONS.items()}
GCP_VM_PAGE = "Google Compute Engine VM instance pricing page, on-demand"

# family: (arch, generation, {shape: (GiB per vCPU, price of the 2-vCPU shape)}, vCPU ladder)
GCP_FAMILIES: dict[str, tuple[str, str, dict[str, tuple[float, str]], tuple[int, ...]]] = {
    "e2": (
        "x86_64",
        "current",
        {"standard": (4, "0.067006"), "highmem": (8, "0.090386"), "highcpu": (1, "0.049468")},
        (2, 4, 8, 16, 32),
    ),
    "n2": (
        "x86_64",
        "current",
        {"standard": (4, "0.097118"), "highmem": (8, "0.131014"), "highcpu": (1, "0.071696")},
        (2, 4, 8, 16, 32),
    ),
    "n2d": (
        "x86_64",
        "current",
        {"standard": (4, "0.084492"), "highmem": (8, "0.113973"), "highcpu": (1, "0.062372")},
        (2, 4, 8, 16, 32),
    ),
    "t2a": ("arm64", "current", {"standard": (4, "0.077")}, (1, 2, 4, 8, 16)),
    "n1": ("x86_64", "previous", {"standard": (3.75, "0.095")}, (1, 2, 4, 8, 16)),
}
GCP_SMALL = [  # shared-core shapes: product, vCPU, GiB, price
    ("e2-micro", 2, 1, "0.008376"),
    ("e2-small", 2, 2, "0.016751"),
    ("e2-medium", 2, 4, "0.033503"),
]
GCP_VM_RATIOS = {
    "reserved_1y": (D("0.63"), "1-year resource-based committed use discount, 37% off"),
    "reserved_3y": (D("0.45"), "3-year resource-based committed use discount, 55% off"),
    "savings_plan_1y": (D("0.72"), "1-year flexible (spend-based) committed use discount"),
    "savings_plan_3y": (D("0.54"), "3-year flexible (spend-based) committed use discount"),
    "spot": (D("0.30"), "typical Spot VM price; changes up to once a month"),
}


def gcp_vms() -> Iterator[Row]:
    base = []
    for family, (arch, gen, shapes, ladder) in GCP_FAMILIES.items():
        for shape, (gib_per_vcpu, two) in shapes.items():
            for vcpu in ladder:
                base.append(
                    Row(
                        cloud="gcp",
                        service="Compute Engine",
                        category="compute",
                        product=f"{family}-{shape}-{vcpu}",
                        region=GCP_BASE,
                        purchase="on_demand",
                        unit="hour",
                        unit_price=q(D(two) * vcpu / 2),
                        source=f"{GCP_VM_PAGE}, {GCP_BASE} list price"
                        + (" (before sustained use discounts)" if family == "n1" else ""),
                        vcpu=vcpu,
                        memory_gib=vcpu * gib_per_vcpu,
                        family=family,
                        generation=gen,
                        arch=arch,
                    )
                )
    for product, vcpu, gib, price in GCP_SMALL:
        base.append(
            Row(
                cloud="gcp",
                service="Compute Engine",
                category="compute",
                product=product,
                region=GCP_BASE,
                purchase="on_demand",
                unit="hour",
                unit_price=D(price),
                source=f"{GCP_VM_PAGE}, {GCP_BASE} list price (shared core)",
                vcpu=vcpu,
                memory_gib=gib,
                family="e2",
                generation="current",
                arch="x86_64",
            )
        )
    label = "n2-standard-2 there / n2-standard-2 in us-central1"
    yield from discounted(regional(base, GCP_COMPUTE_FACTOR, label), GCP_VM_RATIOS)


CLOUDSQL_PAGE = "Google Cloud SQL pricing page, Enterprise edition"
CLOUDSQL_VCPU = D("0.0413")
CLOUDSQL_GIB = D("0.007")
CLOUDSQL_SHAPES = [  # product, vCPU, GiB
    ("db-custom-1-3840", 1, 3.75),
    ("db-custom-2-7680", 2, 7.5),
    ("db-custom-2-8192", 2, 8),
    ("db-custom-2-13312", 2, 13),
    ("db-custom-4-16384", 4, 16),
    ("db-custom-4-26624", 4, 26),
    ("db-custom-8-32768", 8, 32),
    ("db-custom-8-53248", 8, 52),
    ("db-custom-16-65536", 16, 64),
    ("db-custom-16-106496", 16, 104),
]
CLOUDSQL_SHARED = [("db-f1-micro", 1, 0.6, "0.0105"), ("db-g1-small", 1, 1.7, "0.035")]
CLOUDSQL_RATIOS = {
    "reserved_1y": (D("0.75"), "1-year Cloud SQL committed use discount, 25% off"),
    "reserved_3y": (D("0.48"), "3-year Cloud SQL committed use discount, 52% off"),
}


def gcp_cloudsql() -> Iterator[Row]:
    base = []
    for engine in ("postgres", "mysql"):
        for product, vcpu, gib in CLOUDSQL_SHAPES:
            price = CLOUDSQL_VCPU * vcpu + CLOUDSQL_GIB * D(str(gib))
            single = Row(
                cloud="gcp",
                service="Cloud SQL",
                category="database",
                product=product,
                region=GCP_BASE,
                purchase="on_demand",
                unit="hour",
                unit_price=q(price),
                source=f"derived: {CLOUDSQL_PAGE}, {GCP_BASE} list prices "
                f"{CLOUDSQL_VCPU} per vCPU-hour x {vcpu} + {CLOUDSQL_GIB} per GB-hour x {gib}",
                vcpu=vcpu,
                memory_gib=gib,
                family="db-custom",
                generation="current",
                arch="x86_64",
                engine=engine,
                deployment="single_az",
            )
            base.append(single)
            base.append(
                replace(
                    single,
                    deployment="multi_az",
                    unit_price=q(price * 2),
                    source=single.source + "; high availability (regional) = 2 x",
                )
            )
        for product, vcpu, gib, price_s in CLOUDSQL_SHARED:
            base.append(
                Row(
                    cloud="gcp",
                    service="Cloud SQL",
                    category="database",
                    product=product,
                    region=GCP_BASE,
                    purchase="on_demand",
                    unit="hour",
                    unit_price=D(price_s),
                    source=f"{CLOUDSQL_PAGE}, {GCP_BASE} list price (shared core, no SLA)",
                    vcpu=vcpu,
                    memory_gib=gib,
                    family="db-shared",
                    generation="current",
                    arch="x86_64",
                    engine=engine,
                    deployment="single_az",
                )
            )
    label = "typical Google Cloud regional price ratio"
    yield from discounted(
        doubled_for_ha(regional(base, GCP_SERVICE_FACTOR, label)), CLOUDSQL_RATIOS
    )


# Memorystore for Redis: per GB-hour by capacity tier (M1 1-4 GB, M2 5-10, M3 11-35,
# M4 36-100), Basic (single node) and Standard (replicated, HA).
MEMORYSTORE_TIERS = [(4, "M1"), (10, "M2"), (35, "M3"), (100, "M4")]
MEMORYSTORE_RATES = {
    "basic": {"M1": "0.049", "M2": "0.027", "M3": "0.023", "M4": "0.016"},
    "standard": {"M1": "0.064", "M2": "0.054", "M3": "0.044", "M4": "0.033"},
}
MEMORYSTORE_SIZES = (1, 2, 4, 5, 8, 10, 16, 32, 64)
MEMORYSTORE_RATIOS = {
    "reserved_1y": (D("0.80"), "1-year Memorystore committed use discount, 20% off"),
    "reserved_3y": (D("0.60"), "3-year Memorystore committed use discount, 40% off"),
}


def gcp_memorystore() -> Iterator[Row]:
    base = []
    for tier, rates in MEMORYSTORE_RATES.items():
        for gib in MEMORYSTORE_SIZES:
            cap = next(name for limit, name in MEMORYSTORE_TIERS if gib <= limit)
            rate = D(rates[cap])
            base.append(
                Row(
                    cloud="gcp",
                    service="Memorystore",
                    category="cache",
                    product=f"memorystore-{tier}-{gib}gb",
                    region=GCP_BASE,
                    purchase="on_demand",
                    unit="hour",
                    unit_price=q(rate * gib),
                    source=f"derived: Google Memorystore for Redis pricing page, {tier} tier "
                    f"capacity {cap} {rate} per GB-hour x {gib} GB; approximate",
                    memory_gib=gib,
                    family=f"memorystore-{tier}",
                    generation="current",
                    engine="redis",
                    deployment="single_az" if tier == "basic" else "multi_az",
                )
            )
    label = "typical Google Cloud regional price ratio"
    yield from discounted(regional(base, GCP_SERVICE_FACTOR, label), MEMORYSTORE_RATIOS)


def gcp_other() -> Iterator[Row]:
    label = "typical Google Cloud regional price ratio"

    def scaled(
        service: str,
        category: str,
        product: str,
        unit: str,
        price: str,
        page: str,
        *,
        sure: bool = True,
        deployment: str = "",
    ) -> Iterator[Row]:
        row = Row(
            cloud="gcp",
            service=service,
            category=category,
            product=product,
            region=GCP_BASE,
            purchase="on_demand",
            unit=unit,
            unit_price=D(price),
            source=f"{page}, {GCP_BASE} list price" + ("" if sure else "; approximate"),
            deployment=deployment,
        )
        yield from regional([row], GCP_SERVICE_FACTOR, label)

    def flat(
        service: str, category: str, product: str, unit: str, prices: dict[str, str], page: str
    ) -> Iterator[Row]:
        for region in GCP_REGIONS:
            yield Row(
                cloud="gcp",
                service=service,
                category=category,
                product=product,
                region=region,
                purchase="on_demand",
                unit=unit,
                unit_price=D(prices.get(region, prices["*"])),
                source=page,
            )

    disk = "Google Compute Engine disk pricing page"
    yield from scaled("Compute Engine", "block_storage", "pd-balanced", "GB-month", "0.10", disk)
    yield from scaled("Compute Engine", "block_storage", "pd-ssd", "GB-month", "0.17", disk)
    yield from scaled("Compute Engine", "block_storage", "pd-standard", "GB-month", "0.04", disk)
    yield from scaled(
        "Compute Engine",
        "snapshot",
        "pd-snapshot",
        "GB-month",
        "0.05",
        "Google Compute Engine disk pricing page, standard snapshot storage",
        sure=False,
    )
    for deployment, price in (("single_az", "0.17"), ("multi_az", "0.34")):
        yield from scaled(
            "Cloud SQL",
            "database_storage",
            "cloudsql-ssd",
            "GB-month",
            price,
            "Google Cloud SQL pricing page, SSD storage "
            + ("(HA)" if deployment == "multi_az" else "(zonal)"),
            deployment=deployment,
        )
    gcs = "Google Cloud Storage pricing page, regional bucket"
    yield from scaled("Cloud Storage", "object_storage", "gcs-standard", "GB-month", "0.020", gcs)
    yield from scaled("Cloud Storage", "object_storage", "gcs-nearline", "GB-month", "0.010", gcs)
    yield from scaled("Cloud Storage", "object_storage", "gcs-coldline", "GB-month", "0.004", gcs)
    yield from scaled("Cloud Storage", "object_storage", "gcs-archive", "GB-month", "0.0012", gcs)
    lb = "Google Cloud Load Balancing pricing page"
    yield from scaled(
        "Cloud Load Balancing",
        "load_balancer",
        "lb-forwarding-rule",
        "hour",
        "0.025",
        f"{lb}, forwarding rule hour (first 5 rules)",
    )
    yield from scaled(
        "Cloud Load Balancing",
        "load_balancer",
        "lb-data-processed",
        "GB",
        "0.008",
        f"{lb}, inbound data processed",
    )
    yield from flat(
        "Cloud NAT",
        "nat",
        "cloud-nat",
        "hour",
        {"*": "0.044"},
        "Google Cloud NAT pricing page, gateway hour at 32 or more VMs (0.0014 per VM-hour "
        "below that); same in every region",
    )
    yield from flat(
        "Cloud NAT",
        "nat",
        "cloud-nat-gb",
        "GB",
        {"*": "0.045"},
        "Google Cloud NAT pricing page, data processed; same in every region",
    )
    yield from flat(
        "Kubernetes Engine",
        "kubernetes",
        "gke-cluster",
        "hour",
        {"*": "0.10"},
        "Google Kubernetes Engine pricing page, cluster management fee (Standard edition); "
        "same in every region",
    )
    yield from flat(
        "Networking",
        "network",
        "egress-inter-zone",
        "GB",
        {"*": "0.01"},
        "Google Cloud network pricing page, VM to VM between zones of one region; "
        "same in every region",
    )
    inter_region = {"*": "0.02", "us-central1": "0.01", "us-east1": "0.01"}
    inter_region |= {"us-east4": "0.01", "us-west1": "0.01"}
    inter_region |= {"asia-south1": "0.05", "asia-northeast1": "0.05", "asia-southeast1": "0.05"}
    yield from flat(
        "Networking",
        "network",
        "egress-inter-region",
        "GB",
        inter_region,
        "Google Cloud network pricing page, between regions on the same continent; approximate",
    )
    run = "Google Cloud Run pricing page, instance-based billing, tier 1"
    yield from scaled("Cloud Run", "containers", "cloud-run-vcpu", "vCPU-hour", "0.0648", run)
    yield from scaled("Cloud Run", "containers", "cloud-run-memory", "GB-hour", "0.0072", run)
    yield from flat(
        "Pub/Sub",
        "queue",
        "pubsub-messages",
        "request-million",
        {"*": "0.072760"},
        "derived: Google Pub/Sub pricing page, 40 USD per TiB of throughput, 1 KB minimum "
        "billed per publish and per delivery: 2 x 1,000 bytes x 1e6 / 2^40 x 40; "
        "one subscription; approximate",
    )


def gcp_rows() -> Iterator[Row]:
    from catalog_more import gcp_more
    from catalog_security import gcp_security

    yield from gcp_vms()
    yield from gcp_cloudsql()
    yield from gcp_memorystore()
    yield from gcp_other()
    yield from gcp_more()
    yield from gcp_security()
    yield from gcp_database_alternatives()


# ---------------------------------------------------------------------------
# Azure
# ---------------------------------------------------------------------------

AZURE_BASE = "eastus"
# Per region: the Standard_D2s_v5 Linux pay-as-you-go price (compute factor = it
# over eastus's), and a rounder typical ratio for storage and platform services.
AZURE_REGIONS: dict[str, tuple[str, str]] = {
    "eastus": ("0.096", "1"),
    "eastus2": ("0.096", "1"),
    "centralus": ("0.108", "1.05"),
    "westus2": ("0.096", "1"),
    "northeurope": ("0.107", "1.05"),
    "westeurope": ("0.115", "1.1"),
    "uksouth": ("0.112", "1.1"),
    "germanywestcentral": ("0.115", "1.1"),
    "centralindia": ("0.101", "1.05"),
    "japaneast": ("0.124", "1.2"),
    "southeastasia": ("0.12", "1.15"),
}
AZURE_COMPUTE_FACTOR = {r: D(c) / D("0.096") for r, (c, _s) in AZURE_REGIONS.items()}
AZURE_SERVICE_FACTOR = {r: D(s) for r, (_c, s) in AZURE_REGIONS.items()}
AZURE_VM_PAGE = "Azure Linux Virtual Machines pricing page, pay-as-you-go"

# family: (arch, generation, name pattern, GiB per vCPU, price of the 2-vCPU size, vCPU ladder)
AZURE_FAMILIES: dict[str, tuple[str, str, str, float, str, tuple[int, ...]]] = {
    "Dsv5": ("x86_64", "current", "Standard_D{n}s_v5", 4, "0.096", (2, 4, 8, 16, 32)),
    "Dasv5": ("x86_64", "current", "Standard_D{n}as_v5", 4, "0.086", (2, 4, 8, 16, 32)),
    "Dpsv5": ("arm64", "current", "Standard_D{n}ps_v5", 4, "0.077", (2, 4, 8, 16, 32)),
    "Esv5": ("x86_64", "current", "Standard_E{n}s_v5", 8, "0.126", (2, 4, 8, 16, 32)),
    "Easv5": ("x86_64", "current", "Standard_E{n}as_v5", 8, "0.113", (2, 4, 8, 16, 32)),
    "Epsv5": ("arm64", "current", "Standard_E{n}ps_v5", 8, "0.101", (2, 4, 8, 16, 32)),
    "Fsv2": ("x86_64", "current", "Standard_F{n}s_v2", 2, "0.0846", (2, 4, 8, 16, 32)),
    "Dsv4": ("x86_64", "previous", "Standard_D{n}s_v4", 4, "0.096", (2, 4, 8, 16, 32)),
    "Dsv3": ("x86_64", "previous", "Standard_D{n}s_v3", 4, "0.096", (2, 4, 8, 16, 32)),
    "Esv3": ("x86_64", "previous", "Standard_E{n}s_v3", 8, "0.126", (2, 4, 8, 16, 32)),
}
AZURE_SURE = {"Dsv5", "Dasv5", "Esv5", "Fsv2", "Dsv3", "Esv3"}
AZURE_B = [  # burstable B-series: product, vCPU, GiB, price
    ("Standard_B1s", 1, 1, "0.0104"),
    ("Standard_B1ms", 1, 2, "0.0207"),
    ("Standard_B2s", 2, 4, "0.0416"),
    ("Standard_B2ms", 2, 8, "0.0832"),
    ("Standard_B4ms", 4, 16, "0.166"),
    ("Standard_B8ms", 8, 32, "0.333"),
]
AZURE_VM_RATIOS = {
    "reserved_1y": (D("0.60"), "typical 1-year reserved VM instance"),
    "reserved_3y": (D("0.385"), "typical 3-year reserved VM instance"),
    "savings_plan_1y": (D("0.71"), "typical 1-year Azure savings plan for compute"),
    "savings_plan_3y": (D("0.49"), "typical 3-year Azure savings plan for compute"),
    "spot": (D("0.20"), "typical Spot VM price; changes with capacity"),
}


def azure_vms() -> Iterator[Row]:
    base = []
    for family, (arch, gen, pattern, gib_per_vcpu, two, ladder) in AZURE_FAMILIES.items():
        note = "" if family in AZURE_SURE else "; approximate"
        for vcpu in ladder:
            base.append(
                Row(
                    cloud="azure",
                    service="Virtual Machines",
                    category="compute",
                    product=pattern.format(n=vcpu),
                    region=AZURE_BASE,
                    purchase="on_demand",
                    unit="hour",
                    unit_price=q(D(two) * vcpu / 2),
                    source=f"{AZURE_VM_PAGE}, {AZURE_BASE} list price{note}",
                    vcpu=vcpu,
                    memory_gib=vcpu * gib_per_vcpu,
                    family=family,
                    generation=gen,
                    arch=arch,
                )
            )
    for product, vcpu, gib, price in AZURE_B:
        base.append(
            Row(
                cloud="azure",
                service="Virtual Machines",
                category="compute",
                product=product,
                region=AZURE_BASE,
                purchase="on_demand",
                unit="hour",
                unit_price=D(price),
                source=f"{AZURE_VM_PAGE}, {AZURE_BASE} list price (burstable)",
                vcpu=vcpu,
                memory_gib=gib,
                family="B",
                generation="current",
                arch="x86_64",
            )
        )
    label = "Standard_D2s_v5 there / Standard_D2s_v5 in eastus"
    yield from discounted(regional(base, AZURE_COMPUTE_FACTOR, label), AZURE_VM_RATIOS)


AZURE_DB_PAGE = "Azure Database for {engine} Flexible Server pricing page"
# (product, family, vCPU, GiB, price of a zonal server), approximate list prices
AZURE_DB = [
    ("B_Standard_B1ms", "Burstable", 1, 2, "0.0207"),
    ("B_Standard_B2s", "Burstable", 2, 4, "0.0828"),
    ("B_Standard_B2ms", "Burstable", 2, 8, "0.166"),
    ("GP_Standard_D2ds_v5", "GP_Ddsv5", 2, 8, "0.178"),
    ("GP_Standard_D4ds_v5", "GP_Ddsv5", 4, 16, "0.356"),
    ("GP_Standard_D8ds_v5", "GP_Ddsv5", 8, 32, "0.712"),
    ("GP_Standard_D16ds_v5", "GP_Ddsv5", 16, 64, "1.424"),
    ("MO_Standard_E2ds_v5", "MO_Edsv5", 2, 16, "0.250"),
    ("MO_Standard_E4ds_v5", "MO_Edsv5", 4, 32, "0.500"),
    ("MO_Standard_E8ds_v5", "MO_Edsv5", 8, 64, "1.000"),
    ("MO_Standard_E16ds_v5", "MO_Edsv5", 16, 128, "2.000"),
]
AZURE_DB_RATIOS = {
    "reserved_1y": (D("0.65"), "typical 1-year reserved capacity"),
    "reserved_3y": (D("0.45"), "typical 3-year reserved capacity"),
}


def azure_db() -> Iterator[Row]:
    base = []
    for engine, name in (("postgres", "PostgreSQL"), ("mysql", "MySQL")):
        page = AZURE_DB_PAGE.format(engine=name)
        for product, family, vcpu, gib, price in AZURE_DB:
            single = Row(
                cloud="azure",
                service=f"Azure Database for {name}",
                category="database",
                product=product,
                region=AZURE_BASE,
                purchase="on_demand",
                unit="hour",
                unit_price=D(price),
                source=f"{page}, {AZURE_BASE} list price; approximate",
                vcpu=vcpu,
                memory_gib=gib,
                family=family,
                generation="current",
                arch="x86_64",
                engine=engine,
                deployment="single_az",
            )
            base.append(single)
            if family != "Burstable":  # burstable servers do not offer high availability
                base.append(
                    replace(
                        single,
                        deployment="multi_az",
                        unit_price=D(price) * 2,
                        source=f"derived: {page}, {AZURE_BASE} list price x 2 "
                        "(zone-redundant high availability bills a standby); approximate",
                    )
                )
    label = "typical Azure regional price ratio"
    yield from discounted(
        doubled_for_ha(regional(base, AZURE_SERVICE_FACTOR, label)), AZURE_DB_RATIOS
    )


AZURE_REDIS_PAGE = "Azure Cache for Redis pricing page"
AZURE_REDIS = [  # product, GiB, price, deployment
    # Deployment in the planner's sense: Basic is one node, Standard a primary and replica in
    # one zone, Premium zone-redundant (replicas in other zones).
    ("Basic_C0", 0.25, "0.022", "single_az"),
    ("Basic_C1", 1, "0.055", "single_az"),
    ("Basic_C2", 2.5, "0.090", "single_az"),
    ("Standard_C0", 0.25, "0.055", "single_az"),
    ("Standard_C1", 1, "0.138", "single_az"),
    ("Standard_C2", 2.5, "0.225", "single_az"),
    ("Standard_C3", 6, "0.450", "single_az"),
    ("Standard_C4", 13, "0.526", "single_az"),
    ("Standard_C5", 26, "1.052", "single_az"),
    ("Premium_P1", 6, "0.554", "multi_az"),
    ("Premium_P2", 13, "1.108", "multi_az"),
    ("Premium_P3", 26, "2.216", "multi_az"),
    ("Premium_P4", 53, "4.432", "multi_az"),
]


def azure_redis() -> Iterator[Row]:
    base = []
    for product, gib, price, deployment in AZURE_REDIS:
        base.append(
            Row(
                cloud="azure",
                service="Azure Cache for Redis",
                category="cache",
                product=product,
                region=AZURE_BASE,
                purchase="on_demand",
                unit="hour",
                unit_price=D(price),
                source=f"{AZURE_REDIS_PAGE}, {AZURE_BASE} list price; approximate",
                memory_gib=gib,
                family=product.split("_")[0],
                generation="current",
                engine="redis",
                deployment=deployment,
            )
        )
    label = "typical Azure regional price ratio"
    premium_ratios = {
        "reserved_1y": (D("0.65"), "typical 1-year reserved capacity, Premium tier only"),
        "reserved_3y": (D("0.45"), "typical 3-year reserved capacity, Premium tier only"),
    }
    for row in regional(base, AZURE_SERVICE_FACTOR, label):
        if row.family == "Premium":
            yield from discounted([row], premium_ratios)
        else:
            yield row


def azure_other() -> Iterator[Row]:
    label = "typical Azure regional price ratio"

    def scaled(
        service: str,
        category: str,
        product: str,
        unit: str,
        price: str,
        page: str,
        *,
        sure: bool = True,
        deployment: str = "",
    ) -> Iterator[Row]:
        row = Row(
            cloud="azure",
            service=service,
            category=category,
            product=product,
            region=AZURE_BASE,
            purchase="on_demand",
            unit=unit,
            unit_price=D(price),
            source=f"{page}, {AZURE_BASE} list price" + ("" if sure else "; approximate"),
            deployment=deployment,
        )
        yield from regional([row], AZURE_SERVICE_FACTOR, label)

    def flat(
        service: str, category: str, product: str, unit: str, prices: dict[str, str], page: str
    ) -> Iterator[Row]:
        for region in AZURE_REGIONS:
            yield Row(
                cloud="azure",
                service=service,
                category=category,
                product=product,
                region=region,
                purchase="on_demand",
                unit=unit,
                unit_price=D(prices.get(region, prices["*"])),
                source=page,
            )

    disks = "Azure Managed Disks pricing page"
    yield from scaled(
        "Managed Disks",
        "block_storage",
        "premium-ssd",
        "GB-month",
        "0.154",
        f"derived: {disks}, Premium SSD P10 (128 GiB) 19.71 per month / 128; Azure bills "
        "per disk size tier",
    )
    yield from scaled(
        "Managed Disks",
        "block_storage",
        "standard-ssd",
        "GB-month",
        "0.075",
        f"derived: {disks}, Standard SSD E10 (128 GiB) 9.60 per month / 128; Azure bills "
        "per disk size tier",
    )
    yield from scaled(
        "Managed Disks",
        "block_storage",
        "premium-ssd-v2",
        "GB-month",
        "0.0812",
        f"{disks}, Premium SSD v2 capacity (baseline 3,000 IOPS and 125 MB/s included)",
        sure=False,
    )
    yield from scaled(
        "Managed Disks",
        "snapshot",
        "disk-snapshot",
        "GB-month",
        "0.05",
        f"{disks}, incremental snapshot LRS",
    )
    for engine, name in (("postgres", "PostgreSQL"), ("mysql", "MySQL")):
        for deployment, price in (("single_az", "0.115"), ("multi_az", "0.23")):
            yield from (
                replace(row, engine=engine)
                for row in scaled(
                    f"Azure Database for {name}",
                    "database_storage",
                    "flexible-server-storage",
                    "GB-month",
                    price,
                    f"{AZURE_DB_PAGE.format(engine=name)}, storage"
                    + (" (high availability doubles it)" if deployment == "multi_az" else ""),
                    deployment=deployment,
                )
            )
    blob = "Azure Blob Storage pricing page, LRS, first 50 TB"
    yield from scaled("Storage", "object_storage", "blob-hot", "GB-month", "0.0184", blob)
    yield from scaled("Storage", "object_storage", "blob-cool", "GB-month", "0.01", blob)
    yield from scaled("Storage", "object_storage", "blob-cold", "GB-month", "0.0036", blob)
    yield from scaled("Storage", "object_storage", "blob-archive", "GB-month", "0.00099", blob)
    agw = "Azure Application Gateway pricing page, Standard_v2"
    yield from scaled(
        "Application Gateway", "load_balancer", "appgw-v2", "hour", "0.246", f"{agw}, fixed"
    )
    yield from scaled(
        "Application Gateway",
        "load_balancer",
        "appgw-v2-cu",
        "LCU-hour",
        "0.008",
        f"{agw}, capacity unit-hour",
    )
    yield from scaled(
        "Load Balancer",
        "load_balancer",
        "lb-standard-rule",
        "hour",
        "0.025",
        "Azure Load Balancer pricing page, Standard, first 5 rules",
    )
    yield from scaled(
        "Load Balancer",
        "load_balancer",
        "lb-standard-gb",
        "GB",
        "0.005",
        "Azure Load Balancer pricing page, Standard, data processed",
    )
    nat = "Azure NAT Gateway pricing page"
    yield from scaled("NAT Gateway", "nat", "nat-gateway", "hour", "0.045", f"{nat}, resource hour")
    yield from scaled(
        "NAT Gateway", "nat", "nat-gateway-gb", "GB", "0.045", f"{nat}, data processed"
    )
    yield from flat(
        "Azure Kubernetes Service",
        "kubernetes",
        "aks-standard",
        "hour",
        {"*": "0.10"},
        "Azure Kubernetes Service pricing page, Standard tier cluster hour (uptime SLA); "
        "same in every region",
    )
    yield from flat(
        "Azure Kubernetes Service",
        "kubernetes",
        "aks-free",
        "hour",
        {"*": "0"},
        "Azure Kubernetes Service pricing page, Free tier: no charge for the control plane, no SLA",
    )
    zone2 = {"centralindia", "japaneast", "southeastasia"}
    yield from flat(
        "Bandwidth",
        "network",
        "transfer-inter-az",
        "GB",
        {"*": "0"},
        "Azure Bandwidth pricing page: data transfer between availability zones is not "
        "charged (announced charge not enforced)",
    )
    yield from flat(
        "Bandwidth",
        "network",
        "transfer-inter-region",
        "GB",
        {"*": "0.02"} | {r: "0.08" for r in zone2},
        "Azure Bandwidth pricing page, between regions within one continent; approximate",
    )
    aca = "Azure Container Apps pricing page, consumption plan active usage"
    yield from scaled(
        "Container Apps", "containers", "container-apps-vcpu", "vCPU-hour", "0.0864", aca
    )
    yield from scaled(
        "Container Apps", "containers", "container-apps-memory", "GB-hour", "0.0108", aca
    )
    sb = "Azure Service Bus pricing page, Standard tier"
    yield from scaled(
        "Service Bus",
        "queue",
        "service-bus-standard-base",
        "hour",
        "0.0135",
        f"{sb}, base charge (includes 13M operations a month)",
    )


def azure_rows() -> Iterator[Row]:
    from catalog_more import azure_more
    from catalog_security import azure_security

    yield from azure_vms()
    yield from azure_db()
    yield from azure_redis()
    yield from azure_other()
    yield from azure_more()
    yield from azure_security()
    yield from azure_database_alternatives()


# ---------------------------------------------------------------------------
# Database engines beyond RDS / Cloud SQL / Flexible Server, offered when a design's
# availability or DR targets need them (data/engines.yaml): Aurora PostgreSQL
# (I/O-Optimized, Global Database), Aurora DSQL, Spanner multi-region, Cosmos DB.
# ---------------------------------------------------------------------------

AURORA_PAGE = "AWS Aurora pricing page, Aurora PostgreSQL-Compatible, I/O-Optimized"
AURORA_FAMILIES = {  # family: (arch, large price Aurora Standard us-east-1, sure?)
    "db.r6g": ("arm64", "0.26", True),
    "db.r6i": ("x86_64", "0.29", True),
    "db.r7g": ("arm64", "0.276", False),
}
AURORA_SIZES = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32}
AURORA_IO_OPTIMIZED = D("1.3")  # I/O-Optimized instances cost 30% more, with no I/O charges
DSQL_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-northeast-1",
)


def aws_database_alternatives() -> Iterator[Row]:
    base: list[Row] = []
    for family, (arch, large, sure) in AURORA_FAMILIES.items():
        for size, vcpu in AURORA_SIZES.items():
            price = q(D(large) * vcpu / 2 * AURORA_IO_OPTIMIZED)
            note = "us-east-1 list price" if sure else "us-east-1 list price; approximate"
            single = Row(
                cloud="aws", service="AmazonRDS", category="database", product=f"{family}.{size}",
                region="us-east-1", purchase="on_demand", unit="hour", unit_price=price,
                source=f"derived: {AURORA_PAGE}, Aurora Standard {note} x 1.3 (I/O-Optimized)",
                vcpu=vcpu, memory_gib=vcpu * 8, family=family, generation="current", arch=arch,
                engine="aurora-postgresql", deployment="single_az",
            )  # fmt: skip
            base.append(single)
            base.append(
                replace(
                    single,
                    deployment="multi_az",
                    unit_price=price * 2,
                    source=f"derived: {AURORA_PAGE}, x 2 (a Multi-AZ cluster runs a writer and "
                    "a reader in another zone)",
                )
            )
    factors = aws_factors("r")
    label = "r5.large there / in us-east-1, applied to Aurora"
    yield from discounted(doubled_for_ha(regional(base, factors, label)), RDS_RATIOS)
    gp3 = {r: D(a["gp3"]) for r, a in AWS_REGION_ANCHORS.items()}
    for region, anchor in gp3.items():
        factor = anchor / gp3["us-east-1"]
        derived = (
            ""
            if region == "us-east-1"
            else f"; derived: x {fmt_dec(q(factor))} (EBS gp3 regional ratio); approximate"
        )
        yield Row(
            cloud="aws", service="AmazonRDS", category="database_storage", product="aurora-storage-io",
            region=region, purchase="on_demand", unit="GB-month", unit_price=q(D("0.225") * factor),
            source=f"{AURORA_PAGE}: storage 0.225 per GB-month in us-east-1{derived}",
            engine="aurora-postgresql",
        )  # fmt: skip
        if region in DSQL_REGIONS:
            for product, unit, price, what in (
                ("aurora-dsql-dpu", "request-million", "8.00", "8.00 per 1 million DPUs"),
                ("aurora-dsql-storage", "GB-month", "0.33", "storage 0.33 per GB-month"),
            ):
                yield Row(
                    cloud="aws", service="AmazonDSQL", category="database", product=product,
                    region=region, purchase="on_demand", unit=unit, unit_price=q(D(price) * factor),
                    source=f"AWS Aurora DSQL pricing page: {what} in us-east-1{derived}",
                    engine="aurora-dsql",
                )  # fmt: skip


def gcp_database_alternatives() -> Iterator[Row]:
    page = "Google Cloud Spanner pricing page, Standard edition, multi-region configuration (nam3)"
    for region in GCP_REGIONS:
        for product, unit, price, what in (
            (
                "spanner-node-multi-region",
                "hour",
                "3.00",
                "one node (1,000 processing units) an hour",
            ),
            ("spanner-storage-multi-region", "GB-month", "0.50", "storage per GB-month"),
        ):
            yield Row(
                cloud="gcp", service="Cloud Spanner", category="database", product=product,
                region=region, purchase="on_demand", unit=unit, unit_price=D(price),
                source=f"{page}: {what}, {price} USD; the same for every primary region here; approximate",
                engine="spanner",
            )  # fmt: skip


def azure_database_alternatives() -> Iterator[Row]:
    page = "Azure Cosmos DB pricing page, provisioned throughput (standard), single write region"
    for region, factor in AZURE_SERVICE_FACTOR.items():
        for product, unit, price, what in (
            ("cosmos-ru-100", "hour", "0.008", "100 RU/s an hour, per region"),
            (
                "cosmos-storage",
                "GB-month",
                "0.25",
                "transactional storage per GB-month, per region",
            ),
        ):
            yield Row(
                cloud="azure", service="Azure Cosmos DB", category="database", product=product,
                region=region, purchase="on_demand", unit=unit, unit_price=q(D(price) * factor),
                source=f"{page}: {what}, {price} USD in {AZURE_BASE} x regional factor {fmt_dec(q(factor))}; approximate",
                engine="cosmos",
            )  # fmt: skip


# ---------------------------------------------------------------------------


def render(rows: Iterable[Row]) -> str:
    def key(r: Row) -> tuple[str, str, str, str, str, Decimal]:
        return (r.product, r.region, r.purchase, r.engine, r.deployment, r.tier_start or D(0))

    ordered = sorted(rows, key=key)
    seen: set[tuple[object, ...]] = set()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in ordered:
        if key(r) in seen:
            raise SystemExit(f"duplicate catalog row: {key(r)}")
        seen.add(key(r))
        writer.writerow(
            [
                r.cloud,
                r.service,
                r.product,
                r.region,
                r.purchase,
                r.unit,
                fmt_dec(r.unit_price),
                r.currency,
                fmt_num(r.vcpu),
                fmt_num(r.memory_gib),
                r.family,
                r.generation,
                r.arch,
                r.as_of,
                r.source,
                r.category,
                r.engine,
                r.deployment,
                "" if r.tier_start is None else fmt_qty(r.tier_start),
                "" if r.tier_end is None else fmt_qty(r.tier_end),
            ]
        )
    return buf.getvalue()


BUILDERS = {"aws": aws_rows, "gcp": gcp_rows, "azure": azure_rows}


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a CSV is stale")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into")
    args = parser.parse_args(argv)
    stale = []
    for cloud, build in BUILDERS.items():
        text = render(build())
        path = args.out / f"{cloud}.csv"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            write_atomic(path, text)
            print(f"{path}: {text.count(chr(10)) - 1} rows")
    if stale:
        print("stale: " + ", ".join(stale) + " (run scripts/build_catalog.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
