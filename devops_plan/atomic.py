"""Writing files so that nothing is ever half-written: a temporary name, then a rename."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ExternalError, UserError


def _temporary(path: Path, data: str | bytes) -> Path:
    """`data` written in full (and synced) to a temporary file beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and os.replace.

    A reader sees the old file or the new one, never a partial one; on any error the
    temporary file is removed and the old file is left as it was.
    """
    path = Path(path)
    tmp = _temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_if_changed(path: str | Path, data: str | bytes) -> bool:
    """Write atomically only when the content differs (keeps mtimes of unchanged files)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    write_atomic(path, raw)
    return True


def write_new(path: str | Path, data: str | bytes) -> Path:
    """Write `data` to `path`, which must not exist yet: written in full under a temporary
    name, then linked into place, which fails with FileExistsError (the temporary file
    removed, the existing file untouched) if something is already there."""
    path = Path(path)
    tmp = _temporary(path, data)
    try:
        os.link(tmp, path)  # never replaces: an existing file stays as it was
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --- output paths a person gave ---------------------------------------------------------------

# A path the person gave cannot take the file (exit 2); other failures are the machine's.
_USER_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR, errno.EEXIST}
)


def check_output_folder(path: str | Path, option: str) -> None:
    """UserError when `path` (given to `option`) exists and is not a folder, or when nothing
    can be written where it is or would be made (a read-only folder): found before any
    work is done, not after."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UserError(f"{p}: {option} expects a folder, and this is a file")
    _probe(p, option)


def check_output_file(path: str | Path, option: str) -> None:
    """UserError when `path` (given to `option`) is an existing folder, lies under a file, or
    sits where nothing can be written."""
    p = Path(path)
    if p.is_dir():
        raise UserError(f"{p}: {option} expects a file name, and this is a folder")
    _probe(p.parent, option)


def _probe(folder: Path, option: str) -> None:
    """Make and remove a folder in `folder` (or its nearest existing ancestor)."""
    ancestor = next((a for a in (folder, *folder.parents) if a.exists()), Path("."))
    if not ancestor.is_dir():
        raise UserError(f"{folder}: {option}: {ancestor} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".devops-plan-probe.", dir=ancestor))
    except OSError as exc:
        cls = UserError if exc.errno in _USER_ERRNOS else ExternalError
        raise cls(f"{ancestor}: {option}: cannot write here: {exc.strerror or exc}") from None


@contextmanager
def output_errors(where: str | Path, what: str) -> Iterator[None]:
    """An OSError while writing `what` to `where` as one line: UserError (exit 2) when the
    path cannot take it (no permission, read-only, a file where a folder should be),
    ExternalError (exit 1) for the rest (a full disk)."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        name = getattr(exc, "filename", None) or where
        cls = UserError if exc.errno in _USER_ERRNOS else ExternalError
        raise cls(f"{name}: cannot write {what}: {reason}") from None
