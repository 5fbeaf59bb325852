"""Architecture diagrams of a plan, rendered to DOT, SVG and PNG; the same plan gives the same
bytes. Stages: `deployed` (what runs where) -> `scene`, `regions`, `drawing` (what to draw, as
the frozen data of `model`) -> `dot` (the DOT source, via the `diagrams` package: the only
module that imports it) -> `render` (Graphviz), with `icons` embedded as `data:` URIs.
"""

from __future__ import annotations

from .deployed import Deployed, deployments
from .dot import to_dot
from .icons import embed_icons, icon_data_uri, icon_root, icon_source
from .model import Box, Cost, Group, Link, Scene
from .render import PNG_DPI, PNG_MAX_INCHES, Diagram, render_diagram, render_svg, run_dot
from .scene import build_scene

__all__ = [
    "PNG_DPI",
    "PNG_MAX_INCHES",
    "Box",
    "Cost",
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
    "render_svg",
    "run_dot",
    "to_dot",
]
