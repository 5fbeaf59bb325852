"""`devops-plan validate` and `devops-plan schema`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from . import options
from ._common import (
    command_app,
    configure,
    design_path,
    err,
    out,
    print_json,
    table_or_json,
    user_errors,
)

validate_app = command_app()
schema_app = command_app()


@validate_app.command()
def validate(
    files: list[Path] | None = typer.Argument(
        None, metavar="DESIGN...", show_default=False, help="Design files (YAML)."
    ),
    example: str | None = options.example(),
    fmt: str | None = options.output_format("table or json"),
    as_json: bool = options.json("results"),
    catalog: Path | None = options.catalog(),
) -> None:
    """Check design files; print `ok` or one line per problem.

    Engines, node types and storage classes are checked against the cloud's catalog too
    (the one `plan` would price with: --catalog or the configuration's, else the shipped
    one). Exit 2 on any problem.

    \b
    Example:
      devops-plan validate designs/*.yaml
    """
    with user_errors():
        paths = list(files or [])
        if example is not None or not paths:
            paths.append(design_path(None, example))
        chosen = table_or_json(fmt, as_json)
        config = configure(paths[0], {"catalog": catalog})
        from ..design import validate_files
        from ..engine import Planner

        planner = Planner(catalog_dir=config.settings.catalog)
        results = validate_files(paths, vocabulary=planner.vocabulary)
    failed = any(e is not None for e in results.values())
    if chosen == "json":
        print_json(
            [
                {
                    "file": name,
                    "ok": exc is None,
                    "problems": [
                        {"line": p.line, "column": p.column, "path": p.path, "message": p.message}
                        for p in (exc.problems if exc else ())
                    ],
                }
                for name, exc in results.items()
            ]
        )
    else:
        for name, exc in results.items():
            if exc is None:
                out.print(f"{name}: ok", markup=False, highlight=False)
            else:
                for problem in exc.problems:
                    err.print(str(problem), markup=False)
    raise typer.Exit(2 if failed else 0)


@schema_app.command()
def schema(
    plan: bool = typer.Option(
        False, "--plan", metavar="", help="The schema of a plan's JSON (plan --json) instead."
    ),
) -> None:
    """Print the JSON Schema of the design file, or of a plan.

    The design's schema gives editors completion and checks.

    \b
    Example:
      devops-plan schema > design.schema.json
    """
    if plan:
        from ..plan import plan_schema

        print(json.dumps(plan_schema(), indent=2, sort_keys=True))
    else:
        from ..design import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
