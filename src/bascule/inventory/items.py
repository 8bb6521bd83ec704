"""What every inventory source reads into: items (assets and applications of the map to be), each
with where it came from, and the problems found on the way, each located in the source.

A source adapter (our CSV layout, a GLPI list export or its REST API, NetBox's REST API) turns what
it reads into `InventoryItem`s and `SourceProblem`s; `bascule.inventory.draft` turns items into a map
document, merged with the hand-written sections, and validates it. Ids are the map's; `origin` says
where an item was read ("inventory.csv:12", "glpi:Computer/42", "netbox:dcim.device/7") and goes
into the draft's header comment and into every problem about the item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

ItemKind = Literal["asset", "application"]
ASSET: Final = "asset"
APPLICATION: Final = "application"
KINDS: tuple[ItemKind, ...] = (ASSET, APPLICATION)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item or a problem was read: a file and its line (the header is line 1), or an API
    object (`source` "glpi" or "netbox", `line` None, `object` like "Computer/42")."""

    source: str
    line: int | None = None
    object: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        if self.object is not None:
            return f"{self.source}:{self.object}"
        return self.source


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One asset or application of the map to be. `type` is the inventory's word for it (server, vm,
    workstation, switch, storage, link, service, database, ...); `needs` are ids of other items (or of
    hand-written nodes); `count` is how many identical items a pool row stands for (workstations)."""

    id: str
    kind: ItemKind
    origin: Origin
    name: str = ""
    type: str = ""
    site: str = ""
    segment: str = ""
    supplier: str = ""
    needs: tuple[str, ...] = ()
    restore_hours: float | None = None
    skills: tuple[str, ...] = ()
    count: int | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("an inventory item has an id")
        if self.kind not in KINDS:
            raise ValueError(f"an inventory item is an asset or an application, not {self.kind!r}")
        if self.restore_hours is not None and (
            not math.isfinite(self.restore_hours) or self.restore_hours <= 0
        ):
            raise ValueError("restore_hours is a positive number of hours")
        if self.count is not None and self.count < 1:
            raise ValueError("count is at least 1")


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """Something wrong in the source, said in English and French, at `origin`."""

    origin: Origin
    message: str
    fr: str

    def located(self, lang: str = "en") -> str:
        return f"{self.origin}: {self.fr if lang == 'fr' else self.message}"


@dataclass(frozen=True, slots=True)
class NamedThing:
    """A site, a segment or a supplier the source names (so the draft can declare it)."""

    id: str
    name: str = ""
    site: str = ""


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything one source gave: items, the sites, segments and suppliers they name, problems."""

    items: tuple[InventoryItem, ...]
    sites: tuple[NamedThing, ...] = ()
    segments: tuple[NamedThing, ...] = ()
    suppliers: tuple[NamedThing, ...] = ()
    problems: tuple[SourceProblem, ...] = ()
    source: str = ""
