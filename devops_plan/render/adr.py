"""Architecture Decision Record drafts from a plan's decisions, in MADR 4 format.

Rendering is pure: a plan and a decision in, Markdown out, from Jinja templates shipped in
`devops_plan/templates/adr/` (or a folder of the user's own). The front matter carries what
`export` needs to recognise its own records later: the design, the decision id, the chosen
option and a sha256 of the body as generated, so an edited body is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

import jinja2

from ..errors import UserError
from ..paths import package_path
from ..plan import DecisionOut, OptionOut, Plan
from ..units import format_duration, format_money
from .templating import markdown_environment

RECORD_TEMPLATE = "record.md.j2"
INDEX_TEMPLATE = "index.md.j2"
RECORD_NAME = re.compile(r"^(\d{4})-[^/]*\.md$")

# Front matter keys devops-plan writes besides MADR's own (status, date, decision-makers).
KEY_DESIGN = "plan-design"
KEY_DECISION = "plan-decision"
KEY_CHOSEN = "plan-chosen"
KEY_HASH = "content-hash"


# --- templates ------------------------------------------------------------------------------


def template_dir() -> Path:
    """The shipped templates: record.md.j2 (one record) and index.md.j2 (adr/README.md)."""
    return package_path("templates", "adr")


def _cell(value: object) -> str:
    # A Markdown table cell: one line, no bare pipe.
    return str(value).replace("\n", " ").replace("|", "\\|")


def _lower_first(text: str) -> str:
    # "Cheapest: ..." -> "cheapest: ..." after "Good, because"; keep acronyms (RTO, AZ) as they are.
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def environment(templates: Path | None = None) -> jinja2.Environment:
    """Jinja environment: the user's folder first (when given), then the shipped templates."""
    env = markdown_environment(
        template_dir(),
        templates,
        "template folder not found (expected a folder with record.md.j2 and/or index.md.j2)",
    )
    env.filters["cell"] = _cell
    env.filters["lower_first"] = _lower_first
    return env


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        text = env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise UserError(f"{name}: {exc}") from None
    # One final newline, no trailing spaces: what editors and linters leave, so a re-save is not an edit.
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    collapsed: list[str] = []
    for line in lines:
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed) + "\n"


# --- numbers as text --------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{value:g}%"


