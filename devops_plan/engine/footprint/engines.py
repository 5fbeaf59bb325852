"""Database engines priced by the work they do, not by an instance class: Aurora DSQL (DPUs),
Spanner (nodes), Cosmos DB (request units a second). Their load comes from the services that
call the database: each call a query (docs/model.md, "Database engines")."""

from __future__ import annotations

import math

from ...errors import PlanningError
from ..context import Context
from ..cost import CostComponent
from ..services import ServicePlan
from .base import component


def database_load(ctx: Context, name: str) -> tuple[float, float]:
    """Peak queries a second, and queries a month over the callers' load profiles, from the
    calls of the services that depend on the database (engine/flows.py)."""
    calls = ctx.flows.calls_to(name)
    return sum(c.peak_per_s for c in calls), sum(c.monthly_calls for c in calls)


def _storage(
    s: ServicePlan, resource: str, region: str, product: str, category: str
) -> CostComponent:
    return component(
        s.name, resource, f"storage {s.storage_gib:g} GiB", product, region, "on_demand",
        s.storage_gib, "month", engine=s.engine or "", category=category,
    )  # fmt: skip


def _product(ctx: Context, s: ServicePlan, region: str, unit: str) -> str:
    """The engine's product for its work or its storage: the one sold in `region`, else the
    primary's, which pricing then reports as missing in `region` (Aurora DSQL is not sold in
    every DR region; a bare next() here ended the plan with a StopIteration traceback)."""
    for where in dict.fromkeys((region, ctx.primary)):
        sold = ctx.catalog.products(where, category="database", engine=s.engine or "")
        found = [p.product for p in sold if (p.unit == "GB-month") == (unit == "GB-month")]
        if found:
            return found[0]
    raise PlanningError(f"{s.name}: the {ctx.cloud} catalog sells no {s.engine} in {region}")


def workload_database(
    ctx: Context, s: ServicePlan, region: str, resource: str, category: str = ""
) -> list[CostComponent]:
    """What a work-priced engine costs in `region`: the primary region carries the work; a
    second region carries what the engine bills there (DSQL: storage and replicated writes;
    Spanner: nothing more, the multi-region instance spans it; Cosmos DB: its throughput and
    storage again)."""
    facts = ctx.engines[s.engine or ""]
    peak, monthly = database_load(ctx, s.name)
    work = _product(ctx, s, region, "work")
    storage = _storage(s, resource, region, _product(ctx, s, region, "GB-month"), category)
    second = region != ctx.primary
    if facts.pricing == "dsql":
        dpu = monthly * facts.workload["dpu_per_transaction"].value / 1e6
        if second:
            dpu *= facts.workload["replicated_write_factor"].value - 1
        what = "replicated writes" if second else f"{monthly / 1e6:,.0f} M queries"
        return [
            component(s.name, resource, f"DPUs for {what} (million)", work, region, "on_demand",
                      dpu, "month", engine=s.engine or "", category=category),
            storage,
        ]  # fmt: skip
    if facts.pricing == "spanner":
        if second:
            return []
        nodes = max(1, math.ceil(peak / facts.workload["queries_per_node"].value))
        return [
            component(s.name, resource, f"{nodes} node(s) for {peak:,.0f} queries/s", work,
                      region, "on_demand", nodes, "hour", engine=s.engine or "", category=category),
            storage,
        ]  # fmt: skip
    units = max(4, math.ceil(peak * facts.workload["request_units_per_query"].value / 100))
    return [
        component(s.name, resource, f"{units * 100:,} RU/s for {peak:,.0f} queries/s", work,
                  region, "on_demand", units, "hour", engine=s.engine or "", category=category),
        storage,
    ]  # fmt: skip
