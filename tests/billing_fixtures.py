"""Helpers for the billing tests: paths to the shipped sample and the reference data, and
small FOCUS / CUR 2.0 files written on the fly."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from devops_plan.billing.spend import ChargeLine

ROOT = Path(__file__).resolve().parents[1]
# shared/ lies beside the checkout, in CI as on developer machines.
REFERENCE_CSV = (
    Path(__file__).resolve().parents[2] / "shared" / "reference" / "focus-1.0-sample-1000.csv"
)
SAMPLE_DIR = ROOT / "data" / "billing"
SAMPLE_FOCUS = SAMPLE_DIR / "focus-sample.csv.gz"
SAMPLE_UTILIZATION = SAMPLE_DIR / "utilization-sample.csv.gz"
SAMPLE_PLANTED = SAMPLE_DIR / "planted.json"

# The FOCUS columns the small test files carry (a subset: the others are optional here).
FOCUS_COLUMNS = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ListUnitPrice",
    "BillingCurrency",
    "ChargeCategory",
    "ChargeDescription",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingCategory",
    "ProviderName",
    "RegionId",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SubAccountId",
    "Tags",
)


def focus_row(**values: Any) -> dict[str, str]:
    """One FOCUS row as text: an hour of an m5.large in us-east-1 unless overridden."""
    row: dict[str, Any] = {
        "BilledCost": "0.096",
        "EffectiveCost": "0.096",
        "ListCost": "0.096",
        "ListUnitPrice": "0.096",
        "BillingCurrency": "USD",
        "ChargeCategory": "Usage",
        "ChargeDescription": "$0.096 per On Demand Linux m5.large Instance Hour",
        "ChargePeriodStart": "2024-09-01 00:00:00",
        "ChargePeriodEnd": "2024-09-01 01:00:00",
        "ConsumedQuantity": "1",
        "ConsumedUnit": "Hours",
        "PricingCategory": "Standard",
        "ProviderName": "AWS",
        "RegionId": "us-east-1",
        "ResourceId": "i-0123456789abcdef0",
        "ResourceName": "web-1",
        "ResourceType": "instance",
        "ServiceCategory": "Compute",
        "ServiceName": "Amazon Elastic Compute Cloud",
        "SkuId": "SKU1",
        "SubAccountId": "111122223333",
        "Tags": json.dumps({"environment": "prod", "owner": "team"}),
    }
    row.update(values)
    return {k: str(v) for k, v in row.items()}


def write_csv(
    path: Path,
    rows: Sequence[Mapping[str, str]],
    columns: Sequence[str] = FOCUS_COLUMNS,
    *,
    compress: bool = False,
    quote_all: bool = False,
) -> Path:
    """A CSV with `columns` (missing values written as NULL, as real exports do)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", newline="") if compress else path.open("w", newline="") as out:
        writer = csv.writer(
            out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n"
        )
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "NULL") for c in columns])
    return path


def write_parquet(path: Path, select_sql: str) -> Path:
    """A Parquet file from a DuckDB SELECT (so column types are exactly what a test says)."""
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
    return path


def decimal_sum(path: Path, column: str = "BilledCost") -> tuple[Decimal, int]:
    """The exact sum of a CSV column and the number of data rows (independent of DuckDB)."""
    total = Decimal(0)
    count = 0
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            count += 1
            value = row[column]
            if value not in ("", "NULL"):
                total += Decimal(value)
    return total, count


def load_generator() -> ModuleType:
    """scripts/make_billing_sample.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "make_billing_sample", ROOT / "scripts" / "make_billing_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def charge_line(**values: object) -> ChargeLine:
    """One charge line: a month of an on-demand m5.large in us-east-1 unless overridden."""
    base: dict[str, object] = {
        "provider": "AWS",
        "service": "Amazon Elastic Compute Cloud",
        "service_category": "Compute",
        "region": "us-east-1",
        "resource_id": "i-0123456789abcdef0",
        "resource_name": "web",
        "resource_type": "",
        "instance_type": "",
        "usage_type": "",
        "charge_description": "$0.096 per On Demand Linux m5.large Instance Hour",
        "charge_category": "Usage",
        "pricing_category": "Standard",
        "tags": '{"environment": "prod"}',
        "consumed_unit": "Hours",
        "billed_cost": Decimal("69.120000000000"),
        "effective_cost": Decimal("69.120000000000"),
        "list_cost": None,
        "consumed_quantity": 720.0,
        "list_unit_price": Decimal("0.096"),
        "row_count": 720,
        "first_start": datetime(2024, 9, 1),
        "last_end": datetime(2024, 10, 1),
    }
    base.update(values)
    return ChargeLine(**base)  # type: ignore[arg-type]
