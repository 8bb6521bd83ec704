"""Observations as EHRs send them: every R4 value[x], panels, absent values, interpretations,
ranges, times and statuses. The resources follow the FHIR R4 examples (observation-example-*) and
real exports (Synthea vital signs, Epic and Cerner labs); each row says what the store keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bascule.clinical import LabResult
from bascule.clinical.settings import HospitalSettings
from bascule.sources.fhir_fields import MalformedResource, Reading
from bascule.sources.fhir_records import to_record

DEFAULT = "2026-01-01T00:00:00.000000Z"
LOINC = "http://loinc.org"
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def observation(**fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "2823-3", "display": "Potassium"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-03-10T08:00:00Z",
        **fields,
    }


def read(resource: dict[str, Any], zone: str = "UTC") -> tuple[LabResult, list[str]]:
    reading = Reading(HospitalSettings(timezone=zone))
    record = to_record(resource, DEFAULT, reading)
    assert isinstance(record, LabResult)
    return record, reading.warnings


def component(code: str, value: float | None, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"code": {"coding": [{"system": LOINC, "code": code}]}, **extra}
    if value is not None:
        found["valueQuantity"] = {
            "value": value,
            "unit": "mm[Hg]",
            "system": "http://unitsofmeasure.org",
            "code": "mm[Hg]",
        }
    return found


# (case, value[x] and friends, what the result holds)
VALUES = [
    (
        "Epic troponin below the limit of detection",
        {"valueQuantity": {"value": 0.01, "comparator": "<", "unit": "ng/mL", "code": "ng/mL"}},
        {"value": 0.01, "comparator": "<", "unit": "ng/mL", "value_text": None},
    ),
    (
        "UCUM code without a human unit",
        {"valueQuantity": {"value": 6.3, "system": "http://unitsofmeasure.org", "code": "mmol/L"}},
        {"value": 6.3, "unit": "mmol/L"},
    ),
    (
        "Synthea smoking status as SNOMED CT",
        {
            "valueCodeableConcept": {
                "coding": [
                    {"system": "http://snomed.info/sct", "code": "266919005", "display": "Never smoker"}
                ],
                "text": "Never smoker",
            }
        },
        {"value": None, "value_text": "Never smoker"},
    ),
    (
        "coded answer with a display only",
        {
            "valueCodeableConcept": {
                "coding": [{"system": "http://snomed.info/sct", "code": "10828004", "display": "Positive"}]
            }
        },
        {"value_text": "Positive"},
    ),
    (
        "Epic text result",
        {"valueString": "Negative for malignant cells"},
        {"value_text": "Negative for malignant cells"},
    ),
    ("yes/no answer", {"valueBoolean": False}, {"value_boolean": False, "value_text": None, "value": None}),
    ("score as an integer", {"valueInteger": 9}, {"value": 9.0}),
    (
        "range",
        {"valueRange": {"low": {"value": 2, "unit": "mg/L"}, "high": {"value": 4, "unit": "mg/L"}}},
        {"value_text": "2 – 4 mg/L"},
    ),
    (
        "titre as a ratio",
        {"valueRatio": {"numerator": {"value": 1}, "denominator": {"value": 128}}},
        {"value_text": "1:128"},
    ),
    ("time of day", {"valueTime": "07:45:00"}, {"value_text": "07:45"}),
    (
        "date and time, read in the hospital's zone",
        {"valueDateTime": "2026-03-09T22:30:00Z"},
        {"value_text": "09/03/2026 23:30"},
    ),
    (
        "period",
        {"valuePeriod": {"start": "2026-03-09T08:00:00+01:00", "end": "2026-03-09T10:00:00+01:00"}},
        {"value_text": "09/03/2026 08:00 → 09/03/2026 10:00"},
    ),
    (
        "ECG waveform (observation-example-sample-data)",
        {
            "valueSampledData": {
                "origin": {"value": 2048},
                "period": 10,
                "dimensions": 3,
                "data": "2041 2043 2037",
            }
        },
        {"value": None, "value_text": None, "absent_reason": "see-source"},
    ),
    (
        "value not done, as a lab says it",
        {
            "dataAbsentReason": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                        "code": "not-performed",
                    }
                ]
            }
        },
        {"value": None, "absent_reason": "not-performed"},
    ),
    (
        "a unit but no value, and why",
        {"valueQuantity": {"unit": "mmol/L"}, "dataAbsentReason": {"coding": [{"code": "error"}]}},
        {"value": None, "absent_reason": "error"},
    ),
]


@pytest.mark.parametrize(("case", "fields", "expected"), VALUES, ids=[row[0] for row in VALUES])
def test_every_value_type_is_kept(case: str, fields: dict[str, Any], expected: dict[str, Any]) -> None:
    result, warnings = read(observation(**fields), zone="Europe/Paris")
    assert {name: getattr(result, name) for name in expected} == expected
    assert warnings == []


def test_synthea_blood_pressure_panel_reads_as_systolic_over_diastolic() -> None:
    panel = observation(
        category=[{"coding": [{"system": CATEGORY, "code": "vital-signs", "display": "vital-signs"}]}],
        code={
            "coding": [
                {
                    "system": LOINC,
                    "code": "85354-9",
                    "display": "Blood pressure panel with all children optional",
                }
            ],
            "text": "Blood pressure panel with all children optional",
        },
        effectiveDateTime="2014-07-20T20:18:45-04:00",
        issued="2014-07-20T20:18:45.877-04:00",
        component=[component("8462-4", 82), component("8480-6", 120)],  # Synthea writes diastolic first
    )
    result, warnings = read(panel)
    assert (result.code, result.value_text, result.category) == ("85354-9", "120/82 mmHg", "vital-signs")
    assert result.effective_at == datetime(2014, 7, 21, 0, 18, 45, tzinfo=UTC)
    assert warnings == []


def test_r4_example_blood_pressure_flags_the_worst_component_and_a_missing_diastolic() -> None:
    # observation-example-bloodpressure: 107/60 with diastolic interpreted L.
    low = observation(
        code={"coding": [{"system": LOINC, "code": "85354-9"}]},
        interpretation=[
            {"coding": [{"system": V3, "code": "L", "display": "low"}], "text": "Below low normal"}
        ],
        component=[
            component("8480-6", 107, interpretation=[{"coding": [{"system": V3, "code": "N"}]}]),
            component("8462-4", 60, interpretation=[{"coding": [{"system": V3, "code": "L"}]}]),
        ],
    )
    assert read(low)[0].value_text == "107/60 mmHg" and read(low)[0].flag == "L"
    # observation-example-bloodpressure-dar: the diastolic was not performed.
    absent = observation(
        code={"coding": [{"system": LOINC, "code": "85354-9"}]},
        component=[
            component("8480-6", 107),
            component("8462-4", None, dataAbsentReason={"coding": [{"code": "not-performed"}]}),
        ],
    )
    assert read(absent)[0].value_text == "107/— mmHg"


def test_other_panels_list_their_components() -> None:
    panel = observation(
        code={"text": "Glasgow coma scale"},
        component=[
            {"code": {"text": "Eyes"}, "valueInteger": 4},
            {"code": {"text": "Verbal"}, "valueInteger": 5},
            {"code": {"text": "Motor"}, "valueString": "obeys"},
        ],
    )
    assert read(panel)[0].value_text == "Eyes: 4; Verbal: 5; Motor: obeys"


# (case, interpretation list, flag kept, warned)
INTERPRETATIONS = [
    (
        "Cerner critical high",
        [{"coding": [{"system": V3, "code": "HH", "display": "Critical high"}], "text": "Critical High"}],
        "HH",
        False,
    ),
    (
        "Epic v2-0078 normal",
        [
            {
                "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0078", "code": "N"}],
                "text": "Normal",
            }
        ],
        "N",
        False,
    ),
    ("critical abnormal", [{"coding": [{"system": V3, "code": "AA"}]}], "AA", False),
    ("significantly high reads as critical", [{"coding": [{"system": V3, "code": "HU"}]}], "HH", False),
    ("significantly low reads as critical", [{"coding": [{"system": V3, "code": "LU"}]}], "LL", False),
    ("off scale low", [{"coding": [{"system": V3, "code": "<"}]}], "L", False),
    ("positive", [{"coding": [{"system": V3, "code": "POS"}]}], "A", False),
    ("negative", [{"coding": [{"system": V3, "code": "NEG"}]}], "N", False),
    ("text only", [{"text": "High"}], "H", False),
    (
        "a local code never dropped",
        [{"coding": [{"system": "urn:oid:1.2.3", "code": "ZZ"}], "text": "see comment"}],
        "A",
        True,
    ),
    ("worst of several", [{"coding": [{"code": "H"}]}, {"coding": [{"code": "AA"}]}], "AA", False),
    ("none", [], None, False),
]


@pytest.mark.parametrize(
    ("case", "interpretation", "flag", "warned"), INTERPRETATIONS, ids=[row[0] for row in INTERPRETATIONS]
)
def test_interpretations_become_flags(
    case: str, interpretation: list[Any], flag: str | None, warned: bool
) -> None:
    result, warnings = read(
        observation(valueQuantity={"value": 6.1, "unit": "mmol/L"}, interpretation=interpretation)
    )
    assert result.flag == flag
    assert bool(warnings) == warned
    assert all("ZZ" not in warning and "comment" not in warning for warning in warnings)


def test_cerner_lab_keeps_loinc_label_range_and_category() -> None:
    cerner = observation(
        meta={"versionId": "1", "lastUpdated": "2020-03-24T21:45:00.000Z"},
        category=[
            {
                "coding": [
                    {"system": CATEGORY, "code": "laboratory", "display": "Laboratory", "userSelected": False}
                ],
                "text": "Laboratory",
            }
        ],
        code={
            "coding": [
                {
                    "system": "https://fhir.cerner.com/ec2458f2/codeSet/72",
                    "code": "2921495",
                    "display": "Potassium Lvl",
                    "userSelected": True,
                },
                {"system": LOINC, "code": "2823-3", "userSelected": False},
            ],
            "text": "Potassium Lvl",
        },
        effectiveDateTime="2020-03-24T21:40:00.000Z",
        valueQuantity={
            "value": 6.1,
            "unit": "mmol/L",
            "system": "http://unitsofmeasure.org",
            "code": "mmol/L",
        },
        referenceRange=[{"low": {"value": 3.5, "unit": "mmol/L"}, "high": {"value": 5.1, "unit": "mmol/L"}}],
    )
    result, _ = read(cerner)
    assert (result.code, result.label, result.low, result.high, result.category) == (
        "2823-3",
        "Potassium Lvl",
        3.5,
        5.1,
        "laboratory",
    )


@pytest.mark.parametrize(
    ("ranges", "low", "high", "text"),
    [
        ([{"high": {"value": 0.04}, "text": "<=0.04 ng/mL"}], None, 0.04, "<=0.04 ng/mL"),
        ([{"text": "Negative"}], None, None, "Negative"),
        (
            [
                {"low": {"value": 4}, "high": {"value": 6}, "type": {"coding": [{"code": "therapeutic"}]}},
                {"low": {"value": 1}, "high": {"value": 2}, "type": {"coding": [{"code": "normal"}]}},
            ],
            1,
            2,
            None,
        ),
    ],
)
def test_reference_ranges(ranges: list[Any], low: float | None, high: float | None, text: str | None) -> None:
    result, _ = read(observation(valueQuantity={"value": 1.5}, referenceRange=ranges))
    assert (result.low, result.high, result.range_text) == (low, high, text)


def test_a_test_named_only_in_text_keeps_a_stable_code() -> None:
    first, _ = read(observation(code={"text": "Gram stain"}, valueString="Gram-positive cocci"))
    again, _ = read(observation(id="o2", code={"text": "Gram stain"}, valueString="No organisms seen"))
    assert first.code == again.code == "text:Gram stain" and first.label == "Gram stain"


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        (
            {"effectivePeriod": {"start": "2026-03-10T06:00:00Z", "end": "2026-03-10T07:00:00Z"}},
            datetime(2026, 3, 10, 6, tzinfo=UTC),
        ),
        (
            {"effectiveInstant": "2026-03-10T06:30:00.123Z"},
            datetime(2026, 3, 10, 6, 30, 0, 123000, tzinfo=UTC),
        ),
        ({"issued": "2026-03-10T09:00:00+01:00"}, datetime(2026, 3, 10, 8, tzinfo=UTC)),
        (
            {"effectiveDateTime": "2026-03-10T09:00:00"},
            datetime(2026, 3, 10, 8, tzinfo=UTC),
        ),  # no offset: Paris
    ],
)
def test_the_time_of_a_result(times: dict[str, Any], expected: datetime) -> None:
    resource = observation(valueQuantity={"value": 1})
    del resource["effectiveDateTime"]
    result, _ = read({**resource, **times}, zone="Europe/Paris")
    assert result.effective_at == expected


@pytest.mark.parametrize(
    "status", ["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error"]
)
def test_every_status_is_kept(status: str) -> None:
    result, warnings = read(observation(status=status, valueQuantity={"value": 1}))
    assert result.status == status and warnings == []


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (
            {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "278152006",
                        "display": "Blood group A Rh(D) negative",
                    }
                ]
            },
            "A-",
        ),
        ({"text": "O Pos"}, "O+"),
        ({"text": "AB Rh(D) negative"}, "AB-"),
        ({"coding": [{"system": "urn:oid:1.2.3", "code": "OP", "display": "O POSITIVE"}]}, "O+"),
    ],
)
def test_the_blood_group_reads_as_abo_rh(group: dict[str, Any], expected: str) -> None:
    result, _ = read(
        observation(code={"coding": [{"system": LOINC, "code": "882-1"}]}, valueCodeableConcept=group)
    )
    assert result.is_blood_group and result.value_text == expected


# (case, fields, what is kept, the warning's field): never the cause of losing the result
UNREADABLE = [
    (
        "number sent as text",
        {"valueQuantity": {"value": "5.9", "unit": "mmol/L"}},
        {"value_text": "5.9 mmol/L"},
        "valueQuantity.value",
    ),
    (
        "unknown comparator",
        {"valueQuantity": {"value": 3, "comparator": "~", "unit": "g/L"}},
        {"value_text": "~3 g/L", "comparator": None},
        "valueQuantity.comparator",
    ),
    ("boolean sent as text", {"valueBoolean": "yes"}, {"value_text": "yes"}, "valueBoolean"),
    (
        "a value[x] R4 does not have",
        {"valueAttachment": {"url": "x"}},
        {"absent_reason": "see-source"},
        "valueAttachment",
    ),
    (
        "range upside down",
        {"valueQuantity": {"value": 4}, "referenceRange": [{"low": {"value": 5}, "high": {"value": 3}}]},
        {"value": 4.0, "low": None, "high": None, "range_text": "5 – 3"},
        "referenceRange",
    ),
    (
        "range bound not a number",
        {"valueQuantity": {"value": 4}, "referenceRange": [{"low": {"value": "5.9"}, "text": "3.5-5.9"}]},
        {"value": 4.0, "low": None, "range_text": "3.5-5.9"},
        "referenceRange.low.value",
    ),
]


@pytest.mark.parametrize(("case", "fields", "kept", "field"), UNREADABLE, ids=[row[0] for row in UNREADABLE])
def test_an_unreadable_value_is_kept_as_text_with_a_warning(
    case: str, fields: dict[str, Any], kept: dict[str, Any], field: str
) -> None:
    result, warnings = read(observation(**fields))
    assert {name: getattr(result, name) for name in kept} == kept
    assert len(warnings) == 1 and warnings[0].startswith(field)
    assert all(value not in warnings[0] for value in ("5.9", "yes", "~3", "mmol"))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"code": {"coding": [{"system": LOINC}]}}, "code has neither a coding nor a text"),
        ({"effectiveDateTime": None}, "effective[x] and issued are missing"),
        ({"effectiveDateTime": "2026-13-45"}, "effectiveDateTime is not a valid dateTime"),
        ({"subject": {"reference": "Group/g"}}, "subject does not point to a Patient"),
    ],
)
def test_a_result_is_refused_only_for_its_real_fault(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(MalformedResource) as refused:
        read(
            {
                key: value
                for key, value in observation(valueQuantity={"value": 1}, **fields).items()
                if value is not None
            }
        )
    assert refused.value.reason == reason
