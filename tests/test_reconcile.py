"""`devops-plan reconcile`: bills generated from plans (scripts/make_reconcile_sample.py) with
planted drift are reconciled and each planted drift is found with its amount, nothing else;
every billed cent is mapped or unplanned, on generated bills, the shipped sample and the
FinOps Foundation's FOCUS sample; tags come first; CUR 2.0 and the Athena SQL give the same."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import duckdb
import pytest
from typer.testing import CliRunner

from devops_plan.billing.inventory import tag_key
from devops_plan.billing.reconcile import (
    ReconcileSettings,
    Reconciliation,
    month_period,
    plan_of,
    reconcile_spend,
    reconciliation_to_dict,
    run_reconcile,
    spend_for,
)
from devops_plan.billing.reconcile.charts import drift_waterfall
from devops_plan.billing.reconcile.kinds import measure_of, security_family
from devops_plan.billing.sources.athena import AthenaEngine
from devops_plan.billing.sources.engine import DuckDBEngine
from devops_plan.catalog import load_catalog
from devops_plan.cli import app
from devops_plan.errors import UserError
from tests.billing_fixtures import (
    REFERENCE_CSV,
    SAMPLE_DIR,
    SAMPLE_FOCUS,
    DuckAthena,
    focus_row,
    hourly_rows,
    load_generator,
    write_csv,
    write_parquet,
)
from tests.conftest import DESIGNS

runner = CliRunner()


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_generator("make_reconcile_sample")


def _bill(generator: ModuleType, tmp_path: Path, design: str, drift: object) -> Path:
    plan = plan_of(DESIGNS / f"{design}.yaml")
    return generator.write_bill(generator.bill_rows(plan, drift), tmp_path / f"{design}.csv.gz")


def _flagged(rec: Reconciliation) -> tuple[set[tuple[str, str]], set[str]]:
    rows = {(r.service, r.component) for r in rec.rows if r.drift}
    return rows, {u.resource_id for u in rec.unplanned if u.drift}


def _reconciles_to_the_cent(rec: Reconciliation) -> None:
    assert rec.mapped_total + rec.unplanned_total == rec.billed_total
    data = reconciliation_to_dict(rec)
    rows = [Decimal(c["actual"]) for c in data["components"]]
    rows += [Decimal(u["billed"]) for u in data["unplanned"]]
    assert sum(rows, Decimal(0)) == Decimal(data["totals"]["billed"])
    assert Decimal(data["totals"]["mapped"]) + Decimal(data["totals"]["unplanned"]) == Decimal(
        data["totals"]["billed"]
    )


def test_planted_drift_is_found_with_its_amounts_and_nothing_else(
    generator: ModuleType, tmp_path: Path
) -> None:
    plan = plan_of(DESIGNS / "startup.yaml")
    drift = generator.sample_drift(plan)
    path = _bill(generator, tmp_path, "startup", drift)
    rec = run_reconcile(DESIGNS / "startup.yaml", [path])
    _reconciles_to_the_cent(rec)
    planted = generator.planted(plan, drift)
    assert _flagged(rec) == (
        {(d["service"], d["component"]) for d in planted["drift"]},
        {planted["unplanned"]["resource_id"]},
    )
    for d in planted["drift"]:
        row = next(
            r for r in rec.rows if (r.service, r.component) == (d["service"], d["component"])
        )
        assert abs(row.difference - Decimal(d["difference"])) <= Decimal("0.02"), (row, d)
    (stray,) = [u for u in rec.unplanned if u.drift]
    assert f"{stray.billed:.2f}" == planted["unplanned"]["billed"]
    nodes = next(r for r in rec.rows if r.component == "node-pool")
    # Half of the autoscaled pool: 0.8 nodes on average against 1.625 (1 at night, 2 by day)
    # over the bill's 720 hours (1,170), and the deploy surge's node-hours, which the bill shows
    # as the pool's machines too: 7.604167 x 720 / 730 = 7.5, so 1,177.5 planned, 588.75 billed.
    assert (
        "589 instance-hours (0.8 running on average) against 1,178 planned (1.6)"
        in (nodes.causes[0])
    )
    nat = next(r for r in rec.rows if r.component == "nat-gateway")
    # The gateway doubled (1,440 hours) and its address as planned (720): hours of two kinds.
    assert "2,160.00 hour against 1,440.00 planned" in nat.causes
    assert stray.cause == "m5.large (compute) is not in the plan there; it has c6g.large"


@pytest.mark.parametrize("design", ["shop", "payments", "startup"])
def test_a_bill_as_planned_drifts_nowhere(
    generator: ModuleType, tmp_path: Path, design: str
) -> None:
    path = _bill(generator, tmp_path, design, generator.Drift())
    rec = run_reconcile(DESIGNS / f"{design}.yaml", [path])
    _reconciles_to_the_cent(rec)
    assert _flagged(rec) == (set(), set())
    assert rec.unplanned == ()
    # The planned rows come back as billed, within rounding.
    assert all(abs(r.difference) < Decimal("0.05") for r in rec.rows), rec.rows


@pytest.mark.parametrize("design", ["shop", "payments", "startup"])
def test_the_generated_bills_units_read_back_as_the_catalogs(
    generator: ModuleType, design: str
) -> None:
    # Each planned product is billed in a unit reconcile reads as its catalog unit (requests,
    # queries and samples counted one by one, so many keys or web ACLs a month): otherwise a
    # bill "as planned" could only reconcile by spreading one product's charges over others.
    plan = plan_of(DESIGNS / f"{design}.yaml")
    categories = {p.product: p.category for p in load_catalog(plan.cloud).rows}
    for li in plan.cost.line_items:
        unit = generator.billing_texts(li, categories.get(li.product, li.category))[3]
        assert measure_of(unit)[0] == li.unit, (li.product, unit, li.unit)


def test_a_firewall_drift_stays_the_firewalls(generator: ModuleType, tmp_path: Path) -> None:
    # Twice the WAF (web ACL, rules and requests): only the WAF drifts, by its planned cost;
    # its month charges are not shared with the keys' and secrets' month charges.
    plan = plan_of(DESIGNS / "shop.yaml")
    drift = generator.Drift(factors=(("web", "waf", Decimal(2)),))
    path = _bill(generator, tmp_path, "shop", drift)
    rec = run_reconcile(DESIGNS / "shop.yaml", [path])
    _reconciles_to_the_cent(rec)
    assert _flagged(rec) == ({("web", "waf")}, set())
    (planted,) = generator.planted(plan, drift)["drift"]
    row = next(r for r in rec.rows if (r.service, r.component) == ("web", "waf"))
    assert abs(row.difference - Decimal(planted["difference"])) <= Decimal("0.02")


def test_security_charges_map_to_their_own_kind() -> None:
    # A WAF's requests, counted one by one, are the firewall's requests in millions; KMS keys
    # are key-months; flow logs are flow logs (not a share of every security charge).
    assert measure_of("Requests") == ("request-million", Decimal("1e-6"))
    assert measure_of("Keys") == ("month", Decimal(1))
    assert [security_family(t) for t in ("AWS WAF | webacl", "AWS Key Management Service",
            "AWS Secrets Manager", "per GB of VPC flow logs delivered", "Cloud Armor")] == [
        "firewall", "keys", "secrets", "flow-logs", "firewall"]  # fmt: skip
    assert [security_family(p) for p in ("waf-requests", "kms-key", "secret-manager-access",
            "vnet-flow-logs", "key-vault-operations", "appgw-waf-v2-cu")] == [
        "firewall", "keys", "secrets", "flow-logs", "keys", "firewall"]  # fmt: skip


def test_the_shipped_sample_reconciles_to_the_cent() -> None:
    rec = run_reconcile(DESIGNS / "shop.yaml", [SAMPLE_FOCUS])
    _reconciles_to_the_cent(rec)
    assert rec.billed_total == Decimal("1725.6225")
    assert rec.unplanned and rec.mapped_total > 0


@pytest.mark.skipif(
    not REFERENCE_CSV.exists(), reason="shared/reference is not beside the checkout"
)
def test_the_focus_reference_sample_reconciles_to_the_cent() -> None:
    rec = run_reconcile(DESIGNS / "shop.yaml", [REFERENCE_CSV])
    _reconciles_to_the_cent(rec)
    assert rec.unplanned_total > 0


def test_tags_come_first_and_match_without_regard_to_separators(
    generator: ModuleType, tmp_path: Path
) -> None:
    assert (
        tag_key("devops-plan/service")
        == tag_key("user:devops-plan_service")
        == tag_key("DevopsPlanService")
        == tag_key("user_devops_plan_service")  # CUR 2.0's resource_tags key
    )
    plan = plan_of(DESIGNS / "startup.yaml")
    rows = generator.bill_rows(plan, generator.Drift(), tagged=())
    # The unplanned m5.large, tagged for the node pool: now it is the pool's, another type.
    extra = generator.bill_rows(plan, generator.Drift(unplanned_hours=720), tagged=())[len(rows) :]
    for row in extra:
        row["Tags"] = json.dumps(
            {"devops-plan_service": "app", "devops-plan_component": "node-pool"}
        )
    unknown = dict(
        extra[0], ResourceId="i-other", Tags=json.dumps({"devops-plan/service": "ghost"})
    )
    path = generator.write_bill([*rows, *extra, unknown], tmp_path / "tagged.csv.gz")
    rec = run_reconcile(DESIGNS / "startup.yaml", [path])
    _reconciles_to_the_cent(rec)
    pool = next(r for r in rec.rows if r.component == "node-pool")
    assert pool.by_tag == Decimal("69.12") and pool.drift
    assert any("billed as m5.large; the plan has c6g.large" in c for c in pool.causes)
    (ghost,) = rec.unplanned
    assert ghost.cause == "tagged devops-plan/service=ghost: a service the plan does not have"


def test_cur2_is_reconciled_like_focus(tmp_path: Path) -> None:
    # The startup plan's node pool billed as CUR 2.0 rows: mapped onto it like FOCUS rows.
    path = write_parquet(
        tmp_path / "cur.parquet",
        "SELECT 'AmazonEC2' AS line_item_product_code, 'Compute Instance' AS product_product_family, "
        "'eu-west-1' AS product_region_code, 'i-0' || (i % 2) AS line_item_resource_id, "
        "'c6g.large' AS product_instance_type, 'EU-BoxUsage:c6g.large' AS line_item_usage_type, "
        "'Usage' AS line_item_line_item_type, 'USD' AS line_item_currency_code, 'Hrs' AS pricing_unit, "
        "1.0 AS line_item_usage_amount, 0.0768 AS line_item_unblended_cost, "
        "'$0.0768 per On Demand Linux c6g.large Instance Hour' AS line_item_line_item_description, "
        "TIMESTAMP '2024-09-01' + to_hours(i // 2) AS line_item_usage_start_date, "
        "TIMESTAMP '2024-09-01' + to_hours(i // 2 + 1) AS line_item_usage_end_date "
        "FROM range(1440) t(i)",
    )
    rec = run_reconcile(DESIGNS / "startup.yaml", [path])
    _reconciles_to_the_cent(rec)
    pool = next(r for r in rec.rows if r.component == "node-pool")
    assert pool.actual == rec.billed_total == Decimal("110.592")
    assert rec.unplanned == ()


def test_athena_gives_the_local_reconciliation(generator: ModuleType, tmp_path: Path) -> None:
    plan = plan_of(DESIGNS / "startup.yaml")
    drift = generator.sample_drift(plan)
    path = _bill(generator, tmp_path, "startup", drift)
    with DuckDBEngine.open_files([path]) as local:
        expected = reconcile_spend(plan, spend_for(local, plan, "2024-09"))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE SCHEMA db")
    # The "Glue table", typed as AWS's FOCUS table is: timestamps and doubles.
    con.execute(
        f"CREATE TABLE db.focus AS SELECT * REPLACE ("
        "CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart, "
        "CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd, "
        "CAST(BilledCost AS DOUBLE) AS BilledCost), 's3://b/bill.csv.gz' AS \"$path\" "
        f"FROM read_csv('{path}', all_varchar = true, nullstr = '')"
    )
    engine = AthenaEngine("db", "focus", "s3://r/", client=DuckAthena(con), sleep=lambda _: None)
    got = reconcile_spend(plan, spend_for(engine, plan, "2024-09"))
    assert (
        reconciliation_to_dict(got)["components"] == reconciliation_to_dict(expected)["components"]
    )
    assert got.unplanned == expected.unplanned


def test_months_and_settings() -> None:
    assert [d.isoformat() for d in month_period("2024-12")] == ["2024-12-01", "2025-01-01"]
    for bad in ("2024-13", "24-09", "September"):
        with pytest.raises(UserError, match="expected a month such as 2024-09"):
            month_period(bad)
    assert ReconcileSettings().drift_pct == 10


def test_the_command_exits_3_on_drift_only_when_asked(
    generator: ModuleType, tmp_path: Path
) -> None:
    plan = plan_of(DESIGNS / "startup.yaml")
    path = _bill(generator, tmp_path, "startup", generator.sample_drift(plan))
    args = [
        "reconcile",
        str(DESIGNS / "startup.yaml"),
        "--billing",
        str(path),
        "--period",
        "2024-09",
    ]
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "--out", str(out), "--format", "table,json,md,html,csv"])
    assert result.exit_code == 0, result.output
    assert "Drift found." in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "reconciliation.csv",
        "reconciliation.html",
        "reconciliation.json",
        "reconciliation.md",
    ]
    failing = runner.invoke(
        app, [*args, "--out", str(out), "--fail-on", "drift", "--format", "json"]
    )
    assert failing.exit_code == 3, failing.output
    calm = runner.invoke(
        app, [*args, "--out", str(out), "--fail-on", "drift", "--drift-pct", "1000"]
    )
    assert calm.exit_code == 3  # the unplanned m5.large still drifts
    for bad, message in (
        (["--period", "2024-13"], "--period '2024-13': expected a month"),
        (["--period", "2024-02"], "(2024-02-01 to 2024-03-01) holds no billing rows"),
        (["--fail-on", "cost"], "--fail-on 'cost': expected drift"),
        (["--drift-pct", "-1"], "--drift-pct -1.0: Input should be greater than or equal to 0"),
        (["--format", "pdf"], "--format: unknown format(s) pdf"),
    ):
        result = runner.invoke(app, [*args, *bad, "--out", str(out)])
        assert result.exit_code == 2 and message in result.output, (bad, result.output)


def test_the_thresholds_come_from_the_configuration_too(
    generator: ModuleType, tmp_path: Path
) -> None:
    """[reconcile] in devops-plan.toml beside the design, then DEVOPS_PLAN_RECONCILE_*, then
    the flags: the planted drift (an unplanned m5.large among others) stops drifting when the
    minimum amount is above all of it, and drifts again when a later layer lowers it."""
    plan = plan_of(DESIGNS / "startup.yaml")
    path = _bill(generator, tmp_path, "startup", generator.sample_drift(plan))
    project = tmp_path / "project"
    project.mkdir()
    design = project / "startup.yaml"
    design.write_text((DESIGNS / "startup.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    toml = project / "devops-plan.toml"
    toml.write_text("[reconcile]\ndrift_min_amount = 1000000\n", encoding="utf-8")
    args = ["reconcile", str(design), "--billing", str(path), "--fail-on", "drift"]
    args += ["--format", "json", "--out", str(tmp_path / "out")]
    env_low = {"DEVOPS_PLAN_RECONCILE_DRIFT_MIN_AMOUNT": "1"}
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args, env=env_low).exit_code == 3
    flagged = runner.invoke(app, [*args, "--drift-min-amount", "1000000"], env=env_low)
    assert flagged.exit_code == 0, flagged.output
    toml.write_text("[reconcile]\ndrift_pct = -1\n", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 2
    assert f"{toml}:2:13: reconcile.drift_pct: Input should be greater than or equal to 0" in (
        bad.output
    )


def test_a_bill_in_another_currency_is_one_line(tmp_path: Path) -> None:
    from tests.billing_fixtures import focus_row, write_csv

    path = write_csv(tmp_path / "eur.csv", [focus_row(BillingCurrency="EUR")])
    result = runner.invoke(app, ["reconcile", str(DESIGNS / "shop.yaml"), "--billing", str(path)])
    assert result.exit_code == 2
    assert "the plan is priced in USD and the bill is in EUR" in result.output


def test_reconcile_plans_with_the_catalog_given(generator: ModuleType, tmp_path: Path) -> None:
    """--catalog reaches reconcile like every command that prices: the plan reconciled is
    priced from that folder, and a folder without the cloud's catalog is one line, exit 2."""

    from devops_plan.catalog import default_path

    plan = plan_of(DESIGNS / "startup.yaml")
    path = _bill(generator, tmp_path, "startup", generator.sample_drift(plan))
    folder = tmp_path / "prices"
    folder.mkdir()
    shutil.copy(default_path("aws"), folder / "aws.csv")
    args = ["reconcile", str(DESIGNS / "startup.yaml"), "--billing", str(path), "--format", "json"]
    same = runner.invoke(app, [*args, "--catalog", str(folder), "--out", str(tmp_path / "a")])
    assert same.exit_code == 0, same.output
    shipped = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    a = (tmp_path / "a" / "reconciliation.json").read_text(encoding="utf-8")
    assert a == (tmp_path / "b" / "reconciliation.json").read_text(encoding="utf-8"), shipped.output
    assert plan_of(DESIGNS / "startup.yaml", folder).catalog.source == str(folder / "aws.csv")
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = runner.invoke(app, [*args, "--catalog", str(empty), "--out", str(tmp_path / "c")])
    assert missing.exit_code == 2
    assert f"{empty}: no aws.csv in this catalog folder" in missing.output


