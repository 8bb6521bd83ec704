"""How FHIR R4 resources become clinical records, and why a malformed one is refused."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from bascule.clinical import Activity, DoseLine, LabResult, MedicationOrder, Patient, Stay
from bascule.clinical.records import PersonName, StayPlace
from bascule.sources.fhir_fields import MalformedResource
from bascule.sources.fhir_records import to_record

DEFAULT = "2026-01-01T00:00:00.000000Z"
PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "meta": {"lastUpdated": "2026-03-10T08:00:00.123Z"},
    "name": [{"family": "Dupont", "given": ["Marie", "Anne"]}],
    "gender": "female",
    "birthDate": "1950-02-01",
    "identifier": [
        {"type": {"coding": [{"code": "MR"}]}, "value": "M1"},
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"},
    ],
    "telecom": [{"system": "phone", "value": "+447700900001"}, {"system": "email", "value": "m@example.org"}],
}


def test_a_patient() -> None:
    patient = to_record(PATIENT, DEFAULT)
    assert patient == Patient(
        id="p1",
        version="2026-03-10T08:00:00.123000Z",
        family="Dupont",
        given="Marie Anne",
        birth_date=datetime(1950, 2, 1).date(),
        sex="female",
        mrn="M1",
        national_number="9434765919",
        national_system="NHS",
        phone="+447700900001",
        email="m@example.org",
        names=(PersonName("Dupont", "Marie Anne"),),
        phones=("+447700900001",),
    )


def test_without_last_updated_the_default_version_is_used() -> None:
    assert to_record({**PATIENT, "meta": {}}, DEFAULT).version == DEFAULT


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (
            {
                "resourceType": "Encounter",
                "id": "e1",
                "status": "in-progress",
                "subject": {"reference": "Patient/p1"},
                "location": [{"location": {"reference": "Location/bed-1"}}],
                "participant": [{"individual": {"reference": "Practitioner/d1"}}],
                "period": {"start": "2026-03-09T10:00:00+01:00"},
            },
            Stay(
                id="e1",
                version=DEFAULT,
                patient_id="p1",
                places=(StayPlace(location_id="bed-1"),),
                attending_id="d1",
                admitted_at=datetime(2026, 3, 9, 9, tzinfo=UTC),
            ),
        ),
        (
            {
                "resourceType": "MedicationRequest",
                "id": "m1",
                "status": "active",
                "subject": {"reference": "Patient/p1"},
                "medicationCodeableConcept": {"text": "Furosemide 40 mg"},
                "dosageInstruction": [
                    {
                        "timing": {"repeat": {"timeOfDay": ["14:00:00", "08:00:00"]}},
                        "doseAndRate": [{"doseQuantity": {"value": 40, "unit": "mg"}}],
                        "route": {"coding": [{"display": "oral"}]},
                    }
                ],
            },
            MedicationOrder(
                id="m1",
                version=DEFAULT,
                patient_id="p1",
                drug="Furosemide 40 mg",
                dose_value=40,
                dose_unit="mg",
                route="oral",
                times=(time(8), time(14)),
                lines=(
                    DoseLine(
                        dose_low=40,
                        dose_unit="mg",
                        route="oral",
                        timing="08:00, 14:00",
                        times=(time(8), time(14)),
                    ),
                ),
            ),
        ),
        (
            {
                "resourceType": "Observation",
                "id": "o1",
                "status": "final",
                "subject": {"reference": "Patient/p1"},
                "code": {"coding": [{"system": "http://loinc.org", "code": "882-1"}]},
                "effectiveDateTime": "2025-01-01",
                "valueCodeableConcept": {
                    "coding": [{"system": "http://snomed.info/sct", "code": "278152006"}]
                },
            },
            LabResult(
                id="o1",
                version=DEFAULT,
                patient_id="p1",
                code="882-1",
                label="882-1",
                value_text="A-",
                effective_at=datetime(2025, 1, 1, tzinfo=UTC),
            ),
        ),
        (
            {
                "resourceType": "Appointment",
                "id": "a1",
                "status": "booked",
                "start": "2026-03-11T09:00:00Z",
                "description": "IRM cérébrale",
                "priority": 2,
                "participant": [
                    {"actor": {"reference": "Patient/p1"}, "status": "accepted"},
                    {"actor": {"reference": "Location/radio"}, "status": "accepted"},
                ],
            },
            Activity(
                id="a1",
                version=DEFAULT,
                patient_id="p1",
                kind="imaging",
                start=datetime(2026, 3, 11, 9, tzinfo=UTC),
                description="IRM cérébrale",
                unit_id="radio",
                urgency="urgent",
            ),
        ),
    ],
)
def test_clinical_resources(resource: dict[str, Any], expected: object) -> None:
    assert to_record(resource, DEFAULT) == expected


MALFORMED = [
    ("not an object", ["Patient"], "not a JSON object"),
    ("unknown type", {"resourceType": "Basic", "id": "x"}, "resourceType"),
    ("missing id", {"resourceType": "Patient", "name": [{"family": "X"}]}, "id is missing"),
    (
        "id of the wrong type",
        {"resourceType": "Patient", "id": 12, "name": [{"family": "X"}]},
        "id is missing",
    ),
    ("no name", {"resourceType": "Patient", "id": "p"}, "name is missing"),
    ("name not a list", {"resourceType": "Patient", "id": "p", "name": "Dupont"}, "name is not a list"),
    (
        "bad birth date",
        {"resourceType": "Patient", "id": "p", "name": [{"family": "X"}], "birthDate": "1950-13-45"},
        "birthDate is not a valid date",
    ),
    (
        "bad gender",
        {"resourceType": "Patient", "id": "p", "name": [{"family": "X"}], "gender": "yes"},
        "gender",
    ),
    (
        "subject missing",
        {"resourceType": "Condition", "id": "c", "code": {"text": "x"}},
        "subject is missing",
    ),
    (
        "subject not a patient",
        {"resourceType": "Condition", "id": "c", "code": {"text": "x"}, "subject": {"reference": "Group/g"}},
        "does not point to a Patient",
    ),
    (
        "bad time of day",
        {
            "resourceType": "MedicationRequest",
            "id": "m",
            "subject": {"reference": "Patient/p"},
            "medicationCodeableConcept": {"text": "X"},
            "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["25:00"]}}}],
        },
        "timeOfDay",
    ),
    (
        "no medication",
        {
            "resourceType": "MedicationAdministration",
            "id": "a",
            "subject": {"reference": "Patient/p"},
            "effectiveDateTime": "2026-01-01T08:00:00Z",
        },
        "medication is missing",
    ),
    (
        "no start",
        {"resourceType": "Appointment", "id": "a", "participant": [{"actor": {"reference": "Patient/p"}}]},
        "start is missing",
    ),
    ("bad last updated", {**PATIENT, "meta": {"lastUpdated": "yesterday"}}, "meta.lastUpdated"),
]


# A result whose value or range cannot be read is kept with a warning: test_fhir_observations.py.
@pytest.mark.parametrize(("case", "resource", "reason"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_resources_are_refused_with_a_reason_free_of_values(
    case: str, resource: Any, reason: str
) -> None:
    with pytest.raises(MalformedResource) as refused:
        to_record(resource, DEFAULT)
    assert reason in refused.value.reason
    for value in ("Dupont", "1950-13-45", "5.9", "25:00", "yesterday", "yes"):
        assert value not in refused.value.reason


def test_an_allergy_entered_in_error_is_not_active() -> None:
    allergy = to_record(
        {
            "resourceType": "AllergyIntolerance",
            "id": "a",
            "patient": {"reference": "Patient/p"},
            "code": {"text": "Latex"},
            "clinicalStatus": {"coding": [{"code": "active"}]},
            "verificationStatus": {"coding": [{"code": "entered-in-error"}]},
        },
        DEFAULT,
    )
    assert allergy.status == "entered-in-error"  # type: ignore[union-attr]
