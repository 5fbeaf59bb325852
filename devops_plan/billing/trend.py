"""What a report's history says about it: the trend of spend and estimated savings over past
runs, and each recommendation compared with the last run: realised (gone, with the saving
the bill now shows), new, or still open (with its age). Pure; the runs are read and written
by `history`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..units import round_cents

if TYPE_CHECKING:
    from .report import Report
    from .rules import Recommendation

Key = tuple[str, str, str]  # kind, provider, resource id


@dataclass(frozen=True)
class PastFinding:
    kind: str
    provider: str
    resource_id: str
    resource_name: str
    finding: str
    current_monthly_cost: Decimal
    estimated_monthly_savings: Decimal | None

    @property
    def key(self) -> Key:
        return (self.kind, self.provider, self.resource_id)


@dataclass(frozen=True)
class Run:
    """One past report, as the history keeps it."""

    period_start: datetime
    period_end: datetime
    currency: str
    billed: Decimal
    monthly_billed: Decimal
    monthly_savings: Decimal
    findings: tuple[PastFinding, ...]


@dataclass(frozen=True)
class Change:
    """A recommendation compared with the last run: realised, new, or open (with its age)."""

    kind: str
    provider: str
    resource_id: str
    finding: str
    estimated_monthly_savings: Decimal | None
    age_days: int  # since the run that first found it
    realised_monthly: Decimal | None = None  # realised: what the bill shows it saves now


@dataclass(frozen=True)
class History:
    """What the history says about the current report."""

    trend: tuple[tuple[str, Decimal, Decimal], ...]  # (period end, monthly billed, savings)
    last_run: str  # the period end of the run compared with ('' when none)
    realised: tuple[Change, ...]
    new: tuple[Change, ...]
    open: tuple[Change, ...]
    notes: tuple[str, ...]


def _age(key: Key, runs: Sequence[Run], now: datetime) -> int:
    seen = [r.period_end for r in runs if any(f.key == key for f in r.findings)]
    return (now - min(seen)).days if seen else 0


def compare(
    report: Report, runs: Sequence[Run], resource_costs: Mapping[tuple[str, str], Decimal]
) -> History:
    """The current report against the runs before it (same currency, ending no later).
    `resource_costs` is each billed resource's monthly cost now, for realised savings."""
    name = (report.period.start, report.period.end, report.currency)
    past = [
        r
        for r in runs
        if r.currency == report.currency
        and r.period_end <= report.period.end
        and (r.period_start, r.period_end, r.currency) != name
    ]
    now = report.period.end
    trend = (
        *((r.period_end.isoformat()[:10], r.monthly_billed, r.monthly_savings) for r in past),
        (now.isoformat()[:10], report.monthly_billed_cost, report.total_savings),
    )
    if not past:
        return History(trend, "", (), (), (), ())
    last = past[-1]
    current = {(r.kind, r.provider, r.resource_id): r for r in report.recommendations}
    before = {f.key: f for f in last.findings}
    return History(
        trend=trend,
        last_run=last.period_end.isoformat()[:10],
        realised=tuple(
            _realised(f, resource_costs, _age(k, past, now))
            for k, f in sorted(before.items())
            if k not in current
        ),
        new=tuple(_change(r, 0) for k, r in sorted(current.items()) if k not in before),
        open=tuple(
            _change(r, _age(k, past, now)) for k, r in sorted(current.items()) if k in before
        ),
        notes=(),
    )


def _change(r: Recommendation, age: int) -> Change:
    return Change(r.kind, r.provider, r.resource_id, r.finding, r.estimated_monthly_savings, age)


def _realised(f: PastFinding, costs: Mapping[tuple[str, str], Decimal], age: int) -> Change:
    """A recommendation gone since the last run: what its resource cost then, less what it
    costs now (nothing when it is no longer billed). None for advice not about one resource
    (a commitment, tag hygiene): the bill does not say what it saved."""
    resource_like = f.kind not in ("commitment", "tag_hygiene")
    now = costs.get((f.provider, f.resource_id), Decimal(0))
    saved = max(round_cents(f.current_monthly_cost - now), Decimal(0)) if resource_like else None
    return Change(
        f.kind, f.provider, f.resource_id, f.finding, f.estimated_monthly_savings, age, saved
    )
