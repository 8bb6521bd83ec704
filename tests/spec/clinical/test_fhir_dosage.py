"""MedicationRequest and MedicationAdministration as EHRs send them, to what the nurse reads.

Each shape is written from the FHIR R4 examples (hl7.org/fhir/R4/medicationrequest-examples: the
medrx03xx family) or from what Epic, Cerner/Oracle and Synthea export. The expected columns are
what the patient sheet prints: the dose (a range in full, an infusion's rate), the route, the
times of day (Europe/Paris wall clock), the days, and the line's kind.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from bascule.clinical import Administration, HospitalSettings, MedicationOrder
from bascule.kits.medication_chart import line_dose, route_text, schedule_text
from bascule.sources.fhir_fields import MalformedResource, Reading
from bascule.sources.fhir_records import to_record

PARIS = HospitalSettings(timezone="Europe/Paris")
ORAL = {"coding": [{"system": "http://snomed.info/sct", "code": "26643006", "display": "Oral route"}]}
IV = {"coding": [{"system": "http://snomed.info/sct", "code": "47625008", "display": "Intravenous route"}]}
GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"
ORDERED = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/dose-rate-type", "code": "ordered"}]}


def order(*dosages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": "rx1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {"text": "Drug"},
        "authoredOn": "2026-03-09T09:00:00+01:00",
        "dosageInstruction": list(dosages),
        **fields,
    }


def read(resource: dict[str, Any], reading: Reading | None = None) -> Any:
    return to_record(resource, "2026-03-09T00:00:00.000000Z", reading or Reading(PARIS))


def clocks(*texts: str) -> tuple[time, ...]:
    return tuple(time.fromisoformat(text) for text in texts)


def printed(resource: dict[str, Any]) -> list[tuple[str, str | None, tuple[time, ...], str, str]]:
    """(dose, route, times, schedule as printed in English, kind) of each line."""
    record = read(resource)
    assert isinstance(record, MedicationOrder)
    zone = PARIS.zone
    return [
        (line_dose(line, "en"), line.route, line.times, schedule_text(line, "en", zone), line.kind)
        for line in record.dose_lines
    ]


@pytest.mark.parametrize(
    ("dosages", "expected"),
    [
        # medrx0308 style: 1-2 tablets every 4-6 hours as needed for rib pain.
        (
            [
                {
                    "sequence": 1,
                    "text": "one to two tablets every 4-6 hours as needed for rib pain",
                    "patientInstruction": "Take 1-2 tablets every four to six hours as needed for rib pain",
                    "timing": {"repeat": {"frequency": 1, "period": 4, "periodMax": 6, "periodUnit": "h"}},
                    "asNeededCodeableConcept": {
                        "coding": [{"system": "http://snomed.info/sct", "code": "297217002", "display": "Rib pain"}]
                    },
                    "route": ORAL,
                    "doseAndRate": [
                        {
                            "type": ORDERED,
                            "doseRange": {
                                "low": {"value": 1, "unit": "TAB", "code": "TAB"},
                                "high": {"value": 2, "unit": "TAB", "code": "TAB"},
                            },
                        }
                    ],
                }
            ],
            [("1–2 TAB", "Oral route", (), "as needed: Rib pain · 1×/4–6 h", "as_needed")],
        ),
        # medrx0302 style: once a day, dose quantity with a UCUM code.
        (
            [
                {
                    "sequence": 1,
                    "text": "6 mg PO daily",
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                    "route": ORAL,
                    "doseAndRate": [{"type": ORDERED, "doseQuantity": {"value": 6, "unit": "mg", "code": "mg"}}],
                }
            ],
            [("6 mg", "Oral route", clocks("08:00"), "08:00", "scheduled")],
        ),
        # Epic: one dosageInstruction per dose line, 2 tablets in the morning and 1 in the evening.
        (
            [
                {
                    "text": "2 tablets every morning",
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["MORN"]}},
                    "route": {"text": "Oral"},
                    "doseAndRate": [{"doseQuantity": {"value": 2, "unit": "tablet", "code": "{tbl}"}}],
                },
                {
                    "text": "1 tablet every evening",
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["EVE"]}},
                    "route": {"text": "Oral"},
                    "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet", "code": "{tbl}"}}],
                },
            ],
            [
                ("2 tablet", "Oral", clocks("08:00"), "08:00", "scheduled"),
                ("1 tablet", "Oral", clocks("18:00"), "18:00", "scheduled"),
            ],
        ),
        # Cerner/Oracle: a coded timing and its repeat, a route coded without display.
        (
            [
                {
                    "text": "500 mg, Oral, BID",
                    "timing": {
                        "code": {"coding": [{"system": GTS, "code": "BID"}], "text": "BID"},
                        "repeat": {"frequency": 2, "period": 1, "periodUnit": "d"},
                    },
                    "route": {"coding": [{"system": "http://snomed.info/sct", "code": "26643006"}]},
                    "doseAndRate": [{"doseQuantity": {"value": 500, "unit": "mg"}}],
                }
            ],
            [("500 mg", "26643006", clocks("08:00", "20:00"), "08:00, 20:00", "scheduled")],
        ),
        # A coded timing alone.
        (
            [{"timing": {"code": {"coding": [{"system": GTS, "code": "Q8H"}]}}, "route": IV}],
            [("", "Intravenous route", clocks("06:00", "14:00", "22:00"), "06:00, 14:00, 22:00", "scheduled")],
        ),
        # Synthea: a sequence, frequency per day, dose without unit; and a PRN line with nothing else.
        (
            [
                {
                    "sequence": 1,
                    "timing": {"repeat": {"frequency": 3, "period": 1.0, "periodUnit": "d"}},
                    "asNeededBoolean": False,
                    "doseAndRate": [{"type": ORDERED, "doseQuantity": {"value": 1.0}}],
                }
            ],
            [("1 (no unit sent)", None, clocks("08:00", "14:00", "20:00"), "08:00, 14:00, 20:00", "scheduled")],
        ),
        ([{"sequence": 1, "asNeededBoolean": True}], [("", None, (), "as needed", "as_needed")]),
        # An infusion: volume and rate; a syringe driver's rate as a ratio.
        (
            [
                {
                    "text": "1 L over 8 h",
                    "timing": {"repeat": {"frequency": 1, "period": 8, "periodUnit": "h"}},
                    "route": IV,
                    "doseAndRate": [
                        {
                            "doseQuantity": {"value": 1000, "unit": "mL"},
                            "rateQuantity": {"value": 125, "unit": "mL/h"},
                        }
                    ],
                }
            ],
            [("1000 mL · 125 mL/h", "Intravenous route", clocks("06:00", "14:00", "22:00"), "06:00, 14:00, 22:00", "scheduled")],
        ),
        (
            [
                {
                    "text": "continuous",
                    "route": IV,
                    "doseAndRate": [
                        {
                            "rateRatio": {
                                "numerator": {"value": 5, "unit": "mg"},
                                "denominator": {"value": 1, "unit": "h"},
                            }
                        }
                    ],
                }
            ],
            [("5 mg/h", "Intravenous route", (), "schedule: see prescription", "see_prescription")],
        ),
        # Free text only, every 36 h, three times a week: printed as written.
        ([{"text": "as directed"}], [("", None, (), "schedule: see prescription", "see_prescription")]),
        (
            [{"text": "every 36 hours", "timing": {"repeat": {"frequency": 1, "period": 36, "periodUnit": "h"}}}],
            [("", None, (), "schedule: see prescription · 1×/36 h", "see_prescription")],
        ),
        (
            [
                {
                    "text": "apply one patch three times per week",
                    "timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "wk"}},
                    "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "patch"}}],
                }
            ],
            [("1 patch", None, (), "schedule: see prescription · 3×/1 wk", "see_prescription")],
        ),
        # Every other day from the start, on named weekdays, as needed with a maximum.
        (
            [{"timing": {"repeat": {"frequency": 1, "period": 2, "periodUnit": "d", "timeOfDay": ["09:00:00"]}}}],
            [("", None, clocks("09:00"), "09:00 · every 2 days", "scheduled")],
        ),
        (
            [
                {
                    "timing": {
                        "repeat": {"dayOfWeek": ["mon", "thu"], "timeOfDay": ["10:00:00"], "frequency": 2, "period": 1, "periodUnit": "wk"}
                    },
                    "doseAndRate": [{"doseQuantity": {"value": 2.5, "unit": "mg"}}],
                }
            ],
            [("2.5 mg", None, clocks("10:00"), "10:00 · Mon, Thu", "scheduled")],
        ),
        (
            [
                {
                    "text": "1 g if pain, at least 6 h apart",
                    "asNeededCodeableConcept": {"text": "pain"},
                    "maxDosePerPeriod": {"numerator": {"value": 4, "unit": "g"}, "denominator": {"value": 24, "unit": "h"}},
                    "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "g"}}],
                }
            ],
            [("1 g", None, (), "as needed: pain · max 4 g per 24 h", "as_needed")],
        ),
    ],
)  # fmt: skip
def test_every_dose_line_reaches_the_sheet(dosages: list[dict[str, Any]], expected: list[Any]) -> None:
    assert printed(order(*dosages)) == expected


def test_the_prescribers_words_are_kept_verbatim() -> None:
    record = read(
        order(
            {"text": "2 cp le matin, 1 le soir", "patientInstruction": "Avec un grand verre d'eau"},
            {"text": "as directed"},
        )
    )
    assert [(line.text, line.patient_instruction) for line in record.dose_lines] == [
        ("2 cp le matin, 1 le soir", "Avec un grand verre d'eau"),
        ("as directed", None),
    ]


def test_an_order_without_any_dosage_is_kept_to_see_the_prescription() -> None:
    (line,) = read(order()).dose_lines
    assert line.kind == "see_prescription"


def test_a_taper_is_printed_as_written_and_noted() -> None:
    reading = Reading(PARIS)
    steps = [
        {
            "sequence": step,
            "text": f"{dose} mg daily for 3 days",
            "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "boundsDuration": {"value": 3, "code": "d"}}},
            "doseAndRate": [{"doseQuantity": {"value": dose, "unit": "mg"}}],
        }
        for step, dose in ((1, 40), (2, 30), (3, 20))
    ]  # fmt: skip
    record = read(order(*steps), reading)
    assert [(line.dose_low, line.kind) for line in record.dose_lines] == [
        (40, "see_prescription"),
        (30, "see_prescription"),
        (20, "see_prescription"),
    ]
    assert reading.warnings == ["dosageInstruction.sequence: a sequence of dose lines is printed as written"]


def test_a_timing_that_cannot_be_scheduled_is_noted_by_field_only() -> None:
    reading = Reading(PARIS)
    read(
        order({"text": "q36h", "timing": {"repeat": {"frequency": 1, "period": 36, "periodUnit": "h"}}}),
        reading,
    )
    assert reading.warnings == ["dosageInstruction.timing cannot be scheduled: printed as written"]


def test_the_course_ends_with_its_bounds() -> None:
    record = read(
        order(
            {
                "timing": {
                    "code": {"coding": [{"system": GTS, "code": "TID"}]},
                    "repeat": {
                        "boundsPeriod": {"start": "2026-03-09T12:00:00", "end": "2026-03-14T12:00:00"}
                    },
                }
            }
        )
    )
    (line,) = record.dose_lines
    assert (line.times, line.start, line.end) == (
        clocks("08:00", "14:00", "20:00"),
        datetime(2026, 3, 9, 11, tzinfo=UTC),
        datetime(2026, 3, 14, 11, tzinfo=UTC),
    )
    assert record.start == line.start  # the first line's start when dispenseRequest says nothing
    assert schedule_text(line, "fr", PARIS.zone) == "08:00, 14:00, 20:00 · jusqu'au 14/03/2026"


@pytest.mark.parametrize(
    ("medication", "expected"),
    [
        (
            {
                "medicationCodeableConcept": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "308182", "display": "amoxicillin 250 MG"},
                        {"system": "http://www.whocc.no/atc", "code": "J01CA04", "display": "amoxicillin"},
                    ]
                }
            },
            ("amoxicillin", "J01CA04"),
        ),
        (
            {
                "contained": [
                    {
                        "resourceType": "Medication",
                        "id": "med0310",
                        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "430127000", "display": "Oral Form Oxycodone (product)"}]},
                    }
                ],
                "medicationReference": {"reference": "#med0310"},
            },
            ("Oral Form Oxycodone (product)", "430127000"),
        ),
        ({"medicationReference": {"reference": "Medication/m9", "display": "Furosemide 40 mg tab"}}, ("Furosemide 40 mg tab", None)),
    ],
)  # fmt: skip
def test_the_drug_is_named_from_a_concept_a_contained_medication_or_a_display(
    medication: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    resource = order({"text": "as directed"})
    del resource["medicationCodeableConcept"]
    record = read({**resource, **medication})
    assert (record.drug, record.drug_code) == expected


def test_a_medication_reference_that_cannot_be_named_is_refused() -> None:
    resource = order()
    del resource["medicationCodeableConcept"]
    with pytest.raises(MalformedResource, match="medicationReference"):
        read({**resource, "medicationReference": {"reference": "Medication/m9"}})


def test_a_prescriber_known_by_identifier_keeps_their_name_not_an_id() -> None:
    requester = {
        "identifier": {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": "10003456789"},
        "display": "Dr Marie Curie",
    }
    record = read(order(requester=requester))
    assert (record.prescriber_id, record.prescriber, record.intent) == (None, "Dr Marie Curie", "order")


def administration(**fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationAdministration",
        "id": "ad1",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {"text": "Paracetamol 1 g"},
        "effectiveDateTime": "2026-03-09T08:05:00+01:00",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "status": "not-done",
                "statusReason": [{"coding": [{"system": "http://snomed.info/sct", "code": "182890002", "display": "Patient refuses"}]}],
            },
            {"status": "not-done", "status_reason": "Patient refuses"},
        ),
        (
            {
                "status": "in-progress",
                "effectiveDateTime": None,
                "effectivePeriod": {"start": "2026-03-09T08:00:00+01:00", "end": "2026-03-09T16:00:00+01:00"},
                "dosage": {
                    "text": "1 L over 8 h",
                    "route": IV,
                    "dose": {"value": 1000, "unit": "mL"},
                    "rateQuantity": {"value": 125, "unit": "mL/h"},
                },
            },
            {
                "status": "in-progress",
                "given_at": datetime(2026, 3, 9, 7, tzinfo=UTC),
                "ended_at": datetime(2026, 3, 9, 15, tzinfo=UTC),
                "dosage_text": "1 L over 8 h",
                "route": "Intravenous route",
                "dose_value": 1000,
                "rate_value": 125,
                "rate_unit": "mL/h",
            },
        ),
        (
            {
                "request": {"reference": "MedicationRequest/rx1"},
                "performer": [{"actor": {"identifier": {"value": "N123"}, "display": "IDE Durand"}}],
            },
            {"order_id": "rx1", "performer_id": None, "performer": "IDE Durand"},
        ),
        ({"performer": [{"actor": {"reference": "Practitioner/n1"}}]}, {"performer_id": "n1", "performer": None}),
    ],
)  # fmt: skip
def test_an_administration_keeps_what_was_given_how_and_by_whom(
    fields: dict[str, Any], expected: dict[str, Any]
) -> None:
    resource = {key: value for key, value in administration(**fields).items() if value is not None}
    record = read(resource)
    assert isinstance(record, Administration)
    assert {name: getattr(record, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("route", "fr", "en"),
    [
        ("oral", "per os", "oral"),
        ("Oral route", "per os", "oral"),
        ("26643006", "per os", "oral"),
        ("Intravenous route", "IV", "IV"),
        ("34206005", "SC", "SC"),
        ("Nasogastric", "Nasogastric", "Nasogastric"),
    ],
)
def test_a_route_prints_as_the_ward_writes_it(route: str, fr: str, en: str) -> None:
    assert (route_text(route, "fr"), route_text(route, "en")) == (fr, en)
