"""Comparing two plans (pure): per service and per priced line item, the monthly cost delta
(absolute and percent), and the changes of availability, DR strategy, RTO/RPO achieved,
replicas and node counts. Either side may be missing (a new or a deleted design)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

from ..errors import UserError
from ..frozen import Frozen, Money
from ..plan import LineItemOut, Plan

__all__ = [
    "Amount",
    "Change",
    "ItemDiff",
    "PlanDiff",
    "PoolDiff",
    "ServiceDiff",
    "Side",
    "Summary",
    "compare",
]

Status = Literal["added", "removed", "changed", "unchanged"]
Value = str | int | float | bool | None


class Amount(Frozen):
    """A monthly cost on both sides, the change, and the change in percent of the base
    (None when the base is zero or absent)."""

    base: Money
    head: Money
    delta: Money
    percent: float | None

    @staticmethod
    def of(base: Decimal, head: Decimal) -> Amount:
        delta = head - base
        percent = None if base == 0 else round(float(delta / base * 100), 2)
        return Amount(base=base, head=head, delta=delta, percent=percent)


class Change(Frozen):
    """A value on both sides (None where a side does not have it)."""

    base: Value
    head: Value

    @property
    def changed(self) -> bool:
        return self.base != self.head


class Side(Frozen):
    """What one side was: where it came from and the plan's headline facts."""

    label: str
    design: str | None
    cloud: str | None
    catalog_as_of: str | None


class Summary(Frozen):
    monthly: Amount
    availability: Change
    meets_availability: Change
    dr_strategy: Change
    rto: Change
    rpo: Change
    meets_dr_target: Change
    zones: Change
    regions: Change
    replicas: Change
    nodes: Change


class ServiceDiff(Frozen):
    name: str
    status: Status
    kind: str
    monthly: Amount
    replicas: Change
    availability: Change
    instance: Change
    multi_az: Change


class PoolDiff(Frozen):
    name: str
    status: Status
    instance_type: Change
    nodes: Change
    monthly: Amount


class ItemDiff(Frozen):
    service: str
    resource: str
    region: str
    category: str
    item: str  # the line item as the head (else the base) describes it
    status: Status
    monthly: Amount


class PlanDiff(Frozen):
    base: Side
    head: Side
    currency: str
    summary: Summary
    services: tuple[ServiceDiff, ...]
    node_pools: tuple[PoolDiff, ...]
    line_items: tuple[ItemDiff, ...]

    @property
    def changed(self) -> bool:
        return any(i.status != "unchanged" for i in self.line_items) or any(
            c.changed for c in _changes(self.summary)
        )


def _changes(summary: Summary) -> Iterable[Change]:
    return (v for v in vars(summary).values() if isinstance(v, Change))


ZERO = Decimal(0)


def _status(base: object, head: object, same: bool) -> Status:
    if base is None:
        return "added"
    if head is None:
        return "removed"
    return "unchanged" if same else "changed"


def _summary(base: Plan | None, head: Plan | None) -> Summary:
    def get(plan: Plan | None, pick: str) -> Value:
        if plan is None:
            return None
        value: object = plan
        for part in pick.split("."):
            value = getattr(value, part)
        if isinstance(value, tuple):
            return ", ".join(str(v) for v in value)
        return value.value if hasattr(value, "value") else value  # type: ignore[return-value]

    def change(pick: str) -> Change:
        return Change(base=get(base, pick), head=get(head, pick))

    def total(plan: Plan | None, what: str) -> int | None:
        if plan is None:
            return None
        if what == "replicas":
            return sum(s.replicas for s in plan.services if s.kind == "stateless")
        return sum(p.nodes for p in plan.node_pools)

    return Summary(
        monthly=Amount.of(_total(base), _total(head)),
        availability=change("availability.achieved"),
        meets_availability=change("availability.meets_target"),
        dr_strategy=change("dr.strategy"),
        rto=change("dr.rto"),
        rpo=change("dr.rpo"),
        meets_dr_target=change("dr.meets_target"),
        zones=change("zones"),
        regions=change("regions"),
        replicas=Change(base=total(base, "replicas"), head=total(head, "replicas")),
        nodes=Change(base=total(base, "nodes"), head=total(head, "nodes")),
    )


def _total(plan: Plan | None) -> Decimal:
    return ZERO if plan is None else plan.cost.monthly_total


