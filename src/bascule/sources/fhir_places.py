"""FHIR Location and Encounter to records: where a patient lies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bascule.clinical.records import (
    CareLocation,
    Stay,
)
from bascule.sources.fhir_codes import (
    LOCATION_KINDS,
)
from bascule.sources.fhir_fields import (
    Reading,
    as_concept,
    as_list,
    as_moment,
    as_object,
    as_text,
    reference_id,
    required_reference,
)


def location_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> CareLocation:
    code = as_concept(resource.get("physicalType"), "physicalType")[0]
    kind = LOCATION_KINDS.get(code or "", "other")
    part_of = reference_id(resource.get("partOf"), "partOf", "Location")
    name = as_text(resource.get("name"), "name") or rid
    return CareLocation(
        id=rid,
        version=version,
        name=name,
        kind=kind,
        part_of=part_of,
        site=part_of if kind == "unit" else None,
    )


def stay_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Stay:
    unit = bed = None
    for item in as_list(resource.get("location"), "location"):
        entry = as_object(item, "location")
        where = reference_id(entry.get("location"), "location.location", "Location")
        kind = LOCATION_KINDS.get(as_concept(entry.get("physicalType"), "location.physicalType")[0] or "")
        if kind == "unit":
            unit = where
        elif where is not None:
            bed = where
    attending = None
    for item in as_list(resource.get("participant"), "participant"):
        entry = as_object(item, "participant")
        who = reference_id(entry.get("individual"), "participant.individual")
        roles = {as_concept(t, "participant.type")[0] for t in as_list(entry.get("type"), "participant.type")}
        if who and (attending is None or "ATND" in roles):
            attending = who
    period = as_object(resource.get("period"), "period")
    return Stay(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        status=as_text(resource.get("status"), "status") or "unknown",
        unit_id=unit,
        bed_location_id=bed,
        admitted_at=as_moment(period.get("start"), "period.start", reading.zone),
        discharged_at=as_moment(period.get("end"), "period.end", reading.zone),
        attending_id=attending,
    )
