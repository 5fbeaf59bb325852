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
- Every changed file is staged under a temporary name first, then renamed into place, through
  a journal: if any step fails the renames already done are undone, and if the process is
  killed the next export finishes or undoes it, so the folder is always old or new.
- One export at a time: the folder is locked while an export decides and writes (a second
  one waits up to `lock_timeout_s`, then stops with one line). No symbolic link is followed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from ..config.models import ExportSettings
from ..design import Design
from ..errors import UserError
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
from .guard import LOCK_TIMEOUT_S, check_no_links, locked
from .journal import read_journal, recover, sweep_strays
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
    lock_timeout_s: float = LOCK_TIMEOUT_S,
) -> ExportResult:
    """Export a plan into `docs`: ADR drafts, adr/README.md, diagrams and producer artefacts.

    `date` (YYYY-MM-DD) dates new records; the default is the plan's catalog date, so that
    the same plan always gives the same bytes. `render_diagram` and `extra` replace the
    diagram renderer and add producers (tests, notebooks); `settings` are what the manifests,
    SLO rules and runbooks need that the plan does not know (default: the defaults). Under the
    folder's lock, an export first finishes or undoes one that was interrupted (see
    journal.py).
    """
    docs = Path(docs)
    if docs.exists() and not docs.is_dir():
        raise UserError(f"{docs}: --docs must be a folder")

    def decide() -> tuple[ExportResult, dict[str, bytes]]:
        check_no_links(docs, [ADR_DIR, MANIFEST])
        return plan_export(
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

    if dry_run:
        return _dry_run(docs, decide, lock_timeout_s)
    return _write(docs, decide, lock_timeout_s)


Decide = Callable[[], tuple[ExportResult, dict[str, bytes]]]


def _dry_run(docs: Path, decide: Decide, lock_timeout_s: float) -> ExportResult:
    if not docs.is_dir():
        return ExportResult(docs, True, decide()[0].changes)
    with locked(docs, lock_timeout_s):
        if read_journal(docs) is not None:
            raise UserError(
                f"{docs}: an earlier export was interrupted; run export without --dry-run "
                "to finish or undo it first"
            )
        return ExportResult(docs, True, decide()[0].changes)


def _write(docs: Path, decide: Decide, lock_timeout_s: float) -> ExportResult:
    """Under the lock: finish an interrupted export, decide, sweep strays, commit."""
    created = not docs.exists()
    docs.mkdir(parents=True, exist_ok=True)
    try:
        with locked(docs, lock_timeout_s):
            recover(docs)
            result, writes = decide()
            check_no_links(docs, writes)
            sweep_strays(docs, ["", ADR_DIR, *(str(PurePosixPath(w).parent) for w in writes)])
            if writes:
                commit(docs, writes)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):  # not empty: someone else wrote into it
                docs.rmdir()
        raise
    return ExportResult(result.docs, False, result.changes)


def repair(docs: str | Path, lock_timeout_s: float = LOCK_TIMEOUT_S) -> list[str]:
    """What an export does first, alone: under the folder's lock, finish or undo an export
    that was interrupted and remove staged or backup files nobody claims (in the folder, adr/
    and every folder of the manifest). Returns what it did, for people."""
    docs = Path(docs)
    if not docs.is_dir():
        return []
    with locked(docs, lock_timeout_s):
        done = [d for d in [recover(docs)] if d]
        folders = ["", ADR_DIR, *(str(PurePosixPath(p).parent) for p in _tracked(docs))]
        done += [f"removed {p.relative_to(docs)}" for p in sweep_strays(docs, folders)]
    return done


def _tracked(docs: Path) -> list[str]:
    try:
        data = json.loads((docs / MANIFEST).read_text(encoding="utf-8"))
        paths = [PurePosixPath(str(k)) for k in data.get("files", {})]
        return [str(p) for p in paths if not p.is_absolute() and ".." not in p.parts]
    except (OSError, ValueError, AttributeError):
        return []


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
    "recover",
    "repair",
    "sha256",
]
