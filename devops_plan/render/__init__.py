"""Renderers: turn a Plan into artefacts for people: the architecture diagram and ADR drafts.

`diagram` is the only module that imports the `diagrams` package; `adr` renders MADR 4
records from Jinja templates. Writing them into a docs folder is `devops_plan.export`.
"""

from __future__ import annotations

from .adr import render_record, render_records
from .diagram import Diagram, render_diagram

__all__ = ["Diagram", "render_diagram", "render_record", "render_records"]
