"""Building a large map creates millions of small objects and no reference cycles; the cyclic
garbage collector would rescan them again and again (loading time grew quadratically). It is
paused while a map is built.

Freezing what was built out of the collector's scans (`gc.freeze`) pins it, and everything else
alive at that moment, for the rest of the process: worth it in a one-shot command, a leak in a
long-running server that loads maps again and again. So the library never freezes by itself; the
command line's entry point asks for it (`freeze_after_building(True)`), and a long-running face
(the crisis web application) turns it off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_freeze_after_building = False


def freeze_after_building(enabled: bool) -> None:
    """Whether a finished build is frozen out of the collector's scans: a process-wide choice."""
    global _freeze_after_building
    _freeze_after_building = enabled


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freeze_after_building:
            gc.freeze()
        if was_enabled:
            gc.enable()
