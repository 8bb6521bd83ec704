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

from bascule.clinical.dosage import WEEKDAY_CODES, DoseLine
from bascule.clinical.placement import IDENTIFIED
from bascule.clinical.records import (
    NO_KNOWN_ALLERGY,
    SEE_SOURCE,
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
    StayPlace,
)
from bascule.snapshot.store import ContinuityStore
from bascule.snapshot.versions import is_time_version
from bascule.sources.bulk import write_ndjson
from bascule.sources.fhir_codes import CROSS_MATCHED_UNITS_EXTENSION
from bascule.sources.fhir_records import ACTIVITY_KIND_SYSTEM, BLOOD_GROUP_SNOMED, LOINC

Resource = dict[str, Any]
_KIND_CODES = {"site": "si", "unit": "wa", "room": "ro", "bed": "bd"}
_SYSTEM_OF_NATIONAL = {"INS": "urn:oid:1.2.250.1.213.1.4.8", "NHS": "https://fhir.nhs.uk/Id/nhs-number"}
_SNOMED_OF_GROUP = {group: code for code, group in BLOOD_GROUP_SNOMED.items()}
_TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
_IDENTIFIER_TYPES = _TERMINOLOGY + "v2-0203"
_ALLERGY_CLINICAL = _TERMINOLOGY + "allergyintolerance-clinical"
_ALLERGY_VERIFICATION = _TERMINOLOGY + "allergyintolerance-verification"
_CONDITION_CATEGORY = _TERMINOLOGY + "condition-category"
_OBSERVATION_CATEGORY = _TERMINOLOGY + "observation-category"
_INTERPRETATION = _TERMINOLOGY + "v3-ObservationInterpretation"
_DATA_ABSENT = _TERMINOLOGY + "data-absent-reason"
_BASCULE_ABSENT = "https://bascule.example.org/fhir/CodeSystem/data-absent-reason"


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


def _name(family: str, given: str, prefix: str = "", suffix: str = "") -> list[Resource]:
    return [
        _compact(
            {
                "use": "official",
                "family": family,
                "given": given.split(),
                "prefix": prefix.split(),
                "suffix": suffix.split(),
            }
        )
    ]


def _telecom(phone: str | None, email: str | None) -> list[Resource]:
    points = [{"system": "phone", "value": phone}] if phone else []
    return points + ([{"system": "email", "value": email}] if email else [])


def _patient(p: Patient) -> Resource:
    identifiers: list[Resource] = []
    if p.mrn:
        identifiers.append(
            {"type": {"coding": [{"system": _IDENTIFIER_TYPES, "code": "MR"}]}, "value": p.mrn}
        )
    if p.national_number and p.national_system in _SYSTEM_OF_NATIONAL:
        identifiers.append({"system": _SYSTEM_OF_NATIONAL[p.national_system], "value": p.national_number})
    return _compact(
        {
            "resourceType": "Patient",
            "id": p.id,
            "meta": _meta(p),
            "identifier": identifiers,
            "name": _name(p.family, p.given, p.prefix, p.suffix) + _other_names(p),
            "gender": p.sex,
            "birthDate": p.birth_date.isoformat() if p.birth_date else None,
            "telecom": _patient_telecom(p),
            "address": [{"use": "home", "postalCode": p.postcode}] if p.postcode else None,
        }
    )


def _other_names(p: Patient) -> list[Resource]:
    """The patient's names besides the printed one (a maiden name...), as the source gave them."""
    return [
        _compact({"use": name.use, "family": name.family, "given": name.given.split()})
        for name in p.names
        if (name.use, name.family, name.given) != ("official", p.family, p.given)
    ]


def _patient_telecom(p: Patient) -> list[Resource]:
    phones = [p.phone] if p.phone else []
    phones += [phone for phone in p.phones if phone not in phones]
    points = [{"system": "phone", "value": phone} for phone in phones]
    return points + ([{"system": "email", "value": p.email}] if p.email else [])


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
            "identifier": [_identifier(text) for text in place.identifiers] or None,
        }
    )


def _identifier(text: str) -> Resource:
    system, _, value = text.partition("|")
    return _compact({"system": system or None, "value": value})


def _place_reference(location_id: str | None) -> str | None:
    if location_id is None:
        return None
    if location_id.startswith(IDENTIFIED):
        return f"Location?identifier={location_id[len(IDENTIFIED) :]}"
    return f"Location/{location_id}"


def _place(place: StayPlace) -> Resource:
    code = _KIND_CODES.get(place.kind or "")
    return _compact(
        {
            "location": _compact(
                {
                    "reference": _place_reference(place.location_id),
                    "display": place.display,
                }
            ),
            "status": place.status,
            "physicalType": {"coding": [{"code": code}]} if code else None,
            "period": _compact({"start": _instant(place.start), "end": _instant(place.end)}),
        }
    )


