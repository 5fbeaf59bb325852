"""`devops-plan plan`: plan a design and print it (tables, Markdown or HTML for people, the
plan's JSON for machines, its priced line items as CSV), on stdout or into a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import options
from ._common import command_app, configure, design_path, emit, err, pick_format, user_errors

app = command_app()


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
    env: str | None = typer.Option(
        None, "--env", metavar="NAME", help="Plan one of the design's environments."
    ),
    all_envs: bool = typer.Option(
        False,
        "--all-envs",
        metavar="",
        help="The cost of every environment and their total (table or json).",
    ),
) -> None:
    """Size, place, check availability and DR, and price a design.

    \b
    Examples:
      devops-plan plan design.yaml
      devops-plan plan --example shop --cloud gcp --format json --out shop-gcp.json
      devops-plan plan design.yaml --format csv > line-items.csv
      devops-plan plan design.yaml --env staging
      devops-plan plan design.yaml --all-envs
    """
    with user_errors():
        path = design_path(design, example)
        given = "json" if as_json else fmt
        config = configure(path, {"catalog": catalog, "output.plan": given})
        chosen = pick_format("plan", given, out_path, config.settings.output.plan)
        from ..design import load_design
        from ..engine import Planner, PlanOptions
        from ..engine.environments import plan_environment

        loaded = load_design(path)
        planner = Planner(catalog_dir=config.settings.catalog)
        options = PlanOptions(cloud, region, purchase, allow_missing_prices)
        if all_envs:
            from .environments import show_environments

            show_environments(planner, loaded, options, env, chosen, out_path)
            return
        # Only the JSON shows the decisions.
        plan = plan_environment(planner, loaded, env or "", options, decisions=chosen == "json")
        _print(plan, chosen, out_path)


def _print(plan: Any, chosen: str, out_path: Path | None) -> None:
    if chosen == "json":
        emit(plan.to_json(), out_path, "plan.json")
        return
    from ..render.plan_tables import line_items_csv, plan_blocks
    from .show import show

    if chosen == "csv":
        emit(line_items_csv(plan), out_path, "plan.csv")
    else:
        name = "plan.txt" if chosen == "table" else f"plan.{chosen}"
        show(chosen, f"Plan of {plan.design}", plan_blocks(plan), out_path, name)
    for w in plan.warnings:
        err.print(f"warning: {w}", markup=False)
