"""DR: choosing a strategy, and what each strategy achieves computed from what the design
deploys (engines, data sizes, timings), by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devops_plan import build_plan, parse_design
from devops_plan.engine.dr import DROption, choose, meets
from devops_plan.units import format_money

H, M = 3600, 60
# The timings of data/dr.yaml: health checks 30 s x 3, a person decides in 5 min, DNS TTL 60 s.
DETECT, DECIDE, DNS = 90, 300, 60


def options(table: dict[str, tuple[int, int]], rto_t: int, rpo_t: int) -> list[DROption]:
    costs = {"backup_restore": 100, "pilot_light": 400, "warm_standby": 2000, "active_active": 6000}
    return [
        DROption(s, rto, rpo, Decimal(costs[s]), meets(rto, rpo, rto_t, rpo_t))
        for s, (rto, rpo) in table.items()
    ]


WHITEPAPER = {
    "backup_restore": (4 * H, 1 * H),
    "pilot_light": (30 * M, 1 * M),
    "warm_standby": (5 * M, 1 * M),
    "active_active": (1 * M, 0),
}


def test_cheapest_that_meets_both() -> None:
    t = WHITEPAPER
    assert choose(options(t, H, 15 * M), H, 15 * M).strategy == "pilot_light"
    assert choose(options(t, 4 * H, H), 4 * H, H).strategy == "backup_restore"
    assert choose(options(t, 10 * M, 5 * M), 10 * M, 5 * M).strategy == "warm_standby"
    assert choose(options(t, 2 * M, 30), 2 * M, 30).strategy == "active_active"


def test_none_meets_picks_closest_and_says_why() -> None:
    c = choose(options(WHITEPAPER, 30, 0), 30, 0)
    assert c.strategy == "active_active"
    assert not c.meets_target
    assert c.gap == "RTO 1m exceeds the 30s target"


def test_a_missed_target_names_what_binds_it() -> None:
    steps = (("detect", 90), ("restore db (500 GiB) from backup", 5400), ("move traffic", 60))
    o = DROption("backup_restore", 5550, H, Decimal(1), False, steps, "1h: db: daily snapshots")
    c = choose([o], 30 * M, 15 * M)
    assert c.gap == (
        "RTO 1h32m30s exceeds the 30m target (longest step: restore db (500 GiB) from backup, "
        "1h30m); RPO 1h exceeds the 15m target (set by db: daily snapshots)"
    )


def test_forced_strategy_wins() -> None:
    c = choose(options(WHITEPAPER, H, 15 * M), H, 15 * M, forced="backup_restore")
    assert c.strategy == "backup_restore" and c.forced and not c.meets_target
    assert "RPO 1h exceeds the 15m target" in c.gap


def _design(cloud: str, region: str, *, regions: int = 1, pitr: bool = True, gib: int = 720) -> str:
    second = {"aws": "us-west-2", "gcp": "us-east1", "azure": "westus2"}[cloud]
    listed = f"[{region}, {second}]" if regions == 2 else f"[{region}]"
    return f"""
name: ledger
cloud: {cloud}
regions: {listed}
zones: 2
targets: {{availability: 99.9, rto: 1m, rpo: 0s}}
dr: {{point_in_time_recovery: {str(pitr).lower()}}}
services:
  - name: api
    kind: stateless
    entrypoint: true
    load: {{peak_rps: 100, cpu_ms: 10}}
    depends_on: [db]
  - name: db
    kind: database
    engine: postgres
    size: {{vcpu: 2, memory_gib: 8, storage_gib: {gib}}}
