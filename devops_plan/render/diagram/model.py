"""The scene: what the diagram shows, as plain frozen data (boxes, groups, links and rows),
built by `scene` from the plan and drawn by `dot`; nothing here knows about Graphviz."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """One drawn component: an icon (by role), a bold title and a few lines of numbers."""

    id: str
    role: str
    title: str
    lines: tuple[str, ...] = ()
    dormant: bool = False


@dataclass(frozen=True)
class Group:
    """A cluster: a region, a zone or a Kubernetes cluster."""

    id: str
    label: str
    style: str  # region | dr | zone | k8s | k8s-dormant
    boxes: tuple[Box, ...] = ()
    groups: tuple[Group, ...] = ()

    def walk(self) -> Iterator[Box]:
        yield from self.boxes
        for g in self.groups:
            yield from g.walk()


@dataclass(frozen=True)
class Link:
    """An edge: a call (depends_on), a replication or copy, a dormant call path, or an
    invisible one that only steers the layout."""

    tail: str
    head: str
    style: str  # call | sync | async | copy | dormant | layout | spacer
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


def box_id(*parts: str) -> str:
    """A box or group id from names: `us-east-1__svc__web`, stable from run to run."""
    # Design names, regions and zones are [a-z0-9-]; "__" cannot occur inside them.
    return "__".join(parts)
