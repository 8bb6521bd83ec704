"""The map and the impact of an incident, parsed and assessed once per change: fifty screens
polling the board cost one assessment, not fifty."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from bascule.hospital.loading import load_map_text
from bascule.hospital.model import HospitalMap
from bascule.impact import Hits, Impact, assess
from bascule.incident.model import Incident

Value = TypeVar("Value")


class BoundedCache:
    """A small thread-safe LRU: the maps and impacts of the open incidents."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_maps = BoundedCache(8)
_impacts = BoundedCache(64)


def parse_map(text: str, source: str) -> HospitalMap:
    """The map in `text` (YAML or JSON), or a MapError listing every problem."""
    return load_map_text(text, source=source, is_json=text.lstrip().startswith("{"))


def map_of(map_text: str, map_source: str, map_sha256: str) -> HospitalMap:
    return _maps.get(map_sha256, lambda: parse_map(map_text, map_source))


def incident_map(incident: Incident) -> HospitalMap:
    return map_of(incident.map_text, incident.map_source, incident.map_sha256)


def impact_of(hospital: HospitalMap, hits: Hits, key: Hashable) -> Impact:
    return _impacts.get((key, hits.down, hits.isolate, hits.suppliers), lambda: assess(hospital, hits))
