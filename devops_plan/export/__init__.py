"""Writing a plan into a docs folder: ADR drafts, their index, the diagram, and the artefacts of
producer modules, all-or-nothing and without trampling what people edited. `decide` works out
every change without writing; `writing` writes them all or nothing; `export_docs` does both.

Rules (docs/export.md):
- ADRs `adr/NNNN-slug.md` are numbered after the highest number present. A record whose status
  is no longer `proposed`, or whose body no longer matches its `content-hash`, is never
  rewritten; when the plan's choice changes, a new record supersedes the old one, whose status
  line alone becomes `superseded by [ADR-NNNN](...)`.
- Every other file is tracked in `.devops-plan-manifest.json` (sha256 of what was last written);
  a file whose bytes no longer match, or that devops-plan never wrote, is kept and reported.
- A file whose bytes would not change is not touched (a second export changes nothing).
- Every changed file is staged under a temporary name first, then renamed into place; if any
  step fails, the renames already done are undone, so the folder is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..config.models import ExportSettings
from ..design import Design
from ..plan import Plan
from .decide import (
    ADR_DIR,
    DIAGRAM_DIR,
    INDEX,
    MANIFEST,
    PRODUCERS,
    Change,
    Content,
    ExportResult,
    Producer,
    plan_export,
    producers,
    sha256,
)
from .writing import commit


def export_docs(
    plan: Plan,
    design: Design,
    docs: str | Path,
    *,
    dry_run: bool = False,
    templates: Path | None = None,
    date: str | None = None,
    decision_makers: Sequence[str] = (),
    render_diagram: Callable[[Plan], Mapping[str, Content]] | None = None,
    extra: Mapping[str, Producer] | None = None,
    settings: ExportSettings | None = None,
) -> ExportResult:
    """Export a plan into `docs`: ADR drafts, adr/README.md, diagrams and producer artefacts.

    `date` (YYYY-MM-DD) dates new records; the default is the plan's catalog date, so that
    the same plan always gives the same bytes. `render_diagram` and `extra` replace the
    diagram renderer and add producers (tests, notebooks); `settings` are what the manifests,
    SLO rules and runbooks need that the plan does not know (default: the defaults).
    """
    result, writes = plan_export(
        plan,
        design,
        docs,
        templates=templates,
        date=date,
        decision_makers=decision_makers,
        render_diagram=render_diagram,
        extra=extra,
        settings=settings,
    )
    if dry_run or not writes:
        return ExportResult(result.docs, dry_run, result.changes)
    commit(Path(docs), writes)
    return ExportResult(result.docs, False, result.changes)


__all__ = [
    "ADR_DIR",
    "DIAGRAM_DIR",
    "INDEX",
    "MANIFEST",
    "PRODUCERS",
    "Change",
    "Content",
    "ExportResult",
    "Producer",
    "commit",
    "export_docs",
    "plan_export",
    "producers",
    "sha256",
]
