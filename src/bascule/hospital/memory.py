"""Building a large map creates millions of small objects and no cycles; the cyclic garbage
collector would rescan them again and again (loading time grew quadratically), so it is
paused while a map is built."""

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
        if was_enabled:
            gc.enable()
