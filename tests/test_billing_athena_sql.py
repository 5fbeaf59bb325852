"""Every query Athena is sent, for the report and for reconcile, exactly as AthenaEngine composes
it, parsed with sqlglot's Athena (Trino) dialect. The DuckDB runs of the Athena SQL (in
test_billing_aws and test_reconcile) prove the shared SQL gives the local results; they cannot
see the Trino-only parts (json_format of a map of tags, "$path", from_iso8601_timestamp).
Here every function a query calls must be one Trino has: one sqlglot knows, or one of the few
Trino functions it does not model, listed below; DuckDB-only syntax fails the test."""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from devops_plan.billing.reconcile import plan_of, reconcile_spend, spend_for
from devops_plan.billing.sources.athena import AthenaEngine
from devops_plan.billing.spend import collect_spend
from tests.conftest import DESIGNS

# Trino functions sqlglot parses as anonymous calls (it has no model of them).
TRINO_ONLY = {"FROM_ISO8601_TIMESTAMP", "TRY"}
# Constructs sqlglot reads in any dialect that Trino does not have.
NOT_TRINO = (exp.Struct, exp.Except)

# The Glue table as Athena describes it: lower-case names, tags as a map, timestamps as text.
TABLE = [
    ("billedcost", "double"),
    ("effectivecost", "double"),
    ("listcost", "double"),
    ("chargeperiodstart", "varchar"),
    ("chargeperiodend", "varchar"),
    ("billingcurrency", "varchar"),
    ("providername", "varchar"),
    ("servicename", "varchar"),
    ("servicecategory", "varchar"),
    ("regionid", "varchar"),
    ("resourceid", "varchar"),
    ("resourcetype", "varchar"),
    ("chargedescription", "varchar"),
    ("chargecategory", "varchar"),
    ("pricingcategory", "varchar"),
    ("consumedquantity", "double"),
    ("consumedunit", "varchar"),
    ("tags", "map(varchar,varchar)"),
]


def check_trino(sql: str) -> object:
    """The parsed query; AssertionError naming what Trino would not run."""
    tree = sqlglot.parse_one(sql, read="athena")
    assert tree is not None
    unknown = {f.name.upper() for f in tree.find_all(exp.Anonymous)} - TRINO_ONLY
    assert not unknown, f"functions Trino does not have: {sorted(unknown)}"
    bad = [type(node).__name__ for node in tree.find_all(*NOT_TRINO)]
    bad += [
        f"* {k.upper()}"
        for star in tree.find_all(exp.Star)
        for k in ("except", "except_", "replace", "rename")
        if star.args.get(k)
    ]
    assert not bad, f"constructs Trino does not have: {bad}"
    assert "::" not in sql, "a DuckDB-style cast"
    return tree


