"""`catalog refresh`: AWS Price List GetProducts pages -> catalog rows -> an atomic write.

Moto does not implement the pricing service, so these tests stub the real boto3 client
with botocore's Stubber, fed with responses shaped like real GetProducts output.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from devops_plan.catalog import COLUMNS, load_catalog, read_rows
from devops_plan.catalog.refresh_aws import (
    PriceListError,
    queries,
    refresh_aws,
    rows_from_price_list,
)
from devops_plan.errors import CatalogError, ExternalError

PUBLISHED = "2026-10-30T18:04:11Z"
ON_DEMAND = "JRTCKXETXF"
HOURS = "6YS6EN2CT7"
UPFRONT = "2TG2D8R56U"


def _dimension(sku: str, term: str, rate: str, unit: str, price: str, text: str) -> dict[str, Any]:
    dim: dict[str, Any] = {
        "unit": unit,
        "description": text,
        "appliesTo": [],
        "rateCode": f"{sku}.{term}.{rate}",
        "pricePerUnit": {"USD": price},
    }
    if unit != "Quantity":
        dim |= {"beginRange": "0", "endRange": "Inf"}
    return dim


def _term(sku: str, code: str, dims: list[dict[str, Any]], attrs: dict[str, str]) -> dict[str, Any]:
    return {
        "priceDimensions": {d["rateCode"]: d for d in dims},
        "sku": sku,
        "effectiveDate": "2026-10-01T00:00:00Z",
        "offerTermCode": code,
        "termAttributes": attrs,
    }


def ec2_entry(
    sku: str,
    instance: str,
    vcpu: str,
    memory: str,
    hourly: str | None,
    *,
    region: str = "us-east-1",
    processor: str = "Intel Xeon Platinum 8175",
    reserved: dict[tuple[str, str], tuple[str, str]] | None = None,
    current: str = "Yes",
) -> str:
    """One GetProducts PriceList entry for an EC2 Linux instance (a JSON string)."""
    terms: dict[str, Any] = {}
    if hourly is not None:
        dim = _dimension(
            sku,
            ON_DEMAND,
            HOURS,
            "Hrs",
            hourly,
            f"${hourly} per On Demand Linux {instance} Instance Hour",
        )
        terms["OnDemand"] = {f"{sku}.{ON_DEMAND}": _term(sku, ON_DEMAND, [dim], {})}
    reserved_terms = {}
    for i, ((lease, option), (hrs, fee)) in enumerate(sorted((reserved or {}).items())):
        code = f"RSV{i:07d}"
        dims = [
            _dimension(
                sku,
                code,
                HOURS,
                "Hrs",
                hrs,
                f"Linux/UNIX (Amazon VPC), {instance} reserved instance applied",
            )
        ]
        if fee != "0":
            dims.append(_dimension(sku, code, UPFRONT, "Quantity", fee, "Upfront Fee"))
        attrs = {
            "LeaseContractLength": lease,
            "OfferingClass": "standard",
            "PurchaseOption": option,
        }
        reserved_terms[f"{sku}.{code}"] = _term(sku, code, dims, attrs)
    # A convertible term must be ignored: the catalog's reserved rows are standard.
    conv = "CONV000001"
    reserved_terms[f"{sku}.{conv}"] = _term(
        sku,
        conv,
        [_dimension(sku, conv, HOURS, "Hrs", "0.0001", "convertible")],
        {
            "LeaseContractLength": "1yr",
            "OfferingClass": "convertible",
            "PurchaseOption": "No Upfront",
        },
    )
    terms["Reserved"] = reserved_terms
    entry = {
        "product": {
            "productFamily": "Compute Instance",
            "attributes": {
                "instanceType": instance,
                "vcpu": vcpu,
                "memory": memory,
                "regionCode": region,
                "location": "US East (N. Virginia)",
                "locationType": "AWS Region",
                "operatingSystem": "Linux",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
                "licenseModel": "No License required",
                "currentGeneration": current,
                "physicalProcessor": processor,
                "processorArchitecture": "64-bit",
                "instanceFamily": "General purpose",
                "servicecode": "AmazonEC2",
                "usagetype": f"BoxUsage:{instance}",
                "operation": "RunInstances",
                "marketoption": "OnDemand",
            },
            "sku": sku,
        },
        "serviceCode": "AmazonEC2",
        "terms": terms,
        "version": "20261030180411",
        "publicationDate": PUBLISHED,
    }
    return json.dumps(entry)


M5_RESERVED = {
    ("1yr", "No Upfront"): ("0.0600000000", "0"),
    ("1yr", "Partial Upfront"): ("0.0290000000", "252"),
    ("3yr", "No Upfront"): ("0.0410000000", "0"),
}
M7G_RESERVED = {
    ("1yr", "No Upfront"): ("0.0514000000", "0"),
    ("3yr", "Partial Upfront"): ("0.0160000000", "420"),
}


def page(entries: list[str], token: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": entries}
    if token:
        response["NextToken"] = token
    return response


EC2_PARAMS = {
    "ServiceCode": "AmazonEC2",
    "Filters": [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"},
        {"Type": "TERM_MATCH", "Field": "productFamily", "Value": "Compute Instance"},
        {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Linux"},
        {"Type": "TERM_MATCH", "Field": "tenancy", "Value": "Shared"},
        {"Type": "TERM_MATCH", "Field": "preInstalledSw", "Value": "NA"},
        {"Type": "TERM_MATCH", "Field": "capacitystatus", "Value": "Used"},
        {"Type": "TERM_MATCH", "Field": "licenseModel", "Value": "No License required"},
    ],
    "FormatVersion": "aws_v1",
    "MaxResults": 100,
}


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and no instance-metadata lookups: nothing may leave the machine."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    # Should anything slip past the Stubber, it hits a closed port on loopback.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


@pytest.fixture
def client(aws_env: None) -> Any:
    return boto3.session.Session().client("pricing", region_name="us-east-1")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A small base catalog: us-east-1 and eu-west-1 rows, one of them stale."""
    path = tmp_path / "base.csv"
    lines = [
        # A catalog written before tiers existed: no tier columns (still loads).
        ",".join(c for c in COLUMNS if not c.startswith("tier_")),
        "aws,AmazonEC2,m5.large,eu-west-1,on_demand,hour,0.107,USD,2,8,m5,current,x86_64,2025-01-01,shipped,compute,,",
        "aws,AmazonEC2,m5.large,us-east-1,on_demand,hour,0.099,USD,2,8,m5,current,x86_64,2025-01-01,stale,compute,,",
        "aws,AmazonEC2,m5.large,us-east-1,spot,hour,0.0336,USD,2,8,m5,current,x86_64,2025-01-01,"
        "derived: x; approximate,compute,,",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_refresh_follows_pages_and_merges_over_the_base(
    client: Any, base: Path, tmp_path: Path
) -> None:
    out = tmp_path / "aws.csv"
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            page(
                [
                    ec2_entry(
                        "6C86BEPQVG73ZGGR",
                        "m5.large",
                        "2",
                        "8 GiB",
                        "0.0960000000",
                        reserved=M5_RESERVED,
                    )
                ],
                "token-2",
            ),
            EC2_PARAMS,
        )
        stub.add_response(
            "get_products",
            page(
                [
                    ec2_entry(
                        "Q9HJ3WDVB8EZR5CK",
                        "m7g.large",
                        "2",
                        "8 GiB",
                        "0.0816000000",
                        processor="AWS Graviton3 Processor",
                        reserved=M7G_RESERVED,
                    ),
                    ec2_entry(
                        "XK7A3RYZQ2TBUJ6D", "u-6tb1.metal", "448", "6,144 GiB", "40.0400000000"
                    ),
                ]
            ),
            EC2_PARAMS | {"NextToken": "token-2"},
        )
        result = refresh_aws(["us-east-1"], out, services=["ec2"], client=client, base=base)
        stub.assert_no_pending_responses()

    catalog = load_catalog("aws", out)
    m5 = catalog.price("m5.large", "us-east-1")
    assert m5.unit_price == Decimal("0.096")
    assert m5.as_of == "2026-10-30"
    assert m5.source == "AWS Price List API, AmazonEC2 sku 6C86BEPQVG73ZGGR, OnDemand"
    assert catalog.price("m5.large", "us-east-1", "reserved_1y").unit_price == Decimal("0.06")
    assert catalog.price("m5.large", "us-east-1", "reserved_3y").unit_price == Decimal("0.041")
    # Rows the refresh did not fetch are kept as they were.
    assert catalog.price("m5.large", "eu-west-1").source == "shipped"
    assert catalog.price("m5.large", "us-east-1", "spot").unit_price == Decimal("0.0336")
    m7g = catalog.price("m7g.large", "us-east-1")
    assert (m7g.arch, m7g.family, m7g.vcpu, m7g.memory_gib) == ("arm64", "m7g", 2.0, 8.0)
    # No 3-year no-upfront term: the effective hourly of partial upfront (420 / 26280 + 0.016).
    r3 = catalog.price("m7g.large", "us-east-1", "reserved_3y")
    assert r3.unit_price == Decimal("0.016") + Decimal(420) / Decimal(26280)
    assert "Partial Upfront (effective hourly incl. upfront)" in r3.source
    assert catalog.price("u-6tb1.metal", "us-east-1").memory_gib == 6144.0
    assert (result.fetched, result.replaced, result.added) == (7, 1, 6)
    assert result.written == 9 == len(catalog)
    assert result.skipped == []


