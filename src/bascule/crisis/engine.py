"""The bridge from stored incidents (Django rows) to the map and impact of the application layer,
whose caches make fifty screens polling the board cost one assessment per change."""

from __future__ import annotations

from collections.abc import Hashable

from bascule.crisis.models import Hit, Incident
from bascule.hospital.model import HospitalMap
from bascule.impact import Hits, Impact
from bascule.incident import maps
from bascule.incident.maps import parse_map

__all__ = ["active_hits", "current_impact", "hospital_map", "impact_of", "parse_map"]


def hospital_map(incident: Incident) -> HospitalMap:
    return maps.map_of(incident.map_text, incident.map_source, incident.map_sha256)


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
    return maps.impact_of(hospital, hits, key)


def current_impact(incident: Incident) -> Impact:
    return impact_of(hospital_map(incident), active_hits(incident), incident.map_sha256)
