"""What one ADR says, computed from the plan's numbers and nothing else: the question, the
targets, each option's figures against the chosen one, why the chosen option, its
consequences and how to confirm it was carried out; `record_context` gathers them for the
record template."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...plan import DecisionOut, OptionOut, Plan
from ...units import format_duration, format_money, format_percent

_QUESTIONS = {
    "compute-platform": "Which compute platform and node instance types should run the stateless services?",
    "ha-topology": "How many zones and regions should serve the user path?",
    "dr-strategy": "Which disaster recovery strategy should protect against the loss of the primary region?",
    "purchase-option": "Which purchase option should the compute be bought under?",
}


def lower_first(text: str) -> str:
    """ "Cheapest: ..." -> "cheapest: ..." after "Good, because"; acronyms (RTO, AZ) stay."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _pct(value: float) -> str:
    return f"{value:g}%"


def record_title(plan: Plan, decision: DecisionOut) -> str:
    return f"{plan.design}: {decision.title}"


def _question(decision: DecisionOut) -> str:
    if decision.id in _QUESTIONS:
        return _QUESTIONS[decision.id]
    if decision.id.startswith("database-"):
        return f"How should {decision.id.removeprefix('database-')} be deployed: one instance, or a Multi-AZ pair?"
    return f"What should the plan choose for: {decision.title.lower()}?"


def _targets_sentence(plan: Plan) -> str:
    t = plan.targets
    parts = [
        f"availability of {_pct(t.availability)} a month on the user path",
        f"recovery within RTO {format_duration(t.rto)} losing at most RPO {format_duration(t.rpo)}",
    ]
    if t.latency_p95_ms:
        parts.append(f"p95 latency within {t.latency_p95_ms:g} ms")
    text = (
        f"The design `{plan.design}` ({plan.cloud}, {', '.join(plan.regions)}) targets "
        + ", ".join(parts)
    )
    if plan.cost.budget is not None:
        text += f", on a budget of {format_money(plan.cost.budget, plan.currency)} a month"
    return text + "."


def _is_recovery(options: Sequence[OptionOut]) -> bool:
    return any(o.rto is not None or o.rpo is not None for o in options)


def _recovery(figure: int | None, what: str) -> str:
    # A figure the engine did not compute is said so, never shown as 0s (which would read as perfect).
    return f"{what} not computed" if figure is None else f"{what} {format_duration(figure)}"


def _measure(o: OptionOut) -> str:
    """What an option achieves, in the terms its targets are set in."""
    if o.rto is not None or o.rpo is not None:
        return f"{_recovery(o.rto, 'RTO')}, {_recovery(o.rpo, 'RPO')}"
    if o.availability is not None:
        return f"availability {_pct(o.availability)}"
    return "no measured outcome"


def _target_text(plan: Plan, options: Sequence[OptionOut]) -> str:
    t = plan.targets
    if _is_recovery(options):
        return f"the RTO {format_duration(t.rto)}, RPO {format_duration(t.rpo)} targets"
    return f"the {_pct(t.availability)} availability target"


def _chosen(decision: DecisionOut) -> OptionOut:
    for o in decision.options:
        if o.chosen:
            return o
    for o in decision.options:
        if o.name == decision.chosen:
            return o
    raise ValueError(f"decision {decision.id} has no chosen option")


