"""Building a large map creates millions of small objects and no reference cycles; the cyclic
garbage collector would rescan them again and again (loading time grew quadratically). It is
paused while a map is built, and what was built is then frozen out of its scans
(`gc.freeze`): reference counting still frees it when it is dropped."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
