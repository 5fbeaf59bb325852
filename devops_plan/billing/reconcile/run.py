"""Reconcile from files: plan the design, read the bill for the period, join them. What the
CLI and the notebook call; the join itself is `model.reconcile` (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ...catalog import catalog_path, load_catalog
from ...config.models import ReconcileSettings
from ...design import load_design
from ...engine import build_plan
from ...errors import UserError
from ...plan import Plan
from ..sources.engine import DuckDBEngine, Engine
from ..sources.staging import InputLimits
from ..spend import Spend, collect_spend
from .model import Reconciliation, reconcile

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_period(text: str) -> tuple[date, date]:
    """'2024-09' as [2024-09-01, 2024-10-01); UserError for another text."""
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise UserError(f"--period {text!r}: expected a month such as 2024-09")
    year, month = int(found.group(1)), int(found.group(2))
    if year >= 9999 and month == 12:
        raise UserError(f"--period {text!r}: expected a month before 9999-12")
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def plan_of(design: str | Path, catalog_dir: str | Path | None = None) -> Plan:
    """The plan of a design file, as `devops-plan plan` makes it (with the catalog of
    `catalog_dir`, else $DEVOPS_PLAN_CATALOG, else the shipped one)."""
    return build_plan(load_design(design), catalog_dir=catalog_dir)


def reconcile_spend(
    plan: Plan,
    spend: Spend,
    settings: ReconcileSettings | None = None,
    catalog_dir: str | Path | None = None,
) -> Reconciliation:
    """The plan against spend already read (any engine), priced by the plan's catalog."""
    catalog = load_catalog(plan.cloud, catalog_path(plan.cloud, catalog_dir))
    return reconcile(plan, spend, catalog, settings)


def spend_for(
    engine: Engine,
    plan: Plan,
    period: str | None = None,
    currency: str | None = None,
) -> Spend:
    """The spend of `period` ('YYYY-MM'; the whole bill when None) in the plan's currency
    when the bill holds several and `currency` does not say."""
    since, until = month_period(period) if period else (None, None)
    return collect_spend(engine, since, until, currency, prefer_currency=plan.currency)


def run_reconcile(
    design: str | Path,
    billing: Sequence[str | Path],
    *,
    period: str | None = None,
    currency: str | None = None,
    settings: ReconcileSettings | None = None,
    limits: InputLimits | None = None,
    memory_limit: str = "1GB",
    globs: Sequence[str] = (),
    catalog_dir: str | Path | None = None,
) -> Reconciliation:
    """A design file reconciled with billing export files (FOCUS or CUR 2.0)."""
    plan = plan_of(design, catalog_dir)
    with DuckDBEngine.open_files(
        billing, memory_limit=memory_limit, limits=limits, globs=globs
    ) as engine:
        spend = spend_for(engine, plan, period, currency)
    return reconcile_spend(plan, spend, settings, catalog_dir)
