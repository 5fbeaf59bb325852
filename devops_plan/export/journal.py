"""An export's commit as a transaction that survives being killed: a journal in the docs folder
(`.devops-plan-journal.json`) names every file being written, its staged copy and the backup
of what it replaces, and the phase reached. The next export (under the folder's lock) reads it
and finishes the job: a commit killed while staging is rolled back, one killed after every
file was staged is rolled forward, one killed while undoing itself is undone. Either way the
folder ends in the old state or the new one, and no staged or backup file is left.

Phases: `staging` (copies and backups being made, nothing replaced), `prepared` (all staged;
renames in progress), `rolling-back` (undoing after an error). Writing the journal is atomic,
so it always says one of these.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from ..atomic import write_atomic
from ..errors import UserError

JOURNAL = ".devops-plan-journal.json"
STAGING, PREPARED, ROLLING_BACK = "staging", "prepared", "rolling-back"
# Staged copies and backups: `.<name>.<12 hex>.tmp|bak` beside the file (and mkstemp's
# `.<name>.<8 chars>.tmp` from earlier versions), swept when no journal claims them.
STRAY = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8,12}\.(tmp|bak)$")


@dataclass(frozen=True)
class Entry:
    """One file of the commit, as paths relative to the docs folder."""

    target: str
    staged: str
    backup: str | None  # None: the target did not exist


@dataclass
class Journal:
    """What a commit is doing, kept on disk so a later run can finish it."""

    docs: Path
    phase: str
    entries: list[Entry]
    made_dirs: list[str]  # deepest first, the order to remove them in

    @classmethod
    def begin(cls, docs: Path, targets: Iterable[str]) -> Journal:
        entries = []
        for rel in targets:
            token = secrets.token_hex(6)
            name = PurePosixPath(rel)
            entries.append(
                Entry(
                    rel,
                    str(name.with_name(f".{name.name}.{token}.tmp")),
                    str(name.with_name(f".{name.name}.{token}.bak"))
                    if (docs / rel).exists()
                    else None,
                )
            )
        journal = cls(docs, STAGING, entries, _missing_dirs(docs, targets))
        journal.save()
        return journal

    def save(self) -> None:
        body = {
            "about": "an export in progress; the next devops-plan export finishes or undoes it",
            "phase": self.phase,
            "entries": [asdict(e) for e in self.entries],
            "made_dirs": self.made_dirs,
        }
        write_atomic(self.docs / JOURNAL, json.dumps(body, indent=1) + "\n")

    def mark(self, phase: str) -> None:
        self.phase = phase
        self.save()

    def path(self, rel: str) -> Path:
        return self.docs / rel

    def finish(self) -> None:
        """Every file is in place: remove the backups, then the journal."""
        for e in self.entries:
            if e.backup is not None:
                self.path(e.backup).unlink(missing_ok=True)
        (self.docs / JOURNAL).unlink(missing_ok=True)

    def roll_forward(self) -> None:
        for e in self.entries:
            if self.path(e.staged).exists():
                os.replace(self.path(e.staged), self.path(e.target))
        self.finish()

    def roll_back(self) -> None:
        """Put every replaced file back, remove every staged copy, created file and folder."""
        if self.phase != STAGING:
            self.mark(ROLLING_BACK)
        for e in self.entries:
            staged, target = self.path(e.staged), self.path(e.target)
            renamed = self.phase != STAGING and not staged.exists()
            if e.backup is not None and self.path(e.backup).exists():
                if renamed:
                    os.replace(self.path(e.backup), target)
                else:
                    self.path(e.backup).unlink()
            elif e.backup is None and renamed:
                target.unlink(missing_ok=True)
            staged.unlink(missing_ok=True)
        for d in self.made_dirs:
            with contextlib.suppress(OSError):  # not empty: something else is in it now
                self.path(d).rmdir()
        (self.docs / JOURNAL).unlink(missing_ok=True)


def _missing_dirs(docs: Path, targets: Iterable[str]) -> list[str]:
    missing: set[str] = set()
    for rel in targets:
        for parent in PurePosixPath(rel).parents:
            if str(parent) != "." and not (docs / parent).exists():
                missing.add(str(parent))
    return sorted(missing, key=lambda d: (-d.count("/"), d))


def _relative(value: object, where: Path) -> str:
    """A path from the journal, checked: relative, inside the docs folder."""
    text = str(value)
    p = PurePosixPath(text)
    if not text or p.is_absolute() or ".." in p.parts or "\\" in text:
        raise UserError(
            f"{where}: names {text!r}, not a path inside the docs folder; "
            "it is not a devops-plan journal (delete it)"
        )
    return text


def read_journal(docs: Path) -> Journal | None:
    """The journal an interrupted export left, or None."""
    path = docs / JOURNAL
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            Entry(
                _relative(e["target"], path),
                _relative(e["staged"], path),
                None if e["backup"] is None else _relative(e["backup"], path),
            )
            for e in data["entries"]
        ]
        made = [_relative(d, path) for d in data["made_dirs"]]
        phase = data["phase"]
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"{path}: not a devops-plan journal ({exc}); an export was interrupted and its "
            "journal is damaged: check the folder, then delete the journal"
        ) from None
    if phase not in (STAGING, PREPARED, ROLLING_BACK):
        raise UserError(f"{path}: unknown phase {phase!r}; delete the journal")
    return Journal(docs, phase, entries, made)


def recover(docs: Path) -> str | None:
    """Finish or undo what an interrupted export left; say which (None: nothing to do)."""
    journal = read_journal(docs)
    if journal is None:
        return None
    if journal.phase == PREPARED:
        journal.roll_forward()
        return f"finished an interrupted export ({len(journal.entries)} file(s))"
    journal.roll_back()
    return f"undid an interrupted export ({len(journal.entries)} file(s))"


def sweep_strays(docs: Path, folders: Iterable[str]) -> list[Path]:
    """Remove staged copies and backups that no journal claims (an export killed before its
    journal was written, or by an earlier version) from `folders` of the docs folder."""
    removed = []
    root = docs.resolve()
    for rel in sorted(set(folders)):
        folder = docs / rel
        if not folder.is_dir() or not folder.resolve().is_relative_to(root):
            continue  # a link out of the folder: never touched
        for entry in folder.iterdir():
            if STRAY.match(entry.name) and entry.is_file() and not entry.is_symlink():
                entry.unlink()
                removed.append(entry)
    return removed


def stage(journal: Journal, writes: Mapping[str, bytes]) -> None:
    """Make the folders, write every staged copy in full (fsynced) and link every backup."""
    for d in reversed(journal.made_dirs):
        journal.path(d).mkdir(exist_ok=True)
    for e in journal.entries:
        staged = journal.path(e.staged)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(writes[e.target])
            f.flush()
            os.fsync(f.fileno())
        if e.backup is not None:
            try:
                os.link(journal.path(e.target), journal.path(e.backup))
            except OSError:
                shutil.copy2(journal.path(e.target), journal.path(e.backup))
