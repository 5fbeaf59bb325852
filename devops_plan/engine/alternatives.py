"""Database engines weighed when a target is missed: the design's engine and every engine
that can replace it on the cloud (data/engines.yaml `alternative_for`), each planned, with
its cost, availability, RTO and RPO; and the warning that names the cheapest that meets
the targets (or says none does)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..design import Design, Kind
from ..plan import OptionOut
from ..units import format_duration, format_money, round_cents
from .core import Core
from .variants import with_service

Replan = Callable[[Design], Core | None]


def alternatives(core: Core, name: str) -> list[str]:
    """Engines the database `name` could move to on this cloud."""
    current = next(s for s in core.services if s.name == name).engine or ""
    return [e for e, facts in sorted(core.ctx.engines.items()) if current in facts.alternative_for]


def misses(core: Core) -> bool:
    return not core.availability.meets_target or not core.dr.meets_target


def _gaps(v: Core) -> str:
    a = v.availability
    gaps = [] if a.meets_target else [f"availability {a.achieved:g}% < {a.target:g}%"]
    if not v.dr.meets_target:
        gaps.append(v.dr.gap or "the DR targets")
    return "; ".join(gaps)


def _meets(v: Core) -> bool:
    return v.availability.meets_target and v.dr.meets_target


def _option(core: Core, engine: str, chosen: bool, base: Decimal) -> OptionOut:
    """An engine as planned: cost, availability, RTO and RPO, and how each compares."""
    cost = round_cents(core.monthly_total)
    facts = core.ctx.engines[engine]
    a, dr = core.availability, core.dr_plan(core.dr.strategy).option
    verdicts = (
        f"availability {a.achieved:g}% ({'meets' if a.meets_target else 'misses'} {a.target:g}%)",
        f"RTO {format_duration(dr.rto_s)}, RPO {format_duration(dr.rpo_s)} "
        f"({'meets' if core.dr.meets_target else 'misses'} the DR targets)",
    )
    delta = cost - base
    pros = [v for v in verdicts if "(meets" in v]
    cons = [v for v in verdicts if "(misses" in v]
    if delta < 0:
        pros.append(f"{format_money(-delta, core.ctx.catalog.currency)} a month less")
    elif delta > 0:
        cons.append(f"{format_money(delta, core.ctx.catalog.currency)} a month more")
    return OptionOut(
        name=f"{facts.name} ({engine})",
        monthly_cost=cost,
        availability=a.achieved,
        rto=dr.rto_s,
        rpo=dr.rpo_s,
        meets_target=_meets(core),
        chosen=chosen,
        pros=pros,
        cons=cons,
    )


Variants = dict[str, list[tuple[str, Core]]]  # database -> [(engine, its plan)]


def engine_variants(design: Design, core: Core, replan: Replan) -> Variants:
    """Every database's alternative engines, planned, when the plan misses a target."""
    if not misses(core):
        return {}
    out: Variants = {}
    for s in core.services:
        if s.kind != Kind.database:
            continue
        planned = [
            (e, replan(with_service(design, s.name, engine=e))) for e in alternatives(core, s.name)
        ]
        found = [(e, v) for e, v in planned if v is not None]
        if found:
            out[s.name] = found
    return out


def engine_options(core: Core, variants: Variants, name: str) -> list[OptionOut]:
    """The database's alternative engines as options of its deployment decision."""
    base = round_cents(core.monthly_total)
    return [_option(v, engine, False, base) for engine, v in variants.get(name, [])]


def engine_warnings(core: Core, variants: Variants) -> list[str]:
    """One line per database with alternatives, naming the cheapest engine that meets the
    targets (or saying none of them does)."""
    out = []
    for name, found in variants.items():
        meeting = [(e, v) for e, v in found if _meets(v)]
        if not meeting:
            best = max(
                found,
                key=lambda t: (
                    t[1].availability.achieved,
                    -t[1].dr_plan(t[1].dr.strategy).option.rto_s,
                ),
            )
            out.append(
                f"{name}: no database engine offered here meets the targets either; the closest, "
                f"{best[1].ctx.engines[best[0]].name}, still misses: {_gaps(best[1])}"
            )
            continue
        engine, v = min(meeting, key=lambda t: t[1].monthly_total)
        delta = round_cents(v.monthly_total) - round_cents(core.monthly_total)
        money = format_money(delta, core.ctx.catalog.currency, signed=True)
        out.append(
            f"{name}: {core.ctx.engines[engine].name} ({engine}) meets the targets for "
            f"{money} a month (decision database-{name})"
        )
    return out
