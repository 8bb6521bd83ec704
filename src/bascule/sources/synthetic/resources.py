"""FHIR R4 resource shapes written by the synthetic hospital (plain JSON dicts)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bascule.sources.fhir_codes import CROSS_MATCHED_UNITS_EXTENSION
from bascule.sources.fhir_records import ACTIVITY_KIND_SYSTEM, LOINC

Resource = dict[str, Any]
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ATC = "http://www.whocc.no/atc"
MRN_TYPE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
ALLERGY_STATUS = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ABO_RH = "ABO and Rh group [Type] in Blood"
BODY_WEIGHT = "29463-7"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def instant(moment: datetime) -> str:
    at = moment.astimezone(UTC)
    return f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}Z"


def reference(kind: str, rid: str) -> dict[str, str]:
    return {"reference": f"{kind}/{rid}"}


def location(rid: str, name: str, physical: str, part_of: str | None, stamp: str) -> Resource:
    resource: Resource = {
        "resourceType": "Location", "id": rid, "meta": {"lastUpdated": stamp}, "status": "active",
        "name": name, "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": physical}]},
    }  # fmt: skip
    if part_of is not None:
        resource["partOf"] = reference("Location", part_of)
    return resource


def person(kind: str, rid: str, stamp: str, family: str, given: str, telecom: list[dict[str, str]],
           **fields: Any) -> Resource:  # fmt: skip
    resource: Resource = {
        "resourceType": kind, "id": rid, "meta": {"lastUpdated": stamp},
        "name": [{"use": "official", "family": family, "given": given.split(" ")}],
    }  # fmt: skip
    if telecom:
        resource["telecom"] = telecom
    resource.update(fields)
    return resource


def patient_identifiers(mrn: str, mrn_system: str, national: tuple[str, str] | None) -> list[dict[str, Any]]:
    identifiers: list[dict[str, Any]] = [{"type": MRN_TYPE, "system": mrn_system, "value": mrn}]
    if national is not None:
        identifiers.append({"system": national[0], "value": national[1]})
    return identifiers


def encounter(rid: str, stamp: str, patient: str, unit: str, bed: str, admitted: datetime,
              attending: str) -> Resource:  # fmt: skip
    return {
        "resourceType": "Encounter", "id": rid, "meta": {"lastUpdated": stamp}, "status": "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": reference("Patient", patient), "period": {"start": instant(admitted)},
        "participant": [{
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                  "code": "ATND"}]}],
            "individual": reference("Practitioner", attending),
        }],
        "location": [
            {"location": reference("Location", unit),
             "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "wa"}]}},
            {"location": reference("Location", bed),
             "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "bd"}]}},
        ],
    }  # fmt: skip


def allergy(rid: str, stamp: str, patient: str, code: str, label: str, category: str, reaction: str,
            high: bool) -> Resource:  # fmt: skip
    return {
        "resourceType": "AllergyIntolerance", "id": rid, "meta": {"lastUpdated": stamp},
        "clinicalStatus": {"coding": [{"system": ALLERGY_STATUS, "code": "active"}]},
        "category": [category], "criticality": "high" if high else "low",
        "code": {"coding": [{"system": SNOMED, "code": code, "display": label}], "text": label},
        "patient": reference("Patient", patient),
        "reaction": [{"manifestation": [{"text": reaction}]}],
    }  # fmt: skip


def flag(rid: str, stamp: str, patient: str, code: str, label: str) -> Resource:
    return {
        "resourceType": "Flag", "id": rid, "meta": {"lastUpdated": stamp}, "status": "active",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/flag-category",
                                  "code": "safety"}]}],
        "code": {"coding": [{"system": "https://bascule.example.org/fhir/CodeSystem/alert", "code": code}],
                 "text": label},
        "subject": reference("Patient", patient),
    }  # fmt: skip


def condition(rid: str, stamp: str, patient: str, code: str, label: str, onset: date) -> Resource:
    return {
        "resourceType": "Condition", "id": rid, "meta": {"lastUpdated": stamp},
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "code": {"coding": [{"system": ICD10, "code": code, "display": label}], "text": label},
        "subject": reference("Patient", patient), "onsetDateTime": onset.isoformat(),
    }  # fmt: skip


def medication_request(rid: str, stamp: str, patient: str, drug: tuple[str, str], dose: tuple[float, str],
                       route: str, times: tuple[str, ...], as_needed: bool, start: datetime,
                       prescriber: str) -> Resource:  # fmt: skip
    dosage: dict[str, Any] = {
        "route": {"text": route},
        "doseAndRate": [{"doseQuantity": {"value": dose[0], "unit": dose[1]}}],
    }
    if times:
        dosage["timing"] = {"repeat": {"timeOfDay": [f"{t}:00" for t in times], "frequency": len(times),
                                       "period": 1, "periodUnit": "d"}}  # fmt: skip
    if as_needed:
        dosage["asNeededBoolean"] = True
    return {
        "resourceType": "MedicationRequest", "id": rid, "meta": {"lastUpdated": stamp}, "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": drug[0]}], "text": drug[1]},
        "subject": reference("Patient", patient), "authoredOn": instant(start),
        "requester": reference("Practitioner", prescriber), "dosageInstruction": [dosage],
        "dispenseRequest": {"validityPeriod": {"start": instant(start)}},
    }  # fmt: skip


def medication_administration(rid: str, stamp: str, patient: str, order: str, drug: tuple[str, str],
                              dose: tuple[float, str], route: str, given_at: datetime, done: bool,
                              nurse: str) -> Resource:  # fmt: skip
    return {
        "resourceType": "MedicationAdministration", "id": rid, "meta": {"lastUpdated": stamp},
        "status": "completed" if done else "not-done",
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": drug[0]}], "text": drug[1]},
        "subject": reference("Patient", patient), "effectiveDateTime": instant(given_at),
        "request": reference("MedicationRequest", order),
        "performer": [{"actor": reference("Practitioner", nurse)}],
        "dosage": {"route": {"text": route}, "dose": {"value": dose[0], "unit": dose[1]}},
    }  # fmt: skip


def lab_observation(rid: str, stamp: str, patient: str, loinc: str, label: str, value: float, unit: str,
                    low: float, high: float, flag_code: str, taken: datetime) -> Resource:  # fmt: skip
    return {
        "resourceType": "Observation", "id": rid, "meta": {"lastUpdated": stamp}, "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": loinc, "display": label}], "text": label},
        "subject": reference("Patient", patient), "effectiveDateTime": instant(taken),
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        "interpretation": [{"coding": [{"system": INTERPRETATION, "code": flag_code}]}],
        "referenceRange": [{"low": {"value": low, "unit": unit}, "high": {"value": high, "unit": unit}}],
    }  # fmt: skip


def body_weight(rid: str, stamp: str, patient: str, label: str, kilograms: float,
                taken: datetime) -> Resource:  # fmt: skip
    return {
        "resourceType": "Observation", "id": rid, "meta": {"lastUpdated": stamp}, "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "vital-signs"}]}],
        "code": {"coding": [{"system": LOINC, "code": BODY_WEIGHT, "display": label}], "text": label},
        "subject": reference("Patient", patient), "effectiveDateTime": instant(taken),
        "valueQuantity": {"value": kilograms, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }  # fmt: skip


def blood_group_observation(rid: str, stamp: str, patient: str, group: str, snomed: str, label: str,
                            taken: datetime) -> Resource:  # fmt: skip
    return {
        "resourceType": "Observation", "id": rid, "meta": {"lastUpdated": stamp}, "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": "882-1", "display": ABO_RH}],
                 "text": label},
        "subject": reference("Patient", patient), "effectiveDateTime": instant(taken),
        "valueCodeableConcept": {"coding": [{"system": SNOMED, "code": snomed}], "text": group},
    }  # fmt: skip


def appointment(rid: str, stamp: str, patient: str, kind: str, label: str, start: datetime, end: datetime,
                unit: str, practitioner: str, urgency: str, cross_matched_units: int = 0) -> Resource:  # fmt: skip
    blood = [{"url": CROSS_MATCHED_UNITS_EXTENSION, "valueUnsignedInt": cross_matched_units}]
    return {
        "resourceType": "Appointment", "id": rid, "meta": {"lastUpdated": stamp}, "status": "booked",
        **({"extension": blood} if cross_matched_units else {}),
        "serviceCategory": [{"coding": [{"system": ACTIVITY_KIND_SYSTEM, "code": kind}]}],
        "serviceType": [{"text": label}], "description": label,
        "appointmentType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276",
                                        "code": "EMERGENCY" if urgency == "emergency" else "ROUTINE"}]},
        "priority": {"emergency": 1, "urgent": 2}.get(urgency, 5),
        "start": instant(start), "end": instant(end),
        "participant": [
            {"actor": reference("Patient", patient), "status": "accepted"},
            {"actor": reference("Practitioner", practitioner), "status": "accepted"},
            {"actor": reference("Location", unit), "status": "accepted"},
        ],
    }  # fmt: skip
