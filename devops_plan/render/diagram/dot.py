"""A scene as DOT source, built with the `diagrams` package: the one module that imports it.
Two of its habits are undone here so the source can live in a git repo: node and cluster ids
come from names (it draws random UUIDs), and nothing is rendered into the working folder."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ...escape import html_text
from ...plan import Plan
from .icons import icon_source
from .model import UNRANKED, Box, Group, Link, Scene

ICON_PT = 44  # the icon's drawn size, in points

_CLUSTER_STYLE: dict[str, dict[str, str]] = {
    "region": {"bgcolor": "#EEF6FC", "pencolor": "#7FA7C9", "style": "rounded"},
    "dr": {"bgcolor": "#FDF7E3", "pencolor": "#C9A227", "style": "rounded,dashed"},
    "zone": {"bgcolor": "#FFFFFF", "pencolor": "#AEB6BE", "style": "rounded"},
    "subnet": {"bgcolor": "#FAFAFA", "pencolor": "#C8CED4", "style": "rounded,dashed"},
    "k8s": {"bgcolor": "#EBF3E7", "pencolor": "#7DAA6A", "style": "rounded"},
    "k8s-dormant": {"bgcolor": "#F4F4F4", "pencolor": "#AEB6BE", "style": "rounded,dashed"},
}
_EDGE_STYLE: dict[str, dict[str, str]] = {
    "call": {"color": "#5B6770"},
    "sync": {"color": "#2E6FD0", "style": "dashed"},
    "async": {"color": "#2E6FD0", "style": "dashed"},
    "copy": {"color": "#B8860B", "style": "dotted"},
    "dormant": {"color": "#B0B7BE", "style": "dashed"},
    "layout": {"style": "invis"},
    # A route to a region further down: it ranks the boxes but does not pull that region
    # sideways round the regions above it.
    "route": {"color": "#5B6770", "weight": "0"},
    "route-dormant": {"color": "#B0B7BE", "style": "dashed", "weight": "0"},
    # Keeps a region below the one above it without pulling its boxes sideways.
    "stack": {"style": "invis", "weight": "0"},
    # An empty rank between a zone's node pool and its data: room for the replication arcs
    # between data boxes, which Graphviz bends upwards, clear of the pool's label.
    "spacer": {"style": "invis", "minlen": "2"},
}
_INVISIBLE = ("layout", "spacer", "stack")


def to_dot(scene: Scene, plan: Plan | None = None) -> str:
    """The DOT source of a scene, built with `diagrams`; icon paths are relative.

    `plan` picks database icons by engine where the cloud draws them apart (Azure).
    """
    import diagrams

    d = diagrams.Diagram(
        name=scene.name,
        filename=scene.name,
        direction="TB",
        curvestyle="curved",
        outformat="png",
        show=False,
        graph_attr={
            "label": _html_lines(scene.title, 12, bold_first=True),
            "labelloc": "t",
            "labeljust": "l",
            "pad": "0.4",
            "splines": "spline",
            "nodesep": "0.35",
            "ranksep": "0.9",
            "newrank": "true",
            # Few crossing-minimisation passes: boxes keep the order they are declared in
            # (zones a, b, c left to right), and the drawing stays narrower.
            "mclimit": "0.1",
            "fontname": "Sans-Serif",
            "id": svg_id(scene.name),
        },
        node_attr={"shape": "plain", "fixedsize": "false", "fontname": "Sans-Serif"},
        edge_attr={
            "color": "#5B6770",
            "arrowsize": "0.7",
            "fontname": "Sans-Serif",
            "fontsize": "10",
        },
    )
    engines = {s.name: s.engine for s in plan.services} if plan is not None else {}
    with _drawing(d):
        drawer = _Drawer(scene.cloud, engines)
        for b in scene.boxes:
            drawer.box(b)
        for g in scene.groups:
            drawer.group(g)
        for link in scene.links:
            drawer.link(link)
        # Rows (the node pools, zone by zone): one rank, kept in zone order by invisible edges.
        for row in scene.rows:
            if len(row) > 1:
                # One rank, ordered left to right by invisible flat edges.
                names = "; ".join(_quote(i) for i in row)
                chain = " -> ".join(_quote(i) for i in row)
                d.dot.body.append(f"\t{{rank=same; {names}; {chain} [style=invis]}}\n")
        source: str = d.dot.source
    return source


class _Drawer:
    """Adds boxes, clusters and edges to the `diagrams` drawing that is current."""

    def __init__(self, cloud: str, engines: Mapping[str, str | None]):
        self.cloud = cloud
        self.engines = engines
        self.nodes: dict[str, Any] = {}

    def box(self, box: Box) -> None:
        import diagrams

        engine = self.engines.get(box.title) if box.role == "database" else None
        src = icon_source(self.cloud, box.role, engine)
        self.nodes[box.id] = diagrams.Node(_label(box, src), nodeid=box.id, id=svg_id(box.id))

    def group(self, g: Group) -> None:
        import diagrams

        size = 12 if g.style in ("region", "dr") else 11
        c = diagrams.Cluster(
            g.label,
            graph_attr={
                **_CLUSTER_STYLE[g.style],
                "label": _html_lines(g.text(), size, bold_first=False),
                "fontname": "Sans-Serif",
                "margin": "12",
                "id": svg_id("cluster__" + g.id),
            },
        )
        c.dot.name = "cluster_" + g.id  # diagrams names clusters by label; ids come from names
        with c:
            for b in g.boxes:
                self.box(b)
            for inner in g.groups:
                self.group(inner)

    def link(self, link: Link) -> None:
        import diagrams

        attrs = dict(_EDGE_STYLE[link.style])
        if link.label:
            # A label on an edge that may join boxes on one rank is an xlabel, placed after
            # the layout: Graphviz 2.43 fails ("trouble in init_rank") on labelled flat
            # edges between clusters.
            key = "xlabel" if link.style in UNRANKED else "label"
            attrs[key] = _html_lines(link.label.split("\n"), 10)
            attrs["fontcolor"] = attrs.get("color", "#5B6770")
        if link.style in UNRANKED:
            # minlen=0 rather than constraint=false, which Graphviz 2.43 fails on
            # ("trouble in init_rank") when the edge crosses clusters.
            attrs.update(minlen="0", weight="0")
        kind = "layout" if link.style in _INVISIBLE else "edge"
        ident = svg_id(f"{kind}__{link.tail}__{link.head}")
        edge = diagrams.Edge(forward=True, id=ident, **attrs)
        self.nodes[link.tail] >> edge >> self.nodes[link.head]


@contextmanager
def _drawing(diagram: Any) -> Iterator[Any]:
    """Enter a `diagrams` context without its exit, which renders into the working folder."""
    import diagrams

    diagrams.setdiagram(diagram)
    try:
        yield diagram
    finally:
        diagrams.setdiagram(None)


def _label(box: Box, src: str) -> str:
    grey = "#8A939B" if box.dormant else "#2D3436"
    border = ' BORDER="1" COLOR="#B0B7BE" STYLE="dashed"' if box.dormant else ' BORDER="0"'
    rows = [
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_PT}" HEIGHT="{ICON_PT}"><IMG SRC="{html_text(src)}" SCALE="TRUE"/></TD></TR>',
        f'<TR><TD><FONT POINT-SIZE="13" COLOR="{grey}"><B>{html_text(box.title)}</B></FONT></TD></TR>',
    ]
    rows += [
        f'<TR><TD><FONT POINT-SIZE="11" COLOR="{grey}">{html_text(line)}</FONT></TD></TR>'
        for line in box.text()
    ]
    return (
        f'<<TABLE{border} CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'
    )


def _html_lines(lines: Sequence[str], size: int, bold_first: bool = False) -> str:
    out = []
    for i, line in enumerate(lines):
        text = html_text(line)
        if bold_first and i == 0:
            text = f"<B>{text}</B>"
        out.append(f'<FONT POINT-SIZE="{size if i or not bold_first else size + 3}">{text}</FONT>')
    return "<" + "<BR/>".join(out) + ">"


def _quote(name: str) -> str:
    # Box ids are built from slugs and "__" (see model.box_id): nothing inside needs escaping.
    return f'"{name}"'


def svg_id(name: str) -> str:
    """An id safe in SVG and DOT: anything but letters, digits, `_.-` becomes `-`."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", name)
