"""Architecture diagrams of a plan: regions, zones, load balancers, node pools, services,
databases and the DR region as the chosen strategy leaves it, rendered to DOT, SVG and PNG.

The stages, one module each: `deployed` (what runs where, read from the plan), `scene` with
`regions` and `drawing` (what to draw, as the frozen data of `model`; pure), `dot` (the DOT
source, built with the `diagrams` package, the only module that imports it), `icons` (which
icon for what, embedded into the SVG as `data:` URIs) and `render` (Graphviz, and the
`Diagram` that displays inline). The same plan gives byte-identical DOT, SVG and PNG.
"""

from __future__ import annotations

from .deployed import Deployed, deployments
from .dot import to_dot
from .icons import embed_icons, icon_data_uri, icon_root, icon_source
from .model import Box, Group, Link, Scene
from .render import PNG_DPI, PNG_MAX_INCHES, Diagram, render_diagram, run_dot
from .scene import build_scene

__all__ = [
    "PNG_DPI",
    "PNG_MAX_INCHES",
    "Box",
    "Deployed",
    "Diagram",
    "Group",
    "Link",
    "Scene",
    "build_scene",
    "deployments",
    "embed_icons",
    "icon_data_uri",
    "icon_root",
    "icon_source",
    "render_diagram",
    "run_dot",
    "to_dot",
]
