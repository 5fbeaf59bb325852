"""`devops-plan validate` and `devops-plan schema`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..design import json_schema, validate_files
from . import options
from ._common import app, err, out, print_json, user_errors


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Design files (YAML)."),
    as_json: bool = options.json("results"),
) -> None:
    """Check design files, their engines, node types and storage classes against the cloud's
    catalog too; print `ok` or one line per problem (exit 2 on any problem)."""
    from ..engine.vocabulary import shipped_vocabulary

    with user_errors():
        results = validate_files(files, vocabulary=shipped_vocabulary)
    failed = any(e is not None for e in results.values())
    if as_json:
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


@app.command()
def schema(
    plan: bool = typer.Option(
        False, "--plan", help="The schema of a plan's JSON (plan --json) instead."
    ),
) -> None:
    """Print the JSON Schema of the design file (for editor completion), or of a plan."""
    if plan:
        from ..plan import plan_schema

        print(json.dumps(plan_schema(), indent=2, sort_keys=True))
    else:
        print(json.dumps(json_schema(), indent=2, sort_keys=True))
