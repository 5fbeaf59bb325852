"""SIGTERM and Ctrl-C while a long step runs (a notebook on a kernel, an export's commit): the
step unwinds with its clean-up (`finally` blocks, a kernel shut down, a rollback) and the CLI
ends with one line and exit 143 or 130. SIGKILL cannot be caught: the steps that hold anything
sensitive or half-done keep it where a later run finds and cleans it (see notebooks/private.py,
export/journal.py)."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; raised where the program was, like KeyboardInterrupt for SIGINT."""

    exit_code = 143  # 128 + SIGTERM, what a shell reports for a terminated process


class _Stop:
    """The signal handler: remember the first signal; inside a running event loop (papermill
    and nbclient run the kernel from one) cancel its tasks so that their clean-up runs, and
    outside one raise at once."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def error(self) -> KeyboardInterrupt:
        return Terminated() if self.signum == signal.SIGTERM else KeyboardInterrupt()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise self.error() from None
        for task in asyncio.all_tasks(loop):
            task.cancel()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated and SIGINT KeyboardInterrupt once the
    block has unwound (tasks of a running event loop are cancelled first, so a kernel is shut
    down). The previous handlers are restored after. Only the main thread can set handlers:
    elsewhere (a notebook kernel, a worker thread) the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except BaseException:
        if stop.signum is None:
            raise
        raise stop.error() from None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stop.signum is not None:  # the block finished before the signal took effect
        raise stop.error()
