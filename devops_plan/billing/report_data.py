"""The report as plain JSON-ready data (report.json, and what the templates and the CSV
read): money as exact 2-decimal strings, shares as 4-decimal strings, a stable order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from decimal import Decimal
from typing import Any

from ..units import round_cents
from .report import DataQuality, Report
from .rules import KINDS, Recommendation, TagHygiene
from .sources.engine import RejectedRow
from .trend import Change, History

SCHEMA = "devops-plan/cost-report/1"
RECOMMENDATION_COLUMNS = (
    "kind",
    "resource_id",
    "resource_name",
    "provider",
    "region",
    "service",
    "finding",
    "action",
    "evidence",
    "current_monthly_cost",
    "estimated_monthly_savings",
    "confidence",
    "counted_in_total",
    "price_source",
    "note",
)
MONEY_COLUMNS = ("current_monthly_cost", "estimated_monthly_savings")


def money_text(value: Decimal | None) -> str | None:
    """Money in JSON: a string with two decimals, exact (rounded half up), or null."""
    return None if value is None else f"{round_cents(value):.2f}"


def _ratio(value: Decimal) -> str:
    return f"{value:.4f}"


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: money as exact 2-decimal strings, stable order."""
    return {
        "schema": SCHEMA,
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "hours": f"{report.period.hours:f}",
        },
        "currency": report.currency,
        "engine": report.engine,
        "inputs": [
            {
                "source": i.source,
                "currency": i.currency,
                "rows": i.row_count,
                "rows_implausible": i.implausible_rows,
                "billed_cost": money_text(i.billed_cost),
                "billed_cost_exact": f"{i.billed_cost:f}",
            }
            for i in report.inputs
        ],
        "totals": _totals(report),
        **_spend(report),
        "savings": {
            "monthly_total": money_text(report.total_savings),
            "by_kind": [
                {"kind": k, "title": KINDS[k], "monthly_savings": money_text(v)}
                for k, v in report.savings_by_kind
            ],
        },
        "recommendations": [recommendation_row(r) for r in report.recommendations],
        "tag_hygiene": _tag_hygiene(report.tag_hygiene),
        "coverage": [
            {
                "kind": c.kind,
                "title": KINDS[c.kind],
                "resources": c.candidates,
                "monthly_cost": money_text(c.candidate_cost),
                "judged": c.judged,
                "not_judged": [
                    {
                        "reason": g.reason,
                        "resources": g.resources,
                        "monthly_cost": money_text(g.monthly_cost),
                    }
                    for g in c.gaps
                ],
            }
            for c in report.coverage
        ],
        "data_quality": _data_quality(report.data_quality),
        "settings": report.settings.model_dump(mode="json"),
        **({"history": _history(report.history)} if report.history is not None else {}),
    }


def _changes(changes: Iterable[Change]) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "provider": c.provider,
            "resource_id": c.resource_id,
            "finding": c.finding,
            "estimated_monthly_savings": money_text(c.estimated_monthly_savings),
            "age_days": c.age_days,
            "realised_monthly_savings": money_text(c.realised_monthly),
        }
        for c in changes
    ]


def _history(h: History) -> dict[str, Any]:
    """Spend and savings over past runs, and the recommendations against the last run."""
    return {
        "trend": [
            {"period_end": end, "monthly_billed": money_text(b), "monthly_savings": money_text(s)}
            for end, b, s in h.trend
        ],
        "last_run": h.last_run,
        "realised": _changes(h.realised),
        "realised_monthly_total": money_text(
            sum((c.realised_monthly or Decimal(0) for c in h.realised), Decimal(0))
        ),
        "new": _changes(h.new),
        "open": _changes(h.open),
        "notes": list(h.notes),
    }


