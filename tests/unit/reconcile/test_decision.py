"""Decision rules: each hard case is never "auto", whatever its score; a clean match is."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bascule.clinical.records import Patient, PersonName
from bascule.reconcile.match import Match, match_registrations
from bascule.reconcile.registration import Registration

V = "2026-01-01T00:00:00.000000Z"


def patient(pid: str, family: str, given: str, born: date, sex: str = "female", **fields: object) -> Patient:
    return Patient(id=pid, version=V, family=family, given=given, birth_date=born, sex=sex, **fields)  # type: ignore[arg-type]


def crowd(count: int = 400) -> list[Patient]:
    """Unrelated patients, so that the prior is a hospital's, not a pair's."""
    return [
        patient(f"c{n}", f"Nom{n:04d}x", "Zoé", date(1930 + n % 80, 1 + n % 12, 1 + n % 28))
        for n in range(count)
    ]


CLAIRE = patient(
    "p1",
    "Martin",
    "Claire",
    date(1980, 2, 3),
    phone="+33639980001",
    phones=("+33639980001",),
    postcode="91100",
    national_number="280029912345657",
    national_system="INS",
    names=(PersonName("Martin", "Claire", "official"), PersonName("Lefèvre", "Claire", "maiden")),
)
WRITTEN = Registration(
    downtime_id="D1",
    family="Martin",
    given="Claire",
    birth_date=date(1980, 2, 3),
    sex="female",
    phone="06 39 98 00 01",
    postcode="91100",
)


def one(registration: Registration, patients: list[Patient]) -> Match:
    (found,) = match_registrations([registration], patients)
    return found


def test_a_clean_registration_is_merged_automatically() -> None:
    found = one(WRITTEN, [CLAIRE, *crowd()])
    assert (found.decision, found.patient_id, found.reasons) == ("auto", "p1", ())
    assert found.score >= 0.999


@pytest.mark.parametrize(
    "written",
    [
        replace(WRITTEN, family="Lefevre"),  # the maiden name
        replace(WRITTEN, given="Clarie"),  # a typo
        replace(WRITTEN, family="Martinn"),
    ],
)
def test_maiden_names_and_typos_still_merge(written: Registration) -> None:
    assert one(written, [CLAIRE, *crowd()]).decision == "auto"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        (replace(WRITTEN, given="Sophie"), "given_disagrees"),
        (replace(WRITTEN, birth_date=date(1980, 3, 2)), "birth_date_swapped"),
        (replace(WRITTEN, birth_date=date(1980, 2, 8)), "birth_date_disagrees"),
        (replace(WRITTEN, birth_date=None), "birth_date_missing"),
        (replace(WRITTEN, sex="male"), "sex_disagrees"),
        (replace(WRITTEN, national_id="9434765919"), "national_id_disagrees"),
        (replace(WRITTEN, given="Bébé"), "newborn"),
        (replace(WRITTEN, given=None), "newborn"),
    ],
)
def test_a_hard_blocker_sends_to_review(written: Registration, reason: str) -> None:
    found = one(written, [CLAIRE, *crowd()])
    assert found.decision != "auto"
    assert reason in found.reasons


def test_twins_are_reviewed() -> None:
    twin = patient(
        "p2",
        "Martin",
        "Camille",
        date(1980, 2, 3),
        phone="+33639980001",
        phones=("+33639980001",),
        postcode="91100",
    )
    found = one(WRITTEN, [CLAIRE, twin, *crowd()])
    assert (found.decision, found.patient_id) == ("review", "p1")
    assert "twin_in_store" in found.reasons


def test_a_parent_and_child_sharing_name_and_phone_are_reviewed() -> None:
    father = patient(
        "f", "Smith", "John", date(1950, 5, 6), "male", phone="+447700900001", phones=("+447700900001",)
    )
    son = patient(
        "s", "Smith", "John", date(1978, 9, 10), "male", phone="+447700900001", phones=("+447700900001",)
    )
    written = Registration(
        downtime_id="D2", family="Smith", given="John", birth_date=date(1978, 9, 10), phone="07700 900001"
    )
    found = one(written, [father, son, *crowd()])
    assert (found.decision, found.patient_id) == ("review", "s")
    assert "parent_or_child_in_store" in found.reasons


def test_spouses_are_reviewed() -> None:
    husband = patient(
        "h",
        "Martin",
        "Paul",
        date(1978, 5, 6),
        "male",
        phone="+33639980001",
        phones=("+33639980001",),
        postcode="91100",
    )
    found = one(WRITTEN, [CLAIRE, husband, *crowd()])
    assert found.decision == "review"
    assert "spouse_in_store" in found.reasons


def test_a_homonym_the_written_date_cannot_tell_apart_is_reviewed() -> None:
    other = patient("p3", "Martin", "Claire", date(1980, 2, 9))  # one digit away from the written date
    found = one(WRITTEN, [CLAIRE, other, *crowd()])
    assert found.decision == "review"
    assert "homonym_in_store" in found.reasons


def test_a_homonym_born_decades_apart_does_not_block_a_clean_match() -> None:
    other = patient("p3", "Martin", "Claire", date(1951, 7, 22))
    assert one(WRITTEN, [CLAIRE, other, *crowd()]).decision == "auto"


def test_a_newborn_of_a_stored_mother_is_never_merged_with_her() -> None:
    baby = Registration(
        downtime_id="D3", family="Martin", given="Bébé", birth_date=date(2026, 12, 1), phone="0639980001"
    )
    found = one(baby, [CLAIRE, *crowd()])
    assert found.decision != "auto"


def test_nobody_plausible_is_new_and_names_no_patient() -> None:
    stranger = Registration(
        downtime_id="D4", family="Okonkwo", given="Chidi", birth_date=date(1990, 8, 17), sex="male"
    )
    found = one(stranger, [CLAIRE, *crowd()])
    assert (found.decision, found.patient_id) == ("new", None)
    assert found.score < 0.05


def test_an_empty_store_makes_everyone_new() -> None:
    assert one(WRITTEN, []) == Match("D1", None, "new", 0.0, ("no_candidate",))


def test_a_given_name_one_letter_from_the_other_sex_needs_the_sex_written() -> None:
    louis = patient(
        "p4", "Bernard", "Louis", date(1990, 4, 5), "male", phone="+33639980007", phones=("+33639980007",)
    )
    louise = Registration(
        downtime_id="D5", family="Bernard", given="Louise", birth_date=date(1990, 4, 5), phone="0639980007"
    )
    found = one(louise, [louis, *crowd()])
    assert (found.decision, found.reasons) == ("review", ("given_uncertain",))
    assert one(replace(louise, sex="female"), [louis, *crowd()]).decision == "review"
    assert one(replace(louise, given="Louiss", sex="male"), [louis, *crowd()]).decision == "auto"
