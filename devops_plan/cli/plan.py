"""`devops-plan plan`: plan a design and print it, or write plan.json."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..atomic import write_atomic
from ..catalog import PURCHASES as PURCHASE_OPTIONS
from ..design import load_design
from ..engine import build_plan
from ..plan import Plan
from ..units import format_duration, format_money
from ._common import app, err, out, user_errors


def _purchase(value: str | None) -> str | None:
    if value is not None and value not in PURCHASE_OPTIONS:
        raise typer.BadParameter(f"expected one of {', '.join(PURCHASE_OPTIONS)} (got {value!r})")
    return value


def _cloud(value: str | None) -> str | None:
    if value is not None and value not in ("aws", "gcp", "azure"):
        raise typer.BadParameter(f"expected aws, gcp or azure (got {value!r})")
    return value


@app.command("plan")
def plan_command(
    design: Path = typer.Argument(..., help="Design file (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    out_dir: Path | None = typer.Option(None, "--out", help="Write plan.json into this folder."),
    cloud: str | None = typer.Option(
        None, "--cloud", callback=_cloud, help="Plan on another cloud: aws, gcp, azure."
    ),
    region: str | None = typer.Option(None, "--region", help="Override the primary region."),
    purchase: str | None = typer.Option(
        None, "--purchase", callback=_purchase, help="Override the default purchase option."
    ),
    allow_missing_prices: bool = typer.Option(
        False, "--allow-missing-prices", help="Continue when prices are missing, with warnings."
    ),
) -> None:
    """Size, place, check availability and DR, and price a design."""
    with user_errors():
        plan = build_plan(
            load_design(design),
            cloud=cloud,
            region=region,
            purchase=purchase,
            allow_missing_prices=allow_missing_prices,
        )
        text = plan.to_json()
        if out_dir is not None:
            path = write_atomic(out_dir / "plan.json", text)
            err.print(f"wrote {path}", markup=False)
        if as_json:
            typer.echo(text, nl=False)
        else:
            show_plan(plan)


def show_plan(plan: Plan) -> None:
    """Rich tables for people: summary, services, pools, availability, DR, cost."""
    d = plan.to_dict()
    cur = plan.currency
    a, dr, cost = d["availability"], d["dr"], d["cost"]
    out.print(
        f"[bold]{plan.design}[/] on {plan.cloud} {', '.join(plan.regions)} "
        f"({plan.zones} zones, {plan.purchase}); prices as of {plan.catalog_as_of}"
    )
    services = Table(title="Services", title_justify="left")
    for col in (
        "service",
        "kind",
        "replicas",
        "cpu req",
        "mem req",
        "class",
        "multi-AZ",
        "avail %",
        "monthly",
    ):
        services.add_column(
            col, justify="right" if col in ("replicas", "avail %", "monthly") else "left"
        )
    for s in d["services"]:
        services.add_row(
            s["name"],
            s["kind"],
            str(s["replicas"]),
            f"{s['cpu_request_m']}m" if s["cpu_request_m"] else "",
            f"{s['memory_request_mib']}Mi" if s["memory_request_mib"] else "",
            s["instance_class"] or (f"pool {s['pool']}" if s["pool"] else ""),
            {True: "yes", False: "no", None: ""}[s["multi_az"]],
            f"{s['availability']:g}",
            format_money(s["monthly_cost"], cur),
        )
    out.print(services)
    if d["node_pools"]:
        pools = Table(title="Node pools", title_justify="left")
        for col in (
            "pool",
            "instance type",
            "nodes",
            "max pods",
            "alloc cpu",
            "alloc mem",
            "cpu used",
            "mem used",
            "monthly",
        ):
            pools.add_column(col)
        for p in d["node_pools"]:
            pools.add_row(
                p["name"],
                p["instance_type"],
                str(p["nodes"]),
                str(p["max_pods"]),
                f"{p['allocatable_cpu_m']}m",
                f"{p['allocatable_memory_mib']}Mi",
                f"{p['cpu_utilization']:.0%}",
                f"{p['memory_utilization']:.0%}",
                format_money(p["monthly_cost"], cur),
            )
        out.print(pools)
    verdict = "[green]meets[/]" if a["meets_target"] else "[red]misses[/]"
    out.print(
        f"Availability: {a['achieved']:g}% vs target {a['target']:g}% {verdict} "
        f"(budget {a['downtime_budget_min']:g} min/month; weakest link: {a['weakest']})"
    )
    if a["suggestion"]:
        sug = a["suggestion"]
        out.print(
            f"  suggestion: {sug['description']} -> {sug['achieved']:g}% "
            f"({sug['monthly_cost_delta']:+,.2f} {cur}/month)"
        )
    drt = Table(title=f"DR options (region {dr['dr_region']})", title_justify="left")
    for col in ("strategy", "RTO", "RPO", "meets", "monthly", ""):
        drt.add_column(col)
    for o in dr["options"]:
        drt.add_row(
            o["strategy"],
            format_duration(o["rto"]),
            format_duration(o["rpo"]),
            "yes" if o["meets_target"] else "no",
            format_money(o["monthly_cost"], cur),
            "chosen" if o["strategy"] == dr["strategy"] else "",
        )
    out.print(drt)
    cats = Table(title="Monthly cost by category", title_justify="left")
    cats.add_column("category")
    cats.add_column("monthly", justify="right")
    for k, v in sorted(cost["by_category"].items(), key=lambda kv: -kv[1]):
        cats.add_row(k, format_money(v, cur))
    cats.add_row("[bold]total[/]", f"[bold]{format_money(cost['monthly_total'], cur)}[/]")
    out.print(cats)
    if cost["budget"] is not None:
        ok = "[green]within budget[/]" if cost["within_budget"] else "[red]over budget[/]"
        out.print(f"Budget {format_money(cost['budget'], cur)}: {ok}")
    for w in d["warnings"]:
        err.print(f"warning: {w}", markup=False)
