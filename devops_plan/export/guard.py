"""What keeps an export inside its docs folder and alone in it: an exclusive lock on the folder
(a second export waits for it, up to a timeout, then stops with one line), and a refusal to
follow a symbolic link: no file is read or written through a link, so nothing lands outside
the folder the person named."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from ..errors import UserError

# How long a second export waits for the first; an export takes seconds.
LOCK_TIMEOUT_S = 60.0
_POLL_S = 0.05


@contextlib.contextmanager
def locked(docs: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive lock on the folder `docs` (flock on the folder itself: nothing is
    left in it, and the lock goes when the process does, even if killed)."""
    fd = os.open(docs, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if time.monotonic() >= deadline:
                    raise UserError(
                        f"{docs}: another export is writing into this folder; waited "
                        f"{timeout_s:g}s for it to finish (try again when it has)"
                    ) from None
                time.sleep(_POLL_S)
        yield
    finally:
        os.close(fd)  # releases the lock


def check_no_links(docs: Path, paths: Iterable[str]) -> None:
    """UserError naming the first symbolic link on the way to any of `paths` (relative to
    `docs`), the files themselves included."""
    seen: set[str] = set()
    for rel in paths:
        parts = PurePosixPath(rel).parts
        for i in range(1, len(parts) + 1):
            step = "/".join(parts[:i])
            if step in seen:
                continue
            seen.add(step)
            if (docs / step).is_symlink():
                target = os.readlink(docs / step)
                raise UserError(
                    f"{docs / step}: is a symbolic link (to {target}); export does not follow "
                    f"links out of {docs}: replace it with a real folder or file"
                )
