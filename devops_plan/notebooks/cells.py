"""What the notebooks' cells call, so that notebooks hold parameters, calls and display only:
plan a design file, the key figures and summary, the sizing, node pool, DR, network and
allowed-flow tables, the
diagram, the ADR drafts as Markdown, and the outputs written into a folder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..atomic import write_atomic
from ..catalog import catalog_path, load_catalog
from ..design import load_design
from ..engine import build_plan
from ..escape import markdown_cell, markdown_code, markdown_text
from ..plan import Plan
from ..units import format_duration, format_money
from .params import resolve_path

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import SVG

    from ..render.diagram import Diagram


def load_plan(
    design: str | Path, cloud: str = "", region: str = "", purchase: str = "", catalog: str = ""
) -> Plan:
    """Plan a design file; empty strings mean "as the design says" (notebook defaults) and,
    for `catalog`, the shipped price catalogs (or $DEVOPS_PLAN_CATALOG). Over budget, the
    plan's warnings end with the budget line, as `devops-plan plan` prints it (the design
    space is swept only then, only for the design's own cloud and region, with the plan's
    catalog)."""
    loaded = load_design(resolve_path(design))
    catalog_dir = resolve_path(catalog) if catalog else None
    plan = build_plan(
        loaded,
        cloud=cloud or None,
        region=region or None,
        purchase=purchase or None,
        catalog_dir=catalog_dir,
    )
    if cloud or region:
        return plan
    # pandas loads only here: `devops-plan init` imports this package in a core install.
    from ..exploration.budget import with_budget_advice, with_purchase

    prices = load_catalog(plan.cloud, catalog_path(plan.cloud, catalog_dir))
    return with_budget_advice(with_purchase(loaded, purchase or None), plan, prices)


@dataclass(frozen=True)
class KeyFigure:
    """One headline number: a stable key (for pages and tests), a label, the text, the value."""

    key: str
    label: str
    text: str
    value: str = ""


def key_figures(plan: Plan) -> list[KeyFigure]:
    """The handful of numbers a reader looks at first."""
    rows = [*_cost_figures(plan), *_availability_figures(plan), _dr_figure(plan)]
    if plan.node_pools:
        nodes = sum(p.nodes for p in plan.node_pools)
        pools = ", ".join(f"{p.nodes} x {p.instance_type}" for p in plan.node_pools)
        rows.append(KeyFigure("nodes", "Kubernetes nodes", f"{nodes} ({pools})", str(nodes)))
    text = f"{plan.cloud} {', '.join(plan.regions)}, {plan.zones} zones, {plan.purchase}"
    rows.append(KeyFigure("topology", "Topology", text))
    return rows


def _cost_figures(plan: Plan) -> list[KeyFigure]:
    cost, cur = plan.cost, plan.currency
    total = format_money(cost.monthly_total, cur)
    rows = [KeyFigure("monthly-total", "Monthly total", total, str(cost.monthly_total))]
    if cost.budget is not None:
        share = cost.monthly_total / cost.budget * 100
        verdict = "within budget" if cost.within_budget else "over budget"
        text = f"{format_money(cost.budget, cur)} ({share:.0f}% used, {verdict})"
        rows.append(KeyFigure("budget", "Budget", text, str(cost.budget)))
    return rows


def _availability_figures(plan: Plan) -> list[KeyFigure]:
    a = plan.availability
    verdict = "meets" if a.meets_target else "misses"
    text = f"{a.achieved:g}% {verdict} target {a.target:g}% (weakest link: {a.weakest or '-'})"
    downtime = f"{a.achieved_downtime_min:.1f} min (budget {a.downtime_budget_min:.1f} min)"
    return [
        KeyFigure("availability", "Availability", text, f"{a.achieved:g}"),
        KeyFigure("downtime", "Downtime per month", downtime, f"{a.achieved_downtime_min:g}"),
    ]


def _dr_figure(plan: Plan) -> KeyFigure:
    dr = plan.dr
    verdict = "meets" if dr.meets_target else "misses"
    text = (
        f"{dr.strategy} to {dr.dr_region}: RTO {format_duration(dr.rto)}, RPO {format_duration(dr.rpo)} "
        f"{verdict} targets {format_duration(dr.rto_target)} / {format_duration(dr.rpo_target)}"
    )
    return KeyFigure("dr", "DR", text, dr.strategy)


def summary_markdown(plan: Plan) -> str:
    """The plan's summary as Markdown: what was planned, key figures, suggestion, warnings."""
    # The description is the design author's free text: shown literally, never as HTML.
    described = f": {markdown_text(plan.description)}" if plan.description else ""
    lines = [
        f"## {plan.design}{described}",
        "",
        f"Prices from the {plan.cloud} catalog as of {plan.catalog_as_of}, 730-hour month.",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {markdown_cell(k.label)} | {markdown_cell(k.text)} |" for k in key_figures(plan)]
    sug = plan.availability.suggestion
    if sug is not None:
        delta = format_money(sug.monthly_cost_delta, plan.currency, signed=True)
        lines += [
            "",
            f"**Suggestion:** {sug.description}: {sug.achieved:g}% ({delta} a month).",
        ]
    if plan.warnings:
        lines += ["", "**Warnings**", ""] + [f"- {markdown_text(w)}" for w in plan.warnings]
    return "\n".join(lines) + "\n"


def sizing_table(plan: Plan) -> pd.DataFrame:
    """One row per service: replicas, requests or instance class, why that many, availability
    (%), and its monthly cost: everything it uses in every region (its compute, load
    balancer, storage, DR copies and standby), in the plan's currency."""
    import pandas as pd

    rows = []
    for s in plan.services:
        z = s.sizing
        rows.append(
            {
                "service": s.name,
                "kind": s.kind,
                "platform": s.platform,
                "replicas": s.replicas,
                "cpu request (m)": s.cpu_request_m,
                "memory request (MiB)": s.memory_request_mib,
                "instance class": s.instance_class or "",
                "multi-AZ": "" if s.multi_az is None else ("yes" if s.multi_az else "no"),
                "load (vCPU)": None if z is None else round(z.offered_load_vcpu, 2),
                "bound by": "" if z is None else z.binding,
                "p95 (ms)": None if z is None else round(z.p95_ms, 1),
                "availability": s.availability,
                "monthly cost, all regions": s.monthly_cost,
            }
        )
    # Object columns with "" for "not applicable": NaN in a report reads as an error.
    return pd.DataFrame(rows, dtype=object).fillna("").set_index("service")


def node_pools_table(plan: Plan) -> pd.DataFrame:
    """One row per Kubernetes node pool: type, nodes, allocatable, utilisation, monthly cost."""
    import pandas as pd

    rows = [
        {
            "pool": p.name,
            "instance type": p.instance_type,
            "nodes": p.nodes,
            "zones": p.zones,
            "allocatable cpu (m)": p.allocatable_cpu_m,
            "allocatable memory (MiB)": p.allocatable_memory_mib,
            "cpu used": p.cpu_utilization,
            "memory used": p.memory_utilization,
            "purchase": p.purchase.value,
            "services": ", ".join(p.services),
            "monthly cost": p.monthly_cost,
        }
        for p in plan.node_pools
    ]
    columns = ["pool", "instance type", "nodes", "zones"]
    return (
        pd.DataFrame(rows).set_index("pool")
        if rows
        else pd.DataFrame(columns=columns).set_index("pool")
    )


def dr_options_table(plan: Plan) -> pd.DataFrame:
    """Each DR strategy with its RTO, RPO, monthly cost, whether it meets the targets."""
    import pandas as pd

    rows = [
        {
            "strategy": o.strategy,
            "RTO": format_duration(o.rto),
            "RPO": format_duration(o.rpo),
            "meets targets": "yes" if o.meets_target else "no",
            "monthly cost of the strategy": o.monthly_cost,
            "chosen": "chosen" if o.strategy == plan.dr.strategy else "",
        }
        for o in plan.dr.options
    ]
    return pd.DataFrame(rows).set_index("strategy")


def cost_by_resource_table(plan: Plan) -> pd.DataFrame:
    """One row per priced resource in each region: the services that use it (with each one's
    share when several do), every component it includes with its monthly quantity, and its
    monthly cost. The diagram's cost labels show these same figures."""
    import pandas as pd

    from ..render.costs import resource_costs

    cur = plan.currency
    rows = [
        {
            "region": c.region,
            "resource": c.resource,
            "services": ", ".join(
                f"{name} {format_money(cost, cur)}" if len(c.shares) > 1 else name
                for name, cost in c.shares
            ),
            "includes": "; ".join(
                f"{p.component} ({_quantity(p.quantity)} {p.unit})" for p in c.parts
            ),
            "category": c.category,
            "monthly cost": c.monthly_cost,
        }
        for c in resource_costs(plan)
    ]
    order = {region: i for i, region in enumerate(plan.deployments)}
    rows.sort(key=lambda r: order.get(str(r["region"]), len(order)))  # stable: line-item order
    return pd.DataFrame(rows)


def _quantity(value: float) -> str:
    """A monthly quantity as a person reads it: 2,164 hour, 0.5 GB, never 3.229e+04."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"


def network_table(plan: Plan) -> pd.DataFrame:
    """Each region's subnets: tier, zone, block, usable and needed addresses, and for what."""
    import pandas as pd

    rows = [
        {
            "region": v.region,
            "tier": s.tier,
            "zone": s.zone,
            "cidr": s.cidr or f"/{s.prefix} (the block {v.cidr} is too small)",
            "usable": s.usable,
            "needed": s.needed,
            "for": s.basis,
        }
        for v in plan.network.vpcs
        for s in v.subnets
    ]
    return pd.DataFrame(rows, dtype=object).set_index(["region", "tier", "zone"])


def rules_table(plan: Plan) -> pd.DataFrame:
    """The least-privilege rule matrix: every allowed flow (everything else is denied)."""
    import pandas as pd

    rows = [
        {"from": r.source, "to": r.destination, "port": f"{r.port}/{r.protocol.lower()}",
         "why": r.reason}
        for r in plan.security.rules
    ]  # fmt: skip
    return pd.DataFrame(rows, dtype=object)


def write_outputs(plan: Plan, out_dir: str | Path, diagram: Diagram | None = None) -> list[Path]:
    """Write plan.json, the diagram (diagrams/<design>.svg, .png, .dot) and the ADR drafts
    (adr/NNNN-*.md) into `out_dir`; nothing when it is empty. Returns the paths written."""
    if not str(out_dir):
        return []
    from ..render.adr import render_records

    out = Path(out_dir)
    written = [write_atomic(out / "plan.json", plan.to_json())]
    drawing = diagram if diagram is not None else render_diagram(plan)
    written += [
        write_atomic(out / "diagrams" / name, data) for name, data in drawing.files().items()
    ]
    written += [
        write_atomic(out / "adr" / name, text) for name, text in render_records(plan).items()
    ]
    return written


def render_diagram(plan: Plan) -> Diagram:
    """The plan's architecture diagram (displays inline; `.svg`, `.png`, `.dot`)."""
    from ..render.diagram import render_diagram as draw

    return draw(plan)


def diagram_svg(plan: Plan | Diagram) -> SVG:
    """The diagram as an IPython SVG display object (one image in the notebook, not two)."""
    from IPython.display import SVG

    drawing = plan if not isinstance(plan, Plan) else render_diagram(plan)
    shown: SVG = cast(Any, SVG)(data=drawing.svg)
    return shown


def adr_markdown(plan: Plan) -> str:
    """The ADR drafts as one Markdown text for display: front matter dropped, headings
    moved down two levels so they sit under the notebook's own section heading."""
    from ..render.adr import render_records, split_front_matter

    bodies = [split_front_matter(text)[1].lstrip("\n") for text in render_records(plan).values()]
    return "\n---\n\n".join(_demote(body, 2) for body in bodies)


def _demote(markdown: str, levels: int) -> str:
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines) + "\n"


def files_markdown(paths: Sequence[Path], out_dir: str | Path) -> str:
    """A Markdown list of files written, relative to `out_dir` (absolute paths vary by machine)."""
    if not paths:
        return "Nothing written (no `out_dir` given).\n"
    base = Path(out_dir)
    names = [p.relative_to(base).as_posix() if p.is_relative_to(base) else p.name for p in paths]
    return f"Written to {markdown_code(base.name + '/')}:\n\n" + "".join(
        f"- {markdown_code(n)}\n" for n in names
    )
