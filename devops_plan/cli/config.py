"""`devops-plan config show`: the effective configuration, and where each value came from
(the default, the file and line, a DEVOPS_PLAN_* variable or a flag)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from . import options
from ._common import command_app, configure, emit, err, table_or_json, user_errors

if TYPE_CHECKING:
    from ..config import Config

app = command_app(
    help="Show the effective configuration and where each value came from.",
    no_args_is_help=True,
)

PRECEDENCE = (
    "Each value comes from the first of: a command-line flag, a DEVOPS_PLAN_* environment "
    "variable, devops-plan.toml (or [tool.devops-plan] in pyproject.toml) found from the "
    "design file's folder upwards (--config FILE or DEVOPS_PLAN_CONFIG to name one), the default."
)


@app.callback()
def _group() -> None:
    """Show the effective configuration and where each value came from."""


def _rows(config: Config) -> list[tuple[str, Any, str]]:
    """(setting, value, where it came from) for every setting, the report's when billing is
    installed (its settings model needs it)."""
    from ..config import settings_options

    data = config.settings.model_dump()
    rows = []
    for option in settings_options():
        value: Any = data
        for part in option.key:
            value = value[part]
        rows.append((option.dotted, value, str(config.origin(option.dotted))))
    try:
        report = config.report()
    except ModuleNotFoundError:
        return rows  # the billing extra is not installed
    for name, value in report.model_dump().items():
        rows.append((f"report.{name}", value, str(config.origin(f"report.{name}"))))
    return rows


@app.command("show")
def show_command(
    design: Path | None = typer.Argument(
        None,
        metavar="[PATH]",
        show_default=False,
        help="A design file or folder to look for the configuration from (default: here).",
    ),
    fmt: str | None = options.output_format("table or json"),
    out_path: Path | None = options.out("the configuration"),
) -> None:
    """Print every setting, its value and where it came from (flag, variable, file, default).

    \b
    Examples:
      devops-plan config show
      DEVOPS_PLAN_KUBERNETES_NAMESPACE=prod devops-plan config show designs/shop.yaml
    """
    with user_errors():
        chosen = table_or_json(fmt, False)
        if design is not None and not design.exists():
            from ..errors import UserError

            # looked up from a path that is not there, a typo showed the defaults as in force
            raise UserError(f"{design}: no such file or folder")
        config = configure(design, {})
        rows = _rows(config)
        if chosen == "json":
            data = {
                "file": str(config.file) if config.file else None,
                "precedence": ["flag", "env", "file", "default"],
                "settings": [
                    {"setting": k, "value": _plain(v), "from": origin} for k, v, origin in rows
                ],
                "ignored_env": list(config.ignored_env),
            }
            emit(json.dumps(data, indent=2) + "\n", out_path)
            return
        from ..config.options import value_text
        from ..render.tables import TextTable
        from .show import show

        found = f"file: {config.file}" if config.file else "file: none found (defaults apply)"
        table = TextTable.of(
            "Configuration",
            ("setting", "value", "from"),
            ((k, value_text(v), o) for k, v, o in rows),
        )
        show("table", "Configuration", [found, PRECEDENCE, table], out_path, "")
    for name in config.ignored_env:
        err.print(f"warning: {name} names no setting; it is ignored", markup=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return (
        str(value)
        if not isinstance(value, int | float | str | bool | dict | list | None)
        else value
    )
