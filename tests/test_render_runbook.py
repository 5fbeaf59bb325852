"""Runbook drafts: one per service and one for regional failover, naming the alerts, the
impact and the chosen DR strategy's steps with the plan's numbers."""

from __future__ import annotations

import re

import pytest

from devops_plan import build_plan
from devops_plan.design import DRStrategy, load_design
from devops_plan.errors import UserError
from devops_plan.render import slo
from devops_plan.render.runbook import (
    Settings,
    artefacts,
    escalation,
    failover_steps,
    timeline,
)
from devops_plan.units import format_duration, parse_duration

from .conftest import DESIGNS

# What each strategy's failover must say, in this order.
STEPS = {
    "backup_restore": [
        "Provision the infrastructure",
        "Restore orders-db",
        "Create node pool",
        "Switch DNS",
        "Verify",
    ],
    "pilot_light": [
        "Promote the us-west-2 replica of orders-db",
        "Scale the dormant compute",
        "Switch DNS",
        "Verify",
    ],
    "warm_standby": [
        "Promote the us-west-2 replica of orders-db",
        "Scale the warm standby up to full size",
        "Switch DNS",
        "Verify",
    ],
    "active_active": [
        "Confirm that us-west-2 is serving",
        "writable primary of orders-db",
        "carry all traffic",
        "Verify",
    ],
}


def _shop(strategy: str | None = None):
    design = load_design(DESIGNS / "shop.yaml")
    if strategy is not None:
        design = design.model_copy(
            update={"dr": design.dr.model_copy(update={"strategy": DRStrategy(strategy)})}
        )
    return design, build_plan(design)


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, title
    return match.group(1)


def test_one_runbook_per_service_plus_failover_and_index():
    design, plan = _shop()
    files = artefacts(plan, design)
    expected = {f"runbooks/shop/{s.name}.md" for s in plan.services}
    expected |= {"runbooks/shop/regional-failover.md", "runbooks/shop/README.md"}
    assert set(files) == expected
    index = files["runbooks/shop/README.md"]
    for link in re.findall(r"\]\(([^)]+)\)", index):
        assert f"runbooks/shop/{link}" in files


@pytest.mark.parametrize("strategy", list(STEPS))
def test_failover_runbook_names_the_chosen_strategys_steps(strategy):
    design, plan = _shop(strategy)
    assert plan.dr.strategy == strategy
    text = artefacts(plan, design)["runbooks/shop/regional-failover.md"]
    title = (
        strategy.replace("_", " ")
        .replace("active active", "active-active")
        .replace("backup restore", "backup and restore")
    )
    assert f"## Resolution ({title})" in text
    steps = _section(text, "Resolution")
    positions = [steps.find(phrase) for phrase in STEPS[strategy]]
    assert all(p >= 0 for p in positions), (strategy, positions, steps)
    assert positions == sorted(positions)
    # No other strategy's signature step sneaks in.
    others = {
        "pilot_light": "dormant compute",
        "warm_standby": "warm standby up to full size",
        "backup_restore": "Provision the infrastructure",
    }
    for other, phrase in others.items():
        if other != strategy:
            assert phrase not in steps


def test_pilot_light_steps_carry_the_plans_numbers():
    _, plan = _shop("pilot_light")
    steps = failover_steps(plan)
    pool = plan.node_pools[0]
    text = "\n".join(steps)
    assert f"{pool.nodes} x {pool.instance_type}" in text
    assert f"desiredSize={pool.nodes}" in text
    for s in plan.services:
        if s.kind == "stateless":
            assert f"{s.name} {s.replicas}" in text
    assert "aws rds promote-read-replica" in text and "--region us-west-2" in text
    assert "Route 53" in text


def test_service_runbooks_list_the_alerts_that_fire():
    design, plan = _shop()
    files = artefacts(plan, design)
    names = {r["alert"] for g in slo.rule_groups(plan, design) for r in g["rules"] if "alert" in r}
    assert names == {"ShopWebAvailabilityBudgetBurn", "ShopWebLatencyBudgetBurn"}
    # orders-db is on web's path: web's alerts fire when it fails.
    symptoms = _section(files["runbooks/shop/orders-db.md"], "Symptoms")
    for name in names:
        assert f"`{name}`" in symptoms
    assert symptoms.count("| page |") == 4 and symptoms.count("| ticket |") == 4
    assert "| 0.0072 |" in symptoms  # 14.4 x 0.05%
    # assets is on no entrypoint's path: no alert claims it.
    assert "No SLO alert watches assets" in files["runbooks/shop/assets.md"]


def test_impact_names_the_path_and_the_downtime_budget():
    design, plan = _shop()
    text = artefacts(plan, design)["runbooks/shop/orders-db.md"]
    impact = _section(text, "Impact")
    assert "`web -> api -> orders-db`" in impact
    assert f"allows {plan.availability.downtime_budget_min:g} minutes a month" in impact
    assert "--force-failover" in _section(text, "Resolution")  # Multi-AZ: fail over


SECTIONS = ("Severity", "Symptoms", "Impact", "Diagnosis", "Resolution", "Escalation")


