"""The Jinja set-up every Markdown renderer shares (ADRs, runbooks): a person's template folder
first, then the shipped one, strict about undefined names; rendered text tidied the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from ..errors import UserError
from ..inputs import MIB, InputRefused, read_limited


def markdown_environment(shipped: Path, templates: Path | None, missing: str) -> jinja2.Environment:
    """An environment loading from `templates` (when given) before `shipped`.

    `missing` is the message for a `templates` folder that does not exist.
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        if not Path(templates).is_dir():
            raise UserError(f"{templates}: {missing}")
        loaders.append(_UserTemplates(Path(templates)))
    loaders.append(jinja2.FileSystemLoader(str(shipped)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML
    )


class _UserTemplates(jinja2.BaseLoader):
    """A person's template folder, read like any input: regular files (not pipes or devices)
    of at most 1 MiB, UTF-8; names cannot leave the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if "/" in template or "\\" in template or template.startswith("."):
            raise jinja2.TemplateNotFound(template)
        path = self.folder / template
        if not path.exists():
            raise jinja2.TemplateNotFound(template)
        try:
            text = read_limited(path, MIB, "a Jinja template").decode("utf-8")
        except InputRefused as exc:
            raise UserError(f"{path}: {exc.reason}") from None
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: is not UTF-8 text (bad byte at offset {exc.start})") from None
        mtime = path.stat().st_mtime_ns
        return text, str(path), lambda: path.exists() and path.stat().st_mtime_ns == mtime


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
