"""The shipped price catalogs and the lookup API of devops_plan.catalog."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan.catalog import (
    BASE_REGIONS,
    CATEGORIES,
    CLOUDS,
    COLUMNS,
    PURCHASES,
    UNITS,
    Catalog,
    Price,
    format_catalog,
    load_catalog,
    write_catalog,
)
from devops_plan.errors import CatalogError
from devops_plan.regions import regions_of

ROOT = Path(__file__).resolve().parents[1]
PRICING = ROOT / "data" / "pricing"


@pytest.fixture(scope="module")
def aws() -> Catalog:
    return load_catalog("aws")


# -- the public facts the issue names ------------------------------------------------

FACTS = [
    ("m5.large", "us-east-1", "hour", "0.096"),
    ("c5.large", "us-east-1", "hour", "0.085"),
    ("m5.large", "eu-west-2", "hour", "0.111"),
    ("ebs-gp3", "us-east-1", "GB-month", "0.08"),
    ("ebs-gp2", "us-east-1", "GB-month", "0.10"),
    ("nat-gateway", "us-east-1", "hour", "0.045"),
    ("nat-gateway-gb", "us-east-1", "GB", "0.045"),
    ("alb", "us-east-1", "hour", "0.0225"),
    ("alb-lcu", "us-east-1", "LCU-hour", "0.008"),
    ("s3-standard", "us-east-1", "GB-month", "0.023"),
    ("eks-cluster", "us-east-1", "hour", "0.10"),
]


@pytest.mark.parametrize(("product", "region", "unit", "price"), FACTS)
def test_public_price_facts(aws: Catalog, product: str, region: str, unit: str, price: str) -> None:
    p = aws.price(product, region, "on_demand")
    assert p.unit_price == Decimal(price)
    assert p.unit == unit
    assert p.currency == "USD"


def test_monthly_is_730_hours_for_hourly_units_and_the_price_otherwise(aws: Catalog) -> None:
    assert aws.price("m5.large", "us-east-1").monthly == Decimal("70.08")
    assert aws.price("m5.large", "us-east-1").hourly
    gp3 = aws.price("ebs-gp3", "us-east-1")
    assert not gp3.hourly
    assert gp3.monthly == Decimal("0.08")
    assert aws.price("alb-lcu", "us-east-1").monthly == Decimal("5.84")


# -- every row is honest about where it comes from -----------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_row_has_as_of_source_and_known_vocabulary(cloud: str) -> None:
    catalog = load_catalog(cloud)
    assert len(catalog) > 1000
    for p in catalog.rows:
        assert date.fromisoformat(p.as_of) <= date.today()
        assert p.source.strip(), p.key
        assert p.unit in UNITS
        assert p.category in CATEGORIES
        assert p.purchase in PURCHASES
        assert p.currency == "USD"
        if p.category == "compute":
            assert p.arch in ("x86_64", "arm64"), p.key
            assert p.generation in ("current", "previous"), p.key
            assert p.vcpu and p.memory_gib, p.key


@pytest.mark.parametrize("cloud", CLOUDS)
def test_discounted_rows_say_they_are_derived(cloud: str) -> None:
    # The shipped snapshot has list prices only for on-demand; every other purchase
    # option is a typical ratio and must say so.
    for p in load_catalog(cloud).rows:
        if p.purchase != "on_demand":
            assert p.source.startswith("derived:") and "approximate" in p.source, p.key


@pytest.mark.parametrize("cloud", CLOUDS)
def test_rows_outside_the_base_region_say_how_they_were_priced(cloud: str) -> None:
    base = BASE_REGIONS[cloud]
    honest = ("derived", "approximate", "list price", "every region", "not charged", "Free tier")
    for p in load_catalog(cloud).rows:
        if p.region != base:
            assert any(word in p.source for word in honest), p.key


def test_shipped_csv_header_is_the_contract() -> None:
    for cloud in CLOUDS:
        header = (PRICING / f"{cloud}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert tuple(header.split(",")) == COLUMNS


def test_shipped_csvs_are_what_the_generator_writes(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "build_catalog.py"
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    check = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    for cloud in CLOUDS:
        assert (tmp_path / f"{cloud}.csv").read_bytes() == (PRICING / f"{cloud}.csv").read_bytes()


@pytest.mark.parametrize("cloud", CLOUDS)
def test_writer_reproduces_the_shipped_bytes(cloud: str) -> None:
    catalog = load_catalog(cloud)
    assert format_catalog(reversed(catalog.rows)) == (PRICING / f"{cloud}.csv").read_text(
        encoding="utf-8"
    )


# -- coverage the issue asks for -----------------------------------------------------

AWS_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-southeast-1",
]
EC2_FAMILIES = [
    "m5",
    "m6i",
    "m7i",
    "m6g",
    "m7g",
    "c5",
    "c6i",
    "c7i",
    "c6g",
    "c7g",
    "r5",
    "r6i",
    "r7i",
    "r6g",
    "r7g",
]


def test_aws_ec2_families_sizes_regions_and_purchase_options(aws: Catalog) -> None:
    products = []
    for family in EC2_FAMILIES:
        products += [f"{family}.{size}" for size in ("large", "xlarge", "2xlarge", "4xlarge")]
    for family in ("t3", "t3a", "t4g"):
        products += [f"{family}.{size}" for size in ("micro", "small", "medium", "large", "xlarge")]
    for region in AWS_REGIONS:
        for product in products:
            assert aws.purchases_for(product, region) == list(PURCHASES), (product, region)


def test_aws_previous_generation_families(aws: Catalog) -> None:
    for family in ("m4", "c4", "r4", "t2"):
        rows = aws.products("us-east-1", family=family)
        assert rows, family
        assert {p.generation for p in rows} == {"previous"}


def test_aws_graviton_is_arm64(aws: Catalog) -> None:
    assert aws.price("m7g.large", "us-east-1").arch == "arm64"
    assert aws.price("m7i.large", "us-east-1").arch == "x86_64"
    assert aws.price("db.r7g.large", "us-east-1", engine="postgres").arch == "arm64"


@pytest.mark.parametrize("region", AWS_REGIONS)
def test_aws_managed_services_and_shared_products(aws: Catalog, region: str) -> None:
    for family in ("db.t3", "db.t4g", "db.m5", "db.m6g", "db.m6i", "db.m7g", "db.r5", "db.r6g"):
        size = "medium" if family.startswith("db.t") else "large"
        for engine in ("postgres", "mysql"):
            single = aws.price(f"{family}.{size}", region, engine=engine, deployment="single_az")
            multi = aws.price(f"{family}.{size}", region, engine=engine, deployment="multi_az")
            assert multi.unit_price == single.unit_price * 2
    for product in ("db.r6i.large", "db.r7g.large"):
        aws.price(product, region, engine="postgres")
    for family in ("cache.m6g", "cache.m7g", "cache.r6g", "cache.r7g"):
        assert aws.price(f"{family}.large", region, engine="redis").memory_gib
    aws.price("cache.t4g.micro", region)
    for product in (
        "ebs-gp3",
        "ebs-gp2",
        "ebs-io2",
        "ebs-snapshot",
        "s3-standard",
        "s3-standard-ia",
        "s3-glacier-ir",
        "alb",
        "alb-lcu",
        "nat-gateway",
        "nat-gateway-gb",
        "eks-cluster",
        "transfer-out",
        "transfer-inter-az",
        "transfer-inter-region",
        "fargate-vcpu",
        "fargate-memory",
        "sqs-requests",
    ):
        assert aws.price(product, region).unit_price > 0, product
    assert aws.price("rds-gp3", region, deployment="multi_az").unit_price == (
        aws.price("rds-gp3", region, deployment="single_az").unit_price * 2
    )


@pytest.mark.parametrize("cloud", CLOUDS)
def test_catalog_covers_the_region_table(cloud: str) -> None:
    assert set(regions_of(cloud)) <= set(load_catalog(cloud).regions())


ROLES = [
    "lb_hour",
    "lb_capacity",
    "nat_hour",
    "nat_gb",
    "k8s_control_plane",
    "egress",
    "inter_az",
    "inter_region",
    "db_storage",
    "block_storage",
    "snapshot",
    "containers_vcpu",
    "containers_memory",
    "queue_requests",
    "object_storage.standard",
    "object_storage.standard_ia",
    "object_storage.archive",
]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_role_names_a_product_priced_in_every_region(cloud: str) -> None:
    catalog = load_catalog(cloud)
    for role in [*ROLES, *catalog.roles()]:
        product = catalog.role(role)
        for region in catalog.regions():
            by_engine = role in ("db_storage", "db_backup") and cloud == "azure"
            engine = "postgres" if by_engine else ""
            assert catalog.find(product, region, engine=engine) is not None, (role, region)


def test_unknown_role_is_an_error_and_find_role_is_none(aws: Catalog) -> None:
    with pytest.raises(CatalogError, match="lb_hour"):
        aws.role("lb_hours")
    assert aws.find_role("queue_base") is None
    assert load_catalog("azure").find_role("queue_base") == "service-bus-standard-base"


@pytest.mark.parametrize(
    ("cloud", "product", "kwargs"),
    [
        ("gcp", "n2-standard-4", {}),
        ("gcp", "e2-standard-2", {}),
        ("gcp", "n2d-highmem-8", {}),
        ("gcp", "t2a-standard-4", {}),
        ("gcp", "db-custom-4-16384", {"engine": "postgres", "deployment": "multi_az"}),
        ("gcp", "memorystore-standard-5gb", {"engine": "redis"}),
        ("gcp", "pd-balanced", {}),
        ("gcp", "gcs-standard", {}),
        ("gcp", "cloud-run-vcpu", {}),
        ("gcp", "pubsub-messages", {}),
        ("azure", "Standard_D4s_v5", {}),
        ("azure", "Standard_B2s", {}),
        ("azure", "Standard_E4s_v5", {}),
        ("azure", "Standard_D4ps_v5", {}),
        ("azure", "GP_Standard_D4ds_v5", {"engine": "postgres", "deployment": "multi_az"}),
        ("azure", "Premium_P1", {"engine": "redis"}),
        ("azure", "premium-ssd", {}),
        ("azure", "blob-hot", {}),
        ("azure", "container-apps-vcpu", {}),
        ("azure", "service-bus-standard-ops", {}),
    ],
)
def test_gcp_and_azure_products(cloud: str, product: str, kwargs: dict[str, str]) -> None:
    catalog = load_catalog(cloud)
    for region in regions_of(cloud):
        # A tiered product may start with an included, zero-priced tier (Service Bus
        # Standard's first 13M operations); its last tier is what usage above it costs.
        tiers = catalog.tiers(catalog.price(product, region, **kwargs))
        assert tiers[-1].unit_price > 0


def test_gcp_and_azure_list_prices_in_the_base_region() -> None:
    gcp, azure = load_catalog("gcp"), load_catalog("azure")
    assert gcp.price("n2-standard-4", "us-central1").unit_price == Decimal("0.194236")
    assert azure.price("Standard_D4s_v5", "eastus").unit_price == Decimal("0.192")
    # Cloud SQL shapes are priced from the per-vCPU and per-GB list prices.
    sql = gcp.price("db-custom-4-16384", "us-central1", engine="postgres")
    assert sql.unit_price == Decimal("0.0413") * 4 + Decimal("0.007") * 16


# -- lookups ---------------------------------------------------------------------------


def test_engine_must_be_named_when_a_class_has_several(aws: Catalog) -> None:
    assert aws.find("db.m6g.large", "us-east-1") is None
    with pytest.raises(CatalogError, match=r"needs an engine; engines: mysql, postgres"):
        aws.price("db.m6g.large", "us-east-1")
    assert aws.price("db.m6g.large", "us-east-1", engine="mysql").unit_price == Decimal("0.152")


def test_deployment_defaults_to_single_az(aws: Catalog) -> None:
    p = aws.price("db.m6g.large", "us-east-1", engine="postgres")
    assert p.deployment == "single_az"
    assert p.unit_price == Decimal("0.159")
    assert aws.price("rds-gp3", "us-east-1").unit_price == Decimal("0.115")
    # Engine-agnostic storage rows match any engine.
    assert aws.price(
        "rds-gp3", "us-east-1", engine="postgres", deployment="multi_az"
    ).unit_price == (Decimal("0.23"))


def test_purchase_options(aws: Catalog) -> None:
    assert aws.purchases_for("rds-gp3", "us-east-1") == ["on_demand"]
    assert aws.purchases_for("db.m5.large", "us-east-1") == [
        "on_demand",
        "reserved_1y",
        "reserved_3y",
    ]
    assert aws.purchases_for("nonexistent", "us-east-1") == []
    assert aws.sells("m5.large", "spot")
    assert not aws.sells("db.m5.large", "spot")
    reserved = aws.price("m5.large", "us-east-1", "reserved_1y").unit_price
    assert reserved < Decimal("0.096")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("m5.larg", "us-east-1"), r"unknown aws product 'm5.larg' \(closest: m5.large"),
        (
            ("m5.large", "us-east-9"),
            r"unknown aws region 'us-east-9' \(closest: us-east-1|us-east-2",
        ),
        (("m5.large", "us-east-1", "spt"), r"unknown purchase option 'spt' \(closest: spot\)"),
        (
            ("db.m5.large", "us-east-1", "spot"),
            r"not sold as spot; purchase options: on_demand, reserved_1y",
        ),
    ],
)
def test_errors_name_the_closest_valid_ids(
    aws: Catalog, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        aws.price(*args)


def test_unknown_cloud() -> None:
    with pytest.raises(CatalogError, match=r"unknown cloud 'awz' \(closest: aws\)"):
        load_catalog("awz")


def test_products_sorted_by_price_then_product_and_filtered(aws: Catalog) -> None:
    rows = aws.products("us-east-1", category="compute", min_vcpu=4, min_memory_gib=16)
    assert rows
    keys = [(p.unit_price, p.product) for p in rows]
    assert keys == sorted(keys)
    assert all(p.vcpu is not None and p.vcpu >= 4 for p in rows)
    assert all(p.memory_gib is not None and p.memory_gib >= 16 for p in rows)
    m7g = aws.products("us-east-1", family="m7g", min_vcpu=4)
    assert [p.product for p in m7g] == ["m7g.xlarge", "m7g.2xlarge", "m7g.4xlarge", "m7g.8xlarge"]
    arm = aws.products("eu-west-1", category="compute", arch="arm64", generation="current")
    assert arm and all(p.arch == "arm64" for p in arm)
    multi = aws.products("us-east-1", category="database", engine="postgres", deployment="multi_az")
    assert multi and {p.deployment for p in multi} == {"multi_az"}
    spot = aws.products("us-east-1", category="compute", purchase="spot")
    assert spot and {p.purchase for p in spot} == {"spot"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "us-esat-1"}, "unknown aws region"),
        ({"region": "us-east-1", "family": "m9z"}, "unknown aws family 'm9z'"),
        ({"region": "us-east-1", "category": "computer"}, r"closest: compute"),
        ({"region": "us-east-1", "arch": "arm"}, "unknown arch"),
        ({"region": "us-east-1", "purchase": "reserved"}, "unknown purchase option"),
    ],
)
def test_products_rejects_unknown_filters(
    aws: Catalog, kwargs: dict[str, str], message: str
) -> None:
    region = kwargs.pop("region")
    with pytest.raises(CatalogError, match=message):
        aws.products(region, **kwargs)  # type: ignore[arg-type]


# -- loading files -------------------------------------------------------------------

HEADER = ",".join(COLUMNS)
GOOD = (
    "aws,AmazonEC2,m5.large,us-east-1,on_demand,hour,0.096,USD,2,8,m5,current,x86_64,"
    "2025-01-01,test,compute,,,,"
)


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "aws.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_is_cached_and_reloads_a_rewritten_file(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, GOOD)
    first = load_catalog("aws", path)
    assert load_catalog("aws", path) is first
    path.write_text(HEADER + "\n" + GOOD.replace("0.096", "0.1") + "\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    again = load_catalog("aws", path)
    assert again is not first
    assert again.price("m5.large", "us-east-1").unit_price == Decimal("0.1")
    # roles.yaml beside a custom CSV is optional: the shipped one is used.
    assert again.role("lb_hour") == "alb"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            (HEADER, GOOD.replace("0.096", "abc")),
            r"aws.csv:2:7: column unit_price: expected a decimal",
        ),
        (
            (HEADER, GOOD.replace(",hour,", ",hours,")),
            r"aws.csv:2:6: column unit: expected one of hour",
        ),
        ((HEADER, GOOD.replace("2025-01-01", "01/01/2025")), r"aws.csv:2:14: column as_of"),
        ((HEADER, GOOD.replace(",test,", ",,")), r"aws.csv:2:15: column source: must not be empty"),
        ((HEADER, GOOD.replace("aws,", "gcp,", 1)), r"aws.csv:2:1: column cloud: expected 'aws'"),
        ((HEADER, GOOD.replace(",compute,", ",computer,")), r"column category: .*closest: compute"),
        ((HEADER, GOOD, GOOD), r"aws.csv:3: duplicate of line 2: m5.large in us-east-1"),
        ((HEADER, GOOD + ",extra"), r"aws.csv:2: expected 20 fields, found 21"),
        ((HEADER.replace(",source", ""), GOOD), r"aws.csv:1: missing column\(s\) source"),
        ((HEADER, GOOD.replace(",2,8,", ",two,8,")), r"column vcpu: expected a number"),
        ((HEADER, GOOD.replace("0.096", "-1")), r"column unit_price: expected a number >= 0"),
        ((HEADER,), r"aws.csv: no price rows"),
    ],
)
def test_bad_files_name_file_line_and_column(
    tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        load_catalog("aws", _write(tmp_path, *lines))


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"nope.csv: cannot read the aws price catalog"):
        load_catalog("aws", tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"empty.csv:1: empty file"):
        load_catalog("aws", empty)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    bad = GOOD.replace("0.096", "x")
    path = _write(tmp_path, HEADER, bad, bad.replace("m5.large", "m5.xlarge"))
    with pytest.raises(CatalogError) as info:
        load_catalog("aws", path)
    assert str(info.value).count("column unit_price") == 2


def test_write_catalog_is_atomic(tmp_path: Path) -> None:
    good = load_catalog("aws", _write(tmp_path, HEADER, GOOD)).rows
    out = tmp_path / "out" / "aws.csv"
    write_catalog("aws", good, out)
    before = out.read_bytes()
    assert before == (HEADER + "\n" + GOOD + "\n").encode()
    broken = dataclasses.replace(good[0], product="m5.xlarge", category="nonsense")
    with pytest.raises(CatalogError, match="column category"):
        write_catalog("aws", [*good, broken], out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["aws.csv"]


def _fields(p: Price) -> dict[str, object]:
    return {name: getattr(p, name) for name in Price.__dataclass_fields__}


# -- tiered products -------------------------------------------------------------------------

D9 = Decimal("0.09")
TIER = (
    "aws,AWSDataTransfer,transfer-out,us-east-1,on_demand,GB,{price},USD,,,,,,2025-01-01,"
    "test,network,,,{start},{end}"
)


def test_a_tiered_product_loads_its_ladder(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER,
        TIER.format(price="0.09", start=0, end=10240),
        TIER.format(price="0.085", start=10240, end=""),
    )
    catalog = load_catalog("aws", path)
    first = catalog.price("transfer-out", "us-east-1")
    assert (first.unit_price, first.tier_start, first.tier_end) == (D9, Decimal(0), Decimal(10240))
    assert [t.unit_price for t in catalog.tiers(first)] == [Decimal("0.09"), Decimal("0.085")]
    assert [t.tier_label for t in catalog.tiers(first)] == ["first 10,240 GB", "over 10,240 GB"]
    # Written back, the same bytes.
    assert format_catalog(catalog.rows) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        (((0, 10240), (20000, "")), "must run from 0 without gaps"),
        (((0, 10240), (10240, 20000)), "the last without an end"),
        (((5, ""),), "must run from 0"),
    ],
)
def test_tiers_with_gaps_or_no_open_end_are_refused(
    tmp_path: Path, tiers: tuple[tuple[object, object], ...], message: str
) -> None:
    rows = [TIER.format(price="0.09", start=a, end=b) for a, b in tiers]
    with pytest.raises(CatalogError, match=message):
        load_catalog("aws", _write(tmp_path, HEADER, *rows))


def test_a_tier_ending_before_it_starts_is_located(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, TIER.format(price="0.09", start=100, end=50))
    with pytest.raises(
        CatalogError, match=r"aws.csv:2:20: column tier_end: expected a number above"
    ):
        load_catalog("aws", path)