def slugify(text: str, limit: int = 60) -> str:
    """adr-tools style: lower case, words joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "decision"


def record_title(plan: Plan, decision: DecisionOut) -> str:
    return f"{plan.design}: {decision.title}"


def record_filename(number: int, title: str) -> str:
    return f"{number:04d}-{slugify(title)}.md"


def check_date(text: str) -> str:
    """A record date: ISO YYYY-MM-DD, or a UserError saying so."""
    try:
        return Date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"--date: expected a date as YYYY-MM-DD (got {text!r})") from None


# --- the content of one record ----------------------------------------------------------------

_QUESTIONS = {
    "compute-platform": "Which compute platform and node instance types should run the stateless services?",
    "ha-topology": "How many zones and regions should serve the user path?",
    "dr-strategy": "Which disaster recovery strategy should protect against the loss of the primary region?",
    "purchase-option": "Which purchase option should the compute be bought under?",
}


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
    return any(o.rto is not None for o in options)


def _measure(o: OptionOut) -> str:
    """What an option achieves, in the terms its targets are set in."""
    if o.rto is not None:
        return f"RTO {format_duration(o.rto)}, RPO {format_duration(o.rpo or 0)}"
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
    out = [f"Good, because {_lower_first(p)}" for p in c.pros]
    out += [f"Bad, because {_lower_first(x)}" for x in c.cons]
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
    out: list[str] = []
    zones = plan.topology.zone_names.get(plan.topology.primary_region, ())
    if decision.id == "compute-platform":
        for p in plan.node_pools:
            out.append(
                f"Node pool {p.name} runs {p.nodes} x {p.instance_type} over {p.zones} zone(s), "
                f"with {p.cpu_utilization:.0%} of its CPU and {p.memory_utilization:.0%} of its memory requested"
            )
        for s in plan.services:
            if s.kind == "stateless":
                where = f"on pool {s.pool}" if s.pool else f"on {s.platform}"
                out.append(f"{s.name} runs {s.replicas} replicas {where}")
    elif decision.id == "ha-topology":
        out.append(
            f"Nodes, replicas and data services are spread over {len(zones)} zone(s) "
            f"({', '.join(zones)}) in {', '.join(plan.topology.serving_regions)}"
        )
        out.append(
            f"A zone-failure drill keeps downtime within the {plan.availability.downtime_budget_min:g}-minute "
            f"monthly budget of the {_pct(plan.targets.availability)} target"
        )
    elif decision.id.startswith("database-"):
        name = decision.id.removeprefix("database-")
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
    elif decision.id == "dr-strategy":
        d = plan.dr
        out.append(
            f"A failover drill to {d.dr_region} restores service within RTO {format_duration(d.rto_target)} "
            f"and loses at most RPO {format_duration(d.rpo_target)} of data"
        )
    elif decision.id == "purchase-option":
        c = _chosen(decision)
        out.append(
            f"The bill shows compute bought as {c.name}, and the monthly total is close to "
            f"{format_money(c.monthly_cost, plan.currency)}"
        )
    out.append(
        f'`devops-plan plan` on design `{plan.design}` still chooses "{decision.chosen}"; '
        "`devops-plan export` then adds no new record for this decision"
    )
    return out


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
    return {
        "name": o.name,
        "chosen": o.chosen,
        "monthly_cost": format_money(o.monthly_cost, cur),
        "monthly_cost_value": o.monthly_cost,
        "availability": _pct(o.availability) if o.availability is not None else None,
        "rto": format_duration(o.rto) if o.rto is not None else None,
        "rpo": format_duration(o.rpo) if o.rpo is not None else None,
        "meets_target": o.meets_target,
        "pros": list(o.pros),
        "cons": list(o.cons),
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
    if diagram:
        more.append(f"Architecture diagram: [{Path(diagram).name}]({diagram})")
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
    }


def render_body(
    plan: Plan,
    decision: DecisionOut,
    *,
    supersedes: Superseded | None = None,
    diagram: str | None = None,
    env: jinja2.Environment | None = None,
) -> str:
    """The Markdown below the front matter (it starts with a blank line, then the title)."""
    env = env or environment()
    return "\n" + _render(
        env, RECORD_TEMPLATE, record_context(plan, decision, supersedes=supersedes, diagram=diagram)
    )


def content_hash(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def _yaml_str(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def front_matter(
    *,
    status: str,
    date: str,
    decision_makers: Sequence[str],
    design: str,
    decision: str,
    chosen: str,
    body_hash: str,
) -> str:
    lines = [
        "---",
        f"status: {_yaml_str(status) if not re.fullmatch(r'[a-z]+', status) else status}",
        f"date: {date}",
        f"decision-makers: {json.dumps(list(decision_makers), ensure_ascii=False)}",
        f"{KEY_DESIGN}: {design}",
        f"{KEY_DECISION}: {decision}",
        f"{KEY_CHOSEN}: {_yaml_str(chosen)}",
        f"{KEY_HASH}: {body_hash}",
        "---",
    ]
    return "\n".join(lines) + "\n"


def render_record(
    plan: Plan,
    decision: DecisionOut,
    *,
    date: str,
    decision_makers: Sequence[str] = (),
    supersedes: Superseded | None = None,
    diagram: str | None = None,
    env: jinja2.Environment | None = None,
) -> str:
    """A whole record file: MADR front matter (status proposed) and the body."""
    body = render_body(plan, decision, supersedes=supersedes, diagram=diagram, env=env)
    head = front_matter(
        status="proposed",
        date=check_date(date),
        decision_makers=decision_makers,
        design=plan.design,
        decision=decision.id,
        chosen=decision.chosen,
        body_hash=content_hash(body),
    )
    return head + body


def render_records(
    plan: Plan, *, date: str | None = None, templates: Path | None = None
) -> dict[str, str]:
    """Drafts of every decision as if into an empty folder: file name -> text (for notebooks)."""
    env = environment(templates)
    out = {}
    for number, decision in enumerate(plan.decisions, start=1):
        name = record_filename(number, record_title(plan, decision))
        out[name] = render_record(plan, decision, date=date or plan.catalog_as_of, env=env)
    return out


# --- reading records back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """An ADR file found in the folder, parsed just enough to number, index and protect it."""

    number: int
    filename: str
    text: str
    front: dict[str, Any]
    body: str
    title: str
    status: str
    date: str

    @property
    def generated(self) -> bool:
        """Drafted by devops-plan (it carries a design, a decision and a content hash)."""
        return all(isinstance(self.front.get(k), str) for k in (KEY_DESIGN, KEY_DECISION, KEY_HASH))

    @property
    def design(self) -> str:
        return str(self.front.get(KEY_DESIGN, ""))

    @property
    def decision(self) -> str:
        return str(self.front.get(KEY_DECISION, ""))

    @property
    def chosen(self) -> str:
        return str(self.front.get(KEY_CHOSEN, ""))

    @property
    def edited(self) -> bool:
        """The body differs from what devops-plan wrote (its hash no longer matches)."""
        return content_hash(self.body) != self.front.get(KEY_HASH)

    @property
    def superseded(self) -> bool:
        return self.status.lower().startswith("superseded")

    @property
    def number_text(self) -> str:
        return f"{self.number:04d}"


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


def parse_record(filename: str, text: str) -> Record:
    """Read a record: MADR front matter if any, else adr-tools' `## Status` section."""
    match = RECORD_NAME.match(filename)
    if not match:
        raise ValueError(f"{filename} is not named NNNN-slug.md")
    front: dict[str, Any] = {}
    body = text
    m = _FRONT.match(text)
    if m:
        body = text[m.end() :]
        front = _load_front(m.group(1))
    title = ""
    for line in body.splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
            break
    status = str(front.get("status", "")).strip() if front else ""
    if not status:
        status = _section_first_line(body, "Status")
    raw_date = front.get("date", "")
    date = raw_date.isoformat() if isinstance(raw_date, Date) else str(raw_date or "")
    if not date:
        date = _section_first_line(body, "Date") or _date_line(body)
    return Record(
        number=int(match.group(1)),
        filename=filename,
        text=text,
        front=front,
        body=body,
        title=title or filename,
        status=status or "unknown",
        date=date,
    )


