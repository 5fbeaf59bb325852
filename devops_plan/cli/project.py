"""`devops-plan init [DIR]` (a starter project) and `devops-plan examples` (the shipped
example designs): how a team starts outside this repository."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from . import options
from ._common import command_app, emit, err, out, table_or_json, user_errors

init_app = command_app()
examples_app = command_app()


@init_app.command("init")
def init_command(
    folder: Path = typer.Argument(
        Path("."), metavar="[DIR]", help="Folder to create the project in (default: here)."
    ),
    example: str = typer.Option(
        "shop", "--example", metavar="NAME", help="The example design to start from."
    ),
    force: bool = typer.Option(
        False, "--force", metavar="", help="Overwrite files that already exist."
    ),
) -> None:
    """Write a starter project: an example design, devops-plan.toml, the notebooks.

    \b
    Example:
      devops-plan init my-system && cd my-system && devops-plan plan design.yaml
    """
    with user_errors():
        from ..project import starter_files, write_project

        files = starter_files(example)
        written = write_project(folder, files, overwrite=force)
    for path in written:
        err.print(f"wrote {path}", markup=False)
    out.print(
        f"Next: cd {folder} && devops-plan plan design.yaml (see README.md)",
        markup=False,
        highlight=False,
    )


@examples_app.command("examples")
def examples_command(
    fmt: str | None = options.output_format("table or json"),
    as_json: bool = options.json("the examples"),
) -> None:
    """List the example designs that ship with devops-plan.

    \b
    Example:
      devops-plan examples && devops-plan plan --example shop
    """
    from ..examples import examples

    with user_errors():
        chosen = table_or_json(fmt, as_json)
    found = examples()
    if chosen == "json":
        data = [{"name": e.name, "description": e.description, "path": str(e.path)} for e in found]
        emit(json.dumps(data, indent=2) + "\n", None)
        return
    from ..render.tables import TextTable
    from .show import print_blocks

    rows = ((e.name, e.description, f"devops-plan plan --example {e.name}") for e in found)
    print_blocks([TextTable.of("Example designs", ("name", "description", "try"), rows)])