def justification(plan: Plan, decision: DecisionOut) -> str:
    """Why the chosen option, in facts computed from the options' numbers and nothing else."""
    cur = plan.currency
    c = _chosen(decision)
    others = [o for o in decision.options if o is not c]
    meeting = sorted((o for o in others if o.meets_target), key=lambda o: (o.monthly_cost, o.name))
    cost = format_money(c.monthly_cost, cur)
    forced = decision.id == "dr-strategy" and plan.dr.forced
    note = " (the design sets this strategy)" if forced else ""
    if c.meets_target:
        cheaper = [o for o in meeting if o.monthly_cost < c.monthly_cost]
        if not cheaper:
            tie = [o for o in meeting if o.monthly_cost == c.monthly_cost]
            text = f"it is the cheapest considered option that meets the targets ({cost} a month)"
            if tie:
                text += f", tied with {', '.join(o.name for o in tie)}"
            return text + note
        best = cheaper[0]
        return (
            f"it meets the targets ({_measure(c)}) at {cost} a month{note}; "
            f"{best.name} also meets them for {format_money(c.monthly_cost - best.monthly_cost, cur)} less"
        )
    if not meeting:
        best_text = ""
        if not _is_recovery(decision.options):
            top = max(decision.options, key=lambda o: (o.availability or 0, -o.monthly_cost))
            if top is not c and (top.availability or 0) > (c.availability or 0):
                best_text = f"; the closest is {top.name} with {_measure(top)} at {format_money(top.monthly_cost, cur)}"
        return (
            f"no considered option meets {_target_text(plan, decision.options)}; "
            f"this one achieves {_measure(c)} at {cost} a month{note}{best_text}"
        )
    best = meeting[0]
    return (
        f"it is the plan's current setting at {cost} a month{note}, but it misses the targets "
        f"({_measure(c)} against {_target_text(plan, decision.options)}); {best.name} meets them at "
        f"{format_money(best.monthly_cost, cur)} a month"
    )


def consequences(plan: Plan, decision: DecisionOut) -> list[str]:
    cur = plan.currency
    c = _chosen(decision)
    good, bad = option_facts(plan, decision, c)
    out = [f"Good, because {lower_first(p)}" for p in (*good, *c.pros)]
    out += [f"Bad, because {lower_first(x)}" for x in (*bad, *c.cons)]
    verdict = "Good, because it meets" if c.meets_target else "Bad, because it misses"
    out.append(
        f"{verdict} the targets: {_measure(c)} against {_target_text(plan, decision.options)}"
    )
    cheaper = sorted(
        (
            o
            for o in decision.options
            if o is not c and o.meets_target and o.monthly_cost < c.monthly_cost
        ),
        key=lambda o: (o.monthly_cost, o.name),
    )
    if cheaper:
        out.append(
            f"Bad, because {cheaper[0].name} would also meet the targets for "
            f"{format_money(c.monthly_cost - cheaper[0].monthly_cost, cur)} less a month"
        )
    budget = plan.cost.budget
    if budget is not None:
        if c.monthly_cost <= budget:
            out.append(
                f"Good, because the plan's {format_money(c.monthly_cost, cur)} a month is within the budget of {format_money(budget, cur)}"
            )
        else:
            out.append(
                f"Bad, because the plan's {format_money(c.monthly_cost, cur)} a month is over the budget of "
                f"{format_money(budget, cur)} by {format_money(c.monthly_cost - budget, cur)}"
            )
    return out


def confirmation(plan: Plan, decision: DecisionOut) -> list[str]:
    """Checks that show the decision was carried out, with the plan's own numbers."""
    if decision.id.startswith("database-"):
        out = _confirm_database(plan, decision.id.removeprefix("database-"))
    else:
        check = _CONFIRMATIONS.get(decision.id)
        out = check(plan, decision) if check is not None else []
    out.append(
        f'`devops-plan plan` on design `{plan.design}` still chooses "{decision.chosen}"; '
        "`devops-plan export` then adds no new record for this decision"
    )
    return out


def _confirm_compute(plan: Plan, decision: DecisionOut) -> list[str]:
    out = [
        f"Node pool {p.name} runs {p.nodes} x {p.instance_type} over {p.zones} zone(s), "
        f"with {p.cpu_utilization:.0%} of its CPU and {p.memory_utilization:.0%} of its memory requested"
        for p in plan.node_pools
    ]
    for s in plan.services:
        if s.kind == "stateless":
            where = f"on pool {s.pool}" if s.pool else f"on {s.platform}"
            out.append(f"{s.name} runs {s.replicas} replicas {where}")
    return out


def _confirm_topology(plan: Plan, decision: DecisionOut) -> list[str]:
    zones = plan.topology.zone_names.get(plan.topology.primary_region, ())
    return [
        f"Nodes, replicas and data services are spread over {len(zones)} zone(s) "
        f"({', '.join(zones)}) in {', '.join(plan.topology.serving_regions)}",
        f"A zone-failure drill keeps downtime within the {plan.availability.downtime_budget_min:g}-minute "
        f"monthly budget of the {_pct(plan.targets.availability)} target",
    ]


