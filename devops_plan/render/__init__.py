"""Renderers: a Plan turned into artefacts for people: text tables (terminal, Markdown, HTML,
CSV), charts and the Pareto chart, the architecture diagram, ADR drafts, runbooks,
Kubernetes manifests, SLO rules and Terraform variables. Writing them into a docs folder is
`devops_plan.export`. The names below load on first use, so a command that prints a table
does not import Jinja or the diagram library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .adr import render_record, render_records
    from .diagram import Diagram, render_diagram

_LAZY = {
    "Diagram": "devops_plan.render.diagram",
    "render_diagram": "devops_plan.render.diagram",
    "render_record": "devops_plan.render.adr",
    "render_records": "devops_plan.render.adr",
}

__all__ = ["Diagram", "render_diagram", "render_record", "render_records"]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'devops_plan.render' has no attribute {name!r}")