def _load_front(text: str) -> dict[str, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _section_first_line(body: str, name: str) -> str:
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower() == f"## {name.lower()}":
            for nxt in lines[i + 1 :]:
                if nxt.startswith("#"):
                    return ""
                if nxt.strip():
                    return nxt.strip()
    return ""


def _date_line(body: str) -> str:
    m = re.search(r"^Date: *(\d{4}-\d{2}-\d{2})", body, re.MULTILINE)
    return m.group(1) if m else ""


def set_front_matter(text: str, key: str, value: str) -> str:
    """Replace one `key: value` line of the front matter; every other byte stays as it was."""
    m = _FRONT.match(text)
    if not m:
        raise ValueError("record has no front matter")
    head = m.group(1)
    pattern = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    line = f"{key}: {value}"
    new_head = (
        pattern.sub(lambda _: line, head, count=1) if pattern.search(head) else head + line + "\n"
    )
    return "---\n" + new_head + "---\n" + text[m.end() :]


def superseded_status(number: int, filename: str) -> str:
    """MADR's status for a replaced record, with a link to its successor (a YAML string)."""
    return _yaml_str(f"superseded by [ADR-{number:04d}]({filename})")


def render_index(records: Iterable[Record], *, env: jinja2.Environment | None = None) -> str:
    """adr/README.md: every record in number order, with its title, status and date."""
    env = env or environment()
    return _render(
        env, INDEX_TEMPLATE, {"records": sorted(records, key=lambda r: (r.number, r.filename))}
    )


__all__ = [
    "Record",
    "Superseded",
    "check_date",
    "content_hash",
    "environment",
    "parse_record",
    "record_context",
    "record_filename",
    "record_title",
    "render_body",
    "render_index",
    "render_record",
    "render_records",
    "set_front_matter",
    "slugify",
    "superseded_status",
]
