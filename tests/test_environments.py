"""Environments: overlays applied and validated like the design, located errors, plan --env and
plan --all-envs (three costs and their exact total)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devops_plan.cli import app
from devops_plan.design import load_design, parse_design
from devops_plan.design.environments import environment_design
from devops_plan.engine import Planner
from devops_plan.engine.environments import plan_environment
from devops_plan.errors import DesignError
from devops_plan.paths import data_path
from devops_plan.render.tfvars import tfvars
from devops_plan.units import format_money

from .conftest import DESIGNS

EXAMPLE = data_path("designs", "storefront.yaml")


def test_overlay_is_applied() -> None:
    design = load_design(EXAMPLE)
    dev = environment_design(design, "dev")
    assert (dev.zones, dev.defaults.purchase, dev.dr.enabled) == (1, "spot", False)
    assert dev.dr.backup_retention_days == 1
    assert dev.service("web").load.peak_rps == pytest.approx(60)  # type: ignore[union-attr]
    assert dev.service("db").size.vcpu == 2  # type: ignore[union-attr]
    assert environment_design(design, "prod") == design.model_copy(update={"environments": {}})


def test_overlay_sets_targets_and_node_types() -> None:
    # What the explorer's controls change has an overlay key: RTO, RPO and node types ([]:
    # every family, as if the design named none).
    text = (
        EXAMPLE.read_text().replace(
            "  prod: {}", "  prod: {rto: 30m, rpo: 5m, node_types: []}\n  qa: {node_types: [c6i]}"
        )
        + "defaults: {node_types: [m6i]}\n"
    )
    design = parse_design(text, "x.yaml")
    prod = environment_design(design, "prod")
    assert (prod.targets.rto.total_seconds(), prod.targets.rpo.total_seconds()) == (1800, 300)
    assert prod.defaults.node_types is None and design.defaults.node_types == ("m6i",)
    assert environment_design(design, "qa").defaults.node_types == ("c6i",)


def test_bad_overlay_key_is_located_in_the_environment(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace(
        "      cache: {size: {memory_gib: 1}}", "      cache: {size: {memory_gb: 1}}"
    )
    text = text.replace("    zones: 2\n", "    zones: 2\n    regions: [us-east-9]\n")
    path = tmp_path / "d.yaml"
    path.write_text(text)
    with pytest.raises(DesignError) as info:
        load_design(path)
    lines = str(info.value).splitlines()
    line_of = {s.strip(): i + 1 for i, s in enumerate(text.splitlines())}
    assert any(
        f"d.yaml:{line_of['cache: {size: {memory_gb: 1}}']}:" in m
        and "environments.dev.services.cache.size.memory_gb" in m
        and "unknown key 'memory_gb'" in m
        for m in lines
    ), lines
    assert any(
        f"d.yaml:{line_of['regions: [us-east-9]']}:" in m
        and "environments.staging.regions" in m
        and "unknown aws region 'us-east-9'" in m
        for m in lines
    ), lines


def test_unknown_service_in_an_overlay() -> None:
    text = EXAMPLE.read_text().replace("  prod: {}", "  prod: {services: {wbe: {}}}")
    with pytest.raises(
        DesignError, match=r"environments\.prod\.services\.wbe: unknown service 'wbe'"
    ):
        parse_design(text, "x.yaml")


def test_all_envs_prints_three_costs_and_their_total() -> None:
    design = load_design(EXAMPLE)
    planner = Planner()
    expected = {
        name: plan_environment(planner, design, name, decisions=False).cost.monthly_total
        for name in ("dev", "staging", "prod")
    }
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--all-envs", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    got = {n: Decimal(str(e["monthly_total"])) for n, e in data["environments"].items()}
    assert got == expected
    assert Decimal(str(data["monthly_total"])) == sum(expected.values())
    # Each environment is cheaper than the one after it (less load, zones and DR).
    assert expected["dev"] < expected["staging"] < expected["prod"]
    table = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--all-envs"])
    assert table.exit_code == 0
    for name in ("dev", "staging", "prod", "total"):
        assert name in table.stdout


def test_plan_env_and_unknown_env() -> None:
    ok = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--env", "dev", "--json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["environment"] == "dev"
    bad = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--env", "qa"])
    assert bad.exit_code == 2
    assert "no environment 'qa' (known: dev, staging, prod)" in bad.output


@pytest.mark.parametrize("fmt", ["table", "json", "md", "html", "csv"])
def test_all_envs_in_every_format_and_into_a_folder(fmt: str, tmp_path: Path) -> None:
    """--all-envs speaks the plan command's whole surface: --format and --out (a folder gets
    environments.<format>), the same figures in each."""
    design = load_design(EXAMPLE)
    planner = Planner()
    totals = {
        name: plan_environment(planner, design, name, decisions=False).cost.monthly_total
        for name in ("dev", "staging", "prod")
    }
    folder = tmp_path / "out"
    args = ["plan", str(EXAMPLE), "--all-envs", "--format", fmt, "--out", str(folder)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = folder / ("environments.txt" if fmt == "table" else f"environments.{fmt}")
    text = written.read_text(encoding="utf-8")
    if fmt == "csv":
        # Every environment's line items with an environment column; each environment's add
        # up to its total (and all of them to the sum of the totals).
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(dict.fromkeys(r["environment"] for r in rows)) == ["dev", "staging", "prod"]
        got = {name: Decimal(0) for name in totals}
        for r in rows:
            got[r["environment"]] += Decimal(r["monthly_cost"])
        assert got == totals
        dev = plan_environment(planner, design, "dev", decisions=False)
        assert len([r for r in rows if r["environment"] == "dev"]) == len(dev.cost.line_items)
    elif fmt == "json":
        assert Decimal(str(json.loads(text)["monthly_total"])) == sum(totals.values())
    else:
        for amount in (*totals.values(), sum(totals.values())):
            assert format_money(amount, "USD") in text, (fmt, amount)


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_plan_env_in_other_formats(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"dev.{fmt}"
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--env", "dev", "--out", str(target)])
    assert result.exit_code == 0, result.output
    design = load_design(EXAMPLE)
    dev = plan_environment(Planner(), design, "dev", decisions=False)
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["environment"] == "dev"
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sum((Decimal(r["monthly_cost"]) for r in rows), Decimal(0)) == dev.cost.monthly_total
    else:
        assert format_money(dev.cost.monthly_total, "USD") in text


def test_all_envs_refuses_options_about_one_plan() -> None:
    for extra, says in (
        (["--env", "dev"], "not both"),
        (["--fail-on", "over-budget"], "--fail-on checks one plan"),
    ):
        result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--all-envs", *extra])
        assert result.exit_code == 2 and says in result.output, result.output


def _md_rows(text: str, title: str) -> dict[str, list[str]]:
    """A Markdown table's rows under `## title`, by their first cell."""
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    lines = [x for x in section.splitlines() if x.startswith("| ")][1:]  # after the header
    return {
        cells[0]: cells[1:]
        for cells in ([c.strip() for c in x.strip("|").split("|")] for x in lines)
    }


