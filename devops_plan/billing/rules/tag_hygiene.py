"""Tag hygiene: the share of taggable spend whose tags lack a required key, with the largest
untagged resources; no saving of its own (it makes spend attributable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field

from ...units import format_money
from ..inventory import parse_tags, tag_key
from ..spend import ChargeLine
from .base import BILLED, ZERO, Recommendation, Rule, RuleContext, RuleSettings


class TagSettings(RuleSettings):
    required_tags: tuple[str, ...] = Field(
        ("environment", "owner"), description="Tag keys every resource should carry."
    )


@dataclass(frozen=True)
class TagHygiene:
    """How much taggable spend lacks the required tags."""

    required: tuple[str, ...]
    taggable_cost: Decimal
    untagged_cost: Decimal
    untagged: tuple[
        tuple[str, str, str, tuple[str, ...], Decimal], ...
    ]  # id, provider, service, missing, billed
    malformed_resources: int

    @property
    def share(self) -> Decimal:
        return self.untagged_cost / self.taggable_cost if self.taggable_cost else ZERO


def tag_hygiene(lines: Sequence[ChargeLine], required: Sequence[str], top: int) -> TagHygiene:
    """Taggable (ResourceId) spend, the part lacking one of `required` (case-insensitive),
    and the `top` largest resources lacking one."""
    # Per distinct Tags text: whether it is malformed, and the required tags it lacks.
    seen: dict[str, tuple[bool, tuple[str, ...]]] = {}
    taggable = ZERO
    untagged = ZERO
    per_resource: dict[tuple[str, str], tuple[str, tuple[str, ...], Decimal]] = {}
    malformed: set[tuple[str, str]] = set()
    for line in lines:
        if not line.resource_id:
            continue
        taggable += line.billed_cost
        found = seen.get(line.tags)
        if found is None:
            tags = parse_tags(line.tags)
            present = {tag_key(k) for k, v in (tags or {}).items() if v.strip()}
            found = seen[line.tags] = (
                tags is None,
                tuple(t for t in required if tag_key(t) not in present),
            )
        is_malformed, missing = found
        if is_malformed:
            malformed.add((line.provider, line.resource_id))
        if missing:
            untagged += line.billed_cost
            key = (line.provider, line.resource_id)
            _, was_missing, cost = per_resource.get(key, (line.service, (), ZERO))
            merged = tuple(t for t in required if t in was_missing or t in missing)
            per_resource[key] = (line.service, merged, cost + line.billed_cost)
    ranked = sorted(per_resource.items(), key=lambda kv: (-kv[1][2], kv[0]))[:top]
    return TagHygiene(
        required=tuple(required),
        taggable_cost=taggable,
        untagged_cost=untagged,
        untagged=tuple(
            (rid, provider, service, missing, cost)
            for (provider, rid), (service, missing, cost) in ranked
        ),
        malformed_resources=len(malformed),
    )


@dataclass(frozen=True)
class TagAdvice:
    recommendations: tuple[Recommendation, ...]
    hygiene: TagHygiene


class TagHygieneRule(Rule):
    kind, title, settings_model = "tag_hygiene", "Tag hygiene", TagSettings

    def recommend(self, ctx: RuleContext, settings: TagSettings) -> TagAdvice:
        """The hygiene of the spend, and one recommendation when any spend is untagged."""
        h = tag_hygiene(ctx.spend.lines, settings.required_tags, ctx.listed)
        if h.untagged_cost <= 0:
            return TagAdvice((), h)
        listed = ", ".join(rid for rid, *_ in h.untagged[:5])
        untagged = format_money(ctx.monthly(h.untagged_cost), ctx.currency)
        taggable = format_money(ctx.monthly(h.taggable_cost), ctx.currency)
        rec = Recommendation(
            kind=self.kind,
            resource_id="(resources without required tags)",
            resource_name="",
            provider="all",
            region="all",
            service="",
            finding=f"{h.share:.1%} of taggable spend lacks the tag(s) {', '.join(h.required)}",
            action="Tag these resources (and enforce tags at creation)",
            evidence=(f"{untagged} a month of {taggable} cannot be attributed; largest: {listed}"),
            current_monthly_cost=ctx.monthly(h.untagged_cost),
            estimated_monthly_savings=None,
            confidence="high",
            price_source=BILLED,
            counted=False,
            note="no direct saving; makes spend attributable",
        )
        return TagAdvice((rec,), h)