def _stay(stay: Stay) -> Resource:
    places: list[Resource] = [_place(place) for place in stay.places]
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
    individual = _compact(
        {
            "reference": f"Practitioner/{stay.attending_id}" if stay.attending_id else None,
            "display": stay.attending_display,
        }
    )
    attending = [{"type": [{"coding": [{"code": "ATND"}]}], "individual": individual}]
    return _compact(
        {
            "resourceType": "Encounter",
            "id": stay.id,
            "meta": _meta(stay),
            "status": stay.status,
            "class": {"code": "IMP"},
            "subject": _ref("Patient", stay.patient_id),
            "period": _compact({"start": _instant(stay.admitted_at), "end": _instant(stay.discharged_at)}),
            "participant": attending if individual else [],
            "location": places,
        }
    )


def _allergy(a: Allergy) -> Resource:
    # A severity without a manifestation has no place in R4 (manifestation is required): left out.
    reaction = (
        [_compact({"manifestation": [{"text": a.reaction}], "severity": a.severity})] if a.reaction else []
    )
    withdrawn = a.status in ("refuted", "entered-in-error")
    clinical = "active" if a.status == NO_KNOWN_ALLERGY else a.status
    return _compact(
        {
            "resourceType": "AllergyIntolerance",
            "id": a.id,
            "meta": _meta(a),
            "clinicalStatus": None if withdrawn else _concept(clinical, None, _ALLERGY_CLINICAL),
            "verificationStatus": _concept(a.status, None, _ALLERGY_VERIFICATION)
            if withdrawn
            else _concept(a.verification, None, _ALLERGY_VERIFICATION),
            "type": a.kind,
            "category": a.category.split(",") if a.category else [],
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
            "category": [{"coding": [{"system": _CONDITION_CATEGORY, "code": p.category}]}]
            if p.category
            else [],
            "code": _concept(p.code, p.label, p.system),
            "subject": _ref("Patient", p.patient_id),
            "onsetDateTime": p.onset.isoformat() if p.onset else None,
        }
    )


def _dose(line: DoseLine) -> Resource | None:
    if line.dose_high is not None:
        dose_range = {
            "low": _quantity(line.dose_low, line.dose_unit),
            "high": _quantity(line.dose_high, line.dose_unit),
        }
        return {"doseRange": _compact(dose_range)}
    quantity = _quantity(line.dose_low, line.dose_unit)
    return {"doseQuantity": quantity} if quantity else None


def _timing(line: DoseLine, order: MedicationOrder) -> Resource:
    """The line's schedule as a repeat (times of day, every n days or weekdays, its own dates), and
    the timing as written as the code's text: read back, it gives the same line."""
    bounds = _compact(
        {
            "start": _instant(line.start) if line.start != order.start else None,
            "end": _instant(line.end) if line.end != order.end else None,
        }
    )
    repeat = _compact(
        {
            "boundsPeriod": bounds,
            "count": line.count,
            "period": line.every_days if line.every_days > 1 else None,
            "periodUnit": "d" if line.every_days > 1 else None,
            "dayOfWeek": [WEEKDAY_CODES[day - 1] for day in line.weekdays],
            "timeOfDay": [moment.strftime("%H:%M:%S") for moment in line.times],
        }
    )
    return _compact(
        {
            "event": [_instant(moment) for moment in line.events],
            "repeat": repeat,
            "code": {"text": line.timing} if line.timing else None,
        }
    )


def _dosage(line: DoseLine, order: MedicationOrder) -> Resource:
    dose_and_rate = _compact(
        {**(_dose(line) or {}), "rateQuantity": _quantity(line.rate_value, line.rate_unit)}
    )
    max_dose = _compact(
        {
            "numerator": _quantity(line.max_dose_value, line.max_dose_unit),
            "denominator": _quantity(line.max_period_value, line.max_period_unit),
        }
    )
    as_needed: Resource = {}
    if line.as_needed_reason:
        as_needed["asNeededCodeableConcept"] = {"text": line.as_needed_reason}
    elif line.as_needed:
        as_needed["asNeededBoolean"] = True
    return _compact(
        {
            "text": line.text,
            "patientInstruction": line.patient_instruction,
            "timing": _timing(line, order),
            **as_needed,
            "route": _concept(None, line.route),
            "method": _concept(None, line.method),
            "doseAndRate": [dose_and_rate] if dose_and_rate else [],
            "maxDosePerPeriod": max_dose,
        }
    )


