"""`devops-plan explore`: sweep a design's space and print the Pareto frontier."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

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
    from ..exploration.budget import BudgetAdvice
    from ..render.tables import TextTable

app = command_app()
T = TypeVar("T", int, float)


def _is_na(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA


def _numbers(value: str | None, convert: Callable[[str], T], what: str) -> list[T] | None:
    """A comma-separated option as a list of numbers; None when the option is not given."""
    if value is None:
        return None
    try:
        return [convert(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected {what} separated by commas (got {value!r})") from None


Top = Annotated[
    int, typer.Option("--top", min=1, metavar="N", help="How many frontier candidates to print.")
]
CsvFile = Annotated[
    Path | None,
    typer.Option("--csv", metavar="FILE", help="Write every candidate to this CSV file."),
]


@app.command("explore")
def explore_command(
    design: Path | None = options.design(),
    example: str | None = options.example(),
    top: Top = 10,
    csv: CsvFile = None,
    fmt: str | None = options.output_format(
        "table, json, md (the frontier) or csv (every candidate)"
    ),
    out_path: Path | None = options.out("the result"),
    as_json: bool = options.json("the frontier"),
    load: str | None = typer.Option(
        None, "--load", metavar="X,Y", help="Load multipliers to sweep, e.g. 1,1.5,2 (default: 1)."
    ),
    zones: str | None = typer.Option(
        None, "--zones", metavar="N,M", help="Zone counts to sweep, e.g. 2,3 (default: 1 to 3)."
    ),
    catalog: Path | None = options.catalog(),
) -> None:
    """Sweep a design's space; print the Pareto frontier.

    Prices every combination of zones, DR strategy, purchase option, node family, Multi-AZ
    and load, and prints the candidates no other one beats on cost, availability and RTO.

    \b
    Examples:
      devops-plan explore design.yaml --top 5
      devops-plan explore --example shop --load 1,2 --format csv --out candidates.csv
    """
    loads = _numbers(load, float, "numbers")
    zone_counts = _numbers(zones, int, "whole numbers")
    with user_errors():
        path = design_path(design, example)
        given = "json" if as_json else fmt
        config = configure(path, {"catalog": catalog, "output.explore": given})
        from ..atomic import check_output_file

        chosen = pick_format("explore", given, out_path, config.settings.output.explore)
        if csv is not None:
            check_output_file(csv, "--csv")
        out_target(out_path)  # both checked before the sweep
        df, best = _sweep(path, config.settings.catalog, zone_counts, loads, top)
        if csv is not None:
            _write_candidates(csv, df)
        if chosen == "json":
            emit(json.dumps(_as_json(df, best), indent=2) + "\n", out_path)
        elif chosen == "csv":
            emit(spreadsheet_safe(df).to_csv(lineterminator="\n"), out_path)
        else:
            from .show import show

            first, *rest = _lines(df)
            blocks: list[str | TextTable] = [
                first,
                _frontier_table(best, df.attrs["currency"]),
                *rest,
            ]
            show(chosen, f"Design space of {df.attrs['design']}", blocks, out_path, "")


def _sweep(
    path: Path,
    catalog_dir: Path | None,
    zones: list[int] | None,
    loads: list[float] | None,
    top: int,
) -> tuple[Any, Any]:
    from ..catalog import catalog_path, load_catalog
    from ..design import load_design
    from ..errors import UserError
    from ..exploration import design_space, explore, frontier

    d = load_design(path)
    catalog = load_catalog(d.cloud.value, catalog_path(d.cloud.value, catalog_dir))
    space = design_space(d, zones=zones, load_multipliers=loads or (1.0,), catalog=catalog)
    df = explore(d, space, catalog=catalog)
    if df.empty:
        raise UserError(
            f"{path}: no candidate could be planned: "
            + "; ".join(df.attrs["unplannable_reasons"][:3])
        )
    return df, frontier(df, top=top)


def _write_candidates(csv: Path, df: Any) -> None:
    from ..atomic import output_errors, write_atomic

    with output_errors(csv, "the candidates CSV"):
        path = write_atomic(csv, spreadsheet_safe(df).to_csv(lineterminator="\n"))
    err.print(f"wrote {path} ({len(df):,} candidates)", markup=False)


def spreadsheet_safe(df: Any) -> Any:
    """The candidates with every text cell safe to open in a spreadsheet (csv_cell)."""
    import pandas as pd

    from ..escape import csv_cell

    safe = df.copy()
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name].dtype):
            safe[name] = safe[name].map(lambda v: csv_cell(v) if isinstance(v, str) else v)
    return safe


def _records(rows: Any) -> list[dict[str, Any]]:
    from ..exploration import DIMENSIONS

    out_rows = []
    for index, row in rows.iterrows():
        record: dict[str, Any] = {"candidate": int(index)}
        for name in (*DIMENSIONS, "regions"):
            value = row[name]
            record[name] = None if _is_na(value) else _plain(value)
        for name in ("monthly_cost", "availability", "rto", "rpo", "meets_target", "current"):
            record[name] = _plain(row[name])
        wb = row["within_budget"]
        record["within_budget"] = None if _is_na(wb) else bool(wb)
        out_rows.append(record)
    return out_rows


def _plain(value: Any) -> Any:
    # numpy scalars to plain Python numbers and bools for json.
    return value.item() if hasattr(value, "item") else value


def _as_json(df: Any, best: Any) -> dict[str, Any]:
    from ..exploration.budget import budget_advice

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
    if _is_na(value):
        return ""
    return "yes" if bool(value) else "no"


def _lines(df: Any) -> list[str]:
    from ..units import format_duration, format_money

    a = df.attrs
    cur = a["currency"]
    lines = [
        f"{a['design']}: {a['candidates']:,} candidates"
        + (f" ({a['unplannable']:,} cannot be planned)" if a["unplannable"] else "")
        + f", {int(df['on_frontier'].sum())} on the Pareto frontier (cost, availability, RTO); "
        f"targets {a['availability_target']:g}%, RTO {format_duration(a['rto_target'])}, "
        f"RPO {format_duration(a['rpo_target'])}"
    ]
    current = df[df["current"]]
    if not current.empty:
        c = current.iloc[0]
        where = "on the frontier" if c["on_frontier"] else "not on the frontier"
        lines.append(
            f"Current design (#{current.index[0]}): {format_money(c['monthly_cost'], cur)}, "
            f"{c['availability']:g}%, RTO {format_duration(c['rto'])}, "
            f"{'meets' if c['meets_target'] else 'misses'} the targets, {where}."
        )
    meeting = df[df["meets_target"]]
    if meeting.empty:
        lines.append("No candidate meets the targets.")
    else:
        ranked = meeting.sort_values("monthly_cost_cents", kind="stable")
        cheapest = ranked.iloc[0]
        lines.append(
            f"Cheapest candidate meeting the targets: #{ranked.index[0]} at "
            f"{format_money(cheapest['monthly_cost'], cur)} ({cheapest['availability']:g}%)."
        )
    from ..exploration.budget import budget_advice, worth_saying

    advice = budget_advice(df)
    if worth_saying(advice):
        assert advice is not None
        lines.append(advice.line())
    return lines


_COLUMNS = ("#", "zones", "regions", "DR", "compute", "data", "nodes", "DB MAZ", "cache MAZ")


def _frontier_table(best: Any, cur: str) -> TextTable:
    from ..render.tables import TextTable
    from ..units import format_duration, format_money

    columns = (*_COLUMNS, "load", "monthly", "avail %", "RTO", "RPO", "meets")
    rows = []
    for index, row in best.iterrows():
        data = row["data_purchase"]
        rows.append(
            (
                str(index),
                str(row["zones"]),
                str(row["regions"]),
                str(row["dr_strategy"]).replace("_", " "),
                str(row["purchase"]),
                "" if _is_na(data) or data != data else str(data),
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
        )
    return TextTable.of(
        "Frontier (meeting the targets first, cheapest first)",
        columns,
        rows,
        {"#", "monthly", "avail %"},
    )
