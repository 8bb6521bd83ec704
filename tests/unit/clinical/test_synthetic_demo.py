"""The demo's synthetic hospital: deterministic, the right size, realistic proportions."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from bascule.clinical import Patient
from bascule.sources.fhir_records import to_record
from bascule.sources.synthetic.hospital import SyntheticHospital, generate
from bascule.sources.synthetic.units import fallback_units, map_units

NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def hospital() -> SyntheticHospital:
    return generate(42, "fr", map_units("demo"), NOW)


def test_the_same_seed_gives_the_same_hospital(hospital: SyntheticHospital) -> None:
    again = generate(42, "fr", map_units("demo"), NOW)
    assert again.resources == hospital.resources
    small = fallback_units()[:2]
    assert generate(43, "fr", small, NOW).resources != generate(44, "fr", small, NOW).resources


def test_size_matches_the_demo_map(hospital: SyntheticHospital) -> None:
    beds = sum(unit.beds for unit in map_units("demo"))
    counts = hospital.counts()
    assert 1000 <= beds <= 1100
    assert 0.80 * beds <= counts["Encounter"] <= 0.90 * beds
    assert 5700 <= counts["Appointment"] <= 6300
    assert counts["MedicationAdministration"] > counts["MedicationRequest"]


def test_blood_groups_follow_the_french_population(hospital: SyntheticHospital) -> None:
    groups = Counter(
        r["valueCodeableConcept"]["text"]
        for r in hospital.resources["Observation"]
        if r["code"]["coding"][0]["code"] == "882-1"
    )
    total = sum(groups.values())
    for group, share in {"O+": 0.36, "A+": 0.37, "B+": 0.09, "O-": 0.06, "A-": 0.07}.items():
        assert abs(groups[group] / total - share) < 0.04, group


def test_results_carry_abnormal_flags(hospital: SyntheticHospital) -> None:
    flags = Counter(
        r["interpretation"][0]["coding"][0]["code"]
        for r in hospital.resources["Observation"]
        if "interpretation" in r
    )
    assert flags["N"] > flags["H"] > 0 and flags["L"] > 0


def test_french_and_english_names_and_numbers() -> None:
    units = fallback_units()[:2]
    french = generate(1, "fr", units, NOW).resources["Patient"]
    english = generate(1, "en", units, NOW).resources["Patient"]
    assert any(i["system"] == "urn:oid:1.2.250.1.213.1.4.8" for p in french for i in p["identifier"])
    assert any(i["system"] == "https://fhir.nhs.uk/Id/nhs-number" for p in english for i in p["identifier"])
    assert {p["name"][0]["family"] for p in french} != {p["name"][0]["family"] for p in english}


def test_each_kind_of_unit_holds_its_own_patients() -> None:
    from bascule.hospital.model import CareUnit

    units = (
        CareUnit(id="mat", name="Maternité", beds=20),
        CareUnit(id="neo", name="Néonatalogie", beds=10),
        CareUnit(id="ger", name="Gériatrie aiguë", beds=20),
    )
    hospital = generate(3, "fr", units, NOW)
    patients = {p["id"]: p for p in hospital.resources["Patient"]}
    for stay in hospital.resources["Encounter"]:
        unit = stay["location"][0]["location"]["reference"].removeprefix("Location/")
        patient = patients[stay["subject"]["reference"].removeprefix("Patient/")]
        age = (NOW.date() - datetime.fromisoformat(patient["birthDate"]).date()).days // 365
        if unit == "mat":
            assert patient["gender"] == "female" and 18 <= age <= 45
        elif unit == "neo":
            assert age == 0 and stay["period"]["start"] >= patient["birthDate"]
        else:
            assert age >= 70


def test_some_patients_have_a_maiden_name_a_second_phone_and_every_one_a_postcode(
    hospital: SyntheticHospital,
) -> None:
    patients = [to_record(resource, "unused") for resource in hospital.resources["Patient"]]
    assert all(isinstance(p, Patient) for p in patients)
    people = [p for p in patients if isinstance(p, Patient)]
    maiden = [p for p in people if any(name.use == "maiden" for name in p.names)]
    two_phones = [p for p in people if len(p.phones) >= 2]
    assert 0.05 < len(maiden) / len(people) < 0.25
    assert all(p.sex == "female" for p in maiden)
    assert 0.10 < len(two_phones) / len(people) < 0.40
    assert all(p.postcode for p in people)


def test_hip_replacements_reserve_cross_matched_blood_and_nothing_else_does(
    hospital: SyntheticHospital,
) -> None:
    """The demo's blood ordering schedule: 2 cross-matched units for a total hip replacement."""
    from bascule.clinical import Activity

    activities = [to_record(r, "v") for r in hospital.resources["Appointment"]]
    needing = [a for a in activities if isinstance(a, Activity) and a.cross_matched_units]
    assert needing and all(a.kind == "surgery" and a.cross_matched_units == 2 for a in needing)
    assert {a.description for a in needing} == {"Prothèse totale de hanche"}
    assert any(a.urgency == "routine" for a in needing)
