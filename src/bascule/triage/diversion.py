"""Where patients go and whom to call when a care process is down with no fallback (pure).

Triage diverts an activity to the nearest facility (map `facilities`, by `distance_km`) with its
activity type's capability; the crisis board uses the same facilities for an uncovered process,
with the capability the process names, else those of the activity types that need it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bascule.hospital.model import COORDINATION_ROLES, CareProcess, Contact, Facility, HospitalMap


def facilities_with(hospital: HospitalMap, capability: str | None) -> list[Facility]:
    """The facilities that list `capability`, the nearest first (ties in id order)."""
    if not capability:
        return []
    capable = [f for f in hospital.facilities if capability in f.capabilities]
    return sorted(capable, key=lambda f: (f.distance_km, f.id))


def capabilities_for(hospital: HospitalMap, process: CareProcess) -> tuple[str, ...]:
    """What a facility must have to take the process's patients: the process's own `capability`,
    else the capabilities of the activity types that need it, in map order."""
    if process.capability:
        return (process.capability,)
    found: list[str] = []
    for activity_type in hospital.activities:
        wanted = activity_type.capability
        if wanted and process.id in activity_type.processes and wanted not in found:
            found.append(wanted)
    return tuple(found)


def coordination_contacts(hospital: HospitalMap) -> list[Contact]:
    """The SAMU first, then the ambulance coordination, as the map lists them (`contacts`)."""
    ranked = [c for c in hospital.contacts if c.role in COORDINATION_ROLES]
    return sorted(ranked, key=lambda c: COORDINATION_ROLES.index(c.role))


@dataclass(frozen=True, slots=True)
class WhatToDoNow:
    """For an uncovered process: the capabilities needed, the nearest facilities with one of them,
    and the coordination to call."""

    capabilities: tuple[str, ...]
    facilities: tuple[Facility, ...]
    contacts: tuple[Contact, ...]


def what_to_do_now(hospital: HospitalMap, process: CareProcess, nearest: int = 3) -> WhatToDoNow:
    capabilities = capabilities_for(hospital, process)
    seen: dict[str, Facility] = {}
    for capability in capabilities:
        for facility in facilities_with(hospital, capability):
            seen.setdefault(facility.id, facility)
    ranked = sorted(seen.values(), key=lambda f: (f.distance_km, f.id))[:nearest]
    return WhatToDoNow(capabilities, tuple(ranked), tuple(coordination_contacts(hospital)))
