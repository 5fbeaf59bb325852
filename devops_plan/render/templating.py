"""The Jinja set-up every Markdown renderer shares (ADRs, runbooks): a person's template folder
first, then the shipped one, strict about undefined names; rendered text tidied the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from ..errors import UserError


def markdown_environment(shipped: Path, templates: Path | None, missing: str) -> jinja2.Environment:
    """An environment loading from `templates` (when given) before `shipped`.

    `missing` is the message for a `templates` folder that does not exist.
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        if not Path(templates).is_dir():
            raise UserError(f"{templates}: {missing}")
        loaders.append(jinja2.FileSystemLoader(str(templates)))
    loaders.append(jinja2.FileSystemLoader(str(shipped)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML
    )


def render_markdown(
    env: jinja2.Environment,
    name: str,
    context: Mapping[str, Any],
    message: Callable[[str, jinja2.TemplateError], str],
) -> str:
    """Template `name` rendered and tidied; a template error becomes a UserError whose text
    `message(name, error)` writes."""
    try:
        text = env.get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise UserError(message(name, exc)) from None
    return tidy(text)


def tidy(text: str) -> str:
    """One final newline, no trailing spaces, no runs of blank lines: what editors and linters
    leave, so a re-save is not an edit."""
    collapsed: list[str] = []
    for line in (raw.rstrip() for raw in text.strip("\n").split("\n")):
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed) + "\n"