def test_a_deploy_surge_is_billed_as_its_pools_machines_and_reconciles(
    generator: ModuleType, tmp_path: Path
) -> None:
    """storefront's blue-green and canary surges are `deploy` line items of their node pools:
    reconcile knows them by their product (the pool's instance type, compute hours) and counts
    them in the pool's component, so a bill of the plan without drift shows none."""
    from devops_plan.billing.reconcile.kinds import Kind
    from devops_plan.billing.reconcile.match import plan_items
    from devops_plan.catalog import load_catalog

    plan = plan_of(DESIGNS / "storefront.yaml")
    surges = [li for li in plan.cost.line_items if li.category == "deploy"]
    assert {li.service for li in surges} == {"web", "api"}
    items = plan_items(plan, load_catalog("aws"))
    for li in surges:
        (item,) = [i for i in items if i.resource == li.resource and i.product == li.product
                   and i.quantity == Decimal(str(li.quantity))]  # fmt: skip
        assert item.kind == Kind("compute", "hour", li.product)
        assert item.group == (li.service, "node-pool")
    path = _bill(generator, tmp_path, "storefront", generator.Drift())
    rec = run_reconcile(DESIGNS / "storefront.yaml", [path])
    _reconciles_to_the_cent(rec)
    assert _flagged(rec) == (set(), set())
    assert all(r.actual > 0 for r in rec.rows if r.component == "node-pool")


