"""Plan against actual: the plan's line items joined with the bill, per service and component
kind, every billed cent either mapped or listed as unplanned spend, the drift explained.

Laid out as its pipeline: `kinds` (what a charge and a planned item are, in one vocabulary)
-> `match` (tags first, then kind and region; shared items split by planned cost) -> `drift`
(rows, thresholds, likely causes) -> `model` (the Reconciliation, `reconcile`) -> `run`
(from files) -> `writer` and `charts` (JSON, Markdown, HTML, CSV).
"""

from __future__ import annotations

from ...config.models import ReconcileSettings
from .drift import ComponentRow, UnplannedRow
from .match import TAG_COMPONENT, TAG_DESIGN, TAG_SERVICE, component_of
from .model import Reconciliation, reconcile
from .run import month_period, plan_of, reconcile_spend, run_reconcile, spend_for
from .writer import FORMATS, reconciliation_to_dict, write_reconciliation

__all__ = [
    "FORMATS",
    "TAG_COMPONENT",
    "TAG_DESIGN",
    "TAG_SERVICE",
    "ComponentRow",
    "ReconcileSettings",
    "Reconciliation",
    "UnplannedRow",
    "component_of",
    "month_period",
    "plan_of",
    "reconcile",
    "reconcile_spend",
    "reconciliation_to_dict",
    "run_reconcile",
    "spend_for",
    "write_reconciliation",
]
