"""Assembling the Plan from one planning pass, its suggestion, decisions and purchase-option
totals: the engine's dataclasses become the Plan's frozen output models by field name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..catalog import default_path
from ..design import Design
from ..plan import (
    AvailabilityOut,
    CatalogOut,
    CostOut,
    DecisionOut,
    DeploySurgeOut,
    DROptionOut,
    DROut,
    LatencyHopOut,
    LatencyOut,
    LineItemOut,
    NetworkOut,
    NodePoolOut,
    Plan,
    RecoveryStepOut,
    ServiceOut,
    SuggestionOut,
    TargetsOut,
    TopologyOut,
    zone_names,
)
from ..units import round_cents
from .core import Core
from .cost import summarize
from .deployments import deployments
from .footprint.dr import regions_talk
from .footprint.storage import root_gib
from .freshness import is_stale, oldest_price, stale_warning
from .latency import LatencyReport
from .pools import NodePoolPlan
from .recovery import Recovery
from .security import security_plan
from .subnets import network_plan


@dataclass(frozen=True)
class Totals:
    """What the plan adds to one pass: its pricing under each purchase option, its total
    without autoscaling, and the date its catalog's freshness is judged on."""

    by_purchase: Mapping[str, Decimal]
    peak_provisioned: Decimal
    today: str


