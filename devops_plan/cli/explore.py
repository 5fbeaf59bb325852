"""`devops-plan explore`: sweep a design's space and print the Pareto frontier."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import typer
from rich.table import Table

from ..atomic import check_output_file, output_errors, write_atomic
from ..catalog import catalog_path, load_catalog
from ..design import load_design
from ..errors import UserError
from ..escape import csv_cell
from ..exploration import DIMENSIONS, design_space, explore, frontier
from ..exploration.budget import BudgetAdvice, budget_advice, worth_saying
from ..units import format_duration, format_money
from . import options
from ._common import app, err, out, table, user_errors

_NA: Any = pd.NA
T = TypeVar("T", int, float)


def _numbers(value: str | None, convert: Callable[[str], T], what: str) -> list[T] | None:
    """A comma-separated option as a list of numbers; None when the option is not given."""
    if value is None:
        return None
    try:
        return [convert(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected {what} separated by commas (got {value!r})") from None


@app.command("explore")
def explore_command(
    design: Path = options.design(),
    top: int = typer.Option(10, "--top", min=1, help="How many frontier candidates to print."),
    csv: Path | None = typer.Option(None, "--csv", help="Write every candidate to this CSV file."),
    as_json: bool = options.json("the frontier"),
    load: str | None = typer.Option(
        None, "--load", help="Load multipliers to sweep, e.g. 1,1.5,2 (default: 1)."
    ),
    zones: str | None = typer.Option(
        None, "--zones", help="Zone counts to sweep, e.g. 2,3 (default: 1 to 3)."
    ),
    catalog_dir: Path | None = options.catalog(),
) -> None:
    """Price every combination of zones, DR strategy, purchase option, node family,
    Multi-AZ and load, and print the candidates no other one beats on cost, availability
    and RTO."""
    loads = _numbers(load, float, "numbers")
    zone_counts = _numbers(zones, int, "whole numbers")
    with user_errors():
        if csv is not None:
            check_output_file(csv, "--csv")
        d = load_design(design)
        cloud = d.cloud.value
        catalog = load_catalog(cloud, catalog_path(cloud, catalog_dir))
        space = design_space(
            d, zones=zone_counts, load_multipliers=loads or (1.0,), catalog=catalog
        )
        df = explore(d, space, catalog=catalog)
        if df.empty:
            raise UserError(
                f"{design}: no candidate could be planned: "
                + "; ".join(df.attrs["unplannable_reasons"][:3])
            )
        if csv is not None:
            with output_errors(csv, "the candidates CSV"):
                path = write_atomic(csv, spreadsheet_safe(df).to_csv(lineterminator="\n"))
            err.print(f"wrote {path} ({len(df):,} candidates)", markup=False)
        best = frontier(df, top=top)
        if as_json:
            typer.echo(json.dumps(_as_json(df, best), indent=2))
        else:
            _show(df, best)


def spreadsheet_safe(df: Any) -> Any:
    """The candidates with every text cell safe to open in a spreadsheet (csv_cell)."""
    safe = df.copy()
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name].dtype):
            safe[name] = safe[name].map(lambda v: csv_cell(v) if isinstance(v, str) else v)
    return safe


def _records(rows: Any) -> list[dict[str, Any]]:
    out_rows = []
    for index, row in rows.iterrows():
        record: dict[str, Any] = {"candidate": int(index)}
        for name in (*DIMENSIONS, "regions"):
            value = row[name]
            record[name] = None if value is None or value is _NA else _plain(value)
        for name in ("monthly_cost", "availability", "rto", "rpo", "meets_target", "current"):
            record[name] = _plain(row[name])
        wb = row["within_budget"]
        record["within_budget"] = None if wb is _NA else bool(wb)
        out_rows.append(record)
    return out_rows


def _plain(value: Any) -> Any:
    # numpy scalars to plain Python numbers and bools for json.
    return value.item() if hasattr(value, "item") else value


def _as_json(df: Any, best: Any) -> dict[str, Any]:
    a = df.attrs
    current = df[df["current"]]
    return {
        "design": a["design"],
        "currency": a["currency"],
        "targets": {
            "availability": a["availability_target"],
            "rto": a["rto_target"],
            "rpo": a["rpo_target"],
            "budget": a["budget"],
        },
        "candidates": a["candidates"],
        "plannable": len(df),
        "unplannable": a["unplannable"],
        "unplannable_reasons": a["unplannable_reasons"],
        "frontier_size": int(df["on_frontier"].sum()),
        "current": _records(current)[0] if not current.empty else None,
        "frontier": _records(best),
        "budget_advice": _advice_json(budget_advice(df)),
    }


def _advice_json(advice: BudgetAdvice | None) -> dict[str, Any] | None:
    if advice is None:
        return None
    return {
        "line": advice.line(),
        "within_budget": advice.within,
        "within_budget_meeting_targets": advice.within_meeting,
        "cheapest": advice.cheapest,
        "cheapest_monthly_cost": advice.cheapest_cents / 100,
        "levers": [
            {"dimension": lv.dimension, "value": _plain(lv.value), "saving": lv.saving_cents / 100}
            for lv in advice.levers
        ],
    }


def _flag(value: Any) -> str:
    if value is None or value is _NA:
        return ""
    return "yes" if bool(value) else "no"


def _show(df: Any, best: Any) -> None:
    a = df.attrs
    cur = a["currency"]
    out.print(
        f"[bold]{a['design']}[/]: {a['candidates']:,} candidates"
        + (f" ({a['unplannable']:,} cannot be planned)" if a["unplannable"] else "")
        + f", {int(df['on_frontier'].sum())} on the Pareto frontier (cost, availability, RTO); "
        f"targets {a['availability_target']:g}%, RTO {format_duration(a['rto_target'])}, "
        f"RPO {format_duration(a['rpo_target'])}"
    )
    out.print(_frontier_table(best, cur))
    current = df[df["current"]]
    if not current.empty:
        c = current.iloc[0]
        where = "on the frontier" if c["on_frontier"] else "not on the frontier"
        out.print(
            f"Current design (#{current.index[0]}): {format_money(c['monthly_cost'], cur)}, "
            f"{c['availability']:g}%, RTO {format_duration(c['rto'])}, "
            f"{'meets' if c['meets_target'] else 'misses'} the targets, {where}."
        )
    meeting = df[df["meets_target"]]
    if meeting.empty:
        out.print("No candidate meets the targets.")
    else:
        ranked = meeting.sort_values("monthly_cost_cents", kind="stable")
        cheapest = ranked.iloc[0]
        out.print(
            f"Cheapest candidate meeting the targets: #{ranked.index[0]} at "
            f"{format_money(cheapest['monthly_cost'], cur)} ({cheapest['availability']:g}%)."
        )
    advice = budget_advice(df)
    if worth_saying(advice):
        assert advice is not None
        out.print(advice.line(), markup=False, highlight=False, soft_wrap=True)


_COLUMNS = ("#", "zones", "regions", "DR", "compute", "data", "nodes", "DB MAZ", "cache MAZ")


def _frontier_table(best: Any, cur: str) -> Table:
    columns = (*_COLUMNS, "load", "monthly", "avail %", "RTO", "RPO", "meets")
    frontier_rows = table(
        "Frontier (meeting the targets first, cheapest first)",
        columns,
        {"#", "monthly", "avail %"},
    )
    for index, row in best.iterrows():
        data = row["data_purchase"]
        frontier_rows.add_row(
            str(index),
            str(row["zones"]),
            str(row["regions"]),
            str(row["dr_strategy"]).replace("_", " "),
            str(row["purchase"]),
            "" if data is _NA or data != data else str(data),
            str(row["node_family"]),
            _flag(row["db_multi_az"]),
            _flag(row["cache_multi_az"]),
            f"{row['load_multiplier']:g}x",
            format_money(row["monthly_cost"], cur),
            f"{row['availability']:g}",
            format_duration(row["rto"]),
            format_duration(row["rpo"]),
            "yes" if row["meets_target"] else "no",
        )
    return frontier_rows
