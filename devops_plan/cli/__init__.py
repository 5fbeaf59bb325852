"""The `devops-plan` command line: gathers arguments, calls the library, prints.

Exit codes: 0 ok, 2 bad input (a design, a file, an option, the configuration), 1 any other
failure, 3 a policy the result was held to failed (`plan --fail-on`, `reconcile --fail-on`),
130/143 interrupted (Ctrl-C) / terminated (SIGTERM). Each command (or group) lives in its own small module with its own Typer app; the
root group below loads a command's module only when that command runs (or its own `--help`
is asked for), so `devops-plan --version` and `--help` import nothing but Typer. What the
modules share is in `_common` (consoles, errors, configuration, output), `options`, `show`
and `generated` (options made from settings models).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from ._common import root_callback

__all__ = ["COMMANDS", "app", "main"]

# name -> (module, its Typer app, the one-line help the root --help lists). A test holds each
# line equal to the command's own help, so they cannot drift apart.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "project",
        "init_app",
        "Write a starter project: an example design, devops-plan.toml, the notebooks.",
    ),
    "examples": ("project", "examples_app", "List the example designs that ship with devops-plan."),
    "validate": (
        "design",
        "validate_app",
        "Check design files; print `ok` or one line per problem.",
    ),
    "schema": ("design", "schema_app", "Print the JSON Schema of the design file, or of a plan."),
    "plan": ("plan", "app", "Size, place, check availability and DR, and price a design."),
    "diff": ("diff", "app", "Compare two plans: cost, availability, DR, replicas and nodes."),
    "price": (
        "price",
        "price_app",
        "Print the price of one product: unit price, month, source, date.",
    ),
    "catalog": (
        "price",
        "catalog_app",
        "Browse the price catalogs and refresh them from the clouds' price APIs.",
    ),
    "explore": ("explore", "app", "Sweep a design's space; print the Pareto frontier."),
    "export": (
        "export",
        "app",
        "Write ADRs, diagrams, manifests, SLO rules and runbooks into a docs folder.",
    ),
    "notebook": (
        "notebook",
        "app",
        "Run the shipped notebooks headless (papermill); export HTML reports.",
    ),
    "report": ("report", "app", "Find waste and savings in actual spend (billing exports)."),
    "reconcile": (
        "reconcile",
        "app",
        "Compare a design's plan with the bill: drift per service and component.",
    ),
    "config": ("config", "app", "Show the effective configuration and where each value came from."),
}


def _missing(name: str, short: str, exc: ModuleNotFoundError) -> typer.Typer:
    """A stand-in for a command whose module needs a library this install lacks: it says
    which extra to install (exit 1) instead of a traceback."""
    from ..extras import missing_extra

    hint = missing_extra(exc, f"devops-plan {name}")
    if hint is None:
        raise exc
    stand_in = typer.Typer(add_completion=False, rich_markup_mode=None)

    @stand_in.command(
        name,
        help=short,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def _run() -> None:
        typer.echo(str(hint), err=True)
        raise typer.Exit(hint.exit_code)

    return stand_in


class LazyGroup(TyperGroup):
    """A command group that imports a command's module when the command is looked up."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute, short = COMMANDS[cmd_name]
        try:
            sub_app = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        except ModuleNotFoundError as exc:
            sub_app = _missing(cmd_name, short, exc)
        command = typer.main.get_command(sub_app)
        command.name = cmd_name
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # The root help lists the one-line helps without importing any command's module.
        rows = [(name, short) for name, (_m, _a, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="devops-plan",
    cls=LazyGroup,
    help="Plan infrastructure from a design file: sizing, HA, DR and cost.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.callback()(root_callback)


def main() -> None:
    app()