def test_the_drift_waterfall_of_a_bill_below_zero_reaches_down_to_it(tmp_path: Path) -> None:
    # Before: the axis stopped at 0 and tight_layout warned on stderr ("Tight layout not
    # applied"); pytest turns that warning into an error here.
    credit = focus_row(BilledCost="-2000", ChargeCategory="Credit", ResourceId="")
    bill = write_csv(tmp_path / "credit.csv", [*hourly_rows(24), credit])
    rec = run_reconcile(DESIGNS / "startup.yaml", [bill])
    assert rec.billed_total < 0
    assert drift_waterfall(rec).startswith(b"\x89PNG\r\n\x1a\n")


def test_json_on_stdout_is_the_json_alone(tmp_path: Path) -> None:
    # Before: "wrote .../reconciliation.json" lines followed the JSON on stdout, so
    # `reconcile --json | jq` failed ("Extra data").
    args = [
        "reconcile",
        str(DESIGNS / "startup.yaml"),
        "--billing",
        str(SAMPLE_DIR / "reconcile-sample.csv.gz"),
    ]
    result = runner.invoke(app, [*args, "--json", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["billed"] == "626.44"
    assert (tmp_path / "o" / "reconciliation.json").exists()


def _amount(cell: str) -> Decimal:
    text = cell.strip().removesuffix(" USD").replace(",", "")
    return Decimal(0) if text == "-" else Decimal(text)


def test_the_terminal_table_adds_up_as_the_files_do(tmp_path: Path) -> None:
    # Before: each figure was rounded on its own ("db | dr-backup | 5.30 | 5.29 | 0.00",
    # "app | internet | 92.66 | 92.67 | 0.00"), unlike every file (largest remainder).
    sample = SAMPLE_DIR / "reconcile-sample.csv.gz"
    args = ["reconcile", str(DESIGNS / "startup.yaml"), "--billing", str(sample)]
    result = runner.invoke(
        app, [*args, "--out", str(tmp_path), "--format", "table,json"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "reconciliation.json").read_text())
    rows = [line.split("│") for line in result.stdout.splitlines() if " USD │" in line]
    assert len(rows) == len(data["components"]) + len(data["unplanned"])
    for cells in rows:
        planned, billed, difference = (_amount(c) for c in cells[3:6])
        assert billed - planned == difference, cells
    components = [(_amount(c[3]), _amount(c[4])) for c in rows[: len(data["components"])]]
    assert components == [(Decimal(c["planned"]), Decimal(c["actual"])) for c in data["components"]]
    totals = data["totals"]
    assert (
        f"planned {totals['planned']} USD, billed {totals['billed']} USD (mapped "
        f"{totals['mapped']} USD, unplanned {totals['unplanned']} USD)" in result.stdout
    )
