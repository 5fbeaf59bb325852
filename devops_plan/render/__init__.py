"""Renderers: a Plan turned into artefacts for people: charts and the Pareto chart, the
architecture diagram, ADR drafts, runbooks, Kubernetes manifests, SLO rules and Terraform
variables. Writing them into a docs folder is `devops_plan.export`.
"""

from __future__ import annotations

from .adr import render_record, render_records
from .diagram import Diagram, render_diagram

__all__ = ["Diagram", "render_diagram", "render_record", "render_records"]
