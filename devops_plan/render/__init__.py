"""Renderers: turn a Plan into artefacts for people (diagrams, ADR drafts)."""

from __future__ import annotations

from .diagram import Diagram, render_diagram

__all__ = ["Diagram", "render_diagram"]
