"""`devops-plan diff BASE HEAD`: what a change to a design does to its plan: the monthly cost
per service and per line item, availability, DR, RTO/RPO, replicas and nodes. Each side is a
design file, a plan's JSON, `git:REF:PATH` or `none`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import options
from ._common import command_app, configure, emit, pick_format, user_errors

if TYPE_CHECKING:
    from ..plan import Plan

app = command_app()

_SIDE = (
    "A design file, a plan's JSON (.json), git:REF:PATH (read with git show), example:NAME or none."
)


@app.command("diff")
def diff_command(
    base: str = typer.Argument(..., metavar="BASE", help=_SIDE),
    head: str = typer.Argument(..., metavar="HEAD", help=_SIDE),
    fmt: str | None = options.output_format("table, json, md (a pull-request comment) or html"),
    out_path: Path | None = options.out("the diff"),
    title: str | None = typer.Option(
        None, "--title", metavar="TEXT", help="Heading of the Markdown (default: the design)."
    ),
    cloud: str | None = options.cloud(),
    catalog: Path | None = options.catalog(),
) -> None:
    """Compare two plans: cost, availability, DR, replicas and nodes.

    \b
    Examples:
      devops-plan diff git:origin/main:design.yaml design.yaml
      devops-plan diff before.json after.json --format md --out comment.md
      devops-plan diff none design.yaml            (a new design: everything added)
    """
    with user_errors():
        from ..compare import Spec, compare, load_side
        from ..render.diff import diff_blocks, diff_html, diff_json, diff_markdown

        sides = Spec.parse(base), Spec.parse(head)
        start = next((s.start for s in reversed(sides) if s.start is not None), None)
        config = configure(start, {"catalog": catalog, "output.diff": fmt})
        chosen = pick_format("diff", fmt, out_path, config.settings.output.diff)
        planner = _planner(cloud, config.settings.catalog)
        plans = [load_side(side, planner) for side in sides]
        diff = compare(plans[0], plans[1], base, head)
        if chosen == "json":
            emit(diff_json(diff), out_path)
        elif chosen == "md":
            emit(diff_markdown(diff, title), out_path)
        elif chosen == "html":
            emit(diff_html(diff), out_path)
        else:
            from .show import show

            show("table", "Plan diff", diff_blocks(diff), out_path, "")


def _planner(cloud: str | None, catalog_dir: Path | None) -> Callable[[str, str], Plan]:
    """Plans a design (from its file, or from text read from git) without the decision
    records, the suggestion and the other engines, which a diff does not show; one Planner,
    so both sides share its catalogs and memos."""
    from ..design import load_design, parse_design
    from ..engine import Planner, PlanOptions

    planner = Planner(catalog_dir=catalog_dir)

    def plan(text: str, name: str) -> Plan:
        design = parse_design(text, name) if text else load_design(name)
        return planner.plan(design, PlanOptions(cloud=cloud), decisions=False, advice=False)

    return plan