def test_every_runbook_has_the_seeds_sections_filled_from_the_plan():
    design, plan = _shop()
    for path, text in artefacts(plan, design).items():
        if path.endswith("README.md"):
            continue
        headings = [ln[3:].split(" (")[0] for ln in text.splitlines() if ln.startswith("## ")]
        assert [h for h in headings if h in SECTIONS] == list(SECTIONS), (path, headings)
        assert "## After the incident" in text
        for name in (*SECTIONS, "After the incident"):
            assert _section(text, name).strip(), (path, name)  # none left empty
        # Only the names of people are left to fill in.
        escalation = _section(text, "Escalation")
        assert f"| {format_duration(plan.dr.rto)} |" in escalation
        after = _section(text, "After the incident")
        assert f"{plan.availability.downtime_budget_min:g} minutes" in after or (
            f"of the {plan.availability.downtime_budget_min:g} " in after
        )


@pytest.mark.parametrize("strategy", list(STEPS))
def test_failover_step_times_add_up_to_the_rto(strategy):
    design, plan = _shop(strategy)
    steps = timeline(plan)
    assert [t.seconds for t in steps] == [s.seconds for s in plan.dr.rto_steps]
    assert sum(t.seconds for t in steps) == plan.dr.rto == steps[-1].done_at
    text = artefacts(plan, design)["runbooks/shop/regional-failover.md"]
    rows = re.findall(r"^\| \d+\. (.+) \| (\S+) \| (\S+) \|$", text, re.MULTILINE)
    assert [r[0] for r in rows] == [t.step for t in steps]
    assert sum(parse_duration(r[1]) for r in rows) == plan.dr.rto
    assert parse_duration(rows[-1][2]) == plan.dr.rto
    assert f"| **RTO** | **{format_duration(plan.dr.rto)}** |" in text
    # Every action of the strategy is under a step of the clock, verify last.
    placed = [a for t in steps for a in t.actions]
    assert set(failover_steps(plan)[:-1]) <= set(placed) | {f"Then: {failover_steps(plan)[-1]}"}


def test_escalation_times_come_from_the_rto_components():
    _, plan = _shop("pilot_light")
    steps = {s.step: s.seconds for s in plan.dr.rto_steps}
    rows = escalation(plan)
    detect = plan.dr.rto_steps[0].seconds
    decided = detect + steps["decide to fail over"]
    assert [r.after for r in rows] == [detect, decided, plan.dr.rto, plan.dr.rto_target]
    # Never the bare RTO target as the first escalation, as a 1m target once made it.
    assert rows[0].after < rows[-1].after


def test_runbooks_are_deterministic_and_clean():
    design, plan = _shop()
    a = artefacts(plan, design)
    assert a == artefacts(build_plan(design), design)
    for text in a.values():
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert not any(line != line.rstrip() for line in text.splitlines())
        assert "\n\n\n" not in text


def test_user_templates_override_the_shipped_ones(tmp_path):
    design, plan = _shop()
    (tmp_path / "index.md.j2").write_text(
        "# Our runbooks for {{ plan.design }}\n", encoding="utf-8"
    )
    files = artefacts(plan, design, Settings(templates=tmp_path))
    assert files["runbooks/shop/README.md"] == "# Our runbooks for shop\n"
    assert files["runbooks/shop/web.md"].startswith("# Runbook: web (shop)")
    with pytest.raises(UserError, match="template folder not found"):
        artefacts(plan, design, Settings(templates=tmp_path / "missing"))


@pytest.mark.parametrize("name", ["payments", "startup"])
def test_other_designs_render(name):
    design = load_design(DESIGNS / f"{name}.yaml")
    plan = build_plan(design)
    files = artefacts(plan, design)
    failover = files[f"runbooks/{name}/regional-failover.md"]
    assert plan.dr.dr_region in failover
    assert len(files) == len(plan.services) + 2


DIAMOND = """\
name: diamond
cloud: aws
regions: [eu-west-1]
zones: 2
targets: {availability: 99.5, rto: 4h, rpo: 1h, latency_p95_ms: 500}
services:
  - {name: web, kind: stateless, entrypoint: true, depends_on: [a, b],
     load: {peak_rps: 20, cpu_ms: 10, memory_mib: 256}}
  - {name: a, kind: stateless, depends_on: [db], load: {peak_rps: 20, cpu_ms: 10, memory_mib: 256}}
  - {name: b, kind: stateless, depends_on: [c], load: {peak_rps: 20, cpu_ms: 10, memory_mib: 256}}
  - {name: c, kind: stateless, depends_on: [db], load: {peak_rps: 20, cpu_ms: 10, memory_mib: 256}}
  - {name: admin, kind: stateless, entrypoint: true, depends_on: [c],
     load: {peak_rps: 5, cpu_ms: 10, memory_mib: 256}}
  - {name: db, kind: database, engine: postgres, size: {vcpu: 2, memory_gib: 8, storage_gib: 50}}
"""


def test_each_entrypoints_shortest_chain_is_named_in_plan_order(tmp_path):
    # Two entrypoints over a diamond: each service's runbook names, per entrypoint that reaches
    # it (in the plan's order), the shortest chain of depends_on, the first one on ties.
    path = tmp_path / "diamond.yaml"
    path.write_text(DIAMOND, encoding="utf-8")
    design = load_design(path)
    files = artefacts(build_plan(design), design)
    assert "User path: `web -> a -> db`, `admin -> c -> db`" in _section(
        files["runbooks/diamond/db.md"], "Impact"
    )
    assert "User path: `web -> b -> c`, `admin -> c`" in _section(
        files["runbooks/diamond/c.md"], "Impact"
    )
    assert "User path: `web -> a`." in _section(files["runbooks/diamond/a.md"], "Impact")
