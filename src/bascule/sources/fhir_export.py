"""The continuity store as FHIR R4 bulk data (NDJSON, one file per resource type).

The inverse of fhir_records: every record becomes the resource that would be read back as the
same record, so an export imported into an empty store gives the same store. What FHIR cannot
carry without a Location (a room or bed known only as text, from HL7) goes as a display only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
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
)
from bascule.snapshot.store import ContinuityStore
from bascule.snapshot.versions import is_time_version
from bascule.sources.bulk import write_ndjson
from bascule.sources.fhir_records import ACTIVITY_KIND_SYSTEM, BLOOD_GROUP_SNOMED, LOINC

Resource = dict[str, Any]
_KIND_CODES = {"site": "si", "unit": "wa", "room": "ro", "bed": "bd"}
_SYSTEM_OF_NATIONAL = {"INS": "urn:oid:1.2.250.1.213.1.4.8", "NHS": "https://fhir.nhs.uk/Id/nhs-number"}
_SNOMED_OF_GROUP = {group: code for code, group in BLOOD_GROUP_SNOMED.items()}


def _compact(resource: Resource) -> Resource:
    """Drop the empty parts: FHIR forbids empty elements."""
    return {key: value for key, value in resource.items() if value not in (None, [], {}, "")}


def _instant(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _meta(record: ClinicalRecord) -> dict[str, str]:
    """meta.lastUpdated from the version stamp (milliseconds, as FHIR servers write it); none for a
    record the source gave no update time (its version is a content hash)."""
    if not is_time_version(record.version):
        return {}
    return {"lastUpdated": record.version[:23] + "Z"}


def _ref(kind: str, rid: str | None) -> dict[str, str] | None:
    return {"reference": f"{kind}/{rid}"} if rid else None


def _concept(code: str | None, text: str | None, system: str | None = None) -> Resource | None:
    coding = _compact({"system": system, "code": code})
    return _compact({"coding": [coding] if coding else [], "text": text}) or None


def _quantity(value: float | None, unit: str | None) -> Resource | None:
    return _compact({"value": value, "unit": unit}) or None


def _name(family: str, given: str) -> list[Resource]:
    return [_compact({"use": "official", "family": family, "given": given.split()})]


def _telecom(phone: str | None, email: str | None) -> list[Resource]:
    points = [{"system": "phone", "value": phone}] if phone else []
    return points + ([{"system": "email", "value": email}] if email else [])


def _patient(p: Patient) -> Resource:
    identifiers: list[Resource] = []
    if p.mrn:
        identifiers.append({"type": {"coding": [{"code": "MR"}]}, "value": p.mrn})
    if p.national_number and p.national_system in _SYSTEM_OF_NATIONAL:
        identifiers.append({"system": _SYSTEM_OF_NATIONAL[p.national_system], "value": p.national_number})
    return _compact(
        {
            "resourceType": "Patient",
            "id": p.id,
            "meta": _meta(p),
            "identifier": identifiers,
            "name": _name(p.family, p.given),
            "gender": p.sex,
            "birthDate": p.birth_date.isoformat() if p.birth_date else None,
            "telecom": _telecom(p.phone, p.email),
        }
    )


def _location(place: CareLocation) -> Resource:
    code = _KIND_CODES.get(place.kind)
    return _compact(
        {
            "resourceType": "Location",
            "id": place.id,
            "meta": _meta(place),
            "name": place.name,
            "physicalType": {"coding": [{"code": code}]} if code else None,
            "partOf": _ref("Location", place.part_of),
        }
    )


def _stay(stay: Stay) -> Resource:
    places: list[Resource] = []
    if stay.unit_id:
        places.append(
            {"location": _ref("Location", stay.unit_id), "physicalType": {"coding": [{"code": "wa"}]}}
        )
    if stay.bed_location_id:
        places.append(
            {"location": _ref("Location", stay.bed_location_id), "physicalType": {"coding": [{"code": "bd"}]}}
        )
    elif stay.room or stay.bed:
        places.append({"location": {"display": " ".join(part for part in (stay.room, stay.bed) if part)}})
    attending = [
        {"type": [{"coding": [{"code": "ATND"}]}], "individual": _ref("Practitioner", stay.attending_id)}
    ]
    return _compact(
        {
            "resourceType": "Encounter",
            "id": stay.id,
            "meta": _meta(stay),
            "status": stay.status,
            "class": {"code": "IMP"},
            "subject": _ref("Patient", stay.patient_id),
            "period": _compact({"start": _instant(stay.admitted_at), "end": _instant(stay.discharged_at)}),
            "participant": attending if stay.attending_id else [],
            "location": places,
        }
    )


def _allergy(a: Allergy) -> Resource:
    reaction = [{"manifestation": [{"text": a.reaction}]}] if a.reaction else []
    return _compact(
        {
            "resourceType": "AllergyIntolerance",
            "id": a.id,
            "meta": _meta(a),
            "clinicalStatus": _concept(a.status, None),
            "category": [a.category] if a.category else [],
            "criticality": a.criticality,
            "code": _concept(a.code, a.substance),
            "patient": _ref("Patient", a.patient_id),
            "reaction": reaction,
        }
    )


def _alert(a: Alert) -> Resource:
    return _compact(
        {
            "resourceType": "Flag",
            "id": a.id,
            "meta": _meta(a),
            "status": a.status,
            "category": [{"coding": [{"code": a.category}]}] if a.category else [],
            "code": _concept(a.code, a.text),
            "subject": _ref("Patient", a.patient_id),
        }
    )


def _problem(p: Problem) -> Resource:
    return _compact(
        {
            "resourceType": "Condition",
            "id": p.id,
            "meta": _meta(p),
            "clinicalStatus": _concept(p.status, None),
            "code": _concept(p.code, p.label, p.system),
            "subject": _ref("Patient", p.patient_id),
            "onsetDateTime": p.onset.isoformat() if p.onset else None,
        }
    )


def _order(o: MedicationOrder) -> Resource:
    dosage = _compact(
        {
            "text": o.frequency,
            "route": _concept(None, o.route),
            "timing": {"repeat": {"timeOfDay": [t.strftime("%H:%M:%S") for t in o.times]}}
            if o.times
            else None,
            "doseAndRate": [{"doseQuantity": _quantity(o.dose_value, o.dose_unit)}]
            if o.dose_value is not None or o.dose_unit
            else [],
            "asNeededBoolean": True if o.as_needed else None,
        }
    )
    validity = _compact({"start": _instant(o.start), "end": _instant(o.end)})
    return _compact(
        {
            "resourceType": "MedicationRequest",
            "id": o.id,
            "meta": _meta(o),
            "status": o.status,
            "intent": "order",
            "medicationCodeableConcept": _concept(o.drug_code, o.drug),
            "subject": _ref("Patient", o.patient_id),
            "requester": _ref("Practitioner", o.prescriber_id),
            "dosageInstruction": [dosage] if dosage else [],
            "dispenseRequest": {"validityPeriod": validity} if validity else None,
        }
    )


def _administration(a: Administration) -> Resource:
    return _compact(
        {
            "resourceType": "MedicationAdministration",
            "id": a.id,
            "meta": _meta(a),
            "status": a.status,
            "medicationCodeableConcept": _concept(None, a.drug),
            "subject": _ref("Patient", a.patient_id),
            "effectiveDateTime": _instant(a.given_at),
            "request": _ref("MedicationRequest", a.order_id),
            "performer": [{"actor": _ref("Practitioner", a.performer_id)}] if a.performer_id else [],
            "dosage": _compact(
                {"dose": _quantity(a.dose_value, a.dose_unit), "route": _concept(None, a.route)}
            ),
        }
    )


def _result(r: LabResult) -> Resource:
    value: Resource = {}
    if r.value is not None or r.unit:
        value["valueQuantity"] = _quantity(r.value, r.unit)
    if r.value_text is not None and r.is_blood_group:
        value["valueCodeableConcept"] = _concept(_SNOMED_OF_GROUP.get(r.value_text), r.value_text)
    elif r.value_text is not None:
        value["valueString"] = r.value_text
    reference = _compact({"low": _quantity(r.low, None), "high": _quantity(r.high, None)})
    return _compact(
        {
            "resourceType": "Observation",
            "id": r.id,
            "meta": _meta(r),
            "status": r.status,
            "code": _concept(r.code, r.label, LOINC),
            "subject": _ref("Patient", r.patient_id),
            "effectiveDateTime": _instant(r.effective_at),
            **value,
            "interpretation": [{"coding": [{"code": r.flag}]}] if r.flag else [],
            "referenceRange": [reference] if reference else [],
        }
    )


def _activity(a: Activity) -> Resource:
    actors = [("Patient", a.patient_id), ("Practitioner", a.practitioner_id), ("Location", a.unit_id)]
    return _compact(
        {
            "resourceType": "Appointment",
            "id": a.id,
            "meta": _meta(a),
            "status": a.status,
            "serviceCategory": [{"coding": [{"system": ACTIVITY_KIND_SYSTEM, "code": a.kind}]}],
            "description": a.description,
            "appointmentType": {"coding": [{"code": "EMERGENCY"}]} if a.urgency == "emergency" else None,
            "priority": 2 if a.urgency == "urgent" else None,
            "start": _instant(a.start),
            "end": _instant(a.end),
            "participant": [{"actor": _ref(kind, rid), "status": "accepted"} for kind, rid in actors if rid],
        }
    )


def _practitioner(p: Practitioner) -> Resource:
    return _compact(
        {
            "resourceType": "Practitioner",
            "id": p.id,
            "meta": _meta(p),
            "name": _name(p.family, p.given),
            "telecom": _telecom(p.phone, p.email),
            "qualification": [{"code": {"text": p.specialty}}] if p.specialty else [],
        }
    )


_EXPORTERS: Mapping[type[Any], tuple[str, Callable[[Any], Resource]]] = {
    CareLocation: ("Location", _location),
    Practitioner: ("Practitioner", _practitioner),
    Patient: ("Patient", _patient),
    Stay: ("Encounter", _stay),
    Allergy: ("AllergyIntolerance", _allergy),
    Alert: ("Flag", _alert),
    Problem: ("Condition", _problem),
    MedicationOrder: ("MedicationRequest", _order),
    Administration: ("MedicationAdministration", _administration),
    LabResult: ("Observation", _result),
    Activity: ("Appointment", _activity),
}


def to_resource(record: ClinicalRecord) -> Resource:
    """The FHIR R4 resource that reads back as this record."""
    return _EXPORTERS[type(record)][1](record)


def export_store(store: ContinuityStore, folder: Path) -> dict[str, int]:
    """Write every record of the store as FHIR bulk NDJSON in `folder`; return the counts per type."""
    resources: dict[str, Iterator[Resource]] = {
        kind: (to_resource(record) for record in store.records(record_class))
        for record_class, (kind, _export) in _EXPORTERS.items()
    }
    counts = dict.fromkeys(resources, 0)

    def counted(kind: str, items: Iterator[Resource]) -> Iterator[Resource]:
        for item in items:
            counts[kind] += 1
            yield item

    write_ndjson({kind: counted(kind, items) for kind, items in resources.items()}, folder)
    return counts
