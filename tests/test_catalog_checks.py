"""Catalog CSVs are not taken on trust: a zero or absurd price, a unit that does not fit the
category, a date far in the future and text that cannot be written anywhere are errors with
the row's place; `free` is how a row says a product costs nothing; a spreadsheet's BOM is
read; special files are refused without blocking."""

from __future__ import annotations

import csv
import os
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from devops_plan import build_plan, load_design
from devops_plan.catalog import COLUMNS, load_catalog, read_rows
from devops_plan.catalog.checks import FUTURE_DAYS
from devops_plan.errors import CatalogError

from .conftest import DESIGNS

# A catalog written before price tiers existed (no tier_start, tier_end): still a catalog.
HEADER = ",".join(c for c in COLUMNS if c not in ("tier_start", "tier_end"))
GOOD = (
    "aws,AmazonEC2,m5.large,us-east-1,on_demand,hour,0.096,USD,2,8,m5,current,x86_64,"
    "2025-01-01,test,compute,,"
)
EKS_FREE = (
    "aws,AmazonEKS,eks-free,us-east-1,on_demand,hour,free,USD,,,,,,2025-01-01,test,kubernetes,,"
)
TODAY = date(2026, 12, 5)
PRICING = Path(__file__).resolve().parents[1] / "data" / "pricing"


def write(tmp_path: Path, *lines: str, name: str = "aws.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    text = "\n".join(lines) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def problem(tmp_path: Path, *lines: str) -> str:
    with pytest.raises(CatalogError) as info:
        read_rows("aws", write(tmp_path, *lines), today=TODAY)
    return str(info.value)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            GOOD.replace(",0.096,", ",0,"),
            "aws.csv:2:7: column unit_price: a unit price of 0 is not a price; compute is never free",
        ),
        (
            GOOD.replace(",0.096,", ",0.000,"),
            "aws.csv:2:7: column unit_price: a unit price of 0 is not a price; compute is never free",
        ),
        (
            GOOD.replace(",0.096,", ",1e-33,"),
            "aws.csv:2:7: column unit_price: 1E-33 is not a plausible price per hour; expected 0.000001 to 1,000,000 (or free)",
        ),
        (
            GOOD.replace(",0.096,", ",5e9,"),
            "aws.csv:2:7: column unit_price: 5E+9 is not a plausible price per hour",
        ),
        (
            GOOD.replace(",0.096,", ",free,"),
            "aws.csv:2:7: column unit_price: a unit price of 0 for m5.large: compute is never free",
        ),
        (
            EKS_FREE.replace(",free,", ",0,"),
            "aws.csv:2:7: column unit_price: a unit price of 0 is not a price; write free if this product costs nothing",
        ),
        (
            GOOD.replace(",hour,", ",GB-month,"),
            "aws.csv:2:6: column unit: 'GB-month' does not fit a compute product; expected hour",
        ),
        (
            GOOD.replace("2025-01-01", "2999-12-31").replace(",0.096,", ",free,"),
            "aws.csv:2:7: column unit_price",
        ),
        (
            GOOD.replace("2025-01-01", "2999-12-31"),
            "aws.csv:2:14: column as_of: 2999-12-31 is in the future (today is 2026-12-05); a price is dated when it was published",
        ),
        (
            GOOD.replace("m5.large", "<script>alert(1)</script>"),
            "aws.csv:2:3: column product: expected letters, digits, '.', '_' and '-'",
        ),
        (
            GOOD.replace("us-east-1", "us-east-1|x"),
            "aws.csv:2:4: column region: expected lowercase letters",
        ),
        (
            GOOD.replace(",USD,", ",usd$,"),
            "aws.csv:2:8: column currency: expected a three-letter ISO code",
        ),
        (
            GOOD.replace(",test,", ",te\u202est,"),
            "aws.csv:2:15: column source: contains a bidirectional text control (U+202E)",
        ),
        (
            GOOD.replace(",test,", ",te\x1b[2Jst,"),
            "aws.csv:2:15: column source: contains a control character (U+001B)",
        ),
        (GOOD.replace(",2,8,", ",99999,8,"), "aws.csv:2:9: column vcpu: expected at most 4096"),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_implausible_rows_are_errors_with_their_place(
    tmp_path: Path, row: str, expected: str
) -> None:
    assert expected in problem(tmp_path, HEADER, row)


def test_free_is_how_a_row_says_it_costs_nothing(tmp_path: Path) -> None:
    rows = read_rows("aws", write(tmp_path, HEADER, GOOD, EKS_FREE), today=TODAY)
    free = next(p for p in rows if p.product == "eks-free")
    assert free.unit_price == Decimal(0)


def test_a_date_within_the_tolerance_is_fine(tmp_path: Path) -> None:
    soon = date.fromordinal(TODAY.toordinal() + FUTURE_DAYS).isoformat()
    later = date.fromordinal(TODAY.toordinal() + FUTURE_DAYS + 1).isoformat()
    read_rows("aws", write(tmp_path, HEADER, GOOD.replace("2025-01-01", soon)), today=TODAY)
    with pytest.raises(CatalogError, match="is in the future"):
        read_rows("aws", write(tmp_path, HEADER, GOOD.replace("2025-01-01", later)), today=TODAY)


def test_a_spreadsheet_bom_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, GOOD, bom=True)
    [row] = read_rows("aws", path, today=TODAY)
    assert row.cloud == "aws" and row.unit_price == Decimal("0.096")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: os.mkfifo(p), "is a named pipe (FIFO)"),
        (lambda p: os.symlink("/dev/zero", p), "is a character device"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
    ids=["fifo", "dev-zero", "folder"],
)
def test_special_files_are_refused_at_once(tmp_path: Path, make, kind: str) -> None:
    path = tmp_path / "special.csv"
    make(path)
    started = time.monotonic()
    with pytest.raises(CatalogError) as info:
        load_catalog("aws", path)
    assert str(info.value) == f"{path}: {kind}; expected a price catalog for aws (CSV)"
    assert time.monotonic() - started < 5


def test_the_price_cli_refuses_dev_zero_with_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from devops_plan.cli import app

    link = tmp_path / "zero.csv"
    os.symlink("/dev/zero", link)
    result = CliRunner().invoke(app, ["price", "aws", "m5.large", "--catalog", str(link)])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"{link}: is a character device; expected a price catalog for aws (CSV)"
    )


def test_a_zero_price_can_no_longer_drop_a_plan_total(tmp_path: Path) -> None:
    """The issue's case: 0 for the plan's node type silently took the shop's total from
    7,447.00 to 2,681.56; now such a catalog does not load, and names the row."""
    node_type = build_plan(load_design(DESIGNS / "shop.yaml")).node_pools[0].instance_type
    with (PRICING / "aws.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    index = {name: i for i, name in enumerate(rows[0])}
    hit = None
    for number, row in enumerate(rows[1:], 2):
        if (row[index["product"]], row[index["region"]], row[index["purchase"]]) == (
            node_type,
            "us-east-1",
            "on_demand",
        ):
            row[index["unit_price"]] = "0"
            hit = number
    assert hit is not None
    path = tmp_path / "aws.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    column = index["unit_price"] + 1
    with pytest.raises(CatalogError) as info:
        load_catalog("aws", path)
    assert str(info.value) == (
        f"{path}:{hit}:{column}: column unit_price: a unit price of 0 is not a price; "
        "compute is never free"
    )


def test_shipped_catalogs_pass_every_check() -> None:
    for cloud in ("aws", "gcp", "azure"):
        assert load_catalog(cloud).rows
