"""Map ids made from an inventory's names: lower-case ASCII slugs, unique, collisions suffixed.

GLPI and other inventories name things ("SRV-DPI-01", "Bâtiment A"); the map wants ids. Two names
that slug alike ("SRV DPI 01" and "srv-dpi-01") get "-2", "-3", ... and the caller reports it.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """`name` as an id: accents dropped, lower case, runs of anything else as one "-"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NOT_ID.sub("-", ascii_name.lower()).strip("-")


class IdAllocator:
    """Gives each name a unique id; `allocate` says whether the plain slug was already taken."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken: set[str] = set(taken or ())

    def allocate(self, name: str, fallback: str) -> tuple[str, bool]:
        """(id, collided): the slug of `name` (or of `fallback` when `name` slugs to nothing),
        suffixed "-2", "-3", ... when already given."""
        base = slug(name) or slug(fallback)
        candidate, suffix = base, 1
        while candidate in self._taken:
            suffix += 1
            candidate = f"{base}-{suffix}"
        self._taken.add(candidate)
        return candidate, candidate != base
