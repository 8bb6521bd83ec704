"""FHIR R4 resources (JSON) to clinical records: the dispatcher over one module per family.

`to_record(resource, default_version, reading)` returns the record, or raises MalformedResource
whose reason names fields only, never values: a reason may be shown and logged, patient data may not.
Its version is meta.lastUpdated, else `default_version` (the intake replaces it by a content hash).
Resource types not in RESOURCE_TYPES are not records: the intake counts them as skipped.
The families: fhir_people (Patient, Practitioner), fhir_places (Location, Encounter), fhir_care
(AllergyIntolerance, Flag, Condition, Appointment), fhir_medications (MedicationRequest,
MedicationAdministration), fhir_observations (Observation); their codes are in fhir_codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any

from bascule.clinical.records import (
    Activity,
    Administration,
    Alert,
    Allergy,
    CareLocation,
    ClinicalRecord,
    LabResult,
    MedicationOrder,
    Patient,
    Practitioner,
    Problem,
    Stay,
    version_stamp,
)
from bascule.sources.fhir_care import activity_record, alert_record, allergy_record, problem_record
from bascule.sources.fhir_codes import ACTIVITY_KIND_SYSTEM, BLOOD_GROUP_SNOMED, LOINC, NATIONAL_SYSTEMS
from bascule.sources.fhir_fields import MalformedResource, Reading, as_moment, as_object
from bascule.sources.fhir_medications import administration_record, order_record
from bascule.sources.fhir_observations import result_record
from bascule.sources.fhir_people import patient_record, practitioner_record
from bascule.sources.fhir_places import location_record, stay_record

__all__ = [
    "ACTIVITY_KIND_SYSTEM",
    "BLOOD_GROUP_SNOMED",
    "LOINC",
    "NATIONAL_SYSTEMS",
    "RECORD_CLASS_OF",
    "RESOURCE_TYPES",
    "resource_identity",
    "to_record",
]

RESOURCE_TYPES: tuple[str, ...] = (
    "Location",
    "Practitioner",
    "Patient",
    "Encounter",
    "AllergyIntolerance",
    "Flag",
    "Condition",
    "MedicationRequest",
    "MedicationAdministration",
    "Observation",
    "Appointment",
)

Builder = Callable[[Mapping[str, Any], str, str, Reading], ClinicalRecord]

_BUILDERS: Mapping[str, Builder] = {
    "Patient": patient_record,
    "Location": location_record,
    "Encounter": stay_record,
    "AllergyIntolerance": allergy_record,
    "Flag": alert_record,
    "Condition": problem_record,
    "MedicationRequest": order_record,
    "MedicationAdministration": administration_record,
    "Observation": result_record,
    "Appointment": activity_record,
    "Practitioner": practitioner_record,
}

RECORD_CLASS_OF: Mapping[str, type[ClinicalRecord]] = {
    "Patient": Patient, "Location": CareLocation, "Encounter": Stay, "AllergyIntolerance": Allergy,
    "Flag": Alert, "Condition": Problem, "MedicationRequest": MedicationOrder,
    "MedicationAdministration": Administration, "Observation": LabResult, "Appointment": Activity,
    "Practitioner": Practitioner,
}  # fmt: skip


def resource_identity(resource: Any) -> tuple[str, str | None]:
    """(resourceType, id) as far as they can be read, for reporting."""
    if not isinstance(resource, dict):
        return "unknown", None
    kind = resource.get("resourceType")
    rid = resource.get("id")
    return (
        kind if isinstance(kind, str) and kind.isalpha() else "unknown",
        rid if isinstance(rid, str) and 0 < len(rid) <= 64 else None,
    )


def _version(last_updated: Any, default_version: str) -> str:
    """The version stamp of meta.lastUpdated; the common UTC form is reshaped without a full parse."""
    text = last_updated if isinstance(last_updated, str) else ""
    if len(text) in (20, 24) and text[-1] == "Z" and text[19] in ".Z":
        separators = (text[4], text[7], text[10], text[13], text[16])
        digits = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:19] + text[20:23]
        if separators == ("-", "-", "T", ":", ":") and digits.isdigit():
            try:
                time(int(text[11:13]), int(text[14:16]), int(text[17:19]))
                date(int(text[:4]), int(text[5:7]), int(text[8:10]))
            except ValueError:
                raise MalformedResource("meta.lastUpdated is not a valid instant") from None
            return f"{text[:19]}.{text[20:23] if len(text) == 24 else '000'}000Z"
    updated = as_moment(last_updated, "meta.lastUpdated")
    return version_stamp(updated) if updated is not None else default_version


def to_record(resource: Any, default_version: str, reading: Reading | None = None) -> ClinicalRecord:
    """The record for one FHIR R4 resource; MalformedResource says why it cannot be used.

    `reading` carries the hospital's settings and collects the doubts met on the way."""
    if not isinstance(resource, dict):
        raise MalformedResource("the resource is not a JSON object")
    kind = resource.get("resourceType")
    builder = _BUILDERS.get(kind) if isinstance(kind, str) else None
    if builder is None:
        raise MalformedResource("resourceType is missing or not a resource type Bascule keeps")
    rid = resource.get("id")
    if not isinstance(rid, str) or not rid:
        raise MalformedResource("id is missing")
    version = _version(as_object(resource.get("meta"), "meta").get("lastUpdated"), default_version)
    try:
        return builder(resource, rid, version, reading if reading is not None else Reading())
    except MalformedResource:
        raise
    except ValueError as invalid:  # the record's own checks: messages name ids and fields only
        raise MalformedResource(str(invalid)) from None
    except (TypeError, AttributeError, KeyError) as broken:
        raise MalformedResource(f"unexpected structure ({type(broken).__name__})") from None