def test_product_without_on_demand_terms_is_skipped_and_reported(
    client: Any, base: Path, tmp_path: Path
) -> None:
    out = tmp_path / "aws.csv"
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            page(
                [
                    ec2_entry(
                        "NOONDEMAND000001", "m5.xlarge", "4", "16 GiB", None, reserved=M5_RESERVED
                    ),
                    ec2_entry("6C86BEPQVG73ZGGR", "m5.large", "2", "8 GiB", "0.0960000000"),
                ]
            ),
            EC2_PARAMS,
        )
        result = refresh_aws(["us-east-1"], out, services=["ec2"], client=client, base=base)
    assert result.skipped == ["AmazonEC2 sku NOONDEMAND000001 (m5.xlarge): no OnDemand Hrs price"]
    catalog = load_catalog("aws", out)
    assert catalog.find("m5.xlarge", "us-east-1") is None
    assert catalog.find("m5.xlarge", "us-east-1", "reserved_1y") is None
    assert catalog.price("m5.large", "us-east-1").unit_price == Decimal("0.096")


def test_malformed_price_is_a_clear_error_and_writes_nothing(
    client: Any, base: Path, tmp_path: Path
) -> None:
    out = tmp_path / "aws.csv"
    out.write_bytes(base.read_bytes())
    before = out.read_bytes()
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            page(
                [ec2_entry("6C86BEPQVG73ZGGR", "m5.large", "2", "8 GiB", "0.0960000000")], "token-2"
            ),
            EC2_PARAMS,
        )
        stub.add_response(
            "get_products",
            page([ec2_entry("BADPRICE00000001", "c5.large", "2", "4 GiB", "$0.085/hr")]),
            EC2_PARAMS | {"NextToken": "token-2"},
        )
        with pytest.raises(PriceListError) as info:
            refresh_aws(["us-east-1"], out, services=["ec2"], client=client)
    message = str(info.value)
    assert message == (
        "AmazonEC2 sku BADPRICE00000001: malformed price '$0.085/hr' (expected a decimal number)"
    )
    assert isinstance(info.value, ExternalError)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_partial_file_when_a_later_query_fails(client: Any, base: Path, tmp_path: Path) -> None:
    out = tmp_path / "fresh.csv"
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            page([ec2_entry("6C86BEPQVG73ZGGR", "m5.large", "2", "8 GiB", "0.096")]),
            EC2_PARAMS,
        )
        stub.add_client_error(
            "get_products", "AccessDeniedException", "User is not authorized", 400
        )
        with pytest.raises(
            ExternalError, match=r"refused GetProducts \(AmazonRDS\): AccessDeniedException"
        ):
            refresh_aws(["us-east-1"], out, services=["ec2", "rds"], client=client, base=base)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_credentials_is_one_clear_line(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, base: Path, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    # A fresh session: the default one may have cached the fake keys of another test.
    no_creds = boto3.session.Session().client("pricing", region_name="us-east-1")
    with pytest.raises(ExternalError) as info:
        refresh_aws(
            ["us-east-1"], tmp_path / "aws.csv", services=["ec2"], client=no_creds, base=base
        )
    assert str(info.value).startswith("no AWS credentials found")
    assert "\n" not in str(info.value)
    assert info.value.exit_code == 1
    assert not (tmp_path / "aws.csv").exists()


def test_rds_elasticache_and_ebs_entries() -> None:
    rds = {
        "product": {
            "productFamily": "Database Instance",
            "attributes": {
                "instanceType": "db.m6g.large",
                "vcpu": "2",
                "memory": "8 GiB",
                "databaseEngine": "PostgreSQL",
                "deploymentOption": "Multi-AZ",
                "regionCode": "eu-west-1",
                "physicalProcessor": "AWS Graviton2",
                "currentGeneration": "Yes",
            },
            "sku": "RDSPGM6GLMAZ0001",
        },
        "serviceCode": "AmazonRDS",
        "terms": {
            "OnDemand": {
                "RDSPGM6GLMAZ0001.JRTCKXETXF": _term(
                    "RDSPGM6GLMAZ0001",
                    ON_DEMAND,
                    [_dimension("RDSPGM6GLMAZ0001", ON_DEMAND, HOURS, "Hrs", "0.3500000000", "x")],
                    {},
                )
            }
        },
        "publicationDate": PUBLISHED,
    }
    readable = json.loads(json.dumps(rds))
    readable["product"]["attributes"]["deploymentOption"] = "Multi-AZ (readable standbys)"
    readable["product"]["sku"] = "RDSREADABLE00001"
    rows, skipped = rows_from_price_list(
        "rds", "eu-west-1", [json.dumps(rds), json.dumps(readable)]
    )
    [row] = rows
    assert (row.product, row.engine, row.deployment, row.category, row.arch) == (
        "db.m6g.large",
        "postgres",
        "multi_az",
        "database",
        "arm64",
    )
    assert row.unit_price == Decimal("0.35")
    assert skipped and "RDSREADABLE00001" in skipped[0]

    gp3 = {
        "product": {
            "productFamily": "Storage",
            "attributes": {
                "volumeApiName": "gp3",
                "regionCode": "us-east-1",
                "usagetype": "EBS:VolumeUsage.gp3",
            },
            "sku": "EBSGP3USE1000001",
        },
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": {
                "EBSGP3USE1000001.JRTCKXETXF": _term(
                    "EBSGP3USE1000001",
                    ON_DEMAND,
                    [
                        _dimension(
                            "EBSGP3USE1000001", ON_DEMAND, HOURS, "GB-Mo", "0.0800000000", "x"
                        )
                    ],
                    {},
                )
            }
        },
        "publicationDate": PUBLISHED,
    }
    [ebs], _ = rows_from_price_list("ebs", "us-east-1", [json.dumps(gp3)])
    assert (ebs.product, ebs.unit, ebs.unit_price, ebs.category) == (
        "ebs-gp3",
        "GB-month",
        Decimal("0.08"),
        "block_storage",
    )


