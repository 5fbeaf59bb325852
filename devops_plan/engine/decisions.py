"""Decisions: the options the planner weighed for each choice, each priced by replanning a
variant of the design, and the cheapest single change that meets a missed availability target.

`replan` plans a variant (None when that variant cannot be planned); the Planner passes it in,
so this module never builds a plan itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ..catalog import PURCHASES
from ..defaults import decision_texts
from ..design import (
    DatabaseService,
    Defaults,
    Design,
    DRStrategy,
    Kind,
    Platform,
    StatelessService,
)
from ..plan import DecisionOut, OptionOut, SuggestionOut
from ..regions import find_region
from ..units import format_duration, format_money, round_cents
from .alternatives import Variants, engine_options
from .core import Core, total_with_pool
from .variants import one_region, with_second_region, with_service

Replan = Callable[[Design], Core | None]
DR_LABELS = {
    DRStrategy.backup_restore: "backup & restore",
    DRStrategy.pilot_light: "pilot light",
    DRStrategy.warm_standby: "warm standby",
    DRStrategy.active_active: "active-active",
}
PLATFORM_LABELS = {
    Platform.kubernetes: "Kubernetes",
    Platform.vm: "One VM per replica",
    Platform.managed: "Serverless containers",
}


def _money(core: Core) -> Decimal:
    return round_cents(core.monthly_total)


def _max_zones(design: Design, core: Core) -> int:
    region = find_region(core.ctx.cloud, core.ctx.primary)
    return region.zones if region else design.zones


# --- suggestion for a missed availability target ------------------------------------------


def suggest(
    design: Design, core: Core, replan: Replan, engines: Variants | None = None
) -> SuggestionOut | None:
    """The cheapest single change that meets the target; else the one that gets closest."""
    tried = _changes(design, core, replan)
    for name, found in (engines or {}).items():
        for engine, v in found:
            facts = core.ctx.engines[engine]
            tried.append((f"engine:{name}:{engine}", f"move {name} to {facts.name}", v))
    if not tried:
        return None
    meeting = [t for t in tried if t[2].availability.meets_target]
    if meeting:
        change, text, v = min(meeting, key=lambda t: (_money(t[2]), t[0]))
    else:
        change, text, v = max(tried, key=lambda t: (t[2].availability.achieved, -_money(t[2])))
    return SuggestionOut(
        change=change,
        description=text,
        achieved=v.availability.achieved,
        meets_target=v.availability.meets_target,
        monthly_cost_delta=_money(v) - _money(core),
    )


def _changes(design: Design, core: Core, replan: Replan) -> list[tuple[str, str, Core]]:
    """Every single change worth trying, planned: Multi-AZ data, more zones, a second region."""
    tried: list[tuple[str, str, Core | None]] = []
    path_names = {c.component for c in core.availability.path}
    for s in core.services:
        if s.name in path_names and s.kind in (Kind.database, Kind.cache) and not s.multi_az:
            variant = with_service(design, s.name, multi_az=True)
            variant = variant.model_copy(update={"zones": max(design.zones, 2)})
            tried.append((f"multi_az:{s.name}", f"make {s.name} Multi-AZ", replan(variant)))
    for z in range(design.zones + 1, min(_max_zones(design, core), 3) + 1):
        tried.append(
            (f"zones:{z}", f"use {z} zones", replan(design.model_copy(update={"zones": z})))
        )
    second = with_second_region(design)
    if second is not None:
        text = f"serve from a second region ({second.regions[1]}), active-active"
        tried.append(("second_region", text, replan(second)))
    return [(c, t, v) for c, t, v in tried if v is not None]


# --- decisions -----------------------------------------------------------------------------


def _texts(*path: str) -> tuple[list[str], list[str]]:
    node: Any = decision_texts()
    for p in path:
        node = node.get(p, {}) if isinstance(node, Mapping) else {}
    return list(node.get("pros", [])), list(node.get("cons", []))


def _option(
    name: str,
    core: Core,
    chosen: bool,
    texts: tuple[list[str], list[str]],
    *,
    meets: bool | None = None,
    rto: int | None = None,
    rpo: int | None = None,
    cost: Decimal | None = None,
) -> OptionOut:
    pros, cons = texts
    return OptionOut(
        name=name,
        monthly_cost=_money(core) if cost is None else round_cents(cost),
        availability=None if rto is not None else core.availability.achieved,
        rto=rto,
        rpo=rpo,
        meets_target=core.availability.meets_target if meets is None else meets,
        chosen=chosen,
        pros=pros,
        cons=cons,
    )


def _drivers(design: Design, currency: str) -> list[str]:
    t = design.targets
    out = [
        f"availability target {t.availability:g}% a month "
        f"({(1 - t.availability / 100) * 730 * 60:.1f} min of downtime allowed)",
        f"RTO {format_duration(t.rto.total_seconds())}, RPO {format_duration(t.rpo.total_seconds())}",
    ]
    if t.latency_p95_ms:
        out.append(f"p95 latency within {t.latency_p95_ms:g} ms")
    loads = [
        f"{s.name} {s.load.peak_rps:g} rps x {s.load.cpu_ms:g} ms"
        for s in design.services
        if isinstance(s, StatelessService)
    ]
    if loads:
        out.append("peak load: " + ", ".join(loads))
    if design.budget:
        out.append(f"budget {format_money(design.budget.monthly, currency)} a month")
    return out


def build_decisions(
    design: Design,
    core: Core,
    replan: Replan,
    by_purchase: Mapping[str, Decimal],
    engines: Variants | None = None,
) -> list[DecisionOut]:
    """Every decision's options; `by_purchase` is the plan's own pricing under each option."""
    drivers = _drivers(design, core.ctx.catalog.currency)
    out = [
        _platform_decision(design, core, replan, drivers),
        _topology_decision(design, core, replan, drivers),
    ]
    out += [
        _database_decision(design, core, replan, drivers, s.name, engines or {})
        for s in core.services
        if s.kind == Kind.database
    ]
    out.append(_dr_decision(design, core, drivers))
    out.append(_purchase_decision(core, drivers, by_purchase))
    out.append(_security_decision(design, core, drivers))
    return [d for d in out if d is not None]


SECURITY_PARTS = {  # option -> the resources it leaves out
    "full": (),
    "no_waf": ("waf/",),
    "no_keys": ("kms", "secrets"),
    "no_flow_logs": ("flow-logs",),
}
SECURITY_NAMES = {
    "full": "full baseline",
    "no_waf": "baseline without a WAF",
    "no_keys": "baseline without customer managed keys and a secrets manager",
    "no_flow_logs": "baseline without flow logs",
}


def _security_decision(design: Design, core: Core, drivers: list[str]) -> DecisionOut:
    """The security baseline and what leaving each part out would save (its line items are
    additive: nothing else is sized from them)."""
    sec = design.security
    on = sec.waf and sec.encryption_at_rest and sec.secrets and sec.flow_logs
    total = _money(core)
    options = []
    for key, parts in SECURITY_PARTS.items():
        saved = sum(
            (i.monthly_cost for i in core.line_items
             if any(i.resource == p or i.resource.startswith(p) for p in parts if p)),
            Decimal(0),
        )  # fmt: skip
        options.append(_option(SECURITY_NAMES[key], core, on and key == "full",
                               _texts("security", key), cost=total - saved))  # fmt: skip
    if not on:
        options.append(_option("as designed", core, True, ([], []), cost=total))
    return DecisionOut(
        id="security-baseline",
        title="Security baseline",
        context="Least-privilege network rules from depends_on, encryption at rest and in transit "
        "for every data store, a secret per dependency credential, a web application firewall on "
        "every entrypoint, flow logs and an audit trail; each part priced.",
        chosen=SECURITY_NAMES["full"] if on else "as designed",
        drivers=[*drivers, "only the flows the design's dependencies need are allowed"],
        options=options,
    )


def _pool_options(core: Core, current: Platform) -> tuple[list[OptionOut], str]:
    """The cheapest instance types of each node pool, each priced as the whole plan with that
    pool on that type (in every region it runs: a warm or active-active DR copy too)."""
    options: list[OptionOut] = []
    chosen_name = ""
    for pool in core.pools:
        for cand in pool.candidates[:3]:
            is_chosen = current == Platform.kubernetes and cand.instance_type == pool.instance_type
            other = core.alternatives.get(
                (pool.name, cand.instance_type),
                replace(pool, instance_type=cand.instance_type, nodes=cand.nodes),
            )
            cost = core.monthly_total if is_chosen else total_with_pool(core, other)
            if cost is None:
                continue
            name = f"Kubernetes, pool {pool.name} on {cand.instance_type} x {cand.nodes}"
            options.append(_option(name, core, is_chosen, _texts("instance_type"), cost=cost))
            if is_chosen and not chosen_name:
                chosen_name = name
    return options, chosen_name


def _platform_label(platform: Platform, v: Core) -> str:
    label = PLATFORM_LABELS[platform]
    if platform == Platform.vm:
        types = sorted({s.instance_class or "" for s in v.services if s.kind == Kind.stateless})
        label += f" ({', '.join(types)})"
    return label


def _platform_decision(
    design: Design, core: Core, replan: Replan, drivers: list[str]
) -> DecisionOut | None:
    if not any(s.kind == Kind.stateless for s in core.services):
        return None
    current = design.defaults.platform
    options, chosen_name = _pool_options(core, current)
    for platform in Platform:
        if platform == Platform.kubernetes and core.pools:
            continue
        v = core if platform == current else replan(_with_platform(design, platform))
        if v is None:
            continue
        label = _platform_label(platform, v)
        is_chosen = platform == current and not core.pools
        options.append(_option(label, v, is_chosen, _texts("platform", platform.value)))
        if is_chosen:
            chosen_name = label
    return DecisionOut(
        id="compute-platform",
        title="Compute platform and node instance types",
        context=_platform_context(core),
        chosen=chosen_name,
        drivers=drivers,
        options=options,
    )


def _with_platform(design: Design, platform: Platform) -> Design:
    defaults: Defaults = design.defaults.model_copy(update={"platform": platform})
    return design.model_copy(update={"defaults": defaults})


def _platform_context(core: Core) -> str:
    stateless = [s for s in core.services if s.kind == Kind.stateless]
    pool_text = "; ".join(
        f"pool {p.name}: {p.nodes} x {p.instance_type} at {p.cpu_utilization:.0%} CPU / "
        f"{p.memory_utilization:.0%} memory requested"
        for p in core.pools
    )
    return (
        f"{len(stateless)} stateless services need {sum(s.replicas for s in stateless)} "
        f"replicas in {core.ctx.zones} zone(s). " + pool_text
    ).strip()


def _zones(n: int) -> str:
    return f"{n} zone{'s' if n != 1 else ''}"  # "1 zones in each of 2 regions" read wrong


def _topology_decision(
    design: Design, core: Core, replan: Replan, drivers: list[str]
) -> DecisionOut:
    max_zones = min(_max_zones(design, core), 3)
    options = []
    chosen_name = ""
    multi_region = len(core.ctx.regions) >= 2
    for z in range(1, max(max_zones, design.zones) + 1):
        chosen = z == design.zones and not multi_region
        v = core if chosen else replan(one_region(design, z))
        if v is None:
            continue
        name = f"{_zones(z)}, one region"
        options.append(_option(name, v, chosen, _texts("zones", str(min(z, 3)))))
        if chosen:
            chosen_name = name
    if multi_region:
        name = f"{_zones(design.zones)} in each of {len(core.ctx.regions)} regions, active-active"
        options.append(_option(name, core, True, _texts("zones", "regions")))
        chosen_name = name
    else:
        second = with_second_region(design)
        v = replan(second) if second is not None else None
        if v is not None:
            name = (
                f"{_zones(design.zones)} in each of 2 regions ({core.ctx.primary} + "
                f"{v.ctx.regions[1]}), active-active"
            )
            options.append(_option(name, v, False, _texts("zones", "regions")))
    a = core.availability
    return DecisionOut(
        id="ha-topology",
        title="High availability: zones and regions",
        context=(
            f"The user path ({len(a.path)} components) must be available "
            f"{design.targets.availability:g}% of the month; this plan achieves "
            f"{a.achieved:g}% (weakest link: {a.weakest})."
        ),
        chosen=chosen_name,
        drivers=drivers,
        options=options,
    )


def _database_decision(
    design: Design,
    core: Core,
    replan: Replan,
    drivers: list[str],
    name: str,
    engines: Variants,
) -> DecisionOut:
    svc = next(s for s in core.services if s.name == name)
    options = []
    chosen_name = ""
    for multi in (False, True):
        label = f"{'Multi-AZ' if multi else 'Single-AZ'} {svc.instance_class}" + (
            f" + {svc.read_replicas} read replica(s)" if svc.read_replicas else ""
        )
        chosen = multi == bool(svc.multi_az)
        zones = max(design.zones, 2) if multi else design.zones
        variant = with_service(design, name, multi_az=multi).model_copy(update={"zones": zones})
        v = core if chosen else replan(variant)
        if v is None:
            continue
        texts = _texts("database", "multi_az" if multi else "single_az")
        options.append(_option(label, v, chosen, texts))
        if chosen:
            chosen_name = label
    # When a target is missed, the engines that could replace this one, each planned.
    options += engine_options(core, engines, name)
    spec = design.service(name)
    need = (
        f"{spec.size.vcpu:g} vCPU and {spec.size.memory_gib:g} GiB"
        if isinstance(spec, DatabaseService)
        else "its size"
    )
    return DecisionOut(
        id=f"database-{name}",
        title=f"Database deployment for {name}",
        context=(
            f"{name} ({svc.engine}) needs {need} with {svc.storage_gib:g} GiB of storage; "
            f"the cheapest class that fits is {svc.instance_class}."
        ),
        chosen=chosen_name,
        drivers=drivers,
        options=options,
    )


def _dr_decision(design: Design, core: Core, drivers: list[str]) -> DecisionOut:
    chosen = core.dr_plan(core.dr.strategy)
    base = _money(core) - round_cents(chosen.option.monthly_cost)
    options = [
        _option(
            DR_LABELS[DRStrategy(p.strategy)],
            core,
            p.strategy == core.dr.strategy,
            _texts("dr", p.strategy),
            meets=p.option.meets_target,
            rto=p.option.rto_s,
            rpo=p.option.rpo_s,
            cost=base + round_cents(p.option.monthly_cost),
        )
        for p in core.dr_plans
    ]
    t = design.targets
    return DecisionOut(
        id="dr-strategy",
        title="Disaster recovery strategy",
        context=(
            f"A regional disaster must be recovered within RTO "
            f"{format_duration(t.rto.total_seconds())} losing at most RPO "
            f"{format_duration(t.rpo.total_seconds())} of data; the DR region is "
            f"{core.ctx.dr_region}."
        ),
        chosen=DR_LABELS[DRStrategy(core.dr.strategy)],
        drivers=drivers,
        options=options,
    )


def _purchase_decision(
    core: Core, drivers: list[str], totals: Mapping[str, Decimal]
) -> DecisionOut:
    options = [
        _option(p, core, p == core.ctx.purchase, _texts("purchase", p), cost=totals[p])
        for p in PURCHASES
    ]
    return DecisionOut(
        id="purchase-option",
        title="Purchase option for compute",
        context="The same plan priced under each purchase option; storage and transfer are on "
        "demand in all.",
        chosen=core.ctx.purchase,
        drivers=drivers,
        options=options,
    )


__all__ = ["DR_LABELS", "Replan", "build_decisions", "suggest"]
