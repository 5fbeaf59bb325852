"""Rendering ADR drafts in MADR 4 format from Jinja templates: the shipped ones in
`devops_plan/templates/adr/` or a folder of the user's own. Pure: a plan and a decision in,
Markdown out, with the front matter of `records` on top."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import jinja2

from ...escape import html_neutral, markdown_links_safe, terminal
from ...paths import package_path
from ...plan import DecisionOut, Plan
from ..templating import markdown_environment, render_markdown
from .content import Superseded, lower_first, record_context, record_title
from .records import Record, check_date, content_hash, front_matter, record_filename

RECORD_TEMPLATE = "record.md.j2"
INDEX_TEMPLATE = "index.md.j2"


def template_dir() -> Path:
    """The shipped templates: record.md.j2 (one record) and index.md.j2 (adr/README.md)."""
    return package_path("templates", "adr")


def _cell(value: object) -> str:
    # A Markdown table cell of the plan's own text: one line, no bare pipe.
    return str(value).replace("\n", " ").replace("|", "\\|")


def _text_cell(value: object) -> str:
    # A cell of text read from a file someone wrote (a hand-written record's title, status
    # and date in the index): no HTML, no control characters; Markdown links still work.
    return _cell(markdown_links_safe(html_neutral(terminal(str(value)))))


def environment(templates: Path | None = None) -> jinja2.Environment:
    """Jinja environment: the user's folder first (when given), then the shipped templates."""
    env = markdown_environment(
        template_dir(),
        templates,
        "template folder not found (expected a folder with record.md.j2 and/or index.md.j2)",
    )
    env.filters["cell"] = _cell
    env.filters["text_cell"] = _text_cell
    env.filters["lower_first"] = lower_first
    return env


def _template_error(name: str, exc: jinja2.TemplateError) -> str:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or name}:{exc.lineno}: {exc.message}"
    return f"{name}: {exc}"


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
    return "\n" + render_markdown(
        env,
        RECORD_TEMPLATE,
        record_context(plan, decision, supersedes=supersedes, diagram=diagram),
        _template_error,
    )


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


def render_index(records: Iterable[Record], *, env: jinja2.Environment | None = None) -> str:
    """adr/README.md: every record in number order, with its title, status and date."""
    env = env or environment()
    context = {"records": sorted(records, key=lambda r: (r.number, r.filename))}
    return render_markdown(env, INDEX_TEMPLATE, context, _template_error)
