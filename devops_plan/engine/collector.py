"""Pausing Python's cyclic garbage collector while a plan or a sweep runs (ADR 0023).

Planning allocates hundreds of thousands of small objects that live on in the planner's
memos; each allocation burst triggers the collector, and its full collections walk every
object the process holds (the loaded price catalog alone is some 25,000), none of which is
garbage. Mercurial pauses the collector the same way around its parsers (`util.nogc`).
Reference counting still frees what the plan drops; the rare reference cycle (a caught
exception's frames) waits for the next collection after the call.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; nested or already-off blocks leave it as
    they found it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


__all__ = ["collector_paused"]
