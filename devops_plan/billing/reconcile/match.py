"""Which planned service and component each billed charge belongs to: by its tags first (the
convention the exports write: `devops-plan/service` and `devops-plan/component`), then by
what the charge is (`kinds`) and where it ran. A charge that maps to several planned line
items (a node pool shared by two services, two transfers of one kind in a region) is split
by their planned cost. What maps nowhere is unplanned spend, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ...catalog import Catalog
from ...plan import Plan
from ..inventory import LineFeatures, tag_key
from ..spend import ChargeLine
from .kinds import DETAILED_CATEGORIES, Kind, ProductKinds, charge_kind

# The tag (label) keys the plan's exports put on what they create. Clouds differ in what a
# key may hold (GCP labels and Azure tags take no '/'), so keys match without regard to case
# or separators: devops-plan/service, devops-plan_service and DevopsPlanService are one key.
TAG_SERVICE = "devops-plan/service"
TAG_COMPONENT = "devops-plan/component"
TAG_DESIGN = "devops-plan/design"

Group = tuple[str, str]  # (service, component)
_ZERO = Decimal(0)


_SERVICE_KEY, _COMPONENT_KEY = tag_key(TAG_SERVICE), tag_key(TAG_COMPONENT)


def component_of(resource: str) -> str:
    """A line item's component kind: its resource id up to the first '/' (node-pool,
    db, nat-gateway, dr-backup, ...), so new components need no list kept here."""
    return resource.split("/", 1)[0]


@dataclass(frozen=True)
class PlanItem:
    """One planned line item as reconcile sees it."""

    service: str
    component: str
    resource: str
    region: str
    kind: Kind
    product: str
    purchase: str
    quantity: Decimal  # per month, in the measure's unit
    unit_price: Decimal
    monthly_cost: Decimal

    @property
    def group(self) -> Group:
        return (self.service, self.component)


def plan_items(plan: Plan, catalog: Catalog) -> tuple[PlanItem, ...]:
    """The plan's line items with their kinds (from the catalog rows of their products)."""
    kinds = ProductKinds.of(catalog)
    return tuple(
        PlanItem(
            service=li.service,
            component=component_of(li.resource),
            resource=li.resource,
            region=li.region,
            kind=kinds.get(li.product, li.category, li.unit),
            product=li.product,
            purchase=str(li.purchase),
            quantity=Decimal(str(li.quantity)),
            unit_price=Decimal(str(li.unit_price)),
            monthly_cost=li.monthly_cost,
        )
        for li in plan.cost.line_items
    )


@dataclass(frozen=True)
class Match:
    """Where a charge goes: planned groups with their shares (summing to 1), or none and
    why (unplanned spend)."""

    shares: tuple[tuple[Group, Decimal], ...] = ()
    by_tag: bool = False
    cause: str = ""


def _shares(items: Sequence[PlanItem]) -> tuple[tuple[Group, Decimal], ...]:
    """Each group's share of the items' planned cost (equal shares when none is planned)."""
    weights: dict[Group, Decimal] = {}
    for item in items:
        weights[item.group] = weights.get(item.group, _ZERO) + item.monthly_cost
    total = sum(weights.values(), _ZERO)
    if total <= 0:
        return tuple((g, Decimal(1) / len(weights)) for g in sorted(weights))
    return tuple((g, w / total) for g, w in sorted(weights.items()))


# Parts are kept to the 12 places money is read with, so that sums of them stay exact.
_PLACES = Decimal("1e-12")


def split(amount: Decimal, shares: Sequence[tuple[Group, Decimal]]) -> list[tuple[Group, Decimal]]:
    """`amount` divided by the shares, each part to 12 places; the last group takes what
    rounding leaves, so the parts always add up to `amount` exactly."""
    parts: list[tuple[Group, Decimal]] = []
    left = amount
    for index, (group, share) in enumerate(shares):
        part = left if index == len(shares) - 1 else (amount * share).quantize(_PLACES)
        parts.append((group, part))
        left -= part
    return parts


class Matcher:
    """Matches charge lines to a plan's items; one per reconciliation (it remembers the
    kinds of the texts it has seen)."""

    def __init__(self, items: Iterable[PlanItem]) -> None:
        self.items = tuple(items)
        self.services = {i.service for i in self.items}
        self.features = LineFeatures()
        self._kinds: dict[tuple[str, ...], Kind | None] = {}

    def kind(self, line: ChargeLine) -> Kind | None:
        key = (
            line.service,
            line.charge_description,
            line.resource_type,
            line.usage_type,
            line.consumed_unit,
            line.charge_category,
            line.instance_type,
        )
        if key not in self._kinds:
            self._kinds[key] = charge_kind(line, self.features)
        return self._kinds[key]

    def match(self, line: ChargeLine) -> Match:
        tags = self.features.tags(line.tags) or {}
        named = {tag_key(k): v.strip() for k, v in tags.items()}
        service = named.get(_SERVICE_KEY, "")
        if service:
            return self._tagged(line, service, named.get(_COMPONENT_KEY, "").lower())
        return self._by_kind(line, self.items)

    def _tagged(self, line: ChargeLine, service: str, component: str) -> Match:
        wanted = [s.strip() for s in service.split(",") if s.strip()]
        known = [s for s in wanted if s in self.services]
        if not known:
            return Match(cause=f"tagged {TAG_SERVICE}={service}: a service the plan does not have")
        items = [i for i in self.items if i.service in known]
        if component:
            named = [i for i in items if i.component.lower() == component]
            if not named:
                return Match(
                    cause=f"tagged {TAG_COMPONENT}={component}: {service} has no such component "
                    "in the plan"
                )
            return Match(_shares(_in_region(named, line.region)), by_tag=True)
        found = self._by_kind(line, items)
        return Match(found.shares, by_tag=bool(found.shares), cause=found.cause)

    def _by_kind(self, line: ChargeLine, items: Sequence[PlanItem]) -> Match:
        kind = self.kind(line)
        if kind is None:
            what = line.charge_category or "charge"
            if line.charge_category not in ("Usage", ""):
                return Match(cause=f"{what.lower()}: not a charge for a planned resource")
            return Match(cause=f"{line.service or 'a service'}: a kind of charge the plan has not")
        same = [i for i in items if i.kind.category == kind.category]
        if not same:
            return Match(cause=f"{kind.category}: a resource type the plan does not have")
        here = [i for i in same if not line.region or i.region == line.region]
        if not here:
            regions = ", ".join(sorted({i.region for i in same}))
            return Match(
                cause=f"{kind.category} in {line.region}; the plan has it only in {regions}"
            )
        return self._narrow(kind, here)

    def _narrow(self, kind: Kind, items: Sequence[PlanItem]) -> Match:
        if kind.category in DETAILED_CATEGORIES:
            exact = [i for i in items if i.kind.detail == kind.detail]
            if not exact:
                planned = ", ".join(sorted({i.kind.detail for i in items}))
                what = kind.detail or "another type"
                if kind.category == "network":
                    what = f"data transfer {kind.detail}"
                return Match(
                    cause=f"{what} ({kind.category}) is not in the plan there; it has {planned}"
                )
            items = exact
        measured = [i for i in items if i.kind.measure == kind.measure]
        return Match(_shares(measured or items))


def _in_region(items: Sequence[PlanItem], region: str) -> Sequence[PlanItem]:
    """The items in `region` when there are any (a tagged charge may be in another)."""
    here = [i for i in items if i.region == region]
    return here or items
