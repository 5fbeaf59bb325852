"""`devops-plan plan --all-envs`: the cost of every environment of a design and their total,
as a table for people or JSON for machines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import UserError


def show_environments(
    planner: Any, design: Any, options: Any, env: str | None, chosen: str, out_path: Path | None
) -> None:
    """Plan every environment and print their costs and the total."""
    from ..engine.environments import environment_costs, plan_environments
    from ..units import format_money
    from ._common import emit, err

    if env:
        raise UserError("give --env NAME or --all-envs, not both")
    if not design.environments:
        raise UserError(
            f"design {design.name!r} has no environments: section; nothing for --all-envs"
        )
    if chosen not in ("table", "json"):
        raise UserError(f"--all-envs prints a table or json, not {chosen}")
    plans = plan_environments(planner, design, options, decisions=False)
    rows, total = environment_costs(plans)
    currency = next(iter(plans.values())).currency
    if chosen == "json":
        data: dict[str, Any] = {
            "design": design.name,
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
        emit(json.dumps(data, indent=2) + "\n", out_path, "environments.json")
    else:
        from ..render.tables import TextTable
        from .show import show

        title = f"Environments of {design.name}: monthly cost ({currency})"
        body = [
            (r.name, r.cloud, ", ".join(r.regions), str(r.zones), r.purchase, r.dr,
             format_money(r.monthly_total, currency))
            for r in rows
        ]  # fmt: skip
        body.append(("total", "", "", "", "", "", format_money(total, currency)))
        table = TextTable.of(
            title,
            ("environment", "cloud", "regions", "zones", "purchase", "DR", "monthly"),
            body,
            right=("zones", "monthly"),
        )
        show("table", title, [table], out_path, "environments.txt")
    for name, plan in plans.items():
        for w in plan.warnings:
            err.print(f"warning: {name}: {w}", markup=False)
