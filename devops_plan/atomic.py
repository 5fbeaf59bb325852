"""Writing files so that nothing is ever half-written: a temporary name, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