def _services(base: Plan | None, head: Plan | None) -> list[ServiceDiff]:
    old = {s.name: s for s in (base.services if base else ())}
    new = {s.name: s for s in (head.services if head else ())}
    out = []
    for name in [*new, *(n for n in old if n not in new)]:
        a, b = old.get(name), new.get(name)
        pair = {
            "replicas": Change(base=a and a.replicas, head=b and b.replicas),
            "availability": Change(base=a and a.availability, head=b and b.availability),
            "instance": Change(
                base=a and (a.instance_class or a.pool), head=b and (b.instance_class or b.pool)
            ),
            "multi_az": Change(base=a and a.multi_az, head=b and b.multi_az),
        }
        monthly = Amount.of(a.monthly_cost if a else ZERO, b.monthly_cost if b else ZERO)
        same = monthly.delta == 0 and not any(c.changed for c in pair.values())
        kind = str((b or a).kind)  # type: ignore[union-attr]
        out.append(
            ServiceDiff(name=name, status=_status(a, b, same), kind=kind, monthly=monthly, **pair)
        )
    return out


def _pools(base: Plan | None, head: Plan | None) -> list[PoolDiff]:
    old = {p.name: p for p in (base.node_pools if base else ())}
    new = {p.name: p for p in (head.node_pools if head else ())}
    out = []
    for name in [*new, *(n for n in old if n not in new)]:
        a, b = old.get(name), new.get(name)
        kind = Change(base=a and a.instance_type, head=b and b.instance_type)
        nodes = Change(base=a and a.nodes, head=b and b.nodes)
        monthly = Amount.of(a.monthly_cost if a else ZERO, b.monthly_cost if b else ZERO)
        same = monthly.delta == 0 and not kind.changed and not nodes.changed
        out.append(
            PoolDiff(
                name=name,
                status=_status(a, b, same),
                instance_type=kind,
                nodes=nodes,
                monthly=monthly,
            )
        )
    return out


_NUMBERED = re.compile(r"\S*\d")
ItemKey = tuple[str, str, str, str, str, int]


def _item_keys(items: Sequence[LineItemOut]) -> dict[ItemKey, LineItemOut]:
    """Line items keyed by what they are, not by their quantities: service, resource, region,
    category and the words of the description before its first number or product id
    ("primary", "read replicas", "data processed"), numbered when that repeats."""
    seen: Counter[tuple[str, ...]] = Counter()
    keyed: dict[ItemKey, LineItemOut] = {}
    for item in items:
        match = _NUMBERED.search(item.component)
        label = (item.component[: match.start()] if match else item.component).strip()
        base = (item.service, item.resource, item.region, item.category, label)
        keyed[(*base, seen[base])] = item
        seen[base] += 1
    return keyed


def _items(base: Plan | None, head: Plan | None) -> list[ItemDiff]:
    old = _item_keys(base.cost.line_items if base else ())
    new = _item_keys(head.cost.line_items if head else ())
    out = []
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key), new.get(key)
        shown = b or a
        assert shown is not None
        monthly = Amount.of(a.monthly_cost if a else ZERO, b.monthly_cost if b else ZERO)
        same = monthly.delta == 0 and (a and a.component) == (b and b.component)
        out.append(
            ItemDiff(
                service=shown.service,
                resource=shown.resource,
                region=shown.region,
                category=shown.category,
                item=shown.component,
                status=_status(a, b, same),
                monthly=monthly,
            )
        )
    return out


def _side(label: str, plan: Plan | None) -> Side:
    if plan is None:
        return Side(label=label, design=None, cloud=None, catalog_as_of=None)
    return Side(label=label, design=plan.design, cloud=plan.cloud, catalog_as_of=plan.catalog_as_of)


def compare(
    base: Plan | None, head: Plan | None, base_label: str = "base", head_label: str = "head"
) -> PlanDiff:
    """What changed from `base` to `head` (None: the side has no plan, e.g. a new design)."""
    if base is None and head is None:
        raise UserError("nothing to compare: neither side has a plan")
    if base is not None and head is not None and base.currency != head.currency:
        raise UserError(
            f"cannot compare {base_label} ({base.currency}) with {head_label} ({head.currency}): "
            "the plans are priced in different currencies"
        )
    currency = (head or base).currency  # type: ignore[union-attr]
    return PlanDiff(
        base=_side(base_label, base),
        head=_side(head_label, head),
        currency=currency,
        summary=_summary(base, head),
        services=tuple(_services(base, head)),
        node_pools=tuple(_pools(base, head)),
        line_items=tuple(_items(base, head)),
    )
