"""The bridge from stored incidents to the map, impact and plan engines, with caches so that
fifty screens polling the board cost one assessment per change."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from bascule.crisis.models import Hit, Incident
from bascule.hospital.loading import load_map_text
from bascule.hospital.model import HospitalMap
from bascule.impact import Hits, Impact, assess

Value = TypeVar("Value")


class _Cache:
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


_maps = _Cache(8)
_impacts = _Cache(64)


def parse_map(text: str, source: str) -> HospitalMap:
    """The map in `text` (YAML or JSON), or a MapError listing every problem."""
    return load_map_text(text, source=source, is_json=text.lstrip().startswith("{"))


def hospital_map(incident: Incident) -> HospitalMap:
    return _maps.get(incident.map_sha256, lambda: parse_map(incident.map_text, incident.map_source))


def active_hits(incident: Incident) -> Hits:
    down: list[str] = []
    isolate: list[str] = []
    suppliers: list[str] = []
    kinds = {Hit.NODE: down, Hit.SEGMENT: isolate, Hit.SUPPLIER: suppliers}
    for kind, target in (
        incident.hits.filter(lifted_at__isnull=True).order_by("id").values_list("kind", "target")
    ):
        kinds[kind].append(target)
    return Hits(tuple(down), tuple(isolate), tuple(suppliers))


def impact_of(hospital: HospitalMap, hits: Hits, key: Hashable) -> Impact:
    return _impacts.get(
        (key, hits.down, hits.isolate, hits.suppliers),
        lambda: assess(hospital, hits.down, hits.isolate, hits.suppliers),
    )


def current_impact(incident: Incident) -> Impact:
    return impact_of(hospital_map(incident), active_hits(incident), incident.map_sha256)
