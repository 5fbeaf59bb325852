"""A plan diff for people: a one-line summary, the key facts side by side, and tables of the
services, node pools and line items that changed; as terminal tables, an HTML page, or the
Markdown of a pull-request comment (the summary line, the facts, the details collapsed)."""

from __future__ import annotations

import json

from ..compare.model import Amount, Change, PlanDiff
from ..units import format_duration, format_money
from .tables import TextTable, html_page, markdown_table

__all__ = ["diff_blocks", "diff_html", "diff_json", "diff_markdown", "summary_line"]


def _money(value: object, currency: str) -> str:
    return format_money(value, currency)  # type: ignore[arg-type]


def _delta(amount: Amount, currency: str) -> str:
    text = format_money(amount.delta, currency, signed=True)
    if amount.percent is not None and amount.delta != 0:
        return f"{text} ({amount.percent:+.2f}%)"
    return text


def _value(name: str, value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in ("rto", "rpo") and isinstance(value, int):
        return format_duration(value)
    if name == "availability" and isinstance(value, float):
        return f"{value:g}%"
    return str(value).replace("_", " ") if name == "dr_strategy" else str(value)


def _arrow(name: str, change: Change) -> str:
    if not change.changed:
        return _value(name, change.head)
    return f"{_value(name, change.base)} -> {_value(name, change.head)}"


def summary_line(diff: PlanDiff) -> str:
    """`shop: +673.00 USD/month (+9.04%), 7,447.00 USD -> 8,120.00 USD; availability ...`"""
    s, cur = diff.summary, diff.currency
    name = diff.head.design or diff.base.design
    money = (
        f"{format_money(s.monthly.delta, cur, signed=True)}/month"
        + (f" ({s.monthly.percent:+.2f}%)" if s.monthly.percent is not None else "")
        + f", {_money(s.monthly.base, cur)} -> {_money(s.monthly.head, cur)}"
    )
    if s.monthly.delta == 0:
        money = f"no cost change ({_money(s.monthly.head, cur)}/month)"
    facts = [
        f"{label} {_arrow(key, getattr(s, key))}"
        for key, label in (("availability", "availability"), ("dr_strategy", "DR"))
    ]
    moved = [
        f"{label} {_arrow(key, getattr(s, key))}"
        for key, label in _FACTS[3:]
        if getattr(s, key).changed
    ]
    return f"{name}: {money}; " + "; ".join(facts + moved)


_FACTS = (
    ("availability", "availability"),
    ("meets_availability", "meets the availability target"),
    ("dr_strategy", "DR"),
    ("rto", "RTO"),
    ("rpo", "RPO"),
    ("meets_dr_target", "meets RTO/RPO"),
    ("zones", "zones"),
    ("regions", "regions"),
    ("replicas", "replicas"),
    ("nodes", "nodes"),
)


def facts_table(diff: PlanDiff) -> TextTable:
    s, cur = diff.summary, diff.currency
    rows = [
        (
            "monthly cost",
            _money(s.monthly.base, cur),
            _money(s.monthly.head, cur),
            _delta(s.monthly, cur),
        )
    ]
    for key, label in _FACTS:
        change: Change = getattr(s, key)
        rows.append(
            (
                label,
                _value(key, change.base),
                _value(key, change.head),
                "changed" if change.changed else "",
            )
        )
    return TextTable.of("Plan", ("", "base", "head", "change"), rows, {"base", "head", "change"})


def services_table(diff: PlanDiff, everything: bool = False) -> TextTable:
    cur = diff.currency
    rows = [
        (
            s.name,
            s.status,
            _arrow("replicas", s.replicas),
            _arrow("instance", s.instance),
            _arrow("multi_az", s.multi_az),
            _arrow("availability", s.availability),
            _money(s.monthly.base, cur),
            _money(s.monthly.head, cur),
            _delta(s.monthly, cur),
        )
        for s in diff.services
        if everything or s.status != "unchanged"
    ]
    columns = ("service", "status", "replicas", "instance", "multi-AZ", "avail")
    return TextTable.of(
        "Services", (*columns, "base", "head", "change"), rows, {"base", "head", "change"}
    )


def pools_table(diff: PlanDiff, everything: bool = False) -> TextTable:
    cur = diff.currency
    rows = [
        (
            p.name,
            p.status,
            _arrow("instance", p.instance_type),
            _arrow("nodes", p.nodes),
            _money(p.monthly.base, cur),
            _money(p.monthly.head, cur),
            _delta(p.monthly, cur),
        )
        for p in diff.node_pools
        if everything or p.status != "unchanged"
    ]
    columns = ("pool", "status", "instance type", "nodes", "base", "head", "change")
    return TextTable.of("Node pools", columns, rows, {"base", "head", "change"})


def items_table(diff: PlanDiff, everything: bool = False) -> TextTable:
    cur = diff.currency
    rows = [
        (
            i.service,
            i.item,
            i.region,
            i.status,
            _money(i.monthly.base, cur),
            _money(i.monthly.head, cur),
            _delta(i.monthly, cur),
        )
        for i in diff.line_items
        if everything or i.status != "unchanged"
    ]
    columns = ("service", "line item", "region", "status", "base", "head", "change")
    return TextTable.of("Line items", columns, rows, {"base", "head", "change"})


def _sides(diff: PlanDiff) -> str:
    return f"base: {diff.base.label}; head: {diff.head.label}"


def diff_blocks(diff: PlanDiff) -> list[str | TextTable]:
    """Summary line, sides, facts, then the services, pools and line items that changed."""
    blocks: list[str | TextTable] = [summary_line(diff), _sides(diff), facts_table(diff)]
    for table in (services_table(diff), pools_table(diff), items_table(diff)):
        if table.rows:
            blocks.append(table)
    return blocks


MARKER = "<!-- devops-plan diff -->"


def diff_markdown(diff: PlanDiff, title: str | None = None) -> str:
    """Markdown for a pull-request comment: a heading, the summary in bold, the key facts,
    and the services, pools and line items that changed in a collapsed <details> block."""
    s = diff.summary
    heading = title or f"devops-plan diff: {diff.head.design or diff.base.design}"
    parts = [f"### {heading}\n", f"**{summary_line(diff)}**\n", f"`{_sides(diff)}`\n"]
    parts.append(markdown_table(facts_table(diff)))
    changed = [t for t in (services_table(diff), pools_table(diff), items_table(diff)) if t.rows]
    count = sum(1 for i in diff.line_items if i.status != "unchanged")
    if changed:
        parts.append(
            f"<details><summary>What changed: {count} of {len(diff.line_items)} line items, "
            f"{format_money(s.monthly.delta, diff.currency, signed=True)}/month</summary>\n"
        )
        for table in changed:
            parts.append(f"#### {table.title}\n")
            parts.append(markdown_table(table))
        parts.append("</details>\n")
    else:
        parts.append("No service, node pool or line item changed.\n")
    return "\n".join(parts)


def diff_html(diff: PlanDiff) -> str:
    blocks = diff_blocks(diff)
    lines = [b for b in blocks if isinstance(b, str)]
    tables = [b for b in blocks if isinstance(b, TextTable)]
    title = f"Plan diff: {diff.head.design or diff.base.design}"
    return html_page(title, lines, tables)


def diff_json(diff: PlanDiff) -> str:
    return json.dumps(diff.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
