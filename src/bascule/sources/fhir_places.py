"""FHIR Location and Encounter to records: where a patient lies.

An Encounter lists its locations with a status (planned | active | reserved | completed) and a
period; real exports list [bed, room, ward], the ward alone, or a completed bed before the active
one. A stay keeps every entry with its status, latest first; which is current and which care unit
it is in is found when the store is read (`bascule.clinical.placement`), through the Location
hierarchy that may arrive after the Encounter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bascule.clinical.placement import IDENTIFIED
from bascule.clinical.records import CareLocation, Stay, StayPlace
from bascule.sources.fhir_codes import ENCOUNTER_STATUSES, LOCATION_KINDS
from bascule.sources.fhir_fields import (
    MalformedResource,
    Reading,
    as_concept,
    as_list,
    as_moment,
    as_object,
    as_text,
    conditional_identifier,
    reference_id,
    reference_parts,
    required_reference,
)

_NEVER = datetime.min.replace(tzinfo=UTC)
# Encounter.location.status (R4): only an active entry, or one without status, is where one lies.
_LOCATION_STATUSES = (None, "planned", "active", "reserved", "completed")
# Who can attend a stay; a RelatedPerson (a parent, an escort) never does.
_CARER_TYPES = (None, "Practitioner", "PractitionerRole")


def location_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> CareLocation:
    code = as_concept(resource.get("physicalType"), "physicalType")[0]
    kind = LOCATION_KINDS.get(code or "", "other")
    part_of = reference_id(resource.get("partOf"), "partOf", "Location")
    name = as_text(resource.get("name"), "name") or rid
    identifiers = []
    for item in as_list(resource.get("identifier"), "identifier"):
        identifier = as_object(item, "identifier")
        value = as_text(identifier.get("value"), "identifier.value")
        if value:
            identifiers.append(f"{as_text(identifier.get('system'), 'identifier.system') or ''}|{value}")
    return CareLocation(
        id=rid,
        version=version,
        name=name,
        kind=kind,
        part_of=part_of,
        site=part_of if kind == "unit" else None,
        identifiers=tuple(sorted(set(identifiers))),
    )


def encounter_status(value: Any, reading: Reading) -> str:
    """The FHIR R4 code of an Encounter.status, read from R4, R5 and vendor spellings."""
    text = as_text(value, "status")
    if text is None:
        reading.warn("status is missing")
        return "unknown"
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    status = ENCOUNTER_STATUSES.get(key)
    if status is None:
        reading.warn("status is not a known Encounter status")
        return "unknown"
    return status


def _places(resource: Mapping[str, Any], reading: Reading) -> tuple[StayPlace, ...]:
    places = []
    for item in as_list(resource.get("location"), "location"):
        entry = as_object(item, "location")
        status = as_text(entry.get("status"), "location.status")
        if status not in _LOCATION_STATUSES:
            reading.warn("location.status is not a known code")
            status = "unknown"  # never read as where the patient is
        where, display = reference_parts(entry.get("location"), "location.location", "Location")
        searched = conditional_identifier(entry.get("location"), "location.location", "Location")
        if where is None and searched is not None:
            where = IDENTIFIED + searched  # found among the Locations when the store is read
        if where is None and display is None:
            continue
        declared = as_concept(entry.get("physicalType"), "location.physicalType")[0]
        period = as_object(entry.get("period"), "location.period")
        places.append(
            StayPlace(
                location_id=where,
                kind=LOCATION_KINDS.get(declared) if declared else None,
                display=display,
                start=as_moment(period.get("start"), "location.period.start", reading.zone),
                end=as_moment(period.get("end"), "location.period.end", reading.zone),
                status=status,
            )
        )
    # Latest first; entries without a start keep the order the source listed them in.
    return tuple(sorted(places, key=lambda place: place.start or _NEVER, reverse=True))


def _attending(resource: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(Practitioner id, name as given) of the attending: an ATND participant first, then one still
    taking part (no period end), then the latest to start."""
    found: list[tuple[tuple[bool, bool, datetime], str | None, str | None]] = []
    for item in as_list(resource.get("participant"), "participant"):
        entry = as_object(item, "participant")
        individual = as_object(entry.get("individual"), "participant.individual")
        reference = as_text(individual.get("reference"), "participant.individual.reference") or ""
        if "?" in reference:  # a conditional reference: "Practitioner?identifier=system|value"
            pointed: str | None = reference.partition("?")[0].rsplit("/", 1)[-1]
        else:
            pointed = reference.split("/")[-2] if reference.count("/") >= 1 else None
        declared = as_text(individual.get("type"), "participant.individual.type")
        kind = declared or pointed
        if kind not in _CARER_TYPES:
            continue
        who, display = reference_parts(individual, "participant.individual")
        if kind == "PractitionerRole":
            who = None  # not a Practitioner record Bascule keeps: its display is what can be shown
        if who is None and display is None:
            continue
        roles = {as_concept(t, "participant.type")[0] for t in as_list(entry.get("type"), "participant.type")}
        period = as_object(entry.get("period"), "participant.period")
        start = as_moment(period.get("start"), "participant.period.start") or _NEVER
        ongoing = period.get("end") is None
        found.append((("ATND" in roles, ongoing, start), who, display))
    if not found:
        return None, None
    _rank, who, display = max(found, key=lambda chosen: chosen[0])
    return who, display


def stay_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Stay:
    period = as_object(resource.get("period"), "period")
    attending_id, attending_display = _attending(resource)
    try:
        return Stay(
            id=rid,
            version=version,
            patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
            status=encounter_status(resource.get("status"), reading),
            places=_places(resource, reading),
            admitted_at=as_moment(period.get("start"), "period.start", reading.zone),
            discharged_at=as_moment(period.get("end"), "period.end", reading.zone),
            attending_id=attending_id,
            attending_display=attending_display,
        )
    except ValueError as invalid:
        raise MalformedResource(str(invalid)) from None