def _confirm_database(plan: Plan, name: str) -> list[str]:
    out: list[str] = []
    for s in plan.services:
        if s.name == name:
            mode = "Multi-AZ" if s.multi_az else "single-AZ"
            out.append(
                f"{name} runs as {s.instance_class} ({s.engine}), {mode}, with {s.read_replicas} read replica(s) "
                f"and {s.storage_gib:g} GiB of storage"
            )
            if s.multi_az:
                out.append(
                    f"A forced failover of {name} to its standby completes without data loss"
                )
    return out


def _confirm_dr(plan: Plan, decision: DecisionOut) -> list[str]:
    d = plan.dr
    return [
        f"A failover drill to {d.dr_region} restores service within RTO {format_duration(d.rto_target)} "
        f"and loses at most RPO {format_duration(d.rpo_target)} of data"
    ]


def _confirm_purchase(plan: Plan, decision: DecisionOut) -> list[str]:
    c = _chosen(decision)
    return [
        f"The bill shows compute bought as {c.name}, and the monthly total is close to "
        f"{format_money(c.monthly_cost, plan.currency)}"
    ]


_CONFIRMATIONS: dict[str, Callable[[Plan, DecisionOut], list[str]]] = {
    "compute-platform": _confirm_compute,
    "ha-topology": _confirm_topology,
    "dr-strategy": _confirm_dr,
    "purchase-option": _confirm_purchase,
}


def option_facts(plan: Plan, decision: DecisionOut, o: OptionOut) -> tuple[list[str], list[str]]:
    """Good and bad points computed from an option's numbers, never a fixed sentence: its
    cost against the cheapest option considered, and each target it meets or misses, by
    how much."""
    pros: list[str] = []
    cons: list[str] = []
    cur = plan.currency
    cheapest = min(decision.options, key=lambda x: (x.monthly_cost, x.name))
    if o.monthly_cost == cheapest.monthly_cost:
        pros.append(
            f"it has the lowest monthly cost of the options considered "
            f"({format_money(o.monthly_cost, cur)})"
        )
    else:
        more = format_money(o.monthly_cost - cheapest.monthly_cost, cur)
        cons.append(f"it costs {more} a month more than the cheapest option, {cheapest.name}")
    t = plan.targets
    # Each recovery figure is judged only when the engine computed it.
    if o.rto is not None:
        _against(pros, cons, "RTO", o.rto, t.rto)
    if o.rpo is not None:
        _against(pros, cons, "RPO", o.rpo, t.rpo)
    if o.availability is not None:
        points = Decimal(str(o.availability)) - Decimal(str(t.availability))
        achieved = format_percent(o.availability)
        if points >= 0:
            pros.append(
                f"it meets the {_pct(t.availability)} availability target with "
                f"{achieved} ({points.normalize():f} points above)"
            )
        else:
            cons.append(
                f"it misses the {_pct(t.availability)} availability target by "
                f"{(-points).normalize():f} points ({achieved})"
            )
    return pros, cons


def _against(pros: list[str], cons: list[str], what: str, achieved: int, target: int) -> None:
    """A recovery figure against its target: met with time to spare, or missed by how much."""
    have, want = format_duration(achieved), format_duration(target)
    if achieved <= target:
        spare = f", {format_duration(target - achieved)} to spare" if achieved < target else ""
        pros.append(f"its {what} of {have} meets the {want} target{spare}")
    else:
        cons.append(
            f"its {what} of {have} misses the {want} target by {format_duration(achieved - target)}"
        )


