"""The recommendation rules, one module per kind of advice, and `recommend`, which runs them:
from spend, utilization and the price catalog to findings with estimated monthly savings.
Pure: no file, network or clock.

Savings are priced from the shipped catalog; where the catalog lacks the product being
paid for, from the bill's own list price (ListUnitPrice); where neither has a price, the
finding is kept with no savings figure rather than an invented one. A resource can get
several recommendations (idle, smaller, newer, spot); they are alternatives, so only the
largest counts towards the total. The commitment is sized on the on-demand baseline left
after those per-resource savings, so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...catalog import Catalog
from ..commitments import Commitment
from ..inventory import Resource, build_inventory
from ..sources.utilization import Utilization
from ..spend import Spend
from .base import ZERO, Recommendation, ResourceRule, Rule, RuleContext, RuleSettings
from .commitment import CommitmentRule, CommitmentSettings
from .coverage import Coverage, Gap, commitment_coverage, coverage
from .endpoints import EndpointRule, EndpointSettings
from .idle import IdleRule, IdleSettings
from .logs import LogRule, LogSettings
from .modernization import ModernizationRule
from .rightsizing import RightsizingRule, RightsizingSettings
from .spot import SpotRule, SpotSettings
from .storage_class import StorageClassRule, StorageClassSettings
from .tag_hygiene import TagHygiene, TagHygieneRule, TagSettings, tag_hygiene
from .waste import WasteRule, WasteSettings

if TYPE_CHECKING:
    from ..settings import ReportSettings

COMMITMENT = CommitmentRule()
TAG_HYGIENE = TagHygieneRule()
# The rules that look at one resource at a time, in the order they run on a resource.
RESOURCE_RULES: tuple[ResourceRule[Any], ...] = (
    IdleRule(),
    RightsizingRule(),
    ModernizationRule(),
    SpotRule(),
    WasteRule(),
    EndpointRule(),
    LogRule(),
    StorageClassRule(),
)
# Every rule, in the report's order of kinds.
RULES: tuple[Rule, ...] = (*RESOURCE_RULES, COMMITMENT, TAG_HYGIENE)
KINDS: dict[str, str] = {rule.kind: rule.title for rule in RULES}
_ORDER = {kind: index for index, kind in enumerate(KINDS)}
# Per-resource kinds that change what a machine costs per hour (the commitment baseline).
_MACHINE_KINDS = frozenset(rule.kind for rule in RESOURCE_RULES if "vm" in rule.resource_kinds)

__all__ = [
    "KINDS",
    "RESOURCE_RULES",
    "RULES",
    "CommitmentSettings",
    "Coverage",
    "EndpointSettings",
    "Findings",
    "Gap",
    "IdleSettings",
    "LogSettings",
    "Recommendation",
    "ResourceRule",
    "RightsizingSettings",
    "Rule",
    "RuleContext",
    "RuleSettings",
    "SpotSettings",
    "StorageClassSettings",
    "TagHygiene",
    "TagSettings",
    "WasteSettings",
    "recommend",
    "rules_for",
    "savings_by_kind",
    "tag_hygiene",
]


@dataclass(frozen=True)
class Findings:
    recommendations: tuple[Recommendation, ...]
    tag_hygiene: TagHygiene
    commitments: tuple[tuple[str, tuple[Commitment, ...]], ...]  # provider -> every option
    notes: tuple[str, ...]
    coverage: tuple[Coverage, ...] = ()  # per kind: what could and could not be judged, why


def rules_for(kind: str) -> tuple[ResourceRule[Any], ...]:
    """The resource rules that can flag a resource of `kind`, in their order."""
    return tuple(rule for rule in RESOURCE_RULES if kind in rule.resource_kinds)


def _count_once(recs: Sequence[Recommendation]) -> list[Recommendation]:
    """Per resource, only the largest saving counts; the others are marked as overlapping."""
    by_resource: dict[tuple[str, str], list[Recommendation]] = {}
    for rec in recs:
        by_resource.setdefault((rec.provider, rec.resource_id), []).append(rec)
    out: list[Recommendation] = []
    for group in by_resource.values():
        ranked = sorted(
            group,
            key=lambda r: (
                -(r.estimated_monthly_savings if r.estimated_monthly_savings is not None else -1),
                _ORDER[r.kind],
            ),
        )
        best = ranked[0]
        counted = best.estimated_monthly_savings is not None
        out.append(best if best.counted == counted else replace(best, counted=counted))
        note = (
            f"overlaps with the {KINDS[best.kind].lower()} recommendation on this resource; "
            "not added to the total"
        )
        out.extend(replace(other, counted=False, note=note) for other in ranked[1:])
    return out


def _sort_key(rec: Recommendation) -> tuple[object, ...]:
    savings = (
        rec.estimated_monthly_savings if rec.estimated_monthly_savings is not None else Decimal(-1)
    )
    return (not rec.counted, -savings, _ORDER[rec.kind], rec.provider, rec.resource_id)


def _coverage_notes(inventory: Sequence[Resource], ctx: RuleContext, min_days: float) -> list[str]:
    """What the rules could not judge: machines without (enough) utilization or a price."""
    notes: list[str] = []
    machines = [r for r in inventory if r.kind == "vm" and r.on_demand_hours > 0]
    unmeasured = [r for r in machines if ctx.usage(r) is None]
    if machines and unmeasured:
        notes.append(
            f"{len(unmeasured)} of {len(machines)} machines have no utilization data: "
            "they were not checked for idleness or rightsizing"
        )
    short = [r for r in machines if (u := ctx.usage(r)) is not None and u.days < min_days]
    if short:
        notes.append(
            f"{len(short)} machine(s) have less than {min_days:g} days of utilization "
            "data: not enough to rightsize or call idle"
        )
    unpriced = sorted(
        {
            r.instance_type
            for r in machines
            if r.instance_type and ctx.price(r, r.instance_type) is None
        }
    )
    if unpriced:
        notes.append("instance types not in the catalog: " + ", ".join(unpriced))
    return notes


def recommend(
    spend: Spend,
    utilization: Utilization,
    catalogs: Mapping[str, Catalog],
    settings: ReportSettings,
    inventory: Sequence[Resource] | None = None,
) -> Findings:
    """Every recommendation for the spend, sorted by counted savings (largest first).

    `inventory` is `build_inventory(spend.lines)`, passed in when the caller has it already.
    """
    ctx = RuleContext(spend, utilization, catalogs, listed=settings.top_resources)
    if inventory is None:
        inventory = build_inventory(spend.lines)
    rules = {kind: rules_for(kind) for kind in {r.kind for r in inventory}}
    per_resource = [
        rec
        for r in inventory
        for rule in rules[r.kind]
        for rec in rule.recommend(r, ctx, settings)
        if rec.estimated_monthly_savings is None
        or rec.estimated_monthly_savings >= settings.min_monthly_savings
    ]
    counted = _count_once(per_resource)
    machine_savings = [rec for rec in counted if rec.counted and rec.kind in _MACHINE_KINDS]
    commitments = COMMITMENT.recommend(ctx, settings, inventory, machine_savings)
    tags = TAG_HYGIENE.recommend(ctx, settings)
    notes = [*commitments.notes, *_coverage_notes(inventory, ctx, settings.min_days)]
    planned = [provider for provider, _ in commitments.plans]
    judged = (
        *coverage(inventory, ctx, settings.min_days),
        commitment_coverage(ctx, planned, commitments.notes),
    )
    return Findings(
        recommendations=tuple(
            sorted([*counted, *commitments.recommendations, *tags.recommendations], key=_sort_key)
        ),
        tag_hygiene=tags.hygiene,
        commitments=commitments.plans,
        notes=tuple(notes),
        coverage=tuple(sorted(judged, key=lambda c: _ORDER[c.kind])),
    )


def savings_by_kind(recs: Iterable[Recommendation]) -> list[tuple[str, Decimal]]:
    """Counted savings per kind, in the report's kind order (kinds without savings omitted)."""
    totals: dict[str, Decimal] = {}
    for rec in recs:
        if rec.counted and rec.estimated_monthly_savings is not None:
            totals[rec.kind] = totals.get(rec.kind, ZERO) + rec.estimated_monthly_savings
    return [(k, totals[k]) for k in KINDS if k in totals]
