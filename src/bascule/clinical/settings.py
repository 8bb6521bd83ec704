"""The hospital's settings that reading clinical data depends on (pure).

A source writes times without an offset in the hospital's wall-clock zone, names its MRN with the
hospital's own identifier systems, prescribes "BID" meaning the ward's standard round times, and
places patients with its own location codes. These settings come from the map's `hospital` header
and `units` (contract 1), travel to every command that reads a source, and are recorded in the
continuity store (`store_meta`) so that the sealed copy is read the way it was written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, time, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from bascule.hospital.model import HospitalMap

# Standard administration times of the common timing codes (HL7 v3 GTSAbbreviation), used when the
# map says nothing: a ward's usual rounds. `hospital.med_times` overrides any of them.
DEFAULT_MED_TIMES: Mapping[str, tuple[str, ...]] = {
    "QD": ("08:00",),
    "QOD": ("08:00",),
    "AM": ("08:00",),
    "PM": ("18:00",),
    "BID": ("08:00", "20:00"),
    "TID": ("08:00", "14:00", "20:00"),
    "QID": ("08:00", "12:00", "16:00", "20:00"),
    "Q4H": ("02:00", "06:00", "10:00", "14:00", "18:00", "22:00"),
    "Q6H": ("00:00", "06:00", "12:00", "18:00"),
    "Q8H": ("06:00", "14:00", "22:00"),
    "Q12H": ("08:00", "20:00"),
    "HS": ("22:00",),
}
# Times of the day a FHIR `timing.repeat.when` names (EventTiming), as a ward reads them.
DEFAULT_EVENT_TIMES: Mapping[str, str] = {
    "MORN": "08:00",
    "MORN.early": "07:00",
    "MORN.late": "10:00",
    "NOON": "12:00",
    "AFT": "14:00",
    "AFT.early": "13:00",
    "AFT.late": "16:00",
    "EVE": "18:00",
    "EVE.early": "17:00",
    "EVE.late": "20:00",
    "NIGHT": "22:00",
    "PHS": "22:00",
    "HS": "22:00",
    "WAKE": "07:00",
    "C": "12:00",
    "CM": "08:00",
    "CD": "12:00",
    "CV": "19:00",
    "AC": "12:00",
    "ACM": "07:30",
    "ACD": "11:30",
    "ACV": "18:30",
    "PC": "13:00",
    "PCM": "08:30",
    "PCD": "12:30",
    "PCV": "19:30",
}
MED_TIME_CODES: tuple[str, ...] = tuple(DEFAULT_MED_TIMES)
META_KEYS: tuple[str, ...] = (
    "timezone",
    "country",
    "mrn_systems",
    "med_times",
    "unit_locations",
    "unit_names",
)


def parse_clock(text: str) -> time:
    """'08:00' -> time(8, 0); ValueError if it is not a wall-clock time HH:MM."""
    if len(text) != 5 or text[2] != ":":
        raise ValueError(f"{text!r} is not a time HH:MM")
    return time(int(text[:2]), int(text[3:]))


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class HospitalSettings:
    """How to read this hospital's sources; the defaults read UTC and assume nothing."""

    timezone: str = "UTC"
    country: str | None = None
    mrn_systems: tuple[str, ...] = ()
    # Overrides of DEFAULT_MED_TIMES, code -> sorted "HH:MM" times.
    med_times: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Source location code (FHIR Location id, HL7 PV1-3 point of care) -> care unit id.
    unit_locations: Mapping[str, str] = field(default_factory=dict)
    # Care unit id -> the name the map gives it, for the census of units named by location codes.
    unit_names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not known_zone(self.timezone):
            raise ValueError(f"unknown time zone {self.timezone!r}; give an IANA name like Europe/Paris")
        for code, times in self.med_times.items():
            for text in times:
                parse_clock(text)
            if list(times) != sorted(set(times)):
                raise ValueError(f"med_times {code}: times must be sorted and unique")

    @property
    def zone(self) -> tzinfo:
        # ZoneInfo keeps one instance per name: this is a dictionary look-up after the first call.
        return UTC if self.timezone == "UTC" else ZoneInfo(self.timezone)

    def times_of(self, code: str) -> tuple[time, ...] | None:
        """The standard administration times of a timing code (BID, Q8H...), or None if unknown."""
        key = code.upper()
        texts = self.med_times.get(key) or DEFAULT_MED_TIMES.get(key)
        return None if texts is None else tuple(parse_clock(text) for text in texts)

    def time_of_event(self, when: str) -> time | None:
        """The wall-clock time of a FHIR EventTiming code (MORN, HS, ACM...), or None if unknown."""
        text = DEFAULT_EVENT_TIMES.get(when)
        return None if text is None else parse_clock(text)

    def unit_of(self, location_code: str) -> str | None:
        """The care unit a source location code is mapped to by the map, if any."""
        return self.unit_locations.get(location_code)

    def to_meta(self) -> dict[str, str]:
        """The store_meta entries that record these settings."""
        return {
            "timezone": self.timezone,
            "country": self.country or "",
            "mrn_systems": json.dumps(list(self.mrn_systems)),
            "med_times": json.dumps({code: list(times) for code, times in sorted(self.med_times.items())}),
            "unit_locations": json.dumps(dict(sorted(self.unit_locations.items()))),
            "unit_names": json.dumps(dict(sorted(self.unit_names.items()))),
        }

    @classmethod
    def from_meta(cls, meta: Mapping[str, str]) -> HospitalSettings:
        """The settings a store recorded; a store that recorded none reads as the defaults."""

        def loaded(key: str, empty: object) -> object:
            text = meta.get(key, "")
            return json.loads(text) if text else empty

        zone = meta.get("timezone", "") or "UTC"
        med_times = loaded("med_times", {})
        unit_locations = loaded("unit_locations", {})
        unit_names = loaded("unit_names", {})
        mrn_systems = loaded("mrn_systems", [])
        assert isinstance(med_times, dict) and isinstance(unit_locations, dict)
        assert isinstance(unit_names, dict)
        assert isinstance(mrn_systems, list)
        return cls(
            timezone=zone if known_zone(zone) else "UTC",
            country=meta.get("country") or None,
            mrn_systems=tuple(str(system) for system in mrn_systems),
            med_times={str(code): tuple(times) for code, times in med_times.items()},
            unit_locations={str(code): str(unit) for code, unit in unit_locations.items()},
            unit_names={str(unit): str(name) for unit, name in unit_names.items()},
        )


def settings_of(hospital_map: HospitalMap) -> HospitalSettings:
    """The reading settings a hospital map declares (its header and its units' location codes)."""
    header = hospital_map.hospital
    unit_locations = {code: unit.id for unit in hospital_map.units for code in unit.location_codes}
    return HospitalSettings(
        timezone=header.timezone or "UTC",
        country=header.country,
        mrn_systems=header.mrn_systems,
        med_times=dict(header.med_times),
        unit_locations=unit_locations,
        unit_names={unit.id: unit.name for unit in hospital_map.units if unit.name},
    )