def _option_view(plan: Plan, decision: DecisionOut, o: OptionOut) -> dict[str, Any]:
    cur = plan.currency
    c = _chosen(decision)
    delta = o.monthly_cost - c.monthly_cost
    if o is c:
        delta_text = ""
    elif delta > 0:
        delta_text = (
            f"Bad, because it costs {format_money(delta, cur)} a month more than the chosen option"
        )
    elif delta < 0:
        delta_text = f"Good, because it costs {format_money(-delta, cur)} a month less than the chosen option"
    else:
        delta_text = "Neutral, because it costs the same as the chosen option"
    verdict = "meets the targets" if o.meets_target else "misses the targets"
    facts = option_facts(plan, decision, o)
    return {
        "name": o.name,
        "chosen": o.chosen,
        "monthly_cost": format_money(o.monthly_cost, cur),
        "monthly_cost_value": o.monthly_cost,
        "availability": _pct(o.availability) if o.availability is not None else None,
        "rto": format_duration(o.rto) if o.rto is not None else None,
        "rpo": format_duration(o.rpo) if o.rpo is not None else None,
        "meets_target": o.meets_target,
        "pros": [*facts[0], *o.pros],
        "cons": [*facts[1], *o.cons],
        "summary": f"{format_money(o.monthly_cost, cur)} a month; {_measure(o)}; {verdict}.",
        "delta": delta_text,
    }


@dataclass(frozen=True)
class Superseded:
    """The record a new one replaces: its number, file name and title."""

    number: int
    filename: str
    title: str


def record_context(
    plan: Plan,
    decision: DecisionOut,
    *,
    supersedes: Superseded | None = None,
    diagram: str | None = None,
) -> dict[str, Any]:
    """Everything a record template can use (documented in docs/export.md)."""
    options = [_option_view(plan, decision, o) for o in decision.options]
    chosen = next(
        v for v, o in zip(options, decision.options, strict=True) if o is _chosen(decision)
    )
    more = [
        f"Drafted by devops-plan from design `{plan.design}` on {plan.cloud} "
        f"({', '.join(plan.regions)}, DR region {plan.dr_region}) with prices as of {plan.catalog_as_of}.",
    ]
    if plan.catalog.stale:
        more += [w for w in plan.warnings if w.startswith("prices from the ")]
    if diagram:
        more.append(f"Architecture diagram: [{Path(diagram).name}]({diagram})")
    if decision.id == "security-baseline":
        more += security_lines(plan)
    if supersedes is not None:
        more.append(
            f"Supersedes [ADR-{supersedes.number:04d}]({supersedes.filename}): {supersedes.title}"
        )
    return {
        "plan": plan,
        "decision": decision,
        "title": record_title(plan, decision),
        "question": _question(decision),
        "targets_sentence": _targets_sentence(plan),
        "currency": plan.currency,
        "options": options,
        "chosen": chosen,
        "show_availability": any(o.availability is not None for o in decision.options),
        "show_recovery": _is_recovery(decision.options),
        "justification": justification(plan, decision),
        "consequences": consequences(plan, decision),
        "confirmation": confirmation(plan, decision),
        "more_information": more,
        "supersedes": supersedes,
        "cost_rows": cost_rows(plan),
    }


def cost_rows(plan: Plan) -> list[tuple[str, str]]:
    """Where the chosen plan's monthly cost goes, by category, largest first, then the total
    and, when compute autoscales, what it would cost at its peak all month."""
    cur = plan.currency
    rows = [
        (category.replace("_", " "), format_money(amount, cur))
        for category, amount in sorted(
            plan.cost.by_category.items(), key=lambda kv: (-kv[1], kv[0])
        )
    ]
    rows.append(("total", format_money(plan.cost.monthly_total, cur)))
    if plan.cost.peak_provisioned != plan.cost.monthly_total:
        rows.append(("total at peak all month", format_money(plan.cost.peak_provisioned, cur)))
    return rows


def security_lines(plan: Plan) -> list[str]:
    """The rule matrix and each store's protection, one line each (everything else is denied)."""
    sec = plan.security
    out = [
        f"Allowed flow: {r.source} -> {r.destination} on {r.port}/{r.protocol.lower()} ({r.reason})"
        for r in sec.rules
    ]
    out += [
        f"{d.service} ({d.kind}): at rest {d.at_rest}; in transit {d.in_transit}"
        + (f"; credentials in {d.secret}" if d.secret else "")
        for d in sec.data
    ]
    out += [f"WAF: {w}" for w in sec.waf]
    return [*out, f"Flow logs: {sec.flow_logs}", f"Audit: {sec.audit}"]
