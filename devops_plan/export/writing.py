"""Writing files into a folder all-or-nothing: every file staged under a temporary name and
every replaced file backed up, recorded in a journal (journal.py), then renamed into place; if
any step fails, what was done is undone, and if the process is killed, the next export finishes
or undoes it from the journal. The folder is always in its old state or its new one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import ExternalError
from .journal import PREPARED, Journal, stage


def move_into_place(src: str | Path, dst: str | Path) -> None:
    """Rename a staged file onto its target (os.replace)."""
    # One seam for the renames, so a test can make the n-th one fail (or kill the process).
    os.replace(src, dst)


def commit(docs: Path, writes: Mapping[str, bytes]) -> None:
    """Write files into `docs` all-or-nothing, through a journal.

    On an OSError or an interrupt (Ctrl-C, SIGTERM) every file already replaced is restored,
    every staged copy, created file and folder removed, and the folder left as it was; if the
    process dies instead, `journal.recover` does the same (or finishes the job) next time.
    """
    docs.mkdir(parents=True, exist_ok=True)
    journal = Journal.begin(docs, writes)
    try:
        stage(journal, writes)
        journal.mark(PREPARED)
        for e in journal.entries:
            move_into_place(journal.path(e.staged), journal.path(e.target))
    except (OSError, KeyboardInterrupt) as exc:
        journal.roll_back()
        if isinstance(exc, KeyboardInterrupt):
            raise
        where = getattr(exc, "filename", None) or "the docs folder"
        raise ExternalError(
            f"export failed writing {where}: {exc.strerror or exc}; the docs folder was left as it was"
        ) from None
    journal.finish()
