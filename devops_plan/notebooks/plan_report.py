"""The plan notebook's report parts: the title block and key-figure cards, the sizing, node-pool
and DR tables styled for reading, and the diagram scaled to the page. Each returns something
Jupyter displays (HTML or a pandas Styler) and nbconvert keeps in the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..escape import html_text
from ..plan import Plan
from ..units import format_duration, format_money
from .cells import cost_by_resource_table, dr_options_table, node_pools_table, sizing_table
from .report import REPORT_CSS, Card, Columns, ReportTable, cards_html, diagram_html, style_table

if TYPE_CHECKING:
    from IPython.display import HTML

    from ..render.diagram import Diagram

__all__ = [
    "cost_by_resource_report",
    "diagram_figure",
    "dr_options_report",
    "node_pools_report",
    "plan_cards",
    "report_header",
    "sizing_report",
]


def _html(text: str) -> HTML:
    from IPython.display import HTML

    shown: HTML = cast(Any, HTML)(text)
    return shown


def plan_cards(plan: Plan) -> list[Card]:
    """Monthly cost against the budget, availability against the target, the DR strategy with
    the RTO and RPO it achieves, and the Kubernetes nodes."""
    cost, cur, a, dr = plan.cost, plan.currency, plan.availability, plan.dr
    if cost.budget is None:
        budget = "no budget set"
    else:
        share = cost.monthly_total / cost.budget * 100
        verdict = "within budget" if cost.within_budget else "over budget"
        budget = f"{share:.0f}% of the {format_money(cost.budget, cur)} budget: {verdict}"
    verdict = "meets" if a.meets_target else "misses"
    cards = [
        Card(
            "monthly-total",
            "Monthly cost",
            format_money(cost.monthly_total, cur),
            budget,
            cost.within_budget,
        ),
        Card(
            "availability",
            "Availability",
            f"{a.achieved:g}%",
            f"{verdict} the {a.target:g}% target; {a.achieved_downtime_min:.1f} min of downtime "
            f"a month (budget {a.downtime_budget_min:.1f} min); weakest link {a.weakest or '-'}",
            a.meets_target,
        ),
        Card(
            "dr",
            "Disaster recovery",
            dr.strategy.replace("_", " "),
            f"to {dr.dr_region}: RTO {format_duration(dr.rto)}, RPO {format_duration(dr.rpo)} "
            f"achieved; targets {format_duration(dr.rto_target)} / "
            f"{format_duration(dr.rpo_target)}: {'met' if dr.meets_target else 'missed'}",
            dr.meets_target,
        ),
    ]
    if plan.node_pools:
        nodes = sum(p.nodes for p in plan.node_pools)
        pools = ", ".join(f"{p.nodes} x {p.instance_type}" for p in plan.node_pools)
        cards.append(Card("nodes", "Kubernetes nodes", f"{nodes:,}", pools))
    return cards


def _meta(plan: Plan, generated_at: str) -> list[tuple[str, str]]:
    regions = ", ".join(plan.topology.serving_regions)
    if plan.dr_region not in plan.topology.serving_regions:
        regions += f"; DR region {plan.dr_region}"
    return [
        ("Design", plan.design),
        ("Cloud", plan.cloud),
        ("Regions", regions),
        ("Zones", f"{plan.zones} per region"),
        ("Purchase", str(plan.purchase.value)),
        ("Catalog date", f"{plan.catalog_as_of} (730-hour month)"),
        ("Generated", generated_at or plan.catalog_as_of),
    ]


def _notes(plan: Plan) -> str:
    out = []
    sug = plan.availability.suggestion
    if sug is not None:
        delta = format_money(sug.monthly_cost_delta, plan.currency, signed=True)
        out.append(
            f"<p><b>Suggestion:</b> {html_text(sug.description)}: {sug.achieved:g}% "
            f"({html_text(delta)} a month).</p>"
        )
    if plan.warnings:
        items = "".join(f"<li>{html_text(w)}</li>" for w in plan.warnings)
        out.append(f"<p><b>Warnings</b></p><ul>{items}</ul>")
    return "".join(out)


def report_header(plan: Plan, generated_at: str = "") -> HTML:
    """The title block (design, cloud, regions, catalog date, generated at), the key figures
    as cards, the suggestion and warnings. `generated_at` is shown as given; empty shows the
    catalog's date, so the same plan gives the same report (no clock)."""
    title = html_text(plan.design)
    subtitle = (
        f'<p class="dp-subtitle">{html_text(plan.description)}</p>' if plan.description else ""
    )
    meta = "".join(
        f"<dt>{html_text(k)}</dt><dd>{html_text(v)}</dd>" for k, v in _meta(plan, generated_at)
    )
    return _html(
        f"<style>{REPORT_CSS}</style>"
        f'<header class="dp-title"><h1>Plan report: {title}</h1>{subtitle}'
        f'<dl class="dp-meta">{meta}</dl></header>'
        f"{cards_html(plan_cards(plan))}{_notes(plan)}"
    )


def sizing_report(plan: Plan) -> ReportTable:
    """The sizing table as the report shows it."""
    columns = Columns(money=("monthly cost, all regions",), percent=("availability",))
    return style_table(sizing_table(plan), plan.currency, "sizing", columns)


def node_pools_report(plan: Plan) -> ReportTable:
    """The node-pool table as the report shows it."""
    columns = Columns(money=("monthly cost",), share=("cpu used", "memory used"))
    return style_table(node_pools_table(plan), plan.currency, "node-pools", columns)


def dr_options_report(plan: Plan) -> ReportTable:
    """The DR options table as the report shows it."""
    columns = Columns(money=("monthly cost of the strategy",))
    return style_table(dr_options_table(plan), plan.currency, "dr-options", columns)


def cost_by_resource_report(plan: Plan) -> ReportTable:
    """The monthly cost by region and resource as the report shows it (the figures the
    diagram's labels carry)."""
    columns = Columns(money=("monthly cost",))
    return style_table(cost_by_resource_table(plan), plan.currency, "cost-by-resource", columns)


def diagram_figure(diagram: Diagram, out_dir: str | Path = "") -> HTML:
    """The diagram scaled to the page width, linking to the full-size SVG that `write_outputs`
    puts in `out_dir` (the report's own folder); without `out_dir`, no link."""
    href = f"diagrams/{diagram.name}.svg" if str(out_dir) else ""
    return _html(diagram_html(diagram.svg, href, alt=f"architecture diagram of {diagram.name}"))
