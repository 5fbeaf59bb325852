"""`devops-plan explore`: sweep a design's space and print the Pareto frontier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.table import Table

from ..atomic import write_atomic
from ..design import load_design
from ..errors import UserError
from ..exploration import DIMENSIONS, design_space, explore, frontier
from ..units import format_duration
from ._common import app, err, out, user_errors

_NA: Any = pd.NA


def _floats(value: str | None) -> list[float] | None:
    if value is None:
        return None
    try:
        return [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected numbers separated by commas (got {value!r})") from None


def _ints(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"expected whole numbers separated by commas (got {value!r})"
        ) from None


@app.command("explore")
def explore_command(
    design: Path = typer.Argument(..., help="Design file (YAML)."),
    top: int = typer.Option(10, "--top", min=1, help="How many frontier candidates to print."),
    csv: Path | None = typer.Option(None, "--csv", help="Write every candidate to this CSV file."),
    as_json: bool = typer.Option(False, "--json", help="Print the frontier as JSON."),
    load: str | None = typer.Option(
        None, "--load", help="Load multipliers to sweep, e.g. 1,1.5,2 (default: 1)."
    ),
    zones: str | None = typer.Option(
        None, "--zones", help="Zone counts to sweep, e.g. 2,3 (default: 1 to 3)."
    ),
) -> None:
    """Price every combination of zones, DR strategy, purchase option, node family,
    Multi-AZ and load, and print the candidates no other one beats on cost, availability
    and RTO."""
    loads = _floats(load)
    zone_counts = _ints(zones)
    with user_errors():
        d = load_design(design)
        space = design_space(d, zones=zone_counts, load_multipliers=loads or (1.0,))
        df = explore(d, space)
        if df.empty:
            raise UserError(
                f"{design}: no candidate could be planned: "
                + "; ".join(df.attrs["unplannable_reasons"][:3])
            )
        if csv is not None:
            path = write_atomic(csv, df.to_csv(lineterminator="\n"))
            err.print(f"wrote {path} ({len(df):,} candidates)", markup=False)
        best = frontier(df, top=top)
        if as_json:
            typer.echo(json.dumps(_as_json(df, best), indent=2))
        else:
            _show(df, best)


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
    table = Table(
        title="Frontier (meeting the targets first, cheapest first)", title_justify="left"
    )
    columns = (
        "#",
        "zones",
        "regions",
        "DR",
        "compute",
        "data",
        "nodes",
        "DB MAZ",
        "cache MAZ",
        "load",
        "monthly",
        "avail %",
        "RTO",
        "RPO",
        "meets",
    )
    for col in columns:
        table.add_column(col, justify="right" if col in ("#", "monthly", "avail %") else "left")
    for index, row in best.iterrows():
        table.add_row(
            str(index),
            str(row["zones"]),
            str(row["regions"]),
            str(row["dr_strategy"]).replace("_", " "),
            str(row["purchase"]),
            ""
            if row["data_purchase"] is _NA or row["data_purchase"] != row["data_purchase"]
            else str(row["data_purchase"]),
            str(row["node_family"]),
            _flag(row["db_multi_az"]),
            _flag(row["cache_multi_az"]),
            f"{row['load_multiplier']:g}x",
            f"{row['monthly_cost']:,.2f} {cur}",
            f"{row['availability']:g}",
            format_duration(row["rto"]),
            format_duration(row["rpo"]),
            "yes" if row["meets_target"] else "no",
        )
    out.print(table)
    current = df[df["current"]]
    if not current.empty:
        c = current.iloc[0]
        where = "on the frontier" if c["on_frontier"] else "not on the frontier"
        out.print(
            f"Current design (#{current.index[0]}): {c['monthly_cost']:,.2f} {cur}, "
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
            f"{cheapest['monthly_cost']:,.2f} {cur} ({cheapest['availability']:g}%)."
        )
