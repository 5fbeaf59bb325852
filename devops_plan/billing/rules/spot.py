"""Spot: an on-demand machine the user's rules mark as interruptible (a tag value or a name
pattern); worth the on-demand minus the typical spot price over its on-demand hours."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import Field

from ...units import format_rate
from ..inventory import Resource, tag_key
from .base import (
    Found,
    ResourceRule,
    RuleContext,
    RuleSettings,
    catalog_source,
)

_SPOT_TAGS: dict[str, tuple[str, ...]] = {"workload": ("batch", "ci", "stateless")}


class SpotSettings(RuleSettings):
    spot_tags: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(_SPOT_TAGS),
        description="Tag key -> values that mark a workload as interruptible (spot-eligible).",
    )
    spot_name_patterns: tuple[str, ...] = Field(
        ("*batch*", "*ci-runner*", "*spot-ok*"),
        description="Glob patterns on the resource name or id that mark a spot-eligible workload.",
    )


@dataclass(frozen=True)
class _Eligibility:
    """The user's spot rules, lower-cased and compiled once per report."""

    tags: tuple[tuple[str, str, frozenset[str]], ...]  # key, as compared (tag_key), values
    names: tuple[tuple[str, Callable[[str], re.Match[str] | None]], ...]

    @classmethod
    def of(cls, s: SpotSettings) -> _Eligibility:
        return cls(
            tags=tuple(
                (key, tag_key(key), frozenset(v.lower() for v in values))
                for key, values in sorted(s.spot_tags.items())
            ),
            # fnmatch.fnmatch's own steps (normcase, translate), compiled once.
            names=tuple(
                (pattern, re.compile(fnmatch.translate(os.path.normcase(pattern.lower()))).match)
                for pattern in s.spot_name_patterns
            ),
        )

    def why(self, r: Resource) -> str:
        """What marks `r` as interruptible ('' when nothing does)."""
        tags = {tag_key(k): v.lower() for k, v in (r.tags or {}).items()}
        for key, lower, values in self.tags:
            value = tags.get(lower)
            if value is not None and value in values:
                return f"tag {key}={value}"
        texts = [os.path.normcase(t.lower()) for t in (r.name, r.resource_id) if t]
        for pattern, match in self.names:
            for text in texts:
                if match(text) is not None:
                    return f"name matches {pattern}"
        return ""


class SpotRule(ResourceRule[SpotSettings]):
    kind, title, resource_kinds = "spot", "Spot", frozenset({"vm"})
    settings_model = SpotSettings

    def recommend(self, r: Resource, ctx: RuleContext, settings: SpotSettings) -> Found:
        if r.on_demand_hours <= 0:
            return []
        eligibility: _Eligibility = ctx.memo(_Eligibility, lambda: _Eligibility.of(settings))
        why = eligibility.why(r)
        if not why:
            return []
        hours = ctx.hours_per_month(r.on_demand_hours)
        current, current_source = ctx.current_hourly(r)
        spot = ctx.price(r, r.instance_type, "spot")
        if current is None or spot is None:
            evidence = (
                f"{hours:.1f} on-demand hours a month; no spot price for "
                f"{r.instance_type or 'this machine'} in {r.region}"
            )
            savings, source = None, ""
        else:
            evidence = (
                f"{r.instance_type}: {format_rate(current, ctx.currency, 'h')} on demand -> "
                f"{format_rate(spot.unit_price, ctx.currency, 'h')} typical spot; "
                f"{hours:.1f} on-demand hours a month"
            )
            savings = (current - spot.unit_price) * hours
            source = f"{current_source}; {catalog_source(spot)} (spot, typical)"
        return [
            ctx.recommendation(
                r,
                self.kind,
                finding=f"Interruptible workload on on-demand capacity ({why})",
                action="Run it on spot capacity (with interruption handling)",
                evidence=evidence,
                savings=savings,
                confidence="medium",
                price_source=source,
            )
        ]