def _order(o: MedicationOrder) -> Resource:
    validity = _compact({"start": _instant(o.start), "end": _instant(o.end)})
    requester = _ref("Practitioner", o.prescriber_id) or ({"display": o.prescriber} if o.prescriber else None)
    return _compact(
        {
            "resourceType": "MedicationRequest",
            "id": o.id,
            "meta": _meta(o),
            "status": o.status,
            "intent": o.intent or "order",
            "medicationCodeableConcept": _concept(o.drug_code, o.drug),
            "subject": _ref("Patient", o.patient_id),
            "requester": requester,
            "dosageInstruction": [_dosage(line, o) for line in o.dose_lines],
            "dispenseRequest": {"validityPeriod": validity} if validity else None,
        }
    )


def _administration(a: Administration) -> Resource:
    if a.performer_id:
        performer = [{"actor": _ref("Practitioner", a.performer_id)}]
    else:
        performer = [{"actor": {"display": a.performer}}] if a.performer else []
    effective: Resource = {"effectiveDateTime": _instant(a.given_at)}
    if a.ended_at is not None:
        effective = {"effectivePeriod": {"start": _instant(a.given_at), "end": _instant(a.ended_at)}}
    return _compact(
        {
            "resourceType": "MedicationAdministration",
            "id": a.id,
            "meta": _meta(a),
            "status": a.status,
            "statusReason": [{"text": a.status_reason}] if a.status_reason else [],
            "medicationCodeableConcept": _concept(None, a.drug),
            "subject": _ref("Patient", a.patient_id),
            **effective,
            "request": _ref("MedicationRequest", a.order_id),
            "performer": performer,
            "dosage": _compact(
                {
                    "text": a.dosage_text,
                    "dose": _quantity(a.dose_value, a.dose_unit),
                    "route": _concept(None, a.route),
                    "rateQuantity": _quantity(a.rate_value, a.rate_unit),
                }
            ),
        }
    )


def _result(r: LabResult) -> Resource:
    value: Resource = {}
    if r.value is not None or r.unit:
        value["valueQuantity"] = _compact({"value": r.value, "comparator": r.comparator, "unit": r.unit})
    if r.value_text is not None and r.is_blood_group:
        value["valueCodeableConcept"] = _concept(_SNOMED_OF_GROUP.get(r.value_text), r.value_text)
    elif r.value_text is not None:
        value["valueString"] = r.value_text
    elif r.value_boolean is not None:
        value["valueBoolean"] = r.value_boolean
    if r.absent_reason is not None:
        system = _BASCULE_ABSENT if r.absent_reason == SEE_SOURCE else _DATA_ABSENT
        value["dataAbsentReason"] = {"coding": [{"system": system, "code": r.absent_reason}]}
    reference = _compact(
        {"low": _quantity(r.low, None), "high": _quantity(r.high, None), "text": r.range_text}
    )
    # A test the source named without a code goes back as its name only.
    code = {"text": r.label} if r.code.startswith("text:") else _concept(r.code, r.label, LOINC)
    category = [{"coding": [{"system": _OBSERVATION_CATEGORY, "code": r.category}]}] if r.category else []
    return _compact(
        {
            "resourceType": "Observation",
            "id": r.id,
            "meta": _meta(r),
            "status": r.status,
            "category": category,
            "code": code,
            "subject": _ref("Patient", r.patient_id),
            "effectiveDateTime": _instant(r.effective_at),
            **value,
            "interpretation": [{"coding": [{"system": _INTERPRETATION, "code": r.flag}]}] if r.flag else [],
            "referenceRange": [reference] if reference else [],
        }
    )


def _activity(a: Activity) -> Resource:
    actors = [("Patient", a.patient_id), ("Location", a.unit_id)]
    participants = [{"actor": _ref(kind, rid), "status": "accepted"} for kind, rid in actors if rid]
    if a.practitioner_id or a.practitioner_display:
        who = _compact({"display": a.practitioner_display, "type": "Practitioner"})
        who.update(_ref("Practitioner", a.practitioner_id) or {})
        participants.insert(1, {"actor": who, "status": "accepted"})
    return _compact(
        {
            "resourceType": "Appointment",
            "id": a.id,
            "meta": _meta(a),
            "extension": [{"url": CROSS_MATCHED_UNITS_EXTENSION, "valueUnsignedInt": a.cross_matched_units}]
            if a.cross_matched_units
            else None,
            "status": a.status,
            "serviceCategory": [{"coding": [{"system": ACTIVITY_KIND_SYSTEM, "code": a.kind}]}],
            "description": a.description,
            "appointmentType": {"coding": [{"code": "EMERGENCY"}]} if a.urgency == "emergency" else None,
            "priority": 2 if a.urgency == "urgent" else None,
            "start": _instant(a.start),
            "end": _instant(a.end),
            "participant": participants,
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
