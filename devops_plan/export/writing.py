"""Writing files into a folder all-or-nothing: everything staged under temporary names, then
renamed into place; if any step fails, what was done is undone and the folder is as it was."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import ExternalError


def move_into_place(src: str | Path, dst: str | Path) -> None:
    """Rename a staged file onto its target (os.replace)."""
    # One seam for the renames, so a test can make the n-th one fail.
    os.replace(src, dst)


def commit(docs: Path, writes: Mapping[str, bytes]) -> None:
    """Write files into `docs` all-or-nothing.

    Each file is written in full to a temporary name beside its target; only then are they
    renamed into place, one by one. A target that existed is first hard-linked (or copied) to
    a backup name, so a failure at any step restores every file already replaced, removes
    every file created and every folder made, and leaves the folder as it was.
    """
    made_dirs: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for rel, data in writes.items():
            target = docs / rel
            made_dirs += _make_dirs(target.parent)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(name, 0o644)
        for tmp, target in staged:
            if target.exists():
                backup = target.with_name(f".{target.name}.{secrets.token_hex(6)}.bak")
                try:
                    os.link(target, backup)
                except OSError:
                    shutil.copy2(target, backup)
                backups[target] = backup
            move_into_place(tmp, target)
            done.append(target)
    except (OSError, KeyboardInterrupt) as exc:
        _rollback(done, backups, staged, made_dirs)
        if isinstance(exc, KeyboardInterrupt):
            raise
        where = getattr(exc, "filename", None) or "the docs folder"
        raise ExternalError(
            f"export failed writing {where}: {exc.strerror or exc}; the docs folder was left as it was"
        ) from None
    for backup in backups.values():
        backup.unlink(missing_ok=True)


def _make_dirs(folder: Path) -> list[Path]:
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir()
    return missing  # deepest first, the order to remove them in


def _rollback(
    done: list[Path],
    backups: dict[Path, Path],
    staged: list[tuple[Path, Path]],
    made_dirs: list[Path],
) -> None:
    for target in reversed(done):
        backup = backups.get(target)
        try:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        except OSError:
            pass  # keep undoing the rest; the error that matters is the first one
    for tmp, _ in staged:
        tmp.unlink(missing_ok=True)
    for backup in backups.values():
        backup.unlink(missing_ok=True)
    for d in made_dirs:
        with contextlib.suppress(OSError):  # not empty: something else is in it now
            d.rmdir()
