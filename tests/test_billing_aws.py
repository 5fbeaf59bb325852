"""The boto3 sources against moto running as a real server on loopback: Cost Explorer and
Athena results queued through moto's own API, CloudWatch data written with put_metric_data.
Credentials are fake and set for these tests only."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from devops_plan.billing.report import build_report, cloudwatch_for, load_catalogs
from devops_plan.billing.sources.athena import AthenaEngine
from devops_plan.billing.sources.costexplorer import fetch_cost_and_usage, open_cost_explorer
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.billing.spend import collect_spend
from devops_plan.billing.sqlfiles import render_sql, spend_params
from devops_plan.cli import app
from devops_plan.errors import ExternalError
from tests.billing_fixtures import FOCUS_COLUMNS, DuckAthena, focus_row, write_csv

runner = CliRunner()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _post(endpoint: str, path: str, body: Any) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    # A plain body: with a form content type moto would not see the raw text.
    request = urllib.request.Request(
        f"{endpoint}{path}", data=data, method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
        assert response.status in (200, 201), response.status


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Fake credentials and the moto endpoint, for this test only; moto reset after it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield moto_endpoint
    _post(moto_endpoint, "/moto-api/reset", b"")


def _ce_page(day: date, groups: list[tuple[str, str, str]], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "ResultsByTime": [
            {
                "TimePeriod": {
                    "Start": day.isoformat(),
                    "End": (day + timedelta(days=1)).isoformat(),
                },
                "Total": {},
                "Groups": [
                    {
                        "Keys": [service, region],
                        "Metrics": {
                            "UnblendedCost": {"Amount": amount, "Unit": "USD"},
                            "AmortizedCost": {"Amount": amount, "Unit": "USD"},
                        },
                    }
                    for service, region, amount in groups
                ],
                "Estimated": False,
            }
        ],
        "DimensionValueAttributes": [],
    }
    if token:
        page["NextPageToken"] = token
    return page


def _queue_cost_explorer(endpoint: str) -> None:
    _post(
        endpoint,
        "/moto-api/static/ce/cost-and-usage-results",
        {
            "results": [
                _ce_page(
                    date(2024, 9, 1),
                    [
                        ("Amazon Elastic Compute Cloud - Compute", "us-east-1", "10.123456"),
                        ("Amazon Simple Storage Service", "us-east-1", "1.5"),
                    ],
                    "page-2",
                ),
                _ce_page(
                    date(2024, 9, 2), [("AWS Key Management Service", "NoRegion", "0.25")], None
                ),
            ]
        },
    )


def test_cost_explorer_pages_become_the_billing_view(aws: str) -> None:
    _queue_cost_explorer(aws)
    rows = fetch_cost_and_usage(date(2024, 9, 1), date(2024, 9, 3))
    assert [(r.service, r.region, r.unblended) for r in rows] == [
        ("Amazon Elastic Compute Cloud - Compute", "us-east-1", Decimal("10.123456")),
        ("Amazon Simple Storage Service", "us-east-1", Decimal("1.5")),
        ("AWS Key Management Service", "NoRegion", Decimal("0.25")),
    ]
    _post(aws, "/moto-api/reset", b"")
    _queue_cost_explorer(aws)
    with open_cost_explorer(date(2024, 9, 1), date(2024, 9, 3)) as engine:
        spend = collect_spend(engine, date(2024, 9, 1), date(2024, 9, 3))
    assert spend.billed_cost == Decimal("11.873456")
    assert {d.service for d in spend.daily} == {
        "Amazon Elastic Compute Cloud - Compute",
        "Amazon Simple Storage Service",
        "AWS Key Management Service",
    }
    assert spend.period.hours == Decimal(48)


def test_cost_explorer_through_the_cli(aws: str, tmp_path: Path) -> None:
    _queue_cost_explorer(aws)
    result = runner.invoke(
        app,
        [
            "report",
            "--cost-explorer",
            "--since",
            "2024-09-01",
            "--until",
            "2024-09-03",
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"]["billed_cost"] == "11.87"
    assert data["inputs"] == [
        {
            "source": "cost-explorer",
            "currency": "USD",
            "rows": 3,
            "rows_implausible": 0,
            "billed_cost": "11.87",
            "billed_cost_exact": "11.873456000000",
        }
    ]


# -- Athena -----------------------------------------------------------------------------------

_TABLE_COLUMNS = [(c.lower(), "varchar") for c in FOCUS_COLUMNS]


def _athena_result(
    names: list[str], types: list[str], rows: list[list[str | None]]
) -> dict[str, Any]:
    header = {"Data": [{"VarCharValue": n} for n in names]}
    body = [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
    return {
        "rows": [header, *body],
        "column_info": [
            {"Name": n, "Label": n, "Type": t, "Nullable": "UNKNOWN", "CaseSensitive": True}
            for n, t in zip(names, types, strict=True)
        ],
    }


def test_athena_runs_the_same_sql_with_polling(aws: str, tmp_path: Path) -> None:
    probe = _athena_result([n for n, _ in _TABLE_COLUMNS], [t for _, t in _TABLE_COLUMNS], [])
    # The one query's result, typed as Athena reports it: one row per group of each grain.
    columns = [
        ("grain", "varchar"),
        ("in_period", "boolean"),
        ("source_file", "varchar"),
        ("day", "date"),
        ("period_start", "timestamp"),
        ("period_end", "timestamp"),
        ("on_demand_compute", "boolean"),
        ("provider", "varchar"),
        ("service", "varchar"),
        ("service_category", "varchar"),
        ("region", "varchar"),
        ("resource_id", "varchar"),
        ("resource_name", "varchar"),
        ("resource_type", "varchar"),
        ("instance_type", "varchar"),
        ("usage_type", "varchar"),
        ("charge_description", "varchar"),
        ("charge_category", "varchar"),
        ("pricing_category", "varchar"),
        ("tags", "varchar"),
        ("consumed_unit", "varchar"),
        ("currency", "varchar"),
        ("billed_cost", "decimal"),
        ("effective_cost", "decimal"),
        ("list_cost", "decimal"),
        ("consumed_quantity", "double"),
        ("list_unit_price", "double"),
        ("row_count", "bigint"),
        ("billed_rows", "bigint"),
        ("dated_rows", "bigint"),
        ("implausible_rows", "bigint"),
        ("first_start", "timestamp"),
        ("last_end", "timestamp"),
    ]
    first, last = "2024-09-01 00:00:00.000", "2024-09-02 00:00:00.000"
    # What the bill spans (sql/span.sql): September 2024, in USD, amounts a bill can have.
    span_columns = [
        ("start_year", "bigint"),
        ("start_month", "bigint"),
        ("currency", "varchar"),
        ("row_count", "bigint"),
        ("first_end_month", "bigint"),
        ("last_end_month", "bigint"),
        ("max_billed", "double"),
        ("max_effective", "double"),
        ("max_list", "double"),
        ("max_quantity", "double"),
    ]
    september = str(2024 * 12 + 8)
    span_result = _athena_result(
        [n for n, _ in span_columns],
        [t for _, t in span_columns],
        [["2024", "9", "USD", "3", september, september, "15.0", "15.0", None, "12.0"]],
    )

    def row(**values: str | None) -> list[str | None]:
        assert set(values) <= {n for n, _ in columns}, set(values) - {n for n, _ in columns}
        return [values.get(n) for n, _ in columns]

    machine = {
        "provider": "AWS",
        "service": "Amazon Elastic Compute Cloud",
        "service_category": "Compute",
        "charge_category": "Usage",
    }
    spend_result = _athena_result(
        [n for n, _ in columns],
        [t for _, t in columns],
        [
            row(
                grain="line",
                in_period="true",
                **machine,
                region="us-east-1",
                resource_id="i-0abc",
                resource_name="web",
                resource_type="instance",
                charge_description="$0.096 per On Demand Linux m5.large Instance Hour",
                pricing_category="Standard",
                tags='{"environment": "prod"}',
                consumed_unit="Hours",
                billed_cost="30.000000000000",
                effective_cost="30.000000000000",
                consumed_quantity="24.0",
                list_unit_price="0.096",
                row_count="2",
                billed_rows="2",
                dated_rows="2",
                first_start=first,
                last_end=last,
            ),
            row(
                grain="line",
                in_period="true",
                provider="AWS",
                service="Tax",
                charge_description="tax",
                charge_category="Tax",
                billed_cost="0.500000000000",
                effective_cost="0.500000000000",
                row_count="1",
                billed_rows="1",
                dated_rows="1",
                first_start=first,
                last_end=last,
            ),
            # The time grain: per charge period, file, currency, provider, service and
            # category; the days, compute hours and files read are added up from it.
            row(
                grain="time",
                in_period="true",
                source_file="s3://bucket/focus/part-0.parquet",
                day="2024-09-01",
                period_start=first,
                period_end=last,
                on_demand_compute="true",
                **machine,
                pricing_category="Standard",
                consumed_unit="Hours",
                currency="USD",
                billed_cost="30.000000000000",
                effective_cost="30.000000000000",
                row_count="2",
                billed_rows="2",
                dated_rows="2",
                implausible_rows="0",
                first_start=first,
                last_end=last,
            ),
            row(
                grain="time",
                in_period="true",
                source_file="s3://bucket/focus/part-0.parquet",
                day="2024-09-01",
                period_start=first,
                period_end=last,
                on_demand_compute="false",
                provider="AWS",
                service="Tax",
                charge_category="Tax",
                currency="USD",
                billed_cost="0.500000000000",
                effective_cost="0.500000000000",
                row_count="1",
                billed_rows="1",
                dated_rows="1",
                implausible_rows="0",
                first_start=first,
                last_end=last,
            ),
        ],
    )
    _post(
        aws,
        "/moto-api/static/athena/query-results",
        {"results": [probe, span_result, spend_result]},
    )
    # Each query stays QUEUED/RUNNING for a few polls before it succeeds.
    _post(
        aws,
        "/moto-api/state-manager/set-transition",
        {"model_name": "athena::execution", "transition": {"progression": "manual", "times": 2}},
    )
    sleeps: list[float] = []
    try:
        engine = AthenaEngine(
            "billing_db",
            "focus_export",
            "s3://results-bucket/athena/",
            sleep=sleeps.append,
            poll_seconds=0.5,
        )
        spend = collect_spend(engine)
    finally:
        _post(aws, "/moto-api/state-manager/unset-transition", {"model_name": "athena::execution"})
    assert sleeps and set(sleeps) == {0.5}
    assert spend.billed_cost == Decimal("30.5")
    assert spend.inputs[0].source == "s3://bucket/focus/part-0.parquet"
    assert [ln.resource_id for ln in spend.lines] == ["", "i-0abc"]
    assert spend.lines[1].consumed_quantity == 24.0
    assert [(d.service, d.billed_cost) for d in spend.daily] == [
        ("Amazon Elastic Compute Cloud", Decimal(30)),
        ("Tax", Decimal("0.5")),
    ]
    # Only the on-demand compute hour is the commitment baseline, not the tax.
    assert [(h.provider, h.cost) for h in spend.compute_hours] == [("AWS", Decimal(30))]
    assert spend.engine == "athena"
    athena = boto3.client("athena", region_name="us-east-1")
    sent = [
        athena.get_query_execution(QueryExecutionId=q)["QueryExecution"]["Query"]
        for q in athena.list_query_executions()["QueryExecutionIds"]
    ]
    assert any('SELECT * FROM "billing_db"."focus_export" LIMIT 0' in q for q in sent)
    # A small query of what the bill spans, then one query that reads the table once; their
    # texts are the package's SQL files, unchanged (a clean bill: nothing to test per row).
    texts = [
        render_sql("span"),
        render_sql("spend", **spend_params("TRUE", "TRUE")),
    ]
    assert [q for q in sent if q.startswith("WITH billing AS (")] == [
        q for q in sent if q.endswith(tuple(texts))
    ]
    assert [sum(q.endswith(text) for q in sent) for text in texts] == [1, 1]
    assert all('"$path" AS SourceFile' in q for q in sent if q.startswith("WITH"))


def test_the_athena_sql_gives_the_local_results(tmp_path: Path) -> None:
    rows = [
        focus_row(
            BilledCost=str(i + 1),
            ResourceId=f"i-0{i:016x}",
            ResourceName=f"vm-{i}",
            ChargePeriodStart=f"2024-09-01 {i:02d}:00:00",
            ChargePeriodEnd=f"2024-09-01 {i + 1:02d}:00:00",
        )
        for i in range(5)
    ]
    path = write_csv(tmp_path / "f.csv", rows)
    with DuckDBEngine.open_files([path]) as local:
        expected = collect_spend(local)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # The "Glue table": the same rows, lower-case column names, and Athena's $path column.
    con.execute("CREATE SCHEMA billing_db")
    con.execute(
        f"CREATE TABLE billing_db.focus AS SELECT *, 's3://b/f.csv' AS \"$path\" FROM read_csv('{path}', "
        "nullstr = 'NULL', all_varchar = true)"
    )
    # Typed like AWS's FOCUS table: timestamps and doubles.
    con.execute(
        "CREATE TABLE billing_db.focus_typed AS SELECT * REPLACE ("
        "CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart, "
        "CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd, "
        "CAST(BilledCost AS DOUBLE) AS BilledCost, CAST(EffectiveCost AS DOUBLE) AS EffectiveCost) "
        "FROM billing_db.focus"
    )
    fake = DuckAthena(con)
    engine = AthenaEngine(
        "billing_db", "focus_typed", "s3://results/", client=fake, sleep=lambda _: None
    )
    got = collect_spend(engine)
    assert got.billed_cost == expected.billed_cost == Decimal(15)
    assert [(ln.resource_id, ln.billed_cost) for ln in got.lines] == [
        (ln.resource_id, ln.billed_cost) for ln in expected.lines
    ]
    assert [h.cost for h in got.compute_hours] == [h.cost for h in expected.compute_hours]
    assert got.period == expected.period
    assert fake.pages > len(fake.queries)  # results came back over several pages


def test_a_failed_athena_query_is_one_line(tmp_path: Path) -> None:
    class Failing(DuckAthena):
        def get_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
            return {
                "QueryExecution": {
                    "Status": {
                        "State": "FAILED",
                        "StateChangeReason": "TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.db.t does not exist",
                    }
                }
            }

    with pytest.raises(ExternalError, match=r"^Athena query q0 failed: TABLE_NOT_FOUND"):
        AthenaEngine("db", "t", "s3://r/", client=Failing(duckdb.connect()), sleep=lambda _: None)


# -- CloudWatch -------------------------------------------------------------------------------


def test_cloudwatch_utilization_drives_idle_and_unused_findings(aws: str, tmp_path: Path) -> None:
    start = datetime(2024, 9, 1)
    days = 15
    idle, busy, volume = "i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2", "vol-0ccccccccccccccc3"
    rows = []
    for h in range(days * 24):
        when = start + timedelta(hours=h)
        period = {
            "ChargePeriodStart": f"{when:%Y-%m-%d %H:%M:%S}",
            "ChargePeriodEnd": f"{when + timedelta(hours=1):%Y-%m-%d %H:%M:%S}",
        }
        rows.append(focus_row(ResourceId=idle, ResourceName="idle", **period))
        rows.append(focus_row(ResourceId=busy, ResourceName="busy", **period))
        if h % 24 == 0:
            rows.append(
                focus_row(
                    ResourceId=volume,
                    ResourceName="data",
                    ResourceType="volume",
                    ServiceCategory="Storage",
                    ChargeDescription="$0.08 per GB-month of General Purpose (gp3) provisioned storage",
                    ConsumedUnit="GB-Mo",
                    ConsumedQuantity="3.2",
                    BilledCost="0.256",
                    **{
                        "ChargePeriodStart": f"{when:%Y-%m-%d %H:%M:%S}",
                        "ChargePeriodEnd": f"{when + timedelta(days=1):%Y-%m-%d %H:%M:%S}",
                    },
                )
            )
    path = write_csv(tmp_path / "bill.csv", rows)
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    for instance, cpu, net in ((idle, 1.0, 1000.0), (busy, 60.0, 5e8)):
        points = []
        for h in range(days * 24):
            when = (start + timedelta(hours=h, minutes=5)).replace(tzinfo=UTC)
            dims = [{"Name": "InstanceId", "Value": instance}]
            points += [
                {
                    "MetricName": "CPUUtilization",
                    "Dimensions": dims,
                    "Timestamp": when,
                    "Value": cpu + (h % 10) / 10,
                    "Unit": "Percent",
                },
                {
                    "MetricName": "NetworkIn",
                    "Dimensions": dims,
                    "Timestamp": when,
                    "Value": net,
                    "Unit": "Bytes",
                },
            ]
        for i in range(0, len(points), 500):
            cw.put_metric_data(Namespace="AWS/EC2", MetricData=points[i : i + 500])  # type: ignore[arg-type]
    with DuckDBEngine.open_files([path]) as engine:
        spend = collect_spend(engine)
    usage = cloudwatch_for(spend)
    assert usage.source == "CloudWatch"
    idle_usage = usage.find(idle)
    assert idle_usage is not None and idle_usage.samples == days * 24
    expected_p95 = sorted(1.0 + (h % 10) / 10 for h in range(days * 24))
    assert idle_usage.cpu_p95_pct == pytest.approx(
        expected_p95[int(0.95 * (len(expected_p95) - 1))], abs=0.1
    )
    assert idle_usage.mem_peak_pct is None  # no CloudWatch agent
    assert idle_usage.net_mb_per_day == pytest.approx(1000 * 24 / 1e6)
    vol = usage.find(volume)
    assert vol is not None and vol.disk_ops_per_day == 0
    catalogs, notes = load_catalogs(spend)
    report = build_report(spend, usage, catalogs, notes=notes)
    found = {(r.kind, r.resource_id) for r in report.recommendations}
    assert ("idle", idle) in found and ("waste", volume) in found
    assert not any(rid == busy for kind, rid in found if kind in ("idle", "rightsizing"))


# -- credentials and refusals -----------------------------------------------------------------


def test_missing_credentials_is_one_line_exit_1(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    result = runner.invoke(
        app,
        [
            "report",
            "--cost-explorer",
            "--since",
            "2024-09-01",
            "--until",
            "2024-09-02",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Cost Explorer: no AWS credentials found; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY"
    ]


def test_a_denied_call_is_one_line_exit_1(
    aws: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="no-billing")
    key = iam.create_access_key(UserName="no-billing")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    _post(aws, "/moto-api/reset-auth", b"0")  # from now on moto checks IAM permissions
    try:
        result = runner.invoke(
            app,
            [
                "report",
                "--cost-explorer",
                "--since",
                "2024-09-01",
                "--until",
                "2024-09-02",
                "--out",
                str(tmp_path / "o"),
            ],
        )
    finally:
        _post(aws, "/moto-api/reset-auth", b"inf")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Cost Explorer: AWS refused GetCostAndUsage: AccessDenied")
    assert "Traceback" not in result.output


def test_an_unknown_aws_profile_is_one_line_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # boto3 refuses the profile while making the client, before any call: that too is one
    # line (it was a traceback), worded as the catalog refresh words it.
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    result = runner.invoke(
        app,
        ["report", "--cost-explorer", "--since", "2024-09-01", "--until", "2024-09-02"],
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        "AWS configuration error: The config profile (no-such-profile) could not be found"
    ]


def test_an_xml_error_body_is_read_for_its_code_and_message() -> None:
    from botocore.stub import Stubber

    client = boto3.session.Session().client(
        "ce",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stub:
        stub.add_client_error(
            "get_cost_and_usage",
            service_error_code="",
            service_message=(
                "<ErrorResponse>\n  <Error><Code>ThrottlingException</Code>"
                "<Message>Rate exceeded</Message></Error>\n</ErrorResponse>"
            ),
        )
        with pytest.raises(ExternalError) as info:
            fetch_cost_and_usage(date(2024, 9, 1), date(2024, 9, 2), client=client)
    assert str(info.value) == (
        "Cost Explorer: AWS refused GetCostAndUsage: ThrottlingException: Rate exceeded"
    )


def test_an_endpoint_url_with_a_password_is_not_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Before: "Cost Explorer: Could not connect to the endpoint URL:
    # "http://user:s3cr3t@127.0.0.1:PORT/"": the password, in a CI log.
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://user:s3cr3t@127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = runner.invoke(
        app,
        ["report", "--cost-explorer", "--since", "2024-09-01", "--until", "2024-09-02"],
    )
    assert result.exit_code == 1, result.output
    assert "s3cr3t" not in result.output
    assert result.stderr.strip().splitlines() == [
        f'Cost Explorer: Could not connect to the endpoint URL: "http://***:***@127.0.0.1:{port}/"'
    ]