def test_queries_and_unknown_service() -> None:
    assert queries("ec2", "us-east-1")[0].params() == EC2_PARAMS
    assert [q.filters[-1] for q in queries("rds", "eu-west-2")] == [
        ("databaseEngine", "PostgreSQL"),
        ("databaseEngine", "MySQL"),
    ]
    with pytest.raises(CatalogError, match="unknown AWS service 'lambda'"):
        refresh_aws(["us-east-1"], "unused.csv", services=["lambda"], client=object())


def test_written_catalog_loads_and_is_deterministic(
    client: Any, base: Path, tmp_path: Path
) -> None:
    texts = []
    for name, order in (("a.csv", 1), ("b.csv", -1)):
        entries = [
            ec2_entry("6C86BEPQVG73ZGGR", "m5.large", "2", "8 GiB", "0.096", reserved=M5_RESERVED),
            ec2_entry(
                "Q9HJ3WDVB8EZR5CK", "m7g.large", "2", "8 GiB", "0.0816", processor="AWS Graviton3"
            ),
        ][::order]
        with Stubber(client) as stub:
            stub.add_response("get_products", page(entries), EC2_PARAMS)
            refresh_aws(["us-east-1"], tmp_path / name, services=["ec2"], client=client, base=base)
        texts.append((tmp_path / name).read_bytes())
        read_rows("aws", tmp_path / name)
    assert texts[0] == texts[1]


def test_unknown_aws_profile_is_one_clear_line_exit_1(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from devops_plan.cli import app

    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    out = tmp_path / "aws.csv"
    result = CliRunner().invoke(
        app, ["catalog", "refresh", "aws", "--region", "us-east-1", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "AWS configuration error: The config profile (no-such-profile) could not be found"
    )
    assert not out.exists()
