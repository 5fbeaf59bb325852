"""The plan's monthly cost by region and resource: its priced line items summed per (region,
resource), with each service's share and what each sum includes. The diagram's cost labels
and the report's "cost by region and resource" table both read these sums, so a label and
the table's row for the same thing show the same figure, whatever components the cost model
declares."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..plan import LineItemOut, Plan

__all__ = ["ResourceCost", "includes", "resource_costs", "short_component"]

# Units of transfer: their quantities are the monthly GB the diagram marks on traffic.
TRANSFER_UNITS = ("GB",)


@dataclass(frozen=True)
class Part:
    """One priced component of a resource: its name, monthly quantity and unit, its cost."""

    component: str
    quantity: float
    unit: str
    monthly_cost: Decimal


@dataclass(frozen=True)
class ResourceCost:
    """One resource in one region: what it costs a month, each service's share of it (in the
    order the cost model lists them) and the components it includes."""

    region: str
    resource: str  # the line items' resource id: node-pool/default, db/orders-db, network...
    category: str
    shares: tuple[tuple[str, Decimal], ...]
    parts: tuple[Part, ...]
    monthly_cost: Decimal

    @property
    def kind(self) -> str:
        """The resource's kind: `node-pool` of `node-pool/default`, `network` of `network`."""
        return self.resource.partition("/")[0]

    @property
    def name(self) -> str:
        """The resource's own name: `default` of `node-pool/default`; '' when it has none."""
        return self.resource.partition("/")[2]

    def share(self, service: str) -> Decimal:
        return next((cost for name, cost in self.shares if name == service), Decimal(0))

    def transfer_gb(self) -> float:
        """Monthly GB of the components priced by transfer (0 when none is)."""
        return sum(p.quantity for p in self.parts if p.unit in TRANSFER_UNITS)


def resource_costs(plan: Plan) -> tuple[ResourceCost, ...]:
    """Every (region, resource) that has a priced line item, in line-item order; the sums
    add up to the plan's monthly total exactly (Decimal cents)."""
    items: dict[tuple[str, str], list[LineItemOut]] = defaultdict(list)
    for item in plan.cost.line_items:
        items[(item.region, item.resource)].append(item)
    return tuple(_resource(region, resource, found) for (region, resource), found in items.items())


def _resource(region: str, resource: str, items: list[LineItemOut]) -> ResourceCost:
    shares: dict[str, Decimal] = defaultdict(Decimal)
    parts: dict[str, list[LineItemOut]] = defaultdict(list)
    for item in items:
        shares[item.service] += item.monthly_cost
        parts[item.component].append(item)
    return ResourceCost(
        region=region,
        resource=resource,
        category=items[0].category,
        shares=tuple(shares.items()),
        parts=tuple(
            Part(
                component,
                sum(i.quantity for i in same),
                same[0].unit,
                sum((i.monthly_cost for i in same), Decimal(0)),
            )
            for component, same in parts.items()
        ),
        monthly_cost=sum((i.monthly_cost for i in items), Decimal(0)),
    )


_MEASURE = re.compile(r"[\d.]|^x$|^(GiB|GB|TiB|TB|MiB|vCPU)$")


def short_component(component: str) -> str:
    """A component's name without its sizes and types, for a label: "primary db.m6g.xlarge
    (multi-az)" -> "primary", "3 gateways (one per zone)" -> "gateways"; '' when nothing
    but sizes is left ("cache.m6g.large x 3")."""
    words = []
    for word in component.split():
        if word.startswith("("):
            break
        if not _MEASURE.search(word):
            words.append(word)
    return " ".join(words)


def includes(cost: ResourceCost, fallback: str = "instances") -> str:
    """What a resource's cost includes, in a few words: its components' short names, each
    once, in order ("primary, storage, read replicas")."""
    names = [short_component(p.component) or fallback for p in cost.parts]
    return ", ".join(dict.fromkeys(names))
