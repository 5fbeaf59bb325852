"""The Jinja set-up every Markdown renderer shares: a person's template folder first, then
the shipped one, strict about undefined names, whitespace as written."""

from __future__ import annotations

from pathlib import Path

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
