"""Properties of the synthetic hospital and of its fictional identifiers, for any seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.hospital.model import CareUnit
from bascule.sources.intake import Intake
from bascule.sources.synthetic.fictional import (
    email_address,
    ins_is_valid,
    ins_number,
    is_fictional_phone,
    nhs_check_digit,
    nhs_number,
    phone_number,
)
from bascule.sources.synthetic.hospital import generate

UNITS = (CareUnit(id="ward_1", name="Ward 1", site="main", beds=9), CareUnit(id="icu", name="ICU", beds=4))
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@given(st.integers(0, 2**32), st.sampled_from(["fr", "en"]), st.booleans())
def test_phone_numbers_come_only_from_ranges_kept_for_fiction(seed: int, lang: str, mobile: bool) -> None:
    assert is_fictional_phone(phone_number(random.Random(seed), lang, mobile))  # type: ignore[arg-type]


@given(st.integers(0, 2**32))
def test_nhs_numbers_have_a_valid_check_digit_in_the_test_range(seed: int) -> None:
    number = nhs_number(random.Random(seed))
    assert len(number) == 10 and number.startswith("999")
    assert nhs_check_digit(number[:9]) == int(number[9])


@given(st.integers(0, 2**32), st.booleans(), st.integers(1900, 2025), st.integers(1, 12))
def test_ins_numbers_are_well_formed(seed: int, female: bool, year: int, month: int) -> None:
    number = ins_number(random.Random(seed), female, year, month)
    assert ins_is_valid(number) and number[0] == ("2" if female else "1") and number[5:7] == "99"


@given(st.text(min_size=0, max_size=12), st.text(min_size=0, max_size=12), st.integers(0, 10**6))
def test_emails_are_at_example_domains(given_name: str, family: str, serial: int) -> None:
    address = email_address(given_name, family, serial)
    assert address.endswith("@example.org") and address.count("@") == 1 and address.isascii()


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["fr", "en"]))
def test_any_seed_gives_a_consistent_hospital(seed: int, lang: str) -> None:
    hospital = generate(seed, lang, UNITS, NOW)  # type: ignore[arg-type]
    intake = Intake(received_at=NOW)
    for resource in hospital.all_resources():
        intake.take(resource)
    assert intake.rejects == []
    resources = hospital.resources
    patients = {r["id"] for r in resources["Patient"]}
    assert len(patients) == len(resources["Patient"])
    assert len(resources["Encounter"]) <= sum(unit.beds for unit in UNITS)
    beds = [e["location"][1]["location"]["reference"] for e in resources["Encounter"]]
    assert len(beds) == len(set(beds))  # one patient per bed
    for kind in (
        "Encounter",
        "AllergyIntolerance",
        "Condition",
        "MedicationRequest",
        "Observation",
        "Appointment",
    ):
        for resource in resources[kind]:
            subject = (
                resource.get("subject") or resource.get("patient") or resource["participant"][0]["actor"]
            )
            assert subject["reference"].removeprefix("Patient/") in patients
    orders: dict[str, int] = {}
    for order in resources["MedicationRequest"]:
        orders[order["subject"]["reference"]] = orders.get(order["subject"]["reference"], 0) + 1
    assert all(3 <= count <= 10 for count in orders.values())
    for given_dose in resources["MedicationAdministration"]:
        given_at = datetime.fromisoformat(given_dose["effectiveDateTime"])
        assert NOW - timedelta(hours=24) <= given_at <= NOW
    for result in resources["Observation"]:
        if result["code"]["coding"][0]["code"] != "882-1":
            assert NOW - timedelta(hours=72) <= datetime.fromisoformat(result["effectiveDateTime"]) <= NOW
    # Every appointment falls in the fortnight of calendar days that starts today, where a
    # fourteen-day triage window from today looks for it.
    zone = ZoneInfo(hospital.timezone)
    fortnight_end = datetime.combine(NOW.astimezone(zone).date() + timedelta(days=14), time(), tzinfo=zone)
    for appointment in resources["Appointment"]:
        assert NOW <= datetime.fromisoformat(appointment["start"]) < fortnight_end
    for person in resources["Patient"] + resources["Practitioner"]:
        for point in person.get("telecom", []):
            if point["system"] == "phone":
                assert is_fictional_phone(point["value"])
            else:
                assert point["value"].endswith(("@example.org", "@example.com"))
