"""Helpers for the billing tests: paths to the shipped sample and the reference data, and
small FOCUS / CUR 2.0 files written on the fly."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
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


def hourly_rows(n: int, **values: str) -> list[dict[str, str]]:
    """`n` FOCUS rows, one per hour from 2024-09-01 (an m5.large unless overridden)."""
    start = datetime(2024, 9, 1)
    return [
        focus_row(
            ChargePeriodStart=f"{start + timedelta(hours=i):%Y-%m-%d %H:%M:%S}",
            ChargePeriodEnd=f"{start + timedelta(hours=i + 1):%Y-%m-%d %H:%M:%S}",
            **values,
        )
        for i in range(n)
    ]


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


def write_parquet(path: Path, select_sql: str, row_group_size: int | None = None) -> Path:
    """A Parquet file from a DuckDB SELECT (so column types are exactly what a test says);
    `row_group_size` rows per row group when given."""
    groups = f", ROW_GROUP_SIZE {row_group_size}" if row_group_size else ""
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet{groups})")
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


def load_generator(name: str = "make_billing_sample") -> ModuleType:
    """scripts/<name>.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
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


class DuckAthena:
    """A stand-in Athena client that runs the SQL it receives on DuckDB (pages of 2 rows),
    to prove the composed `WITH billing AS (...)` text is valid and gives the local results."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.queries: dict[str, str] = {}
        self.results: dict[str, tuple[list[str], list[str], list[list[str | None]]]] = {}
        self.pages = 0

    def start_query_execution(self, **kwargs: Any) -> dict[str, str]:
        qid = f"q{len(self.queries)}"
        self.queries[qid] = kwargs["QueryString"]
        return {"QueryExecutionId": qid}

    def get_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
        return {"QueryExecution": {"Status": {"State": "SUCCEEDED"}}}

    def get_query_results(
        self, QueryExecutionId: str, MaxResults: int, NextToken: str | None = None
    ) -> dict[str, Any]:
        self.pages += 1
        if QueryExecutionId not in self.results:  # run once; pages read the stored result
            cursor = self.con.execute(self.queries[QueryExecutionId])
            self.results[QueryExecutionId] = (
                [d[0] for d in cursor.description or ()],
                [athena_type(str(d[1])) for d in cursor.description or ()],
                [[None if v is None else athena_text(v) for v in row] for row in cursor.fetchall()],
            )
        names, types, rows = self.results[QueryExecutionId]
        start = int(NextToken or 0)
        page = rows[start : start + 2]
        out_rows = ([{"Data": [{"VarCharValue": n} for n in names]}] if start == 0 else []) + [
            {"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in page
        ]
        result: dict[str, Any] = {
            "ResultSet": {
                "Rows": out_rows,
                "ResultSetMetadata": {
                    "ColumnInfo": [
                        {"Name": n, "Type": t} for n, t in zip(names, types, strict=True)
                    ]
                },
            }
        }
        if start + 2 < len(rows):
            result["NextToken"] = str(start + 2)
        return result


def athena_type(duck: str) -> str:
    duck = duck.upper()
    for prefix, athena_type in (
        ("DECIMAL", "decimal"),
        ("DOUBLE", "double"),
        ("BIGINT", "bigint"),
        ("INTEGER", "integer"),
        ("TIMESTAMP", "timestamp"),
        ("DATE", "date"),
        ("BOOLEAN", "boolean"),
    ):
        if duck.startswith(prefix):
            return athena_type
    return "varchar"


def athena_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.000")
    return str(value)
