"""What is kept ready between incidents (pure): the downtime stations' last verified bundle and the
printed paper kits, as facts the adapters read (`reading.py`), judged here against their maximum age."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from bascule.hospital.model import HospitalMap
from bascule.kits.assemble import kit_file_name
from bascule.readiness.findings import Finding
from bascule.snapshot.freshness import format_instant

DEFAULT_STATION_MAX_AGE = timedelta(hours=2)  # as `station serve` and `station check`
DEFAULT_KIT_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class StationFacts:
    """What a station's private state says: the data time of the bundle it verified last (None:
    none yet) and the bundles newer than it that the ransomware guard quarantined."""

    folder: str
    data_time: datetime | None
    quarantined: tuple[str, ...] = ()


@dataclass(frozen=True)
class KitFacts:
    """A printed kit file and when it was printed (its own record, else the file's time)."""

    file_name: str
    printed_at: datetime


def station_findings(station: StationFacts, now: datetime, max_age: timedelta) -> list[Finding]:
    found: list[Finding] = []
    if station.data_time is None:
        found.append(Finding("station_no_bundle", "high", station.folder))
    else:
        age = now - station.data_time
        if age > max_age:
            facts = {
                "data_time": format_instant(station.data_time),
                "age_seconds": int(age.total_seconds()),
                "max_age_seconds": int(max_age.total_seconds()),
            }
            found.append(Finding("station_stale", "high", station.folder, facts))
    if station.quarantined:
        found.append(Finding("station_quarantined", "high", station.folder, {"bundles": station.quarantined}))
    return found


@dataclass(frozen=True)
class KitReview:
    """The kits folder against the map's care units: which units have no kit, which kits are old."""

    hospital_map: HospitalMap
    kits: Sequence[KitFacts]
    now: datetime
    max_age: timedelta

    def is_old(self, kit: KitFacts) -> bool:
        return self.now - kit.printed_at > self.max_age

    @property
    def units_without_kit(self) -> list[str]:
        present = {kit.file_name for kit in self.kits}
        return [u.id for u in self.hospital_map.units if kit_file_name(u.id) not in present]

    @property
    def share_ready(self) -> Fraction:
        """Units with a kit young enough among the map's units (a map without units: among the kits)."""
        fresh = {kit.file_name for kit in self.kits if not self.is_old(kit)}
        units = self.hospital_map.units
        if units:
            return Fraction(sum(kit_file_name(u.id) in fresh for u in units), len(units))
        return Fraction(len(fresh), len(self.kits)) if self.kits else Fraction(0)

    def findings(self) -> list[Finding]:
        found = [Finding("kit_missing", "medium", unit_id) for unit_id in self.units_without_kit]
        for kit in sorted(self.kits, key=lambda k: k.file_name):
            if self.is_old(kit):
                age = self.now - kit.printed_at
                facts = {
                    "printed_at": format_instant(kit.printed_at),
                    "age_seconds": int(age.total_seconds()),
                    "max_age_seconds": int(self.max_age.total_seconds()),
                }
                found.append(Finding("kit_old", "medium", kit.file_name, facts))
        return found