def test_all_envs_shows_the_environments_side_by_side() -> None:
    """Replicas, node pools and cost by category of each environment next to each other,
    each cell what `plan --env NAME` plans for it."""
    design = load_design(EXAMPLE)
    planner = Planner()
    names = ("dev", "staging", "prod")
    plans = {n: plan_environment(planner, design, n, decisions=False) for n in names}
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--all-envs", "--format", "md"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    services = _md_rows(text, "Services by environment")
    for s in plans["prod"].services:
        assert services[s.name] == [
            s.kind.value,
            *(
                cell
                for n in names
                for cell in (
                    str(plans[n].service(s.name).replicas),
                    format_money(plans[n].service(s.name).monthly_cost, "USD"),
                )
            ),
        ]
    assert services["web"][1] != services["web"][5]  # dev and prod differ
    pools = _md_rows(text, "Node pools by environment")
    for i, n in enumerate(names):
        for pool in plans[n].node_pools:
            assert pools[pool.name][2 * i] == f"{pool.nodes} x {pool.instance_type}"
    assert pools["default-spot"][2:] == ["", "", "", ""]  # dev alone runs on spot
    categories = _md_rows(text, "Monthly cost by category")
    for i, n in enumerate(names):
        for category, amount in plans[n].cost.by_category.items():
            assert categories[category][i] == format_money(amount, "USD")
        assert categories["total"][i] == format_money(plans[n].cost.monthly_total, "USD")
    assert "dr" in categories and categories["dr"][0] == ""  # dev has no DR copy


def test_all_envs_json_holds_each_environments_whole_plan() -> None:
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--all-envs", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for name in ("dev", "staging", "prod"):
        one = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--env", name, "--json"])
        assert one.exit_code == 0, one.output
        assert data["environments"][name]["plan"] == json.loads(one.stdout), name


def test_an_environment_without_dr_builds_nothing_in_the_dr_region() -> None:
    # dev has `dr: none`: no DR copy is priced, so none is deployed either (the tfvars once
    # listed a DR region with a cross-region database replica the plan did not price).
    design = load_design(EXAMPLE)
    dev = plan_environment(Planner(), design, "dev", decisions=False)
    prod = plan_environment(Planner(), design, "prod", decisions=False)
    assert not dev.dr.deployed and prod.dr.deployed
    assert list(dev.deployments) == list(dev.topology.serving_regions)
    assert {li.region for li in dev.cost.line_items} <= set(dev.deployments)
    assert prod.dr.dr_region in prod.deployments
    values = tfvars(dev, environment_design(design, "dev"))
    assert (values["dr_strategy"], values["dr_region"]) == ("none", None)
    assert list(values["regions"]) == list(dev.topology.serving_regions)


def test_a_problem_of_the_base_repeated_in_an_environment_names_no_line_none() -> None:
    # an applied environment has no lines of its own: the duplicate-name message said
    # "(first at line None)" once per environment
    text = (DESIGNS / "storefront.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - name: api\n",
        "  - name: web\n    kind: stateless\n    load: {peak_rps: 9, cpu_ms: 5}\n  - name: api\n",
        1,
    )
    with pytest.raises(DesignError) as info:
        parse_design(text, "x.yaml")
    lines = [str(p) for p in info.value.problems]
    assert len([x for x in lines if "duplicate service name 'web'" in x]) == 4, lines
    assert not any("None" in x for x in lines), lines
