"""`devops-plan export`: write a plan's ADR drafts, their index and its diagram into a docs folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..design import load_design
from ..engine import build_plan
from ..export import ExportResult, export_docs
from ..render.slo import warnings as slo_warnings
from . import options
from ._common import app, err, out, print_json, table, user_errors

_STYLE = {
    "create": "green",
    "update": "yellow",
    "supersede": "magenta",
    "keep": "red",
    "unchanged": "dim",
}


@app.command("export")
def export_command(
    design: Path = options.design(),
    docs: Path = typer.Option(..., "--docs", help="Docs folder to write into (adr/, diagrams/)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would change; write nothing."),
    templates: Path | None = typer.Option(
        None, "--templates", help="Folder with your own record.md.j2 / index.md.j2 (Jinja)."
    ),
    date: str | None = typer.Option(
        None, "--date", help="Date of new records, YYYY-MM-DD (default: the price catalog's date)."
    ),
    decision_makers: list[str] = typer.Option(
        [], "--decision-maker", help="Name for the records' decision-makers (repeatable)."
    ),
    cloud: str | None = options.cloud(),
    region: str | None = options.region(),
    purchase: str | None = options.purchase(),
    as_json: bool = options.json("the list of changes"),
    catalog: Path | None = options.catalog(),
) -> None:
    """Write ADR drafts (MADR 4), adr/README.md and diagrams/<design>.{svg,png,dot} into DOCS."""
    with user_errors():
        loaded = load_design(design)
        plan = build_plan(
            loaded, cloud=cloud, region=region, purchase=purchase, catalog_dir=catalog
        )
        result = export_docs(
            plan,
            loaded,
            docs,
            dry_run=dry_run,
            templates=templates,
            date=date,
            decision_makers=decision_makers,
        )
        if as_json:
            print_json(result.to_dict())
        else:
            show_result(result)
        for warning in slo_warnings(plan, loaded):
            err.print(f"warning: {warning}", markup=False)


def show_result(result: ExportResult) -> None:
    verb = "would change" if result.dry_run else "changed"
    changes = table(
        f"{result.docs}: {len(result.written)} file(s) {verb}", ("action", "file", "why")
    )
    for c in result.changes:
        style = _STYLE.get(c.action, "")
        changes.add_row(f"[{style}]{c.action}[/]", escape(c.path), escape(c.reason))
    out.print(changes)
    for c in result.kept:
        err.print(f"kept {c.path}: {c.reason}", markup=False)
