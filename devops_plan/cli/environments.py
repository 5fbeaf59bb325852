"""`devops-plan plan --all-envs`: every environment of a design side by side, in every format
`plan` prints (docs/cli.md, "One surface"): tables, Markdown or HTML for people (services,
node pools and cost by category per environment, then each environment's cost and the total),
JSON for machines (each environment's whole plan), CSV with every environment's line items
and an environment column (they add up to the total)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import UserError


def environments_file(chosen: str) -> str:
    """The file `--out DIR` gets: environments.json, environments.txt, environments.md ..."""
    return "environments." + {"table": "txt"}.get(chosen, chosen)


def show_environments(
    planner: Any,
    design: Any,
    options: Any,
    refused: tuple[str | None, str | None],
    chosen: str,
    out_path: Path | None,
) -> None:
    """Plan every environment and print their costs and the total; `refused` are the --env
    and --fail-on given with --all-envs (each is about one plan)."""
    from ..engine.environments import environment_costs, plan_environments
    from ._common import emit, err

    env, fail_on = refused
    if env:
        raise UserError("give --env NAME or --all-envs, not both")
    if fail_on:
        raise UserError("--fail-on checks one plan: give it with --env NAME, not --all-envs")
    if not design.environments:
        raise UserError(
            f"design {design.name!r} has no environments: section; nothing for --all-envs"
        )
    plans = plan_environments(planner, design, options, decisions=chosen == "json")
    rows, total = environment_costs(plans)
    currency = next(iter(plans.values())).currency
    name = environments_file(chosen)
    if chosen == "json":
        data = _json(design.name, currency, rows, total, plans)
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", out_path, name)
    elif chosen == "csv":
        from ..render.environment_tables import environment_line_items_csv

        emit(environment_line_items_csv(plans), out_path, name)
    else:
        from ..render.environment_tables import comparison_tables
        from .show import show

        title = f"Environments of {design.name}: monthly cost ({currency})"
        blocks = [*comparison_tables(plans), _table(title, rows, total, currency)]
        show(chosen, f"Environments of {design.name}", blocks, out_path, name)
    for env_name, plan in plans.items():
        for w in plan.warnings:
            err.print(f"warning: {env_name}: {w}", markup=False)


def _json(
    design: str, currency: str, rows: list[Any], total: Any, plans: dict[str, Any]
) -> dict[str, Any]:
    """Each environment's summary and its whole plan (what `plan --env NAME --json` prints)."""
    return {
        "design": design,
        "currency": currency,
        "environments": {
            r.name: {
                "cloud": r.cloud,
                "regions": list(r.regions),
                "zones": r.zones,
                "purchase": r.purchase,
                "dr_strategy": r.dr,
                "monthly_total": float(r.monthly_total),
                "plan": plans[r.name].to_dict(),
            }
            for r in rows
        },
        "monthly_total": float(total),
    }


def _table(title: str, rows: list[Any], total: Any, currency: str) -> Any:
    from ..render.tables import TextTable
    from ..units import format_money

    body = [
        (r.name, r.cloud, ", ".join(r.regions), str(r.zones), r.purchase, r.dr,
         format_money(r.monthly_total, currency))
        for r in rows
    ]  # fmt: skip
    body.append(("total", "", "", "", "", "", format_money(total, currency)))
    return TextTable.of(
        title,
        ("environment", "cloud", "regions", "zones", "purchase", "DR", "monthly"),
        body,
        right=("zones", "monthly"),
    )
