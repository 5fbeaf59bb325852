"""Where a notebook runs before its outputs are final: a private folder (mode 0700) under the
system's temporary folder, never the output folder, and every copy papermill writes there
(at the start, after cells, on failure, at the end) redacted on its way to disk. The folder is
removed when the run ends, however it ends; one left by a killed run (SIGKILL cannot be
caught) is removed by the next run of the same user."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from .redact import redact

PREFIX = "devops-plan-run."
_NAME = re.compile(rf"^{re.escape(PREFIX)}(\d+)\.[A-Za-z0-9_]+$")
# papermill writes through the handler registered for a path's prefix: a running copy named
# with this prefix is redacted by `RedactingHandler` before it reaches the disk.
SCHEME = "devops-plan-redacted://"


class RedactingHandler:
    """A papermill I/O handler for local files that redacts every notebook it writes."""

    def read(self, path: str) -> str:
        return Path(local_path(path)).read_text(encoding="utf-8")

    def write(self, buf: str, path: str) -> None:
        write_atomic(local_path(path), redact(buf))

    def listdir(self, path: str) -> list[str]:
        folder = local_path(path)
        return [os.path.join(folder, name) for name in os.listdir(folder)]

    def pretty_path(self, path: str) -> str:
        return local_path(path)


def local_path(path: str) -> str:
    return path.removeprefix(SCHEME)


def redacted_path(path: Path) -> str:
    """The name to give papermill for a running copy at `path` (written redacted)."""
    return SCHEME + str(path)


def register_redacting_io() -> None:
    """Register `RedactingHandler` with papermill (once: papermill keeps a list)."""
    from papermill.iorw import papermill_io

    handlers: Any = papermill_io._handlers  # papermill has no public lookup by scheme
    if not any(scheme == SCHEME for scheme, _ in handlers):
        papermill_io.register(SCHEME, RedactingHandler())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def clean_stale(parent: Path | None = None) -> list[Path]:
    """Remove the private folders this user's killed runs left; returns what was removed."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            match = _NAME.match(entry.name)
            if match is None or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
                continue
            with contextlib.suppress(OSError):
                st = entry.lstat()
                if st.st_uid == os.getuid() and entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                    removed.append(entry)
    return removed


@contextlib.contextmanager
def private_folder() -> Iterator[Path]:
    """A new folder only this user can read, removed when the block ends (stale ones first)."""
    clean_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}."))  # mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
