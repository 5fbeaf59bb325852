"""DR strategies: what each achieves (RTO/RPO) and choosing the cheapest that meets targets.

What each strategy runs in the DR region is declared in `footprint/dr.py`; this module only
compares the priced options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..design import DRStrategy
from ..units import format_duration

STRATEGY_ORDER = tuple(DRStrategy)  # cheapest first


@dataclass(frozen=True)
class DROption:
    strategy: str
    rto_s: int
    rpo_s: int
    monthly_cost: Decimal
    meets_target: bool
    # Why the figures are what they are, for the line that says a target is missed: the RTO's
    # steps (seconds) and the RPO's binding store ("15m: object storage: ...").
    rto_steps: tuple[tuple[str, int], ...] = ()
    rpo_basis: str = ""


@dataclass(frozen=True)
class DRChoice:
    strategy: str
    meets_target: bool
    forced: bool
    gap: str  # empty when the targets are met


def meets(rto_s: int, rpo_s: int, rto_target_s: int, rpo_target_s: int) -> bool:
    return rto_s <= rto_target_s and rpo_s <= rpo_target_s


def choose(
    options: Sequence[DROption], rto_target_s: int, rpo_target_s: int, forced: str | None = None
) -> DRChoice:
    """The cheapest option meeting both targets; else the closest; `forced` wins."""
    by_name = {o.strategy: o for o in options}
    if forced:
        o = by_name[forced]
        return DRChoice(forced, o.meets_target, True, _gap(o, rto_target_s, rpo_target_s))
    meeting = [o for o in options if o.meets_target]
    if meeting:
        best = min(meeting, key=lambda o: (o.monthly_cost, STRATEGY_ORDER.index(o.strategy)))
        return DRChoice(best.strategy, True, False, "")

    def shortfall(o: DROption) -> tuple[float, Decimal]:
        ratio = max(o.rto_s / max(rto_target_s, 1), o.rpo_s / max(rpo_target_s, 1))
        return ratio, o.monthly_cost

    closest = min(options, key=shortfall)
    return DRChoice(closest.strategy, False, False, _gap(closest, rto_target_s, rpo_target_s))


def _gap(o: DROption, rto_target_s: int, rpo_target_s: int) -> str:
    """What is missed, and what binds it: a reader told "RPO 15m" of a plan whose database
    replicates in seconds must see that a bucket's replication bound sets it."""
    parts = []
    if o.rto_s > rto_target_s:
        longest = max(o.rto_steps, key=lambda step: step[1], default=None)
        why = f" (longest step: {longest[0]}, {format_duration(longest[1])})" if longest else ""
        parts.append(
            f"RTO {format_duration(o.rto_s)} exceeds the {format_duration(rto_target_s)} "
            f"target{why}"
        )
    if o.rpo_s > rpo_target_s:
        basis = o.rpo_basis.partition(": ")[2]
        why = f" (set by {basis})" if basis else ""
        parts.append(
            f"RPO {format_duration(o.rpo_s)} exceeds the {format_duration(rpo_target_s)} "
            f"target{why}"
        )
    return "; ".join(parts)
