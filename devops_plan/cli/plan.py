"""`devops-plan plan`: plan a design and print it (one Rich table per part of the plan), or
write plan.json."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..atomic import check_output_folder, output_errors, write_atomic
from ..catalog import catalog_path, load_catalog
from ..design import load_design
from ..engine import build_plan
from ..engine.vocabulary import shipped_vocabulary
from ..exploration.budget import with_budget_advice, with_purchase
from ..plan import Plan
from ..policies import POLICIES, POLICY_EXIT_CODE, failed_policies, parse_policies
from ..units import format_duration, format_money
from . import options
from ._common import app, err, out, table, user_errors


def _check_policies(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_policies(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


@app.command("plan")
def plan_command(
    design: Path = options.design(),
    as_json: bool = options.json("the plan"),
    out_dir: Path | None = typer.Option(None, "--out", help="Write plan.json into this folder."),
    cloud: str | None = options.cloud(),
    region: str | None = options.region(),
    purchase: str | None = options.purchase(),
    allow_missing_prices: bool = typer.Option(
        False, "--allow-missing-prices", help="Continue when prices are missing, with warnings."
    ),
    catalog: Path | None = options.catalog(),
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        help="Exit 3 when the plan fails any of these policies: "
        + ", ".join(POLICIES)
        + " (comma-separated); one line per failed policy on stderr.",
        callback=_check_policies,
    ),
) -> None:
    """Size, place, check availability and DR, and price a design."""
    with user_errors():
        if out_dir is not None:
            check_output_folder(out_dir, "--out")
        loaded = load_design(design, vocabulary=shipped_vocabulary)
        plan = build_plan(
            loaded,
            cloud=cloud,
            region=region,
            purchase=purchase,
            allow_missing_prices=allow_missing_prices,
            catalog_dir=catalog,
        )
        if cloud is None and region is None:
            # Over budget: what the design space can do about it (the sweep runs only then).
            prices = load_catalog(plan.cloud, catalog_path(plan.cloud, catalog))
            plan = with_budget_advice(with_purchase(loaded, purchase), plan, prices)
        text = plan.to_json()
        if out_dir is not None:
            with output_errors(out_dir, "plan.json"):
                path = write_atomic(out_dir / "plan.json", text)
            err.print(f"wrote {path}", markup=False)
        if as_json:
            typer.echo(text, nl=False)
        else:
            show_plan(plan)
    failed = failed_policies(plan, parse_policies(fail_on)) if fail_on else []
    for line in failed:
        err.print(line, markup=False)
    if failed:
        raise typer.Exit(POLICY_EXIT_CODE)


def show_plan(plan: Plan) -> None:
    """Rich tables for people: summary, services, pools, availability, DR, cost."""
    out.print(
        f"[bold]{plan.design}[/] on {plan.cloud} {', '.join(plan.regions)} "
        f"({plan.zones} zones, {plan.purchase}); prices as of {plan.catalog_as_of}"
        + ("" if plan.catalog.source == "shipped" else f" from {plan.catalog.source}")
    )
    out.print(services_table(plan))
    if plan.node_pools:
        out.print(node_pools_table(plan))
    show_availability(plan)
    out.print(dr_table(plan))
    out.print(network_table(plan))
    out.print(rules_table(plan))
    out.print(cost_table(plan))
    if plan.cost.budget is not None:
        ok = "[green]within budget[/]" if plan.cost.within_budget else "[red]over budget[/]"
        out.print(f"Budget {format_money(plan.cost.budget, plan.currency)}: {ok}")
    for w in plan.warnings:
        err.print(f"warning: {w}", markup=False)


def services_table(plan: Plan) -> Table:
    columns = ("service", "kind", "replicas", "cpu req", "mem req", "class", "multi-AZ")
    services = table(
        "Services", (*columns, "avail %", "monthly"), {"replicas", "avail %", "monthly"}
    )
    for s in plan.services:
        services.add_row(
            s.name,
            s.kind,
            str(s.replicas),
            f"{s.cpu_request_m}m" if s.cpu_request_m else "",
            f"{s.memory_request_mib}Mi" if s.memory_request_mib else "",
            s.instance_class or (f"pool {s.pool}" if s.pool else ""),
            {True: "yes", False: "no", None: ""}[s.multi_az],
            f"{s.availability:g}",
            format_money(s.monthly_cost, plan.currency),
        )
    return services


def node_pools_table(plan: Plan) -> Table:
    columns = ("pool", "instance type", "nodes", "max pods", "alloc cpu", "alloc mem")
    pools = table("Node pools", (*columns, "cpu used", "mem used", "monthly"))
    for p in plan.node_pools:
        pools.add_row(
            p.name,
            p.instance_type,
            str(p.nodes),
            str(p.max_pods),
            f"{p.allocatable_cpu_m}m",
            f"{p.allocatable_memory_mib}Mi",
            f"{p.cpu_utilization:.0%}",
            f"{p.memory_utilization:.0%}",
            format_money(p.monthly_cost, plan.currency),
        )
    return pools


def show_availability(plan: Plan) -> None:
    a = plan.availability
    verdict = "[green]meets[/]" if a.meets_target else "[red]misses[/]"
    out.print(
        f"Availability: {a.achieved:g}% vs target {a.target:g}% {verdict} "
        f"(budget {a.downtime_budget_min:g} min/month; weakest link: {a.weakest})"
    )
    sug = a.suggestion
    if sug is not None:
        delta = format_money(sug.monthly_cost_delta, plan.currency, signed=True)
        out.print(f"  suggestion: {sug.description} -> {sug.achieved:g}% ({delta}/month)")


def dr_table(plan: Plan) -> Table:
    dr = plan.dr
    columns = ("strategy", "RTO", "RPO", "meets", "monthly", "")
    options = table(f"DR options (region {dr.dr_region})", columns)
    for o in dr.options:
        options.add_row(
            o.strategy,
            format_duration(o.rto),
            format_duration(o.rpo),
            "yes" if o.meets_target else "no",
            format_money(o.monthly_cost, plan.currency),
            "chosen" if o.strategy == dr.strategy else "",
        )
    return options


def cost_table(plan: Plan) -> Table:
    cost, cur = plan.cost, plan.currency
    cats = table("Monthly cost by category", ("category", "monthly"), {"monthly"})
    for k, v in sorted(cost.by_category.items(), key=lambda kv: -kv[1]):
        cats.add_row(k, format_money(v, cur))
    cats.add_row("[bold]total[/]", f"[bold]{format_money(cost.monthly_total, cur)}[/]")
    if cost.peak_provisioned != cost.monthly_total:
        cats.add_row("at peak all month", format_money(cost.peak_provisioned, cur))
    return cats


def network_table(plan: Plan) -> Table:
    """Each region's subnets: tier, zone, block, usable addresses and what they hold."""
    net = table(
        f"Network ({plan.network.cross_region})",
        ("region", "tier", "zone", "cidr", "usable", "needed", "for"),
        {"usable", "needed"},
    )
    for v in plan.network.vpcs:
        net.add_row(v.region, "vpc", "", v.cidr, "", f"/{v.needed_prefix}",
                    "fits" if v.fits else "too small")  # fmt: skip
        for s in v.subnets:
            net.add_row("", s.tier, s.zone, s.cidr or f"(/{s.prefix})", f"{s.usable:,}",
                        f"{s.needed:,}", s.basis)  # fmt: skip
    return net


def rules_table(plan: Plan) -> Table:
    """The least-privilege rule matrix."""
    rules = table("Allowed flows (everything else denied)", ("from", "to", "port", "why"))
    for r in plan.security.rules:
        rules.add_row(r.source, r.destination, f"{r.port}/{r.protocol.lower()}", r.reason)
    return rules
