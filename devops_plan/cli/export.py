"""`devops-plan export`: write a plan's ADR drafts, their index, its diagram, Kubernetes
manifests, SLO rules and runbooks into a docs folder. The settings the plan does not know
(image registry and tag, namespace, labels, metric names, histogram buckets) come from the
configuration, and each is also an option here, generated from its model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from . import options
from ._common import (
    command_app,
    configure,
    design_path,
    emit,
    err,
    table_or_json,
    user_errors,
)
from .generated import with_setting_options

app = command_app()


def _export_options() -> Any:
    from ..config.load import settings_options

    return [o for o in settings_options() if o.section in ("kubernetes", "slo")]


Docs = Annotated[
    Path,
    typer.Option("--docs", metavar="DIR", help="Docs folder to write into (adr/, diagrams/, ...)."),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", metavar="", help="List what would change; write nothing.")
]
Templates = Annotated[
    Path | None,
    typer.Option(
        "--templates", metavar="DIR", help="Folder with your own record.md.j2 / index.md.j2."
    ),
]
Date = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="YYYY-MM-DD", help="Date of new records (default: the catalog's date)."
    ),
]
DecisionMakers = Annotated[
    list[str],
    typer.Option("--decision-maker", metavar="NAME", help="A decision-maker (repeatable)."),
]


@app.command("export")
@with_setting_options(_export_options)
def export_command(
    docs: Docs,
    design: Path | None = options.design(),
    example: str | None = options.example(),
    dry_run: DryRun = False,
    templates: Templates = None,
    date: Date = None,
    decision_makers: DecisionMakers = [],  # noqa: B006  (Typer reads the default; never mutated)
    cloud: str | None = options.cloud(),
    region: str | None = options.region(),
    purchase: str | None = options.purchase(),
    catalog: Path | None = options.catalog(),
    fmt: str | None = options.output_format("table or json"),
    out_path: Path | None = options.out("the list of changes"),
    as_json: bool = options.json("the list of changes"),
    *,
    setting_flags: dict[str, Any],
) -> None:
    """Write ADRs, diagrams, manifests, SLO rules and runbooks into a docs folder.

    ADR drafts follow MADR 4; adr/README.md indexes them.

    \b
    Examples:
      devops-plan export design.yaml --docs ../platform-docs --dry-run
      devops-plan export design.yaml --docs docs --registry ghcr.io/acme --image-tag 1.4.2
    """
    with user_errors():
        path = design_path(design, example)
        chosen = table_or_json(fmt, as_json)
        config = configure(path, {"catalog": catalog, **setting_flags})
        from ..design import load_design
        from ..engine import build_plan
        from ..export import export_docs
        from ..render.slo import warnings as slo_warnings

        loaded = load_design(path)
        plan = build_plan(
            loaded,
            cloud=cloud,
            region=region,
            purchase=purchase,
            catalog_dir=config.settings.catalog,
        )
        export = config.export_for(loaded.kubernetes.image, loaded.kubernetes.namespace)
        result = export_docs(
            plan,
            loaded,
            docs,
            dry_run=dry_run,
            templates=templates,
            date=date,
            decision_makers=decision_makers,
            settings=export,
        )
        _show(result, chosen, out_path)
        for warning in slo_warnings(plan, loaded, export.slo):
            err.print(f"warning: {warning}", markup=False)


def _show(result: Any, chosen: str, out_path: Path | None) -> None:
    if chosen == "json":
        import json

        emit(json.dumps(result.to_dict(), indent=2) + "\n", out_path)
        return
    from ..render.tables import TextTable
    from .show import show

    verb = "would change" if result.dry_run else "changed"
    title = f"{result.docs}: {len(result.written)} file(s) {verb}"
    rows = [(c.action, c.path, c.reason) for c in result.changes]
    show("table", title, [TextTable.of(title, ("action", "file", "why"), rows)], out_path, "")
    for c in result.kept:
        err.print(f"kept {c.path}: {c.reason}", markup=False)
