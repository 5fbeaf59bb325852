"""`devops-plan plan`: plan a design and print it (tables, Markdown or HTML for people, the
plan's JSON for machines, its priced line items as CSV), on stdout or into a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from . import options
from ._common import (
    command_app,
    configure,
    design_path,
    emit,
    err,
    out_target,
    pick_format,
    user_errors,
)

if TYPE_CHECKING:
    from ..design import Design
    from ..engine import Planner
    from ..plan import Plan

app = command_app()


def _check_policies(value: str | None) -> str | None:
    if value is not None:
        from ..policies import parse_policies

        try:
            parse_policies(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


def _fail_on() -> Any:
    from ..policies import POLICIES  # a list of names: imports nothing of weight

    return typer.Option(
        None,
        "--fail-on",
        metavar="POLICIES",
        help="Exit 3 when the plan fails any of these policies: "
        + ", ".join(POLICIES)
        + " (comma-separated); one line per failed policy on stderr.",
        callback=_check_policies,
    )


@app.command("plan")
def plan_command(
    design: Path | None = options.design(),
    example: str | None = options.example(),
    fmt: str | None = options.output_format("table, json, md, csv (the line items) or html"),
    out_path: Path | None = options.out("the plan (a folder: plan.json in it)"),
    as_json: bool = options.json("the plan"),
    cloud: str | None = options.cloud(),
    region: str | None = options.region(),
    purchase: str | None = options.purchase(),
    catalog: Path | None = options.catalog(),
    allow_missing_prices: bool = typer.Option(
        False,
        "--allow-missing-prices",
        metavar="",
        help="Continue when prices are missing, with warnings.",
    ),
    fail_on: str | None = _fail_on(),
) -> None:
    """Size, place, check availability and DR, and price a design.

    \b
    Examples:
      devops-plan plan design.yaml
      devops-plan plan --example shop --cloud gcp --format json --out shop-gcp.json
      devops-plan plan design.yaml --format csv > line-items.csv
      devops-plan plan design.yaml --fail-on over-budget,sla-miss
    """
    with user_errors():
        path = design_path(design, example)
        given = "json" if as_json else fmt
        config = configure(path, {"catalog": catalog, "output.plan": given})
        chosen = pick_format("plan", given, out_path, config.settings.output.plan)
        name = {"json": "plan.json", "table": "plan.txt"}.get(chosen, f"plan.{chosen}")
        out_target(out_path, name)  # checked before any work
        from ..design import load_design
        from ..engine import Planner, build_plan
        from ..engine.vocabulary import shipped_vocabulary

        planner = Planner(catalog_dir=config.settings.catalog)
        # The design's names belong to its own cloud: planned on another one (--cloud), they
        # are mapped (data/families.yaml), and the catalog folder may hold only that cloud's.
        loaded = load_design(
            path, vocabulary=planner.vocabulary if cloud is None else shipped_vocabulary
        )
        plan = build_plan(
            loaded,
            cloud=cloud,
            region=region,
            purchase=purchase,
            allow_missing_prices=allow_missing_prices,
            planner=planner,
            decisions=chosen == "json",  # only the JSON shows them
        )
        if cloud is None and region is None:
            plan = _budget_advised(loaded, purchase, plan, planner)
        _show(plan, chosen, out_path, name)
    _policies(plan, fail_on)


def _show(plan: Plan, chosen: str, out_path: Path | None, name: str) -> None:
    if chosen == "json":
        emit(plan.to_json(), out_path, name)
        return
    from ..render.plan_tables import line_items_csv, plan_blocks
    from .show import show

    if chosen == "csv":
        emit(line_items_csv(plan), out_path, name)
    else:
        show(chosen, f"Plan of {plan.design}", plan_blocks(plan), out_path, name)
    for w in plan.warnings:
        err.print(f"warning: {w}", markup=False)


def _budget_advised(design: Design, purchase: str | None, plan: Plan, planner: Planner) -> Plan:
    """Over budget: what the design space can do about it, in one more warning (the sweep
    runs only then). The sweep needs pandas, which a lean install may not have: then the
    warning says what to install instead of failing the plan."""
    if plan.cost.within_budget is not False:
        return plan
    try:
        from ..exploration.budget import with_budget_advice, with_purchase
    except ModuleNotFoundError as exc:
        from ..extras import missing_extra

        hint = missing_extra(exc, "advice on the budget")
        if hint is None:
            raise
        return plan.model_copy(update={"warnings": (*plan.warnings, f"budget: {hint}")})
    catalog = planner.catalog(design.cloud.value)
    return with_budget_advice(with_purchase(design, purchase), plan, catalog=catalog)


def _policies(plan: Plan, fail_on: str | None) -> None:
    """Exit 3 with one line per failed policy (`--fail-on`)."""
    if not fail_on:
        return
    from ..policies import POLICY_EXIT_CODE, failed_policies, parse_policies

    failed = failed_policies(plan, parse_policies(fail_on))
    for line in failed:
        err.print(line, markup=False)
    if failed:
        raise typer.Exit(POLICY_EXIT_CODE)
