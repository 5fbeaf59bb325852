"""The scene: what the diagram shows, as plain frozen data (boxes, groups, links and rows),
built by `scene` from the plan and drawn by `dot`; nothing here knows about Graphviz."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

# Link styles that do not rank their boxes (replication and copies run sideways, between
# zones and regions, so they may join boxes on one row): `dot` gives them minlen=0.
UNRANKED = ("sync", "async", "copy")


@dataclass(frozen=True)
class Cost:
    """A money figure drawn on the diagram: what a resource costs a month in a region (as the
    report's cost table sums it), or, with `service`, that service's share of it."""

    region: str
    resource: str
    amount: Decimal
    service: str = ""


@dataclass(frozen=True)
class Box:
    """One drawn component: an icon (by role), a bold title, a few lines saying what runs,
    then the lines of `money` (its figures, which are in `costs`)."""

    id: str
    role: str
    title: str
    lines: tuple[str, ...] = ()
    dormant: bool = False
    costs: tuple[Cost, ...] = ()
    money: tuple[str, ...] = ()

    def text(self) -> tuple[str, ...]:
        """Every line drawn under the title."""
        return (*self.lines, *self.money)


@dataclass(frozen=True)
class Group:
    """A cluster: a region, a zone or a Kubernetes cluster; its label, then the lines of
    `money` (figures in `costs`)."""

    id: str
    label: str
    style: str  # region | dr | zone | k8s | k8s-dormant
    boxes: tuple[Box, ...] = ()
    groups: tuple[Group, ...] = ()
    costs: tuple[Cost, ...] = ()
    money: tuple[str, ...] = ()

    def text(self) -> tuple[str, ...]:
        """Every line of the cluster's label."""
        return (self.label, *self.money)

    def without_money(self) -> Group:
        return Group(
            self.id,
            self.label,
            self.style,
            tuple(Box(b.id, b.role, b.title, b.lines, b.dormant) for b in self.boxes),
            tuple(g.without_money() for g in self.groups),
        )

    def walk(self) -> Iterator[Box]:
        yield from self.boxes
        for g in self.groups:
            yield from g.walk()

    def walk_groups(self) -> Iterator[Group]:
        yield self
        for g in self.groups:
            yield from g.walk_groups()


@dataclass(frozen=True)
class Link:
    """An edge: a call (depends_on), a replication or copy, a dormant call path, or an
    invisible one that only steers the layout; `label` says what a replication or copy is
    (sync or async, the DR strategy, the monthly GB it moves)."""

    tail: str
    head: str
    style: str  # call | route | sync | async | copy | dormant | route-dormant | layout | spacer | stack
    label: str = ""


@dataclass(frozen=True)
class Scene:
    """Everything the diagram shows: top-level boxes, region groups, links, and rows of
    boxes to keep on one rank in the given left-to-right order (the zones, in order)."""

    name: str
    cloud: str
    title: tuple[str, ...]
    boxes: tuple[Box, ...]
    groups: tuple[Group, ...]
    links: tuple[Link, ...]
    rows: tuple[tuple[str, ...], ...] = ()

    def all_boxes(self) -> Iterator[Box]:
        yield from self.boxes
        for g in self.groups:
            yield from g.walk()

    def all_groups(self) -> Iterator[Group]:
        for g in self.groups:
            yield from g.walk_groups()

    def without_money(self) -> Scene:
        """The scene without its figures: what runs where (the explorer's diagram, redrawn
        only when this changes)."""
        return Scene(
            self.name,
            self.cloud,
            self.title[:1],  # the design; purchase option and prices are not drawn
            tuple(Box(b.id, b.role, b.title, b.lines, b.dormant) for b in self.boxes),
            tuple(g.without_money() for g in self.groups),
            self.links,
            self.rows,
        )

    def all_costs(self) -> Iterator[Cost]:
        """Every money figure drawn, on boxes and on group labels."""
        for b in self.all_boxes():
            yield from b.costs
        for g in self.all_groups():
            yield from g.costs


def box_id(*parts: str) -> str:
    """A box or group id from names: `us-east-1__svc__web`, stable from run to run."""
    # Design names, regions and zones are [a-z0-9-]; "__" cannot occur inside them.
    return "__".join(parts)
