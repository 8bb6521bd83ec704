"""Where a patient lies: a stay's source places resolved to a care unit, room and bed (pure).

A source names places with its own codes: FHIR Location ids (a bed, a room or a ward, linked by
`partOf`) and HL7 PV1-3 points of care. The map's units name the codes they cover
(`HospitalSettings.unit_locations`); a code the map does not name is in the ward (`wa`) above it.
This runs when the store is read, over every Location known then, so the census does not depend on
the order in which Locations and Encounters arrived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from bascule.clinical.records import CareLocation, LocationKind, Stay, StayPlace

# Most specific first: a bed says more than its room, a room more than its ward.
_RANK: Mapping[LocationKind | None, int] = {"bed": 0, "room": 1, None: 2, "other": 2, "unit": 3, "site": 4}

_NEVER = datetime.min.replace(tzinfo=UTC)
# The kit of the patients placed in no care unit: their sheets, so that none is left off paper.
NOT_PLACED = "not-placed"
NOT_PLACED_NAME = "Patients non placés / Patients not placed"
# A place given by a reference by identifier ("Location?identifier=system|value") is kept as this
# prefix and "system|value", and found among the Locations' identifiers when the store is read.
IDENTIFIED = "identifier:"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a current stay puts its patient; `unit_id` None means no known care unit.

    `source_code` is the place as the source gave it (most specific first), for a person to check."""

    stay_id: str
    unit_id: str | None
    room: str | None
    bed: str | None
    source_code: str | None


@dataclass(frozen=True)
class Places:
    """The hospital's Locations by id and the map's location codes: what resolving a place needs."""

    locations: Mapping[str, CareLocation]
    unit_locations: Mapping[str, str]
    # The map's care units, when it declares any: then a ward the map does not name is no unit (its
    # patients are "not placed", for the cell to see), not a unit of its own that no kit expects.
    map_units: frozenset[str] = frozenset()

    @cached_property
    def _identified(self) -> Mapping[str, str]:
        """Location id by "system|value" identifier (the first Location to claim one keeps it)."""
        found: dict[str, str] = {}
        for location in sorted(self.locations.values(), key=lambda location: location.id):
            for identifier in location.identifiers:
                found.setdefault(identifier, location.id)
        return found

    def resolved(self, code: str) -> str:
        """The Location id a place code names: itself, or the Location an identifier reference finds."""
        if code.startswith(IDENTIFIED):
            return self._identified.get(code[len(IDENTIFIED) :], code)
        return code

    def unit_of(self, code: str, declared: LocationKind | None = None) -> str | None:
        """The care unit of a location code: mapped by the map, else a ward, else the ward above it.

        A code no Location describes is a unit only if its source declared it one (`declared`).
        Where the map declares its units, only they are units."""
        found = self._unit_of(code, declared)
        return found if found is None or not self.map_units or found in self.map_units else None

    def _unit_of(self, code: str, declared: LocationKind | None) -> str | None:
        seen: set[str] = set()
        code = self.resolved(code)
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            mapped = self.unit_locations.get(current)
            if mapped is not None:
                return mapped
            location = self.locations.get(current)
            if location is None:
                return current if current == code and declared == "unit" else None
            if location.kind == "unit":
                return location.id
            current = location.part_of
        return None

    def location_of(self, place: StayPlace) -> CareLocation | None:
        return None if place.location_id is None else self.locations.get(self.resolved(place.location_id))

    def kind_of(self, place: StayPlace) -> LocationKind | None:
        location = self.location_of(place)
        return location.kind if location is not None else place.kind

    def label_of(self, place: StayPlace) -> str | None:
        location = self.location_of(place)
        return location.name if location is not None else (place.display or place.location_id)

    def room_above(self, place: StayPlace) -> str | None:
        location = self.location_of(place)
        above = self.locations.get(location.part_of) if location and location.part_of else None
        return above.name if above is not None and above.kind == "room" else None


def source_places(stay: Stay) -> tuple[StayPlace, ...]:
    """The places a stay names, latest first. An HL7 point of care (or a stay stored before places
    were kept) is in `unit_id`, the bed Location in `bed_location_id`; a FHIR stay in `places`.

    `unit_id` is set only by HL7 and older stores: the FHIR reader leaves it empty, so a stay an HL7
    transfer updated last reads its new point of care, not the places the Encounter had before."""
    if stay.unit_id is None and stay.bed_location_id is None:
        return stay.places
    named = []
    if stay.bed_location_id is not None:
        named.append(StayPlace(location_id=stay.bed_location_id))
    if stay.unit_id is not None:
        named.append(StayPlace(location_id=stay.unit_id, kind="unit"))
    return tuple(named)


def _source_code(stay: Stay, ranked: Sequence[StayPlace]) -> str | None:
    if stay.unit_id is not None:
        return " / ".join(part for part in (stay.unit_id, stay.room, stay.bed) if part)
    if not ranked:
        return None
    first = ranked[0]
    named = [part for part in (first.location_id, first.display) if part]
    return f"{named[0]} ({named[1]})" if len(named) == 2 else named[0]


def place_stay(stay: Stay, places: Places, at: datetime) -> Placement:
    """Where `stay` puts its patient at `at`: the most specific of its current places (latest first
    among equals) that leads to a care unit; room and bed from the most specific place."""
    current = [place for place in source_places(stay) if place.is_current_at(at)]
    ranked = sorted(enumerate(current), key=lambda pair: (_RANK.get(places.kind_of(pair[1]), 2), pair[0]))
    ordered = [place for _, place in ranked]
    unit = next(
        (
            found
            for place in ordered
            if place.location_id is not None and (found := places.unit_of(place.location_id, place.kind))
        ),
        None,
    )
    bed = room = None
    for place in ordered:
        kind = places.kind_of(place)
        if kind == "bed" and bed is None:
            bed = places.label_of(place)
            room = room or places.room_above(place)
        elif kind == "room" and room is None:
            room = places.label_of(place)
    first = ordered[0] if ordered else None
    if (
        first is not None
        and bed is None
        and room is None
        and places.kind_of(first) in (None, "other")
        and first.location_id not in places.unit_locations
    ):
        bed = places.label_of(first)  # a place of unknown kind, most likely a bed: keep its label
    return Placement(
        stay_id=stay.id,
        unit_id=unit,
        room=stay.room or room,
        bed=stay.bed or bed,
        source_code=_source_code(stay, ordered or list(source_places(stay))),
    )


def latest_stay(stays: Sequence[Stay]) -> Stay:
    """Of a patient's open stays, the one that began last (then the newest version)."""
    return max(stays, key=lambda stay: (stay.admitted_at or _NEVER, stay.version))


def unit_stayed_in(stay: Stay, places: Places) -> str | None:
    """The care unit an ended stay was in: its most specific place that leads to one, whatever the
    place's status or end (an ended stay's places are completed or closed, which `place_stay` rightly
    skips for where a patient lies now)."""
    ranked = sorted(
        enumerate(source_places(stay)), key=lambda pair: (_RANK.get(places.kind_of(pair[1]), 2), pair[0])
    )
    return next(
        (
            found
            for _, place in ranked
            if place.location_id is not None and (found := places.unit_of(place.location_id, place.kind))
        ),
        None,
    )