"""


def test_backup_and_restore_rpo_follows_point_in_time_recovery() -> None:
    # RDS uploads transaction logs every 5 minutes and replicates them across regions: RPO
    # 5 min. Without point-in-time recovery only the daily snapshot is copied: RPO 1 day.
    def backup(pitr: bool) -> tuple[int, int, str]:
        plan = build_plan(parse_design(_design("aws", "us-east-1", pitr=pitr)))
        o = next(o for o in plan.dr.options if o.strategy == "backup_restore")
        return o.rto, o.rpo, o.rpo_basis

    rto, rpo, basis = backup(True)
    # Restore 720 GiB: 20 min to create the instance + 720 / 360 GiB an hour = 2 h, which
    # outlasts provisioning the region (30 min).
    assert rto == DETECT + DECIDE + 20 * M + 2 * H + DNS
    assert rpo == 5 * M and "point-in-time logs" in basis
    rto_no, rpo_no, basis_no = backup(False)
    assert (rto_no, rpo_no) == (rto, 24 * H) and "daily snapshot" in basis_no


@pytest.mark.parametrize(
    ("cloud", "region"), [("aws", "us-east-1"), ("gcp", "us-central1"), ("azure", "eastus")]
)
def test_two_region_postgres_is_asynchronous_so_rpo_0_is_not_met(cloud: str, region: str) -> None:
    # Two serving regions force active-active; managed PostgreSQL replicates to the other
    # region asynchronously (lag: seconds) and has one writer, promoted by a person.
    plan = build_plan(parse_design(_design(cloud, region, regions=2)))
    dr = plan.dr
    assert dr.strategy == "active_active" and dr.forced
    assert dr.rpo == 5 and "asynchronous cross-region replica lag" in dr.rpo_basis
    assert dr.rto == DETECT + DECIDE + 10 * M + DNS
    assert [s.seconds for s in dr.rto_steps] == [DETECT, DECIDE, 10 * M, DNS]
    assert "promote" in dr.mechanism
    assert not dr.meets_target
    assert any("DR: forced active_active misses the targets" in w for w in plan.warnings)


def _targets(text: str, rto: str, rpo: str) -> str:
    return text.replace("rto: 1m, rpo: 0s", f"rto: {rto}, rpo: {rpo}")


@pytest.mark.parametrize(
    ("cloud", "region", "engine"),
    [("aws", "us-east-1", "aurora-dsql"), ("gcp", "us-central1", "spanner")],
)
def test_rpo_0_names_and_prices_the_cheapest_engine_that_writes_in_both_regions(
    cloud: str, region: str, engine: str
) -> None:
    # RTO 5m, RPO 0: managed PostgreSQL cannot (RPO 5 s, RTO 17m30s). An engine that writes
    # in both regions needs no promotion and loses nothing: RTO = detection + DNS = 150 s.
    text = _targets(_design(cloud, region, regions=2), "5m", "0s")
    plan = build_plan(parse_design(text))
    assert not plan.dr.meets_target and plan.dr.rpo == 5
    (decision,) = [d for d in plan.decisions if d.id == "database-db"]
    option = next(o for o in decision.options if f"({engine})" in o.name)
    assert (option.rto, option.rpo, option.meets_target) == (DETECT + DNS, 0, True)
    moved = build_plan(parse_design(text.replace("engine: postgres", f"engine: {engine}")))
    assert option.monthly_cost == moved.cost.monthly_total
    assert moved.dr.meets_target and moved.dr.rpo == 0
    delta = moved.cost.monthly_total - plan.cost.monthly_total
    warning = next(w for w in plan.warnings if w.startswith("db: "))
    assert f"({engine}) meets the targets for {format_money(delta, 'USD', signed=True)}" in warning


def test_cosmos_db_reaches_rpo_0_but_fails_over_within_15_minutes() -> None:
    # Strong consistency across two regions loses nothing, but the service-managed failover
    # of the write region takes up to 15 minutes: RTO 5m stays out of reach on Azure.
    text = _targets(_design("azure", "eastus", regions=2), "5m", "0s")
    plan = build_plan(parse_design(text))
    (decision,) = [d for d in plan.decisions if d.id == "database-db"]
    cosmos = next(o for o in decision.options if "(cosmos)" in o.name)
    assert (cosmos.rpo, cosmos.rto) == (0, DETECT + 15 * M + DNS)  # automatic: no decision
    assert not cosmos.meets_target
    assert any("no database engine offered here meets the targets" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("region", "strategy", "warned"),
    [
        ("eastus", "backup_restore", "westus"),  # Azure's pair; the catalog prices westus2
        ("northeurope", "backup_restore", ""),  # its pair, westeurope, is the DR region
        ("eastus", "pilot_light", ""),  # a replica, not a geo-restore: any region
    ],
)
def test_azure_backup_and_restore_says_where_geo_restored_servers_run(
    region: str, strategy: str, warned: str
) -> None:
    text = _design("azure", region).replace("dr: {", f"dr: {{strategy: {strategy}, ")
    plan = build_plan(parse_design(text))
    notes = [w for w in plan.warnings if "geo-restores" in w]
    if not warned:
        assert notes == []
        return
    assert notes == [
        f"DR: backup & restore geo-restores db from geo-redundant backups, copied to {region}'s "
        f"region pair, {warned}: the restored servers run there, not in {plan.dr.dr_region}, "
        f"whose prices the plan uses; plan with dr_region: {warned} and a catalog that prices "
        "it to price where they run"
    ]
    assert plan.dr.dr_region == "westus2"