class _Recorder:
    """An Athena client that parses each query it is sent and answers with canned results:
    the table's columns, a bill of September 2024 with one stray row in 2100 (so the
    plausibility test and the examples query are composed too), one charge line."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def start_query_execution(self, **kwargs: Any) -> dict[str, str]:
        self.sent.append(kwargs["QueryString"])
        check_trino(kwargs["QueryString"])
        return {"QueryExecutionId": str(len(self.sent) - 1)}

    def get_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
        return {"QueryExecution": {"Status": {"State": "SUCCEEDED"}}}

    def get_query_results(self, QueryExecutionId: str, MaxResults: int, **_: Any) -> dict[str, Any]:
        sql = self.sent[int(QueryExecutionId)]
        names, rows = self._answer(sql)
        return {
            "ResultSet": {
                "Rows": [{"Data": [{"VarCharValue": n} for n in names]}]
                + [{"Data": [{} if v is None else {"VarCharValue": v} for v in r]} for r in rows],
                "ResultSetMetadata": {
                    "ColumnInfo": [{"Name": n, "Type": t} for n, t in names.items()]
                },
            }
        }

    def _answer(self, sql: str) -> tuple[dict[str, str], list[list[str | None]]]:
        if sql.endswith("LIMIT 0"):
            return dict(TABLE), []
        if "AS start_year" in sql:
            names = {
                "start_year": "bigint",
                "start_month": "bigint",
                "currency": "varchar",
                "row_count": "bigint",
                "first_end_month": "bigint",
                "last_end_month": "bigint",
                "max_billed": "double",
                "max_effective": "double",
                "max_list": "double",
            }
            september, stray = str(2024 * 12 + 8), str(2100 * 12)
            return names, [
                ["2024", "9", "USD", "1000", september, september, "1.0", "1.0", "1.0"],
                ["2100", "1", "USD", "1", stray, stray, "1.0", "1.0", "1.0"],
            ]
        if "AS grain" in sql:
            return self._spend()
        return {"source_file": "varchar"}, []  # the examples of implausible rows

    @staticmethod
    def _spend() -> tuple[dict[str, str], list[list[str | None]]]:
        types = {
            "in_period": "boolean",
            "on_demand_compute": "boolean",
            "day": "date",
            "billed_cost": "decimal",
            "effective_cost": "decimal",
            "list_cost": "decimal",
            "consumed_quantity": "decimal",
            "list_unit_price": "double",
        }
        types |= {
            k: "bigint" for k in ("row_count", "billed_rows", "dated_rows", "implausible_rows")
        }
        types |= {k: "timestamp" for k in ("period_start", "period_end", "first_start", "last_end")}
        text = [
            "grain",
            "source_file",
            "provider",
            "service",
            "service_category",
            "region",
            "resource_id",
            "resource_name",
            "resource_type",
            "instance_type",
            "usage_type",
            "charge_description",
            "charge_category",
            "pricing_category",
            "tags",
            "consumed_unit",
            "currency",
        ]
        names = {**{k: "varchar" for k in text}, **types}
        line = {
            "grain": "line",
            "in_period": "true",
            "provider": "AWS",
            "service": "Amazon Elastic Compute Cloud",
            "charge_category": "Usage",
            "resource_id": "i-1",
            "region": "eu-west-1",
            "consumed_unit": "Hours",
            "charge_description": "$0.0768 per On Demand Linux c6g.large Instance Hour",
            "billed_cost": "1.000000000000",
            "row_count": "1000",
            "first_start": "2024-09-01 00:00:00.000",
            "last_end": "2024-10-01 00:00:00.000",
        }
        # The time grain: the days, compute hours and files read are added up from it; the
        # implausible row is outside the period.
        hour = {
            **line,
            "grain": "time",
            "source_file": "s3://b/f.parquet",
            "currency": "USD",
            "day": "2024-09-01",
            "resource_id": None,
            "region": None,
            "charge_description": None,
            "billed_rows": "1000",
            "dated_rows": "1000",
            "implausible_rows": "0",
        }
        rejected = {
            "grain": "time",
            "in_period": "false",
            "source_file": "s3://b/f.parquet",
            "currency": "USD",
            "row_count": "1",
            "billed_rows": "0",
            "dated_rows": "0",
            "implausible_rows": "1",
        }
        return names, [[row.get(n) for n in names] for row in (line, hour, rejected)]


def _engine(client: _Recorder) -> AthenaEngine:
    return AthenaEngine("billing_db", "focus", "s3://r/", client=client, sleep=lambda _: None)


def test_every_report_query_is_trino() -> None:
    client = _Recorder()
    spend = collect_spend(_engine(client))
    assert spend.implausible_rows == 1
    kinds = ["LIMIT 0", "AS start_year", "AS grain", "WHERE NOT ("]
    assert [next(i for i, q in enumerate(client.sent) if k in q) for k in kinds] == [0, 1, 2, 3]
    # The Trino-only parts were composed, and parsed.
    text = "\n".join(client.sent)
    assert "json_format(CAST" in text and '"$path"' in text and "from_iso8601_timestamp" in text


def test_every_reconcile_query_is_trino() -> None:
    client = _Recorder()
    plan = plan_of(DESIGNS / "startup.yaml")
    rec = reconcile_spend(plan, spend_for(_engine(client), plan, "2024-09"))
    assert rec.mapped_total + rec.unplanned_total == rec.billed_total
    assert any("AS grain" in q for q in client.sent)


@pytest.mark.parametrize(
    "duckdb_only",
    [
        "SELECT {'a': 1} AS m",
        "SELECT * EXCLUDE (a) FROM t",
        "SELECT a::INT FROM t",
        "SELECT to_json(m) FROM t",
        "SELECT isfinite(x) FROM t",
    ],
)
def test_the_check_refuses_duckdb_only_sql(duckdb_only: str) -> None:
    with pytest.raises(AssertionError):
        check_trino(duckdb_only)
