"""`devops-plan price`, `devops-plan catalog list` and `devops-plan catalog refresh`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from devops_plan.cli import app
from devops_plan.units import format_money, format_rate

from .test_catalog_aws import EC2_PARAMS, M5_RESERVED, aws_env, ec2_entry, page

__all__ = ["aws_env"]  # a fixture, used by name

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_price_json_is_the_contract() -> None:
    result = run("price", "aws", "m5.large", "--region", "us-east-1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {
        "cloud": "aws",
        "product": "m5.large",
        "region": "us-east-1",
        "purchase": "on_demand",
        "unit": "hour",
        "unit_price": 0.096,
        "monthly": 70.08,
        "currency": "USD",
        "as_of": "2025-01-01",
        "source": "AWS EC2 On-Demand pricing page, Linux, shared tenancy, us-east-1 list price",
    }


def test_price_of_a_monthly_unit_is_the_unit_price() -> None:
    data = json.loads(run("price", "aws", "ebs-gp3", "--region", "us-east-1", "--json").stdout)
    assert (data["unit"], data["unit_price"], data["monthly"]) == ("GB-month", 0.08, 0.08)


def test_price_database_with_engine_multi_az_and_purchase() -> None:
    result = run("price", "aws", "db.m6g.large", "--engine", "postgres", "--multi-az", "--json")
    assert json.loads(result.stdout)["unit_price"] == 0.318
    reserved = run(
        "price", "aws", "m5.large", "--region", "eu-west-2", "--purchase", "reserved_1y", "--json"
    )
    data = json.loads(reserved.stdout)
    assert data["purchase"] == "reserved_1y"
    assert data["source"].startswith("derived:")


def test_price_text_output() -> None:
    result = run("price", "gcp", "n2-standard-4", "--region", "us-central1")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "gcp n2-standard-4 in us-central1 (on_demand)",
        "  0.194236 USD per hour",
        "  141.79228 USD per month (730 hours)",
        "  4 vCPU, 16 GiB",
        "  source: Google Compute Engine VM instance pricing page, on-demand, "
        "us-central1 list price",
        "  as of 2025-01-01",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["aws", "m5.larg"], "unknown aws product 'm5.larg' (closest: m5.large"),
        (["aws", "m5.large", "--region", "us-est-1"], "unknown aws region 'us-est-1' (closest: "),
        (["aws", "m5.large", "--purchase", "reserved"], "unknown purchase option 'reserved'"),
        (
            ["aws", "db.m5.large", "--engine", "postgres", "--purchase", "spot"],
            "aws db.m5.large in us-east-1 is not sold as spot; purchase options: on_demand, "
            "reserved_1y, reserved_3y",
        ),
        (["aws", "db.m5.large"], "needs an engine; engines: mysql, postgres"),
        (["amazon", "m5.large"], "unknown cloud 'amazon'"),
        (["azure", "Standard_D4s_v5", "--region", "eastus3"], "(closest: eastus"),
    ],
)
def test_price_errors_exit_2_with_the_closest_ids(args: list[str], message: str) -> None:
    result = run("price", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_catalog_list_sorted_by_price_with_filters() -> None:
    result = run(
        "catalog", "list", "--cloud", "aws", "--region", "us-east-1",
        "--family", "m7g", "--min-vcpu", "4", "--min-memory", "16", "--json",
    )  # fmt: skip
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["product"] for r in rows] == [
        "m7g.xlarge",
        "m7g.2xlarge",
        "m7g.4xlarge",
        "m7g.8xlarge",
    ]
    assert rows[0]["unit_price"] == 0.1632 and rows[0]["arch"] == "arm64"
    every = json.loads(
        run("catalog", "list", "--region", "eu-west-1", "--category", "compute", "--json").stdout
    )
    prices = [(r["unit_price"], r["product"]) for r in every]
    assert prices == sorted(prices)
    assert len(every) > 100


def test_catalog_list_databases_by_engine_and_deployment() -> None:
    rows = json.loads(
        run(
            "catalog", "list", "--cloud", "gcp", "--category", "database", "--engine", "mysql",
            "--deployment", "multi_az", "--min-vcpu", "4", "--json",
        ).stdout
    )  # fmt: skip
    assert rows[0]["product"] == "db-custom-4-16384"
    assert {(r["engine"], r["deployment"]) for r in rows} == {("mysql", "multi_az")}
    bad = run("catalog", "list", "--category", "database", "--deployment", "ha")
    assert bad.exit_code == 2 and "unknown deployment 'ha'" in bad.stderr


def test_catalog_list_table() -> None:
    result = run("catalog", "list", "--cloud", "azure", "--category", "cache", "--limit", "3")
    assert result.exit_code == 0
    assert "azure eastus on_demand (USD, prices as of 2025-01-01)" in result.stdout
    assert "Basic_C0" in result.stdout
    assert "Premium_P4" not in result.stdout
    # Prices as the rest of the CLI writes money: the unit price with every digit, the month
    # to the cent with thousands separators, each with its currency.
    args = ("catalog", "list", "--cloud", "azure", "--category", "cache", "--limit", "3", "--json")
    first = json.loads(run(*args).stdout)[0]
    unit_price = format_rate(Decimal(str(first["unit_price"])), "USD")
    monthly = format_money(Decimal(str(first["monthly"])), "USD")
    assert f"{unit_price} │ {monthly} │" in result.stdout


def test_catalog_list_table_months_only_hourly_units() -> None:
    # S3 Glacier Instant Retrieval is 0.004 USD per GB-month: its "monthly" cell read
    # 0.00 USD, a price that looks free; a GB or GB-month price has no month of its own
    result = run("catalog", "list", "--category", "object_storage")
    row = next(line for line in result.stdout.splitlines() if "s3-glacier-ir " in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[-3:] == ["0.004 USD", "", ""]
    assert "0.00 USD" not in result.stdout
    hourly = run("catalog", "list", "--family", "t4g", "--limit", "1").stdout
    assert "0.0084 USD │ 6.13 USD │" in hourly  # t4g.micro: 0.0084 x 730


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "us-east-7"], "unknown aws region 'us-east-7'"),
        (["--family", "m7x"], "unknown aws family 'm7x' (closest: m7i, m7g)"),
        (["--cloud", "gcp", "--category", "vm"], "unknown category 'vm'"),
    ],
)
def test_catalog_list_errors(args: list[str], message: str) -> None:
    result = run("catalog", "list", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_catalog_list_nothing_matches_is_not_an_error() -> None:
    result = run("catalog", "list", "--family", "t2", "--min-vcpu", "64")
    assert result.exit_code == 0
    assert "no aws products in us-east-1 match" in result.stderr


# -- refresh -------------------------------------------------------------------------


def test_refresh_writes_the_catalog(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, aws_env: None
) -> None:
    from devops_plan.catalog import refresh_aws as catalog_aws

    client = boto3.session.Session().client("pricing", region_name="us-east-1")
    monkeypatch.setattr(catalog_aws, "make_client", lambda: client)
    out = tmp_path / "aws.csv"
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            page(
                [
                    ec2_entry(
                        "6C86BEPQVG73ZGGR", "m5.large", "2", "8 GiB", "0.097", reserved=M5_RESERVED
                    )
                ]
            ),
            EC2_PARAMS,
        )
        result = run(
            "catalog",
            "refresh",
            "aws",
            "--region",
            "us-east-1",
            "--service",
            "ec2",
            "--out",
            str(out),
            # One product stubbed against the shipped catalog's 113: allow the drop.
            "--max-drop",
            "100",
        )
    assert result.exit_code == 0, result.output
    assert (
        f"rows to {out} (3 fetched: 3 replaced, 0 added; 0 price entries skipped)" in result.stdout
    )
    priced = run("price", "aws", "m5.large", "--catalog", str(out), "--json")
    assert json.loads(priced.stdout)["unit_price"] == 0.097
    # Everything else of the shipped catalog is still there.
    other = run(
        "price", "aws", "m5.large", "--region", "eu-west-2", "--catalog", str(out), "--json"
    )
    assert other.exit_code == 0, other.output
    assert json.loads(other.stdout)["unit_price"] == 0.111


def test_refresh_of_an_unknown_cloud_is_a_user_error(tmp_path: Path) -> None:
    result = run(
        "catalog", "refresh", "oracle", "--region", "us-central1", "--out", str(tmp_path / "x.csv")
    )
    assert result.exit_code == 2
    assert "unknown cloud 'oracle'" in result.stderr


def test_refresh_without_credentials_exits_1_with_one_line(tmp_path: Path) -> None:
    # A real process and a real boto3 client: no credentials anywhere, no metadata
    # service, and any request would go to a closed port on loopback.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    out = tmp_path / "aws.csv"
    done = subprocess.run(
        [sys.executable, "-c", "from devops_plan.cli import main; main()",
         "catalog", "refresh", "aws", "--region", "us-east-1", "--service", "ec2",
         "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY (the Price List API needs pricing:GetProducts)"
    ]
    assert not out.exists()
