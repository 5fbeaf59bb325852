"""Environments side by side (`devops-plan plan --all-envs`): what an architect compares
between dev, staging and prod. Each environment's services (replicas and monthly cost), node
pools (nodes of which instance type, monthly cost) and cost by category in columns next to
each other, the totals with their sum, and every environment's line items in one CSV with an
environment column. The cells are the ones `plan` prints for one environment (plan_tables).
Pure: plans in, tables and text out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from ..plan import Plan
from ..units import format_money
from .plan_tables import LINE_ITEM_COLUMNS, line_item_rows
from .tables import TextTable, csv_text

__all__ = [
    "ENVIRONMENT_LINE_ITEM_COLUMNS",
    "comparison_tables",
    "environment_line_items_csv",
]

ENVIRONMENT_LINE_ITEM_COLUMNS = ("environment", *LINE_ITEM_COLUMNS)
T = TypeVar("T")


def _side_by_side(
    plans: Mapping[str, Plan],
    items: Callable[[Plan], Sequence[T]],
    key: Callable[[T], str],
    cells: Callable[[Plan, T], tuple[str, str]],
) -> list[tuple[str, list[str]]]:
    """Every key any environment has (in the order they first appear), with each
    environment's two cells for it side by side (blank where an environment has none)."""
    found: dict[str, dict[str, T]] = {}
    for name, plan in plans.items():
        for item in items(plan):
            found.setdefault(key(item), {})[name] = item
    rows = []
    for k, by_env in found.items():
        row: list[str] = []
        for name, plan in plans.items():
            here = by_env.get(name)
            row += cells(plan, here) if here is not None else ("", "")
        rows.append((k, row))
    return rows


def _columns(plans: Mapping[str, Plan], *what: str) -> list[str]:
    return [f"{name} {w}" for name in plans for w in what]


def _services(plans: Mapping[str, Plan]) -> TextTable:
    kinds = {s.name: s.kind.value for p in plans.values() for s in p.services}
    rows = _side_by_side(
        plans,
        lambda p: p.services,
        lambda s: s.name,
        lambda p, s: (str(s.replicas), format_money(s.monthly_cost, p.currency)),
    )
    columns = _columns(plans, "replicas", "monthly")
    return TextTable.of(
        "Services by environment",
        ("service", "kind", *columns),
        [(name, kinds[name], *cells) for name, cells in rows],
        columns,
    )


def _node_pools(plans: Mapping[str, Plan]) -> TextTable | None:
    with_pools = {n: p for n, p in plans.items() if p.node_pools}
    if not with_pools:
        return None
    rows = _side_by_side(
        with_pools,
        lambda p: p.node_pools,
        lambda n: n.name,
        lambda p, n: (
            f"{n.nodes} x {n.instance_type}",
            format_money(n.monthly_cost, p.currency),
        ),
    )
    columns = _columns(with_pools, "nodes", "monthly")
    return TextTable.of(
        "Node pools by environment",
        ("pool", *columns),
        [(name, *cells) for name, cells in rows],
        columns,
    )


def _by_category(plans: Mapping[str, Plan]) -> TextTable:
    categories: dict[str, None] = {}
    for p in plans.values():
        ordered = sorted(p.cost.by_category.items(), key=lambda kv: -kv[1])
        categories.update(dict.fromkeys(k for k, _ in ordered))
    rows = [
        (k, *(format_money(p.cost.by_category[k], p.currency) if k in p.cost.by_category
              else "" for p in plans.values()))
        for k in categories
    ]  # fmt: skip
    rows.append(
        ("total", *(format_money(p.cost.monthly_total, p.currency) for p in plans.values()))
    )
    columns = list(plans)
    return TextTable.of("Monthly cost by category", ("category", *columns), rows, columns)


def comparison_tables(plans: Mapping[str, Plan]) -> list[TextTable]:
    """Services, node pools (when any environment has them) and cost by category, each with
    the environments side by side in the design's order."""
    pools = _node_pools(plans)
    return [_services(plans), *([pools] if pools else []), _by_category(plans)]


def environment_line_items_csv(plans: Mapping[str, Plan]) -> str:
    """Every environment's priced line items, an environment column first; the monthly costs
    of an environment add up to its total, and all of them to the sum of the totals."""
    rows = [(name, *row) for name, plan in plans.items() for row in line_item_rows(plan)]
    return csv_text(ENVIRONMENT_LINE_ITEM_COLUMNS, rows)
