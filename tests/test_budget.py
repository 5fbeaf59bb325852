"""Budget honesty: when nothing in the design space fits the budget, `plan` and `explore` say
so in one line with the cheapest candidate and the levers that cut the most; every figure in
the line is checked against the planner itself (not the sweep that found it)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from devops_plan import build_plan, load_design, parse_design, widgets
from devops_plan import notebooks as nb
from devops_plan.cli import app
from devops_plan.design import Design
from devops_plan.errors import DevopsPlanError
from devops_plan.escape import html_text
from devops_plan.exploration import candidate_design, candidate_of, design_space, explore
from devops_plan.exploration.budget import budget_advice, with_budget_advice
from devops_plan.plan import Plan
from devops_plan.policies import failed_policies

from .conftest import DESIGNS

STARTUP = (DESIGNS / "startup.yaml").read_text(encoding="utf-8")


def _design(budget: int) -> Design:
    return parse_design(STARTUP.replace("monthly: 800", f"monthly: {budget}"), "startup.yaml")


def _total(design: Design) -> Decimal:
    return build_plan(design).cost.monthly_total


def test_an_impossible_budget_names_the_cheapest_candidate_and_the_levers() -> None:
    design = _design(100)
    df = explore(design)
    advice = budget_advice(df)
    assert advice is not None and advice.within == 0
    # The cheapest candidate, planned by the planner, costs what the line says, over budget.
    cheapest = candidate_of(df[df.index == advice.cheapest].iloc[0])
    assert _total(candidate_design(design, cheapest)) * 100 == advice.cheapest_cents
    assert advice.cheapest_cents > 100 * 100
    # By hand: the cheapest way to run startup is one zone, backup & restore, single-AZ,
    # everything bought for three years.
    assert (cheapest.zones, cheapest.dr_strategy, cheapest.db_multi_az) == (
        1,
        "backup_restore",
        False,
    )
    assert (cheapest.purchase, cheapest.data_purchase) == ("reserved_3y", "reserved_3y")
    line = advice.line()
    assert line.startswith("No candidate is within the budget of 100.00 USD: the cheapest of ")
    assert f"#{advice.cheapest} at " in line and "\n" not in line


def test_each_lever_is_one_change_to_the_design_and_saves_what_the_planner_says() -> None:
    design = _design(100)
    df = explore(design)
    advice = budget_advice(df)
    assert advice is not None and advice.current_cents is not None
    current = df[df["current"]].iloc[0]
    here = candidate_of(current)
    assert _total(design) * 100 == advice.current_cents
    assert advice.levers, "startup bought on demand can save by buying for longer"
    for lever in advice.levers:
        changed = candidate_design(design, replace(here, **{lever.dimension: lever.value}))
        assert (advice.current_cents - _total(changed) * 100) == lever.saving_cents, lever
    # A lever is a dimension's best value, and the levers are the biggest: no other value of a
    # listed dimension saves more than its lever, and no value of another dimension more
    # than the smallest lever, checked by planning every value the space sweeps.
    space = design_space(design)
    smallest = min(lv.saving_cents for lv in advice.levers)
    best = {lv.dimension: lv for lv in advice.levers}
    for dimension in ("zones", "dr_strategy", "purchase", "data_purchase", "db_multi_az"):
        most = best[dimension].saving_cents if dimension in best else smallest
        for value in getattr(space, dimension):
            if value == getattr(here, dimension):
                continue
            if dimension in best and best[dimension].value == value:
                continue
            try:
                total = _total(candidate_design(design, replace(here, **{dimension: value})))
            except DevopsPlanError:  # a variant the planner cannot plan is no lever
                continue
            assert advice.current_cents - total * 100 <= most, (dimension, value)


def test_a_reachable_budget_says_how_many_candidates_fit() -> None:
    design = _design(500)  # the cheapest candidate meeting the targets: 461.26 USD
    advice = budget_advice(explore(design))
    assert advice is not None and advice.within_meeting > 0
    assert advice.line().startswith(f"{advice.within_meeting:,} of ")
    assert advice.cheapest_cents <= 500 * 100


def test_plan_warns_only_when_over_budget() -> None:
    poor = _design(100)
    plan = with_budget_advice(poor, build_plan(poor))
    assert plan.warnings[-1].startswith("budget: No candidate is within the budget of 100.00 USD")
    rich = _design(800)
    assert with_budget_advice(rich, build_plan(rich)) == build_plan(rich)


def test_cli_plan_and_explore_print_the_line(tmp_path: Path) -> None:
    path = tmp_path / "startup.yaml"
    path.write_text(STARTUP.replace("monthly: 800", "monthly: 100"))
    runner = CliRunner()
    plan = runner.invoke(app, ["plan", str(path), "--fail-on", "over-budget"])
    assert plan.exit_code == 3, plan.output
    lines = plan.output.splitlines()
    assert any(x.startswith("warning: budget: No candidate is within the budget") for x in lines)
    assert any(x.startswith("over-budget: the monthly total ") for x in lines)
    shown = runner.invoke(app, ["explore", str(path), "--top", "1"])
    assert shown.exit_code == 0, shown.output
    assert any(
        x.startswith("No candidate is within the budget of 100.00 USD")
        for x in shown.output.splitlines()
    )
    data = json.loads(runner.invoke(app, ["explore", str(path), "--json"]).output)
    assert data["budget_advice"]["within_budget"] == 0


def _budget_line(plan: Plan) -> list[str]:
    return [w for w in plan.warnings if w.startswith("budget: ")]


def test_the_explorer_shows_the_budget_line_the_cli_prints() -> None:
    poor = _design(100)
    explorer = widgets.Explorer(poor, diagram=None)
    assert explorer.plan is not None
    line = _budget_line(with_budget_advice(poor, build_plan(poor)))
    assert line and _budget_line(explorer.plan) == line
    shown = re.findall(r'<p class="devops-plan-budget"[^>]*>([^<]*)</p>', explorer.numbers.value)
    assert [html.unescape(x) for x in shown] == line
    # A control change: the line of the design as now set, as the CLI would print it for it.
    explorer.controls.purchase.value = "reserved_1y"
    changed = explorer.design()
    assert explorer.plan is not None
    assert _budget_line(explorer.plan) == _budget_line(
        with_budget_advice(changed, build_plan(changed))
    )
    assert _budget_line(explorer.plan) != line
    # Back to the design as written: the same line, without sweeping the design space again.
    explorer.controls.purchase.value = poor.defaults.purchase.value
    assert explorer.plan is not None and _budget_line(explorer.plan) == line
    assert explorer.budget_sweeps == 2


def test_the_explorer_within_budget_or_on_another_cloud_has_no_budget_line() -> None:
    rich = widgets.Explorer(_design(800), diagram=None)
    assert rich.plan is not None and not _budget_line(rich.plan)
    assert "devops-plan-budget" not in rich.numbers.value and rich.budget_sweeps == 0
    other = widgets.Explorer(_design(100), cloud="gcp", diagram=None)
    assert other.plan is not None and not _budget_line(other.plan)


def test_the_plan_notebook_shows_the_budget_line(tmp_path: Path) -> None:
    path = tmp_path / "startup.yaml"
    path.write_text(STARTUP.replace("monthly: 800", "monthly: 100"), encoding="utf-8")
    plan = nb.load_plan(path)
    line = _budget_line(with_budget_advice(_design(100), build_plan(_design(100))))
    assert line and _budget_line(plan) == line
    header = nb.report_header(plan).data
    assert html_text(line[0]) in header
    assert html_text(line[0]) in nb.report_header(nb.load_plan(path, purchase="on_demand")).data
    # Another cloud is not what the sweep explores: no line, as `plan --cloud` prints none.
    assert not _budget_line(nb.load_plan(path, cloud="gcp"))


def test_the_sla_policy_line_shows_every_digit_of_the_availability() -> None:
    # payments reaches 99.949984%: a rounded "99.95%" would hide how far it is from 99.99%.
    plan = build_plan(load_design(DESIGNS / "payments.yaml"))
    lines = failed_policies(plan, ["sla-miss"])
    assert lines == [
        f"sla-miss: the user path's availability {plan.availability.achieved}% misses the "
        f"99.99% target (weakest link: {plan.availability.weakest})"
    ]
    assert "99.949984%" in lines[0]
