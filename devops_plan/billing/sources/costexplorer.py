"""Live AWS spend from Cost Explorer (`get_cost_and_usage` through boto3), as the same
`billing` relation the export files give, so the same SQL and report apply.

Cost Explorer returns spend per day grouped by service and region, not per resource:
the report shows totals, services and spend over time; per-resource recommendations need
a FOCUS or CUR export (or Athena) with resource ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ...aws import aws_errors, make_client
from ...errors import BillingInputError
from ..sqlfiles import render_sql
from .engine import DuckDBEngine, Progress, connect
from .formats import FOCUS, MONEY_SQL, QUANTITY_SQL, raw_projection

SOURCE = "cost-explorer"
_GROUP_BY = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "REGION"}]
_METRICS = ["UnblendedCost", "AmortizedCost"]


@dataclass(frozen=True)
class CostExplorerRow:
    """Spend of one service in one region on one day."""

    start: date
    end: date
    service: str
    region: str
    unblended: Decimal
    amortized: Decimal
    currency: str
    estimated: bool


def _amount(metrics: dict[str, Any], name: str) -> tuple[Decimal, str]:
    entry = metrics.get(name) or {}
    return Decimal(str(entry.get("Amount", "0"))), str(entry.get("Unit", "USD"))


def fetch_cost_and_usage(
    start: date, end: date, *, client: Any = None, region: str | None = None
) -> list[CostExplorerRow]:
    """Daily unblended and amortized cost per service and region in [start, end)."""
    if end <= start:
        raise BillingInputError(f"--until {end} must be after --since {start}")
    ce = client or make_client("ce", region or "us-east-1")
    rows: list[CostExplorerRow] = []
    token: str | None = None
    with aws_errors("Cost Explorer"):
        while True:
            kwargs: dict[str, Any] = {
                "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
                "Granularity": "DAILY",
                "Metrics": _METRICS,
                "GroupBy": _GROUP_BY,
            }
            if token:
                kwargs["NextPageToken"] = token
            page = ce.get_cost_and_usage(**kwargs)
            for result in page.get("ResultsByTime", []):
                period = result["TimePeriod"]
                day_start = date.fromisoformat(period["Start"])
                day_end = date.fromisoformat(period["End"])
                estimated = bool(result.get("Estimated", False))
                for group in result.get("Groups", []):
                    keys = [*group.get("Keys", []), "", ""]
                    unblended, currency = _amount(group.get("Metrics", {}), "UnblendedCost")
                    amortized, _ = _amount(group.get("Metrics", {}), "AmortizedCost")
                    rows.append(
                        CostExplorerRow(
                            day_start,
                            day_end,
                            keys[0],
                            keys[1],
                            unblended,
                            amortized,
                            currency,
                            estimated,
                        )
                    )
            token = page.get("NextPageToken")
            if not token:
                break
    return rows


def _values(rows: list[CostExplorerRow]) -> Iterator[tuple[Any, ...]]:
    for r in rows:
        yield (
            "AWS",
            r.service,
            None if r.region in ("", "NoRegion", "global") else r.region,
            r.currency,
            datetime.combine(r.start, time()),
            datetime.combine(r.end, time()),
            r.unblended,
            r.amortized,
        )


def open_cost_explorer(
    start: date,
    end: date,
    *,
    client: Any = None,
    region: str | None = None,
    progress: Progress | None = None,
) -> DuckDBEngine:
    """A DuckDB engine whose `billing` relation holds Cost Explorer's daily spend."""
    rows = fetch_cost_and_usage(start, end, client=client, region=region)
    if not rows:
        raise BillingInputError(
            f"Cost Explorer returned no spend between {start.isoformat()} and {end.isoformat()}"
        )
    con = connect()
    con.execute(
        "CREATE TEMP TABLE cost_explorer (ProviderName VARCHAR, ServiceName VARCHAR, "
        "RegionId VARCHAR, BillingCurrency VARCHAR, ChargePeriodStart TIMESTAMP, "
        "ChargePeriodEnd TIMESTAMP, BilledCost DECIMAL(38, 12), EffectiveCost DECIMAL(38, 12))"
    )
    con.executemany(
        "INSERT INTO cost_explorer VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(_values(rows))
    )
    present = {
        "ProviderName": "VARCHAR",
        "ServiceName": "VARCHAR",
        "RegionId": "VARCHAR",
        "BillingCurrency": "VARCHAR",
        "ChargePeriodStart": "TIMESTAMP",
        "ChargePeriodEnd": "TIMESTAMP",
        "BilledCost": "DECIMAL(38,12)",
        "EffectiveCost": "DECIMAL(38,12)",
    }
    items = raw_projection(FOCUS, present, "duckdb", f"'{SOURCE}'")
    raw = f"(SELECT {', '.join(items)} FROM cost_explorer)"
    view = render_sql(FOCUS.view_sql, raw=raw, money=MONEY_SQL, quantity=QUANTITY_SQL, row="")
    con.execute(f"CREATE TEMP VIEW billing AS {view}")
    return DuckDBEngine(con, sources=[SOURCE], progress=progress)
