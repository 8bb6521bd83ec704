"""Allergies, alerts, problems and appointments as Epic, Cerner and Synthea send them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bascule.clinical import Activity, Allergy, Problem
from bascule.clinical.records import NO_KNOWN_ALLERGY, Alert
from bascule.sources.fhir_fields import MalformedResource, Reading
from bascule.sources.fhir_records import to_record

DEFAULT = "2026-01-01T00:00:00.000000Z"
SNOMED = "http://snomed.info/sct"
CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"


def allergy(**fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "AllergyIntolerance",
        "id": "a1",
        "patient": {"reference": "Patient/p1"},
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": "confirmed"}]},
        **fields,
    }


def read_allergy(resource: dict[str, Any]) -> Allergy:
    found = to_record(resource, DEFAULT)
    assert isinstance(found, Allergy)
    return found


def test_epic_penicillin_with_several_codings_and_reactions() -> None:
    epic = allergy(
        type="allergy",
        category=["medication"],
        criticality="high",
        code={
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "7980",
                    "display": "penicillin G",
                },
                {"system": SNOMED, "code": "764146007", "display": "Penicillin"},
            ],
            "text": "Penicillins",
        },
        reaction=[
            {
                "manifestation": [
                    {
                        "coding": [{"system": SNOMED, "code": "247472004", "display": "Hives"}],
                        "text": "Hives",
                    },
                    {
                        "coding": [{"system": SNOMED, "code": "39579001", "display": "Anaphylaxis"}],
                        "text": "Anaphylaxis",
                    },
                ],
                "severity": "severe",
            },
            {"manifestation": [{"text": "Hives"}], "severity": "mild"},
        ],
    )
    found = read_allergy(epic)
    assert (found.substance, found.code, found.category, found.criticality) == (
        "Penicillins",
        "764146007",  # SNOMED kept: the allergy-conflict check reads it
        "medication",
        "high",
    )
    assert (found.reaction, found.severity, found.kind, found.status) == (
        "Hives, Anaphylaxis",
        "severe",
        "allergy",
        "active",
    )


def test_synthea_allergy_with_two_categories() -> None:
    synthea = allergy(
        type="allergy",
        category=["food", "environment"],
        criticality="low",
        code={
            "coding": [{"system": SNOMED, "code": "91935009", "display": "Allergy to peanuts"}],
            "text": "Allergy to peanuts",
        },
    )
    found = read_allergy(synthea)
    assert (found.substance, found.category, found.reaction) == (
        "Allergy to peanuts",
        "food,environment",
        None,
    )


@pytest.mark.parametrize(
    ("verification", "clinical", "status"),
    [
        ("refuted", "active", "refuted"),
        ("entered-in-error", None, "entered-in-error"),
        ("unconfirmed", "active", "active"),  # a suspected allergy is still printed
        ("confirmed", "inactive", "inactive"),
        ("confirmed", "resolved", "resolved"),
    ],
)
def test_only_active_allergies_are_allergies(verification: str, clinical: str | None, status: str) -> None:
    resource = allergy(
        code={"text": "Latex"},
        verificationStatus={"coding": [{"system": VERIFICATION, "code": verification}]},
    )
    if clinical is None:
        del resource["clinicalStatus"]
    else:
        resource["clinicalStatus"] = {"coding": [{"system": CLINICAL, "code": clinical}]}
    assert read_allergy(resource).status == status


@pytest.mark.parametrize(
    "code",
    [
        {
            "coding": [{"system": SNOMED, "code": "716186003", "display": "No known allergy"}],
            "text": "No Known Allergies",
        },
        {"coding": [{"system": SNOMED, "code": "409137002", "display": "No known drug allergy"}]},
        {"text": "NKDA"},
        {
            "coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.707427", "code": "1"}],
            "text": "No Known Allergies",
        },
    ],
)
def test_no_known_allergy_is_not_an_allergy_to_a_substance(code: dict[str, Any]) -> None:
    assert read_allergy(allergy(code=code)).status == NO_KNOWN_ALLERGY


def test_no_known_allergy_entered_in_error_stays_withdrawn() -> None:
    resource = allergy(
        code={"coding": [{"system": SNOMED, "code": "716186003"}]},
        verificationStatus={"coding": [{"code": "entered-in-error"}]},
    )
    assert read_allergy(resource).status == "entered-in-error"


def test_an_old_allergy_naming_its_substance_in_the_reaction_only() -> None:
    found = read_allergy(
        allergy(reaction=[{"substance": {"text": "Iodine contrast"}, "manifestation": [{"text": "Rash"}]}])
    )
    assert (found.substance, found.reaction) == ("Iodine contrast", "Rash")


def test_an_allergy_without_any_substance_is_refused_for_that() -> None:
    with pytest.raises(MalformedResource, match="code is missing"):
        to_record(allergy(reaction=[{"manifestation": [{"text": "Rash"}]}]), DEFAULT)


def test_an_unknown_severity_is_reported() -> None:
    reading = Reading()
    found = to_record(
        allergy(
            code={"text": "Latex"}, reaction=[{"manifestation": [{"text": "Rash"}], "severity": "fatal"}]
        ),
        DEFAULT,
        reading,
    )
    assert isinstance(found, Allergy) and found.severity is None
    assert reading.warnings == ["reaction.severity is not mild, moderate or severe"]


def condition(**fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {
            "coding": [{"system": SNOMED, "code": "44054006", "display": "Diabetes mellitus type 2"}],
            "text": "Type 2 diabetes",
        },
        **fields,
    }


CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

# (case, fields, status, category, onset)
CONDITIONS = [
    (
        "Synthea encounter diagnosis",
        {
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
            "category": [
                {
                    "coding": [
                        {
                            "system": CONDITION_CATEGORY,
                            "code": "encounter-diagnosis",
                            "display": "Encounter Diagnosis",
                        }
                    ]
                }
            ],
            "onsetDateTime": "2012-03-15T09:12:01-04:00",
        },
        "active",
        "encounter-diagnosis",
        date(2012, 3, 15),
    ),
    (
        "Epic problem list, a relapse is active",
        {
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "relapse"}]},
            "category": [
                {
                    "coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}],
                    "text": "Problem List Item",
                }
            ],
            "onsetPeriod": {"start": "2019-06-01"},
        },
        "active",
        "problem-list-item",
        date(2019, 6, 1),
    ),
    ("abated without a clinical status", {"abatementDateTime": "2020-01-01"}, "resolved", None, None),
    ("refuted", {"verificationStatus": {"coding": [{"code": "refuted"}]}}, "refuted", None, None),
]


@pytest.mark.parametrize(
    ("case", "fields", "status", "category", "onset"), CONDITIONS, ids=[row[0] for row in CONDITIONS]
)
def test_conditions(
    case: str, fields: dict[str, Any], status: str, category: str | None, onset: date | None
) -> None:
    found = to_record(condition(**fields), DEFAULT)
    assert isinstance(found, Problem)
    assert (found.label, found.code, found.status, found.category, found.onset) == (
        "Type 2 diabetes",
        "44054006",
        status,
        category,
        onset,
    )


def test_an_onset_that_is_not_a_date_is_reported() -> None:
    reading = Reading()
    found = to_record(condition(onsetString="childhood"), DEFAULT, reading)
    assert isinstance(found, Problem) and found.onset is None
    assert reading.warnings == ["onsetString is not kept: the onset is not a date"]


def test_a_flag_with_several_codings_and_a_text() -> None:
    flag = {
        "resourceType": "Flag",
        "id": "f1",
        "status": "active",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                        "code": "safety",
                        "display": "Safety",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {"system": "urn:oid:1.2.3", "code": "FALL"},
                {"system": SNOMED, "code": "129839007", "display": "At risk for falls"},
            ],
            "text": "Fall risk",
        },
        "subject": {"reference": "Patient/p1"},
    }
    found = to_record(flag, DEFAULT)
    assert isinstance(found, Alert)
    assert (found.text, found.code, found.category, found.status) == ("Fall risk", "FALL", "safety", "active")
    coded_only = {
        **flag,
        "code": {
            "coding": [
                {"system": "urn:oid:1.2.3", "code": "FALL"},
                {"system": SNOMED, "code": "129839007", "display": "At risk for falls"},
            ]
        },
    }
    assert to_record(coded_only, DEFAULT).text == "At risk for falls"  # type: ignore[union-attr]


def appointment(*participants: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "id": "ap1",
        "status": "booked",
        "start": "2026-03-11T09:00:00Z",
        "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}, *participants],
    }


@pytest.mark.parametrize(
    ("participant", "practitioner_id", "shown"),
    [
        (
            {
                "actor": {"reference": "Practitioner/d1", "display": "Physician Family Medicine, MD"},
                "status": "accepted",
            },
            "d1",
            "Physician Family Medicine, MD",
        ),
        (
            {
                "actor": {
                    "type": "Practitioner",
                    "identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"},
                    "display": "Dr Ana Souza",
                },
                "status": "accepted",
            },
            None,
            "Dr Ana Souza",
        ),
        (
            {
                "type": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "ATND",
                            }
                        ]
                    }
                ],
                "actor": {"display": "Dr Martin"},
                "status": "accepted",
            },
            None,
            "Dr Martin",
        ),
        (
            {
                "actor": {"reference": "PractitionerRole/r1", "display": "Cardiology clinic"},
                "status": "accepted",
            },
            None,
            "Cardiology clinic",
        ),
    ],
)
def test_the_practitioner_of_an_appointment(
    participant: dict[str, Any], practitioner_id: str | None, shown: str
) -> None:
    found = to_record(appointment(participant), DEFAULT)
    assert isinstance(found, Activity)
    assert (found.patient_id, found.practitioner_id, found.practitioner_display) == (
        "p1",
        practitioner_id,
        shown,
    )


def test_an_appointment_whose_patient_has_no_reference_is_refused_for_that() -> None:
    resource = appointment()
    resource["participant"] = [
        {"actor": {"type": "Patient", "identifier": {"value": "203713"}}, "status": "accepted"}
    ]
    with pytest.raises(MalformedResource) as refused:
        to_record(resource, DEFAULT)
    assert refused.value.reason == "participant Patient is missing or has no reference"
