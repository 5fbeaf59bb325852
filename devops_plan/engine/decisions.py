"""Decisions: the options the planner weighed for each choice, each priced by replanning a
variant of the design, and the cheapest single change that meets a missed availability target.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..defaults import decision_texts
from ..design import DR, Defaults, Design, DRStrategy, Kind, Platform, Service
from ..errors import DevopsPlanError
from ..plan import PURCHASE_OPTIONS, Core, DecisionOut, OptionOut, SuggestionOut, _core
from ..regions import find_region
from ..units import format_duration, round_cents

Args = tuple[Any, ...]
DR_LABELS = {
    "backup_restore": "backup & restore",
    "pilot_light": "pilot light",
    "warm_standby": "warm standby",
    "active_active": "active-active",
}


def _variant(design: Design, args: Args, **changes: Any) -> Core | None:
    """Replan a changed design; None when that variant cannot be planned."""
    try:
        return _core(design.model_copy(update=changes), *args)
    except DevopsPlanError:
        return None


def _with_service(design: Design, name: str, **changes: Any) -> tuple[Service, ...]:
    return tuple(s.model_copy(update=changes) if s.name == name else s for s in design.services)


def _second_region(design: Design, core: Core) -> dict[str, Any] | None:
    if len(design.regions) >= 2:
        return None
    source = design.cloud.value
    dr = design.dr_region
    if dr is None:
        primary = find_region(source, design.regions[0])
        dr = primary.dr_pair if primary else None
    if dr is None or dr == design.regions[0]:
        return None
    return {
        "regions": (*design.regions, dr),
        "dr": design.dr.model_copy(update={"strategy": DRStrategy.active_active}),
    }


def _money(core: Core) -> Decimal:
    return round_cents(core.monthly_total)


# --- suggestion for a missed availability target ------------------------------------------


def suggest(design: Design, core: Core, args: Args) -> SuggestionOut | None:
    """The cheapest single change that meets the target; else the one that gets closest."""
    base = _money(core)
    tried: list[tuple[str, str, Core]] = []
    path_names = {c.component for c in core.availability.path}
    for s in core.services:
        if s.name in path_names and s.kind in (Kind.database, Kind.cache) and not s.multi_az:
            v = _variant(
                design,
                args,
                services=_with_service(design, s.name, multi_az=True),
                zones=max(design.zones, 2),
            )
            if v:
                tried.append((f"multi_az:{s.name}", f"make {s.name} Multi-AZ", v))
    region = find_region(core.ctx.cloud, core.ctx.primary)
    max_zones = region.zones if region else design.zones
    for z in range(design.zones + 1, min(max_zones, 3) + 1):
        v = _variant(design, args, zones=z)
        if v:
            tried.append((f"zones:{z}", f"use {z} zones", v))
    second = _second_region(design, core)
    if second:
        v = _variant(design, args, **second)
        if v:
            tried.append(
                (
                    "second_region",
                    f"serve from a second region ({second['regions'][1]}), active-active",
                    v,
                )
            )
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
        monthly_cost_delta=_money(v) - base,
    )


# --- decisions -----------------------------------------------------------------------------


def _texts(*path: str) -> tuple[list[str], list[str]]:
    node: Any = decision_texts()
    for p in path:
        node = node.get(p, {}) if isinstance(node, dict) else {}
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
        if s.load
    ]
    if loads:
        out.append("peak load: " + ", ".join(loads))
    if design.budget:
        out.append(f"budget {design.budget.monthly:,.2f} {currency} a month")
    return out


def build_decisions(
    design: Design, core: Core, args: Args, by_purchase: dict[str, Decimal]
) -> list[DecisionOut]:
    """Every decision's options; `by_purchase` is the plan's own pricing under each option."""
    drivers = _drivers(design, core.ctx.catalog.currency)
    out = [
        _platform_decision(design, core, args, drivers),
        _topology_decision(design, core, args, drivers),
    ]
    out += [
        _database_decision(design, core, args, drivers, s.name)
        for s in core.services
        if s.kind == Kind.database
    ]
    out.append(_dr_decision(design, core, drivers))
    out.append(_purchase_decision(core, drivers, by_purchase))
    return [d for d in out if d is not None]


def _platform_decision(
    design: Design, core: Core, args: Args, drivers: list[str]
) -> DecisionOut | None:
    if not any(s.kind == Kind.stateless for s in core.services):
        return None
    options: list[OptionOut] = []
    current = design.defaults.platform.value
    chosen_name = ""
    for pool in core.pools:
        for cand in pool.candidates[:3]:
            is_chosen = current == Platform.kubernetes and cand.instance_type == pool.instance_type
            name = f"Kubernetes, pool {pool.name} on {cand.instance_type} x {cand.nodes}"
            delta = cand.monthly_cost - next(
                c.monthly_cost for c in pool.candidates if c.instance_type == pool.instance_type
            )
            options.append(
                _option(name, core, is_chosen, _texts("instance_type"), cost=_money(core) + delta)
            )
            if is_chosen and not chosen_name:
                chosen_name = name
    for platform in (Platform.kubernetes, Platform.vm, Platform.managed):
        if platform == Platform.kubernetes and core.pools:
            continue
        if platform.value == current:
            v: Core | None = core
        else:
            v = _variant(design, args, defaults=_defaults(design.defaults, platform=platform))
        if v is None:
            continue
        label = {
            "kubernetes": "Kubernetes",
            "vm": "One VM per replica",
            "managed": "Serverless containers",
        }[platform.value]
        if platform == Platform.vm:
            types = sorted({s.instance_class or "" for s in v.services if s.kind == Kind.stateless})
            label += f" ({', '.join(types)})"
        is_chosen = platform.value == current and not core.pools
        options.append(_option(label, v, is_chosen, _texts("platform", platform.value)))
        if is_chosen:
            chosen_name = label
    pool_text = "; ".join(
        f"pool {p.name}: {p.nodes} x {p.instance_type} at {p.cpu_utilization:.0%} CPU / "
        f"{p.memory_utilization:.0%} memory requested"
        for p in core.pools
    )
    return DecisionOut(
        id="compute-platform",
        title="Compute platform and node instance types",
        context=(
            f"{sum(1 for s in core.services if s.kind == Kind.stateless)} stateless services need "
            f"{sum(s.replicas for s in core.services if s.kind == Kind.stateless)} replicas in "
            f"{core.ctx.zones} zone(s). " + (pool_text or "")
        ).strip(),
        chosen=chosen_name,
        drivers=drivers,
        options=options,
    )


def _defaults(defaults: Defaults, **changes: Any) -> Defaults:
    return defaults.model_copy(update=changes)


def _topology_decision(design: Design, core: Core, args: Args, drivers: list[str]) -> DecisionOut:
    region = find_region(core.ctx.cloud, core.ctx.primary)
    max_zones = min(region.zones if region else design.zones, 3)
    options = []
    chosen_name = ""
    multi_region = len(core.ctx.regions) >= 2
    for z in range(1, max(max_zones, design.zones) + 1):
        if z == design.zones and not multi_region:
            v: Core | None = core
        else:
            v = _variant(
                design,
                args,
                zones=z,
                regions=design.regions[:1],
                dr=design.dr if not multi_region else DR(),
            )
        if v is None:
            continue
        name = f"{z} zone{'s' if z > 1 else ''}, one region"
        chosen = z == design.zones and not multi_region
        options.append(_option(name, v, chosen, _texts("zones", str(min(z, 3)))))
        if chosen:
            chosen_name = name
    if multi_region:
        name = f"{design.zones} zones in each of {len(core.ctx.regions)} regions, active-active"
        options.append(_option(name, core, True, _texts("zones", "regions")))
        chosen_name = name
    else:
        second = _second_region(design, core)
        v = _variant(design, args, **second) if second else None
        if v is not None and second is not None:
            name = f"{design.zones} zones in each of 2 regions ({core.ctx.primary} + {v.ctx.regions[1]}), active-active"
            options.append(_option(name, v, False, _texts("zones", "regions")))
    return DecisionOut(
        id="ha-topology",
        title="High availability: zones and regions",
        context=(
            f"The user path ({len(core.availability.path)} components) must be available "
            f"{design.targets.availability:g}% of the month; this plan achieves "
            f"{core.availability.achieved:g}% (weakest link: {core.availability.weakest})."
        ),
        chosen=chosen_name,
        drivers=drivers,
        options=options,
    )


def _database_decision(
    design: Design, core: Core, args: Args, drivers: list[str], name: str
) -> DecisionOut:
    svc = next(s for s in core.services if s.name == name)
    options = []
    chosen_name = ""
    for multi in (False, True):
        label = f"{'Multi-AZ' if multi else 'Single-AZ'} {svc.instance_class}" + (
            f" + {svc.read_replicas} read replica(s)" if svc.read_replicas else ""
        )
        if multi == bool(svc.multi_az):
            v: Core | None = core
        else:
            v = _variant(
                design,
                args,
                services=_with_service(design, name, multi_az=multi),
                zones=max(design.zones, 2) if multi else design.zones,
            )
        if v is None:
            continue
        chosen = multi == bool(svc.multi_az)
        options.append(
            _option(label, v, chosen, _texts("database", "multi_az" if multi else "single_az"))
        )
        if chosen:
            chosen_name = label
    size = design.service(name).size
    need = (
        f"{size.vcpu:g} vCPU and {size.memory_gib:g} GiB"
        if size and size.vcpu and size.memory_gib
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
    options = []
    base = _money(core) - sum(
        (round_cents(t) for n, _, t in core.dr_options if n == core.dr_choice), Decimal(0)
    )
    for name, _, total in core.dr_options:
        facts = core.ctx.dr.facts(name)
        rto_t = int(design.targets.rto.total_seconds())
        rpo_t = int(design.targets.rpo.total_seconds())
        ok = facts.rto_s <= rto_t and facts.rpo_s <= rpo_t
        options.append(
            _option(
                DR_LABELS[name],
                core,
                name == core.dr_choice,
                _texts("dr", name),
                meets=ok,
                rto=facts.rto_s,
                rpo=facts.rpo_s,
                cost=base + round_cents(total),
            )
        )
    return DecisionOut(
        id="dr-strategy",
        title="Disaster recovery strategy",
        context=(
            f"A regional disaster must be recovered within RTO {format_duration(design.targets.rto.total_seconds())} "
            f"losing at most RPO {format_duration(design.targets.rpo.total_seconds())} of data; the DR region is "
            f"{core.ctx.dr_region}."
        ),
        chosen=DR_LABELS[core.dr_choice],
        drivers=drivers,
        options=options,
    )


def _purchase_decision(core: Core, drivers: list[str], totals: dict[str, Decimal]) -> DecisionOut:
    options = [
        _option(p, core, p == core.ctx.purchase, _texts("purchase", p), cost=totals[p])
        for p in PURCHASE_OPTIONS
    ]
    return DecisionOut(
        id="purchase-option",
        title="Purchase option for compute",
        context="The same plan priced under each purchase option; storage and transfer are on demand in all.",
        chosen=core.ctx.purchase,
        drivers=drivers,
        options=options,
    )


__all__ = ["build_decisions", "suggest"]
