"""`devops-plan plan --all-envs`: the cost of every environment of a design and their total, in
every format `plan` prints (docs/cli.md, "One surface"): a table, Markdown or HTML for people,
JSON for machines, CSV with one row per environment (the rows add up to the total)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import UserError

COLUMNS = ("environment", "cloud", "regions", "zones", "purchase", "dr_strategy", "monthly_total")


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
    plans = plan_environments(planner, design, options, decisions=False)
    rows, total = environment_costs(plans)
    currency = next(iter(plans.values())).currency
    name = environments_file(chosen)
    if chosen == "json":
        emit(json.dumps(_json(design.name, currency, rows, total), indent=2) + "\n", out_path, name)
    elif chosen == "csv":
        emit(_csv(rows, currency), out_path, name)
    else:
        from .show import show

        title = f"Environments of {design.name}: monthly cost ({currency})"
        show(chosen, title, [_table(title, rows, total, currency)], out_path, name)
    for env_name, plan in plans.items():
        for w in plan.warnings:
            err.print(f"warning: {env_name}: {w}", markup=False)


def _json(design: str, currency: str, rows: list[Any], total: Any) -> dict[str, Any]:
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
            }
            for r in rows
        },
        "monthly_total": float(total),
    }


def _csv(rows: list[Any], currency: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow((*COLUMNS, "currency"))
    for r in rows:
        writer.writerow(
            (r.name, r.cloud, " ".join(r.regions), r.zones, r.purchase, r.dr,
             f"{r.monthly_total:f}", currency)
        )  # fmt: skip
    return buf.getvalue()


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
