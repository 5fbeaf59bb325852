"""Prometheus SLO rules from the plan: for each entrypoint, recording rules for the error ratio
over 5m, 30m, 1h, 2h, 6h, 1d and 3d, and multi-window, multi-burn-rate alerts for a 30-day
SLO window (the Google SRE workbook's table): page when both 1h and 5m burn faster than
14.4x the error budget, or both 6h and 30m faster than 6x; open a ticket when both 1d and 2h
burn faster than 3x, or both 3d and 6h faster than 1x.

An availability SLO comes from `targets.availability`; a latency SLO (95% of requests within
`targets.latency_p95_ms`) when the design sets it, counted with the histogram bucket at or
below the target among the configured buckets (`SloSettings.latency_buckets`, the `[slo]`
section of devops-plan.toml; Prometheus' default buckets unless set); `warnings` says when the
target is not a bucket boundary. Metric names and label selectors are parameters too. Pure and
deterministic; checked with `promtool check rules`.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML

from ..config.models import PROMETHEUS_BUCKETS_S, ExportSettings, SloSettings
from ..design import Design
from ..plan import Plan

__all__ = [
    "BURN_RATE_ALERTS",
    "DEFAULT_BUCKETS_S",
    "FOLDER",
    "RUNBOOKS",
    "WINDOWS",
    "Settings",
    "alert_name",
    "artefacts",
    "latency_bucket",
    "record_name",
    "render",
    "rule_groups",
    "settings_from",
    "warnings",
]

FOLDER = "prometheus"
RUNBOOKS = "runbooks"  # where the alerts' runbook_url points (render/runbook.py writes there)
Settings = SloSettings

WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
# (severity, long window, short window, burn-rate factor) for a 30-day SLO window.
BURN_RATE_ALERTS = (
    ("page", "1h", "5m", Decimal("14.4")),
    ("page", "6h", "30m", Decimal("6")),
    ("ticket", "1d", "2h", Decimal("3")),
    ("ticket", "3d", "6h", Decimal("1")),
)
SLO_WINDOW = "30d"
# The Prometheus client libraries' default histogram buckets (seconds), as exact decimals.
DEFAULT_BUCKETS_S = tuple(Decimal(str(b)) for b in PROMETHEUS_BUCKETS_S)
LATENCY_OBJECTIVE = Decimal("95")  # a p95 target: 95% of requests within the threshold


def settings_from(export: ExportSettings) -> SloSettings:
    """The part of the export settings the SLO rules read."""
    return export.slo


def _buckets(settings: Settings) -> tuple[Decimal, ...]:
    """The configured bucket bounds as exact decimals (0.25, not 0.2500000001)."""
    return tuple(Decimal(str(b)) for b in settings.latency_buckets)


def _camel(*parts: str) -> str:
    return "".join(w.capitalize() for p in parts for w in p.replace("_", "-").split("-") if w)


def alert_name(design: str, service: str, slo: str) -> str:
    """E.g. ShopWebAvailabilityBudgetBurn: one name, four rules told apart by their labels."""
    return _camel(design, service, slo) + "BudgetBurn"


def _number(value: Decimal) -> str:
    """A plain decimal literal without exponent or trailing zeros: 0.0072, 14.4, 1."""
    return format(value.normalize(), "f")


def _matchers(*parts: str) -> str:
    return "{" + ",".join(p for p in parts if p) + "}"


def _error_budget(objective_percent: Decimal) -> Decimal:
    return (Decimal(100) - objective_percent) / Decimal(100)


def _slos(plan: Plan, design: Design, settings: Settings, service: str) -> list[dict[str, Any]]:
    base = settings.selector.format(service=service, design=plan.design)
    availability = Decimal(str(design.targets.availability))
    slos: list[dict[str, Any]] = [
        {
            "slo": "availability",
            "objective": availability,
            "what": f"{availability.normalize()}% of requests succeed",
            "ratio": lambda w: (
                f"sum(rate({settings.requests_metric}{_matchers(base, settings.error_selector)}[{w}]))"
                f" / sum(rate({settings.requests_metric}{_matchers(base)}[{w}]))"
            ),
        }
    ]
    if design.targets.latency_p95_ms:
        seconds = Decimal(str(design.targets.latency_p95_ms)) / 1000
        le = f'le="{_number(latency_bucket(seconds, _buckets(settings)))}"'
        slos.append(
            {
                "slo": "latency",
                "objective": LATENCY_OBJECTIVE,
                "what": f"95% of requests within {design.targets.latency_p95_ms:g} ms",
                "ratio": lambda w: (
                    f"1 - (sum(rate({settings.latency_bucket_metric}{_matchers(base, le)}[{w}]))"
                    f" / sum(rate({settings.latency_count_metric}{_matchers(base)}[{w}])))"
                ),
            }
        )
    return slos


def latency_bucket(target_s: Decimal, buckets: tuple[Decimal, ...]) -> Decimal:
    """The bucket a latency SLO counts "fast" requests with: the target itself when it is a
    bucket boundary, else the largest bucket below it (stricter than the target), else the
    smallest bucket (looser: no bucket is that fast)."""
    below = [b for b in sorted(buckets) if b <= target_s]
    return below[-1] if below else min(buckets)


def warnings(plan: Plan, design: Design, settings: Settings = Settings()) -> list[str]:
    """What a person should know about the rules: a latency target that is not a bucket
    boundary of the histogram (the rules then count with another bucket)."""
    ms = design.targets.latency_p95_ms
    if not ms or not any(s.entrypoint for s in plan.services):
        return []
    target = Decimal(str(ms)) / 1000
    bucket = latency_bucket(target, _buckets(settings))
    if bucket == target:
        return []
    how = "stricter" if bucket < target else "looser"
    buckets = ", ".join(_number(b) for b in sorted(_buckets(settings)))
    return [
        f"SLO rules: the latency target {ms:g} ms is not a bucket boundary of the latency "
        f'histogram (buckets {buckets} s); the rules count requests within le="{_number(bucket)}", '
        f"{how} than the target. Add a {_number(target)} s bucket to the services' "
        f"{settings.latency_bucket_metric.removesuffix('_bucket')} histogram, or set the target on a bucket."
    ]


def record_name(window: str) -> str:
    return f"slo:error_ratio:rate{window}"


def rule_groups(
    plan: Plan, design: Design, settings: Settings = Settings()
) -> list[dict[str, Any]]:
    """The rule groups: per entrypoint and SLO, the recording rules then the alerts."""
    groups = []
    for s in plan.services:
        if not s.entrypoint:
            continue
        for slo in _slos(plan, design, settings, s.name):
            labels = {"service": s.name, "slo": slo["slo"]}
            selector = _matchers(*(f'{k}="{v}"' for k, v in labels.items()))
            budget = _error_budget(slo["objective"])
            rules: list[dict[str, Any]] = [
                {"record": record_name(w), "expr": slo["ratio"](w), "labels": dict(labels)}
                for w in WINDOWS
            ]
            name = alert_name(plan.design, s.name, slo["slo"])
            for severity, long_w, short_w, factor in BURN_RATE_ALERTS:
                threshold = _number(factor * budget)
                rules.append(
                    {
                        "alert": name,
                        "expr": (
                            f"{record_name(long_w)}{selector} > {threshold}"
                            f" and {record_name(short_w)}{selector} > {threshold}"
                        ),
                        "labels": {
                            **labels,
                            "severity": severity,
                            "long_window": long_w,
                            "short_window": short_w,
                        },
                        "annotations": {
                            "summary": (
                                f"{plan.design}/{s.name}: {slo['slo']} error budget burning "
                                f"{_number(factor)}x too fast ({long_w} and {short_w})"
                            ),
                            "description": (
                                f"SLO: {slo['what']} over {SLO_WINDOW} (error budget "
                                f"{_number(budget * 100)}%). Both the {long_w} and the {short_w} "
                                f"error ratio exceed {_number(factor)} x {_number(budget)} = "
                                f"{threshold}; at this rate the {SLO_WINDOW} budget lasts "
                                f"{_lasts(factor)}."
                            ),
                            "runbook_url": f"{RUNBOOKS}/{plan.design}/{s.name}.md",
                        },
                    }
                )
            groups.append({"name": f"slo:{plan.design}:{s.name}:{slo['slo']}", "rules": rules})
    return groups


def _lasts(factor: Decimal) -> str:
    days = Decimal(30) / factor
    if days >= 1:
        return f"{_number(days.quantize(Decimal('0.1')))} days"
    return f"{_number((days * 24).quantize(Decimal('0.1')))} hours"


def render(plan: Plan, design: Design, settings: Settings = Settings()) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.representer.ignore_aliases = lambda *_: True
    buf = io.StringIO()
    buf.write(
        f"# Generated by devops-plan from the plan of {plan.design!r}: SLO recording rules and\n"
        f"# multi-window, multi-burn-rate alerts ({SLO_WINDOW} window). Check: promtool check rules\n"
    )
    for warning in warnings(plan, design, settings):
        buf.write(f"# Warning: {warning}\n")
    yaml.dump({"groups": rule_groups(plan, design, settings)}, buf)
    return buf.getvalue()


def artefacts(plan: Plan, design: Design, settings: Settings = Settings()) -> dict[str, str]:
    """{"prometheus/<design>-slo-rules.yaml": text} for `devops-plan export`."""
    if not any(s.entrypoint for s in plan.services):
        return {}
    return {f"{FOLDER}/{plan.design}-slo-rules.yaml": render(plan, design, settings)}
