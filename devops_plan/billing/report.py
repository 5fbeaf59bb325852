"""The cost-optimization report as one frozen model: totals, spend by provider, service and
time, top resources, recommendations, savings by kind, tag hygiene and data quality.

`build_report` is pure (spend + utilization + catalogs -> Report). `run_report` (export
files) and `report_from_engine` (any Engine) collect the spend, load the catalogs of the
clouds in the bill and build the report; the notebook calls `run_report`, the CLI the same
steps with its choice of engine and utilization source.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..catalog import Catalog, catalog_path, load_catalog
from ..errors import CatalogError
from ..units import round_cents
from .gc_pause import paused_gc
from .inventory import Resource, build_inventory, cloud_of
from .rules import Coverage, Recommendation, TagHygiene, recommend, savings_by_kind
from .settings import ReportSettings
from .sources.cloudwatch import cloudwatch_utilization
from .sources.engine import DuckDBEngine, Engine, Progress, RejectedRow
from .sources.utilization import Utilization, load_utilization_csv, short_id
from .spend import ImplausibleRow, InputSummary, Period, Spend, collect_spend
from .trend import History

_ZERO = Decimal(0)
# Spend over time is shown per day up to two months, per month beyond.
_DAILY_UP_TO_DAYS = 62


@dataclass(frozen=True)
class ProviderSpend:
    provider: str
    billed_cost: Decimal
    effective_cost: Decimal
    share: Decimal


@dataclass(frozen=True)
class ServiceSpend:
    provider: str
    service: str
    service_category: str
    billed_cost: Decimal
    effective_cost: Decimal
    share: Decimal


@dataclass(frozen=True)
class TimeSpend:
    bucket: str  # YYYY-MM-DD or YYYY-MM
    provider: str
    billed_cost: Decimal


@dataclass(frozen=True)
class ResourceSpend:
    resource_id: str
    resource_name: str
    provider: str
    service: str
    region: str
    billed_cost: Decimal
    monthly_cost: Decimal


@dataclass(frozen=True)
class DataQuality:
    """What was read and what could not be: nothing is dropped without being counted."""

    rejected: tuple[RejectedRow, ...]  # billing rows that could not be read, with file and line
    rows_read: int
    rows_in_period: int
    rows_without_billed_cost: int
    billed_outside_period: Decimal  # read, but outside --since/--until (report currency)
    malformed_tag_resources: int
    utilization_rejected: tuple[RejectedRow, ...]
    notes: tuple[str, ...]  # what the report could not judge, and why
    # Rows dated far outside the bill's months or with amounts no bill has: not in the
    # totals; how many, and examples.
    implausible_rows: int = 0
    implausible: tuple[ImplausibleRow, ...] = ()
    # Rows in other currencies than the report's: (currency, rows, BilledCost), not in it.
    other_currencies: tuple[tuple[str, int, Decimal], ...] = ()


@dataclass(frozen=True)
class Report:
    """The whole report, built by `build_report`; every writer reads it (through
    `report_data.report_to_dict` for JSON, Markdown, HTML and CSV)."""

    period: Period
    currency: str
    engine: str
    inputs: tuple[InputSummary, ...]
    # Totals over the period, and per 730-hour month.
    billed_cost: Decimal
    effective_cost: Decimal
    list_cost: Decimal
    monthly_billed_cost: Decimal
    # Where the money went.
    by_provider: tuple[ProviderSpend, ...]
    by_service: tuple[ServiceSpend, ...]
    over_time: tuple[TimeSpend, ...]
    time_unit: str  # "day" | "month"
    top_resources: tuple[ResourceSpend, ...]
    # What to do about it: savings per month, each resource counted once.
    recommendations: tuple[Recommendation, ...]
    savings_by_kind: tuple[tuple[str, Decimal], ...]
    total_savings: Decimal
    tag_hygiene: TagHygiene
    data_quality: DataQuality
    settings: ReportSettings
    # Per kind of advice: what it looked at, judged, and could not judge and why.
    coverage: tuple[Coverage, ...] = ()
    # What past runs say (history.with_history); None when the report has no history.
    history: History | None = None
    # Each billed resource's monthly cost, for the realised savings of the next run.
    resource_costs: Mapping[tuple[str, str], Decimal] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def monthly_after_savings(self) -> Decimal:
        return self.monthly_billed_cost - self.total_savings


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else _ZERO


def build_report(
    spend: Spend,
    utilization: Utilization | None = None,
    catalogs: Mapping[str, Catalog] | None = None,
    settings: ReportSettings | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """The report for `spend`: pure, deterministic for the same inputs."""
    with paused_gc():
        return _build(spend, utilization, catalogs, settings, notes)


def _build(
    spend: Spend,
    utilization: Utilization | None,
    catalogs: Mapping[str, Catalog] | None,
    settings: ReportSettings | None,
    notes: Sequence[str],
) -> Report:
    settings = settings or ReportSettings()
    utilization = utilization or Utilization()
    inventory = build_inventory(spend.lines)
    findings = recommend(spend, utilization, catalogs or {}, settings, inventory)
    daily = spend.period.days <= _DAILY_UP_TO_DAYS
    by_provider, by_service, over_time = _spend_tables(spend, daily)
    by_kind = tuple(savings_by_kind(findings.recommendations))
    total = spend.billed_cost
    return Report(
        period=spend.period,
        currency=spend.currency,
        engine=spend.engine,
        inputs=spend.inputs,
        billed_cost=total,
        effective_cost=spend.effective_cost,
        list_cost=spend.list_cost,
        monthly_billed_cost=round_cents(spend.monthly(total)),
        by_provider=by_provider,
        by_service=by_service,
        over_time=over_time,
        time_unit="day" if daily else "month",
        top_resources=_top_resources(spend, inventory, settings.top_resources),
        recommendations=findings.recommendations,
        savings_by_kind=by_kind,
        total_savings=sum((v for _, v in by_kind), _ZERO),
        tag_hygiene=findings.tag_hygiene,
        data_quality=_data_quality(spend, utilization, findings.tag_hygiene, notes, findings.notes),
        settings=settings,
        coverage=findings.coverage,
        resource_costs={
            (r.provider, r.resource_id): round_cents(spend.monthly(r.billed_cost))
            for r in inventory
        },
    )


def _data_quality(
    spend: Spend,
    utilization: Utilization,
    hygiene: TagHygiene,
    notes: Sequence[str],
    rule_notes: Sequence[str],
) -> DataQuality:
    """What was read, rejected, left outside the period or in another currency."""
    in_currency = sum(
        (i.billed_cost for i in spend.inputs if i.currency in ("", spend.currency)), _ZERO
    )
    return DataQuality(
        rejected=spend.rejected,
        rows_read=sum(i.row_count for i in spend.inputs),
        rows_in_period=spend.row_count,
        rows_without_billed_cost=sum(d.row_count - d.billed_rows for d in spend.daily),
        billed_outside_period=in_currency - spend.billed_cost,
        malformed_tag_resources=hygiene.malformed_resources,
        utilization_rejected=utilization.rejected,
        notes=(*spend.notes, *notes, *utilization.notes, *rule_notes),
        implausible_rows=spend.implausible_rows,
        implausible=spend.implausible,
        other_currencies=tuple(spend.other_currencies()),
    )


def _spend_tables(
    spend: Spend, daily: bool
) -> tuple[tuple[ProviderSpend, ...], tuple[ServiceSpend, ...], tuple[TimeSpend, ...]]:
    """Spend by provider and by service (largest first), and over time per day or month."""
    total = spend.billed_cost
    providers: dict[str, tuple[Decimal, Decimal]] = {}
    services: dict[tuple[str, str, str], tuple[Decimal, Decimal]] = {}
    buckets: dict[tuple[str, str], Decimal] = {}
    for d in spend.daily:
        b, e = providers.get(d.provider, (_ZERO, _ZERO))
        providers[d.provider] = (b + d.billed_cost, e + d.effective_cost)
        key = (d.provider, d.service, d.service_category)
        b, e = services.get(key, (_ZERO, _ZERO))
        services[key] = (b + d.billed_cost, e + d.effective_cost)
        label = "unknown" if d.day is None else d.day.isoformat()[: 10 if daily else 7]
        buckets[(label, d.provider)] = buckets.get((label, d.provider), _ZERO) + d.billed_cost
    return (
        tuple(
            ProviderSpend(p, b, e, _share(b, total))
            for p, (b, e) in sorted(providers.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ),
        tuple(
            ServiceSpend(p, s, c, b, e, _share(b, total))
            for (p, s, c), (b, e) in sorted(services.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ),
        tuple(TimeSpend(k[0], k[1], v) for k, v in sorted(buckets.items())),
    )


def _top_resources(
    spend: Spend, inventory: Sequence[Resource], top: int
) -> tuple[ResourceSpend, ...]:
    return tuple(
        ResourceSpend(
            r.resource_id,
            r.name,
            r.provider,
            r.service,
            r.region,
            r.billed_cost,
            round_cents(spend.monthly(r.billed_cost)),
        )
        for r in heapq.nsmallest(
            top, inventory, key=lambda r: (-r.billed_cost, r.provider, r.resource_id)
        )
    )


# -- the orchestration the CLI and notebook call ---------------------------------------------


def load_catalogs(
    spend: Spend, catalog_dir: str | Path | None = None
) -> tuple[dict[str, Catalog], list[str]]:
    """The catalog of every cloud in the bill (from `catalog_dir` or $DEVOPS_PLAN_CATALOG,
    else the shipped one), and a note for each that failed."""
    providers = {line.provider for line in spend.lines}
    clouds = sorted({c for p in providers if (c := cloud_of(p))})
    catalogs: dict[str, Catalog] = {}
    notes: list[str] = []
    for cloud in clouds:
        try:
            with paused_gc():  # a catalog is thousands of price records
                catalogs[cloud] = load_catalog(cloud, catalog_path(cloud, catalog_dir))
        except CatalogError as exc:
            notes.append(f"no {cloud} price catalog: {str(exc).splitlines()[0]}")
    return catalogs, notes


def cloudwatch_for(spend: Spend, *, region: str | None = None, client: Any = None) -> Utilization:
    """CloudWatch utilization of the AWS machines and volumes in the bill, over its period."""
    inventory = build_inventory(spend.lines)
    machines = sorted(
        {short_id(r.resource_id) for r in inventory if r.cloud == "aws" and r.kind == "vm"}
    )
    volumes = sorted(
        {short_id(r.resource_id) for r in inventory if r.cloud == "aws" and r.kind == "volume"}
    )
    if not machines and not volumes:
        return Utilization(source="CloudWatch", notes=("no AWS machines or volumes in the bill",))
    return cloudwatch_utilization(
        [m for m in machines if m.startswith("i-")],
        [v for v in volumes if v.startswith("vol-")],
        spend.period.start,
        spend.period.end,
        client=client,
        region=region,
    )


def report_from_engine(
    engine: Engine,
    *,
    utilization: Utilization | None = None,
    since: date | None = None,
    until: date | None = None,
    settings: ReportSettings | None = None,
    currency: str | None = None,
) -> Report:
    """Collect spend from `engine`, price it against the shipped catalogs, build the report."""
    spend = collect_spend(engine, since, until, currency)
    catalogs, notes = load_catalogs(spend)
    return build_report(spend, utilization, catalogs, settings, notes)


def run_report(
    billing: Sequence[str | Path],
    *,
    utilization: str | Path | None = None,
    since: date | None = None,
    until: date | None = None,
    settings: ReportSettings | None = None,
    progress: Progress | None = None,
    memory_limit: str = "1GB",
    currency: str | None = None,
    globs: Sequence[str] = (),
) -> Report:
    """The report for billing export files (FOCUS or CUR 2.0; a folder or a `globs` pattern
    stands for the files in it) and an optional utilization CSV."""
    settings = settings or ReportSettings()
    limits = settings.input_limits()
    usage = load_utilization_csv(utilization, limits) if utilization else None
    with DuckDBEngine.open_files(
        billing, progress=progress, memory_limit=memory_limit, limits=limits, globs=globs
    ) as engine:
        return report_from_engine(
            engine,
            utilization=usage,
            since=since,
            until=until,
            settings=settings,
            currency=currency,
        )
