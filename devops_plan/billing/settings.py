"""The tunables of the cost-optimization report: one typed model made of every rule's own
settings model, so each threshold is defined once, next to the rule that reads it, with
its bounds and reason; the CLI and the notebook pass overrides through it, so a bad value
is refused with its bound.
"""

from __future__ import annotations

from pydantic import Field

from .rules import (
    CommitmentSettings,
    IdleSettings,
    RightsizingSettings,
    SpotSettings,
    TagSettings,
    WasteSettings,
)


# pydantic orders fields by first appearance from the last base to the first: the bases are
# listed last rule first so the fields read in the rules' order (report.json keeps it).
class ReportSettings(
    CommitmentSettings,
    SpotSettings,
    TagSettings,
    WasteSettings,
    IdleSettings,
    RightsizingSettings,
):
    """Thresholds and user rules for the recommendations (defaults follow AWS's own advisors)."""

    top_resources: int = Field(20, ge=1, le=1000, description="Resources listed in the report.")