def _totals(report: Report) -> dict[str, Any]:
    return {
        "billed_cost": money_text(report.billed_cost),
        "billed_cost_exact": f"{report.billed_cost:f}",
        "effective_cost": money_text(report.effective_cost),
        "list_cost": money_text(report.list_cost),
        "monthly_billed_cost": money_text(report.monthly_billed_cost),
        "monthly_savings": money_text(report.total_savings),
        "monthly_after_savings": money_text(report.monthly_after_savings),
    }


def _spend(report: Report) -> dict[str, Any]:
    """Spend by provider, by service, over time and per resource."""
    return {
        "by_provider": [
            {
                "provider": p.provider,
                "billed_cost": money_text(p.billed_cost),
                "effective_cost": money_text(p.effective_cost),
                "share": _ratio(p.share),
            }
            for p in report.by_provider
        ],
        "by_service": [
            {
                "provider": s.provider,
                "service": s.service,
                "service_category": s.service_category,
                "billed_cost": money_text(s.billed_cost),
                "effective_cost": money_text(s.effective_cost),
                "share": _ratio(s.share),
            }
            for s in report.by_service
        ],
        "over_time": {
            "unit": report.time_unit,
            "rows": [
                {
                    "period": t.bucket,
                    "provider": t.provider,
                    "billed_cost": money_text(t.billed_cost),
                }
                for t in report.over_time
            ],
        },
        "top_resources": [
            {
                "resource_id": r.resource_id,
                "resource_name": r.resource_name,
                "provider": r.provider,
                "service": r.service,
                "region": r.region,
                "billed_cost": money_text(r.billed_cost),
                "monthly_cost": money_text(r.monthly_cost),
            }
            for r in report.top_resources
        ],
    }


def _tag_hygiene(h: TagHygiene) -> dict[str, Any]:
    return {
        "required_tags": list(h.required),
        "taggable_cost": money_text(h.taggable_cost),
        "untagged_cost": money_text(h.untagged_cost),
        "untagged_share": _ratio(h.share),
        "resources_with_malformed_tags": h.malformed_resources,
        "top_untagged": [
            {
                "resource_id": rid,
                "provider": provider,
                "service": service,
                "missing": list(missing),
                "billed_cost": money_text(cost),
            }
            for rid, provider, service, missing, cost in h.untagged
        ],
    }


def _rejected(rows: Iterable[RejectedRow]) -> list[dict[str, Any]]:
    return [{"file": r.file, "line": r.line, "column": r.column, "error": r.error} for r in rows]


def _utilization_rejected(rows: Sequence[RejectedRow]) -> dict[str, Any]:
    return {"utilization_rows_rejected": len(rows), "utilization_rejected": _rejected(rows)}


def _data_quality(q: DataQuality) -> dict[str, Any]:
    return {
        "rows_read": q.rows_read,
        "rows_in_period": q.rows_in_period,
        "rows_rejected": len(q.rejected),
        "rows_without_billed_cost": q.rows_without_billed_cost,
        "billed_cost_outside_period": money_text(q.billed_outside_period),
        "rejected": _rejected(q.rejected),
        "rows_implausible": q.implausible_rows,
        "implausible": [
            {
                "file": x.file,
                "period_start": x.period_start,
                "period_end": x.period_end,
                "resource_id": x.resource_id,
                "billed_cost": x.billed_cost,
                "reason": x.reason,
            }
            for x in q.implausible
        ],
        "other_currencies": [
            {"currency": c, "rows": rows, "billed_cost": money_text(billed)}
            for c, rows, billed in q.other_currencies
        ],
        **_utilization_rejected(q.utilization_rejected),
        "notes": list(q.notes),
    }


def recommendation_row(r: Recommendation) -> dict[str, Any]:
    """A recommendation under RECOMMENDATION_COLUMNS (its fields, `counted` as
    counted_in_total), money as exact 2-decimal strings."""
    values = {f.name: getattr(r, f.name) for f in fields(r)}
    values["counted_in_total"] = r.counted
    return {
        column: money_text(values[column]) if column in MONEY_COLUMNS else values[column]
        for column in RECOMMENDATION_COLUMNS
    }