def _attributes(obj: Any) -> dict[str, Any]:
    """A dataclass's fields, one level deep (nested dataclasses stay objects)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def assemble(
    design: Design,
    core: Core,
    suggestion: SuggestionOut | None,
    decisions: Sequence[DecisionOut],
    totals: Totals,
    notes: Sequence[str] = (),
) -> Plan:
    ctx = core.ctx
    summary = summarize(core.line_items)
    serving = serving_regions(core)
    catalog = _catalog_out(core, totals.today)
    warnings = core.warnings
    if catalog.stale:
        warnings = (*warnings, stale_warning(ctx.cloud, catalog.oldest_price))
    network, too_small = _network(core)
    warnings = (*warnings, *too_small)
    return Plan(
        design=design.name,
        description=design.description,
        cloud=ctx.cloud,
        regions=ctx.regions,
        dr_region=ctx.dr_region,
        zones=ctx.zones,
        purchase=ctx.purchase,
        currency=ctx.catalog.currency,
        catalog_as_of=ctx.catalog.as_of,
        catalog=catalog,
        targets=TargetsOut(
            availability=design.targets.availability,
            rto=int(design.targets.rto.total_seconds()),
            rpo=int(design.targets.rpo.total_seconds()),
            latency_p95_ms=design.targets.latency_p95_ms,
        ),
        services=tuple(
            ServiceOut(**dict(s), monthly_cost=summary.by_service.get(s.name, Decimal(0)))
            for s in core.services
        ),
        node_pools=tuple(_pool_out(core, p) for p in core.pools),
        availability=AvailabilityOut(**dict(core.availability), suggestion=suggestion),
        dr=_dr_out(design, core),
        cost=_cost_out(design, core, totals),
        decisions=tuple(decisions),
        topology=TopologyOut(
            primary_region=ctx.primary,
            dr_region=ctx.dr_region,
            serving_regions=serving,
            zone_names={
                r: zone_names(ctx.cloud, r, ctx.zones)
                for r in dict.fromkeys([*ctx.regions, ctx.dr_region])
            },
        ),
        warnings=(*warnings, *notes),
        deployments=deployments(core, serving),
        latency=_latency_out(core.latency),
        deploy_surges=_surges_out(core),
        network=network,
        security=security_plan(design, core.services, ctx.sizing.ports),
    )


def _surges_out(core: Core) -> tuple[DeploySurgeOut, ...]:
    return tuple(
        DeploySurgeOut(
            service=x.service,
            strategy=x.strategy,
            pool=x.pool,
            instance_type=x.instance_type,
            surge_pods=x.surge_pods,
            pods_per_node=x.pods_per_node,
            surge_nodes=x.surge_nodes,
            average_surge_nodes=float(x.average_surge_nodes),
            deploy_hours_month=float(x.deploy_hours_month),
            node_hours_month=float(x.node_hours_month),
        )
        for x in core.surges
    )


def _network(core: Core) -> tuple[NetworkOut, list[str]]:
    """Every region's network (the DR region's too), and the warnings for blocks too small."""
    ctx = core.ctx
    regions = tuple(dict.fromkeys([*ctx.regions, ctx.dr_region]))
    return network_plan(ctx, core.services, core.pools, regions, regions_talk(core.dr.strategy))


def _latency_out(report: LatencyReport | None) -> LatencyOut | None:
    if report is None:
        return None
    return LatencyOut(
        target_ms=report.target_ms,
        achieved_ms=report.achieved_ms,
        meets_target=report.meets_target,
        method="sum of the p95 of each stateless hop on the heaviest path from an entrypoint "
        "(a bound); each hop sized to its share of the target",
        path=tuple(LatencyHopOut(service=n, p95_ms=p, budget_ms=b) for n, p, b in report.path),
    )


def serving_regions(core: Core) -> tuple[str, ...]:
    """The regions that serve users: all of them (and the DR region) when active-active."""
    ctx = core.ctx
    if core.availability.regions_serving < 2:
        return (ctx.primary,)
    return tuple(dict.fromkeys([*ctx.regions, ctx.dr_region]))


def _pool_out(core: Core, p: NodePoolPlan) -> NodePoolOut:
    resource = f"node-pool/{p.name}"
    cost = sum(
        # The standing nodes: the DR copy and the deploy surge are line items of their own.
        (
            i.monthly_cost
            for i in core.line_items
            if i.resource == resource and i.category not in ("dr", "deploy")
        ),
        Decimal(0),
    )
    hourly = p.hourly_nodes or (p.nodes,) * 24
    extra = {"monthly_cost": cost, "min_nodes": p.min_nodes, "hourly_nodes": hourly}
    extra["surge_nodes"] = max((x.surge_nodes for x in core.surges if x.pool == p.name), default=0)
    extra["root_volume_gib"] = root_gib(core.ctx, p.name)
    return NodePoolOut.model_validate(_attributes(p) | extra)


def _catalog_out(core: Core, today: str) -> CatalogOut:
    """Where the prices came from, and whether the oldest one the plan uses is stale."""
    cat = core.ctx.catalog
    shipped = not cat.path or Path(cat.path).resolve() == default_path(cat.cloud).resolve()
    oldest = oldest_price(core.line_items)
    return CatalogOut(
        source="shipped" if shipped else cat.path,
        oldest_price=oldest,
        stale=is_stale(oldest, today),
    )


def _steps(recovery: Recovery) -> tuple[RecoveryStepOut, ...]:
    return tuple(RecoveryStepOut(step=n, seconds=t) for n, t in recovery.rto_steps)


def _dr_out(design: Design, core: Core) -> DROut:
    summaries = core.ctx.dr.summaries
    chosen = core.dr_plan(core.dr.strategy)
    return DROut(
        deployed=design.dr.enabled,
        strategy=core.dr.strategy,
        dr_region=core.ctx.dr_region,
        rto=chosen.option.rto_s,
        rpo=chosen.option.rpo_s,
        rto_target=int(design.targets.rto.total_seconds()),
        rpo_target=int(design.targets.rpo.total_seconds()),
        meets_target=core.dr.meets_target,
        forced=core.dr.forced,
        source=core.ctx.dr.source,
        mechanism=chosen.recovery.mechanism,
        rto_steps=_steps(chosen.recovery),
        rpo_basis=chosen.recovery.rpo_basis,
        options=tuple(
            DROptionOut(
                strategy=p.strategy,
                rto=p.option.rto_s,
                rpo=p.option.rpo_s,
                monthly_cost=round_cents(p.option.monthly_cost),
                meets_target=p.option.meets_target,
                summary=summaries[p.strategy],
                mechanism=p.recovery.mechanism,
                rto_steps=_steps(p.recovery),
                rpo_basis=p.recovery.rpo_basis,
            )
            for p in core.dr_plans
        ),
    )


def _cost_out(design: Design, core: Core, totals: Totals) -> CostOut:
    summary = summarize(core.line_items)
    budget = design.budget.monthly if design.budget else None
    by_purchase = totals.by_purchase
    return CostOut(
        currency=core.ctx.catalog.currency,
        monthly_total=summary.monthly_total,
        peak_provisioned=totals.peak_provisioned,
        budget=budget,
        within_budget=None if budget is None else summary.monthly_total <= budget,
        by_service=dict(summary.by_service),
        by_category=dict(summary.by_category),
        by_purchase=dict(by_purchase),
        line_items=tuple(LineItemOut.model_validate(i) for i in summary.line_items),
    )
