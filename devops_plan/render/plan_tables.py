"""A plan as text tables and lines (what `devops-plan plan` prints, as a terminal table,
Markdown or HTML) and its priced line items as CSV (one row per line item, as a cloud
pricing calculator exports an estimate)."""

from __future__ import annotations

from decimal import Decimal

from ..plan import Plan
from ..units import format_duration, format_money, round_cents
from .tables import TextTable, csv_text

__all__ = [
    "LINE_ITEM_COLUMNS",
    "headline",
    "line_item_rows",
    "line_items_csv",
    "plan_blocks",
    "plan_tables",
]


def headline(plan: Plan) -> str:
    return (
        f"{plan.design} on {plan.cloud} {', '.join(plan.regions)} "
        f"({plan.zones} zones, {plan.purchase}); prices as of {plan.catalog_as_of}"
        + ("" if plan.catalog.source == "shipped" else f" from {plan.catalog.source}")
    )


def _availability(plan: Plan) -> list[str]:
    """The availability verdict and the suggestion for a missed target."""
    a = plan.availability
    lines = [
        f"Availability: {a.achieved:g}% vs target {a.target:g}% "
        f"{'meets' if a.meets_target else 'misses'} "
        f"(budget {a.downtime_budget_min:g} min/month; weakest link: {a.weakest})"
    ]
    if a.suggestion is not None:
        s = a.suggestion
        delta = format_money(s.monthly_cost_delta, plan.currency, signed=True)
        lines.append(f"  suggestion: {s.description} -> {s.achieved:g}% ({delta}/month)")
    return lines


def _budget(plan: Plan) -> list[str]:
    if plan.cost.budget is None:
        return []
    verdict = "within budget" if plan.cost.within_budget else "over budget"
    return [f"Budget {format_money(plan.cost.budget, plan.currency)}: {verdict}"]


def _services(plan: Plan) -> TextTable:
    columns = ("service", "kind", "replicas", "cpu req", "mem req", "class", "multi-AZ")
    rows = [
        (
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
        for s in plan.services
    ]
    return TextTable.of(
        "Services", (*columns, "avail %", "monthly"), rows, {"replicas", "avail %", "monthly"}
    )


def _node_pools(plan: Plan) -> TextTable:
    columns = ("pool", "instance type", "nodes", "max pods", "alloc cpu", "alloc mem")
    rows = [
        (
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
        for p in plan.node_pools
    ]
    return TextTable.of("Node pools", (*columns, "cpu used", "mem used", "monthly"), rows)


def _dr(plan: Plan) -> TextTable:
    dr = plan.dr
    rows = [
        (
            o.strategy,
            format_duration(o.rto),
            format_duration(o.rpo),
            "yes" if o.meets_target else "no",
            format_money(o.monthly_cost, plan.currency),
            "chosen" if o.strategy == dr.strategy else "",
        )
        for o in dr.options
    ]
    columns = ("strategy", "RTO", "RPO", "meets", "monthly", "")
    return TextTable.of(f"DR options (region {dr.dr_region})", columns, rows)


def _cost(plan: Plan) -> TextTable:
    cost, cur = plan.cost, plan.currency
    rows = [
        (k, format_money(v, cur))
        for k, v in sorted(cost.by_category.items(), key=lambda kv: -kv[1])
    ]
    rows.append(("total", format_money(cost.monthly_total, cur)))
    if cost.peak_provisioned != cost.monthly_total:
        rows.append(("at peak all month", format_money(cost.peak_provisioned, cur)))
    return TextTable.of("Monthly cost by category", ("category", "monthly"), rows, {"monthly"})


def _network(plan: Plan) -> TextTable:
    """Each region's VPC and subnets: tier, zone, block, usable addresses and what they hold."""
    rows: list[tuple[str, ...]] = []
    for v in plan.network.vpcs:
        rows.append((v.region, "vpc", "", v.cidr, "", f"/{v.needed_prefix}",
                     "fits" if v.fits else "too small"))  # fmt: skip
        rows += [
            ("", s.tier, s.zone, s.cidr or f"(/{s.prefix})", f"{s.usable:,}", f"{s.needed:,}",
             s.basis)
            for s in v.subnets
        ]  # fmt: skip
    columns = ("region", "tier", "zone", "cidr", "usable", "needed", "for")
    title = f"Network ({plan.network.cross_region})"
    return TextTable.of(title, columns, rows, {"usable", "needed"})


def _rules(plan: Plan) -> TextTable:
    """The least-privilege rule matrix."""
    rows = [
        (r.source, r.destination, f"{r.port}/{r.protocol.lower()}", r.reason)
        for r in plan.security.rules
    ]
    return TextTable.of(
        "Allowed flows (everything else denied)", ("from", "to", "port", "why"), rows
    )


def plan_tables(plan: Plan) -> list[TextTable]:
    """Services, node pools (when there are any), DR options, the network, the allowed flows
    and cost by category."""
    tables = [_services(plan)]
    if plan.node_pools:
        tables.append(_node_pools(plan))
    return [*tables, _dr(plan), _network(plan), _rules(plan), _cost(plan)]


def plan_blocks(plan: Plan) -> list[str | TextTable]:
    """The plan in the order people read it: what runs, whether it is available enough,
    DR, the network and its allowed flows, cost and the budget."""
    *running, dr, network, rules, cost = plan_tables(plan)
    return [
        headline(plan),
        *running,
        *_availability(plan),
        dr,
        network,
        rules,
        cost,
        *_budget(plan),
    ]


LINE_ITEM_COLUMNS = (
    "service",
    "resource",
    "component",
    "category",
    "product",
    "region",
    "purchase",
    "unit",
    "quantity",
    "unit_price",
    "monthly_cost",
    "currency",
)


def _exact(value: float) -> str:
    # Every digit the float has, never an exponent: 2163.79884, 0.00001.
    return format(Decimal(repr(value)).normalize(), "f")


def line_items_csv(plan: Plan) -> str:
    """Every priced line item, one CSV row each, in the plan's order; money as exact decimals.
    The monthly costs add up to the plan's total."""
    return csv_text(LINE_ITEM_COLUMNS, line_item_rows(plan))


def line_item_rows(plan: Plan) -> list[tuple[str, ...]]:
    """The CSV rows of the plan's line items (LINE_ITEM_COLUMNS)."""
    return [
        (
            i.service,
            i.resource,
            i.component,
            i.category,
            i.product,
            i.region,
            i.purchase.value,
            i.unit,
            _exact(i.quantity),
            _exact(i.unit_price),
            str(round_cents(i.monthly_cost)),
            plan.currency,
        )
        for i in plan.cost.line_items
    ]
