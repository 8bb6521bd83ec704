"""Comparison levels, one table per field: what a paper form says against what the store keeps."""

from __future__ import annotations

from datetime import date

import pytest

from bascule.clinical.records import Patient, PersonName
from bascule.reconcile.comparison import (
    StoredPerson,
    Written,
    compare,
    compare_birth,
    compare_family,
    compare_given,
    is_newborn_name,
    national_is_valid,
)
from bascule.reconcile.registration import Registration

V = "2026-01-01T00:00:00.000000Z"
CLAIRE = StoredPerson.of(
    Patient(
        id="p1",
        version=V,
        family="Martin-Dupont",
        given="Claire Anne",
        names=(
            PersonName("Martin-Dupont", "Claire Anne", "official"),
            PersonName("Lefèvre", "Claire", "maiden"),
        ),
        birth_date=date(1980, 2, 3),
        sex="female",
        national_number="280029912345657",
        national_system="INS",
        phone="+33 6 39 98 00 01",
        phones=("+33 6 39 98 00 01", "01 99 00 00 02"),
        postcode="91 100",
    )
)


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("Martin-Dupont", "exact"),
        ("MARTIN DUPONT", "exact"),
        ("martindupont", "exact"),
        ("Lefevre", "other_name"),  # the maiden name, accent dropped
        ("Dupont", "part"),  # one part of the compound name
        ("Martin", "part"),
        ("Martin-Dupond", "close"),  # one typo
        ("Lefebvre", "close"),
        ("Bernard", "disagree"),
        ("", "missing"),
    ],
)
def test_family_levels(written: str, level: str) -> None:
    from bascule.lookup.folding import fold

    assert compare_family(fold(written), CLAIRE) == level


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("Claire Anne", "exact"),
        ("claire", "exact"),  # the maiden name's given is "Claire"
        ("Claire Marie", "first"),
        ("Anne", "first"),  # a word of the stored given names
        ("Clarie", "close"),
        ("Sophie", "disagree"),
        ("", "missing"),
    ],
)
def test_given_levels(written: str, level: str) -> None:
    from bascule.lookup.folding import fold

    assert compare_given(fold(written), CLAIRE) == level


def test_a_nickname_is_its_own_level() -> None:
    robert = StoredPerson.of(Patient(id="p2", version=V, family="Smith", given="Robert"))
    assert compare_given("bob", robert) == "nickname"


@pytest.mark.parametrize(
    ("written", "level"),
    [
        (date(1980, 2, 3), "exact"),
        (date(1980, 3, 2), "swapped"),
        (date(1980, 2, 8), "typo"),
        (date(1989, 2, 3), "typo"),
        (date(1980, 11, 20), "year_only"),
        (date(1975, 6, 30), "disagree"),
        (None, "missing"),
    ],
)
def test_birth_date_levels(written: date | None, level: str) -> None:
    assert compare_birth(written, CLAIRE.birth_date) == level


def _written(**fields: object) -> Written:
    return Written.of(Registration(downtime_id="D1", family="Martin", **fields))  # type: ignore[arg-type]


def test_sex_national_phone_and_postcode_levels() -> None:
    same = compare(
        _written(sex="female", national_id="2 80 02 99 123 456 57", phone="0639980001", postcode="91100"),
        CLAIRE,
    )
    assert (same.sex, same.national, same.phone, same.postcode) == ("agree", "exact", "exact", "exact")
    other = compare(
        _written(sex="male", national_id="9434765919", phone="0199000003", postcode="75011"), CLAIRE
    )
    assert (other.sex, other.national, other.phone, other.postcode) == (
        "disagree",
        "disagree",
        "disagree",
        "disagree",
    )
    unknown = compare(_written(sex="unknown"), CLAIRE)
    assert (unknown.sex, unknown.national, unknown.phone, unknown.postcode) == ("missing",) * 4


def test_a_second_phone_agrees_and_a_miscopied_national_number_says_nothing() -> None:
    levels = compare(_written(phone="+33 1 99 00 00 02", national_id="280029912345658"), CLAIRE)
    assert (levels.phone, levels.national) == ("exact", "invalid")


@pytest.mark.parametrize(
    ("number", "valid"),
    [("280029912345657", True), ("280029912345658", False), ("9434765919", True), ("9434765918", False)],
)
def test_national_numbers_are_checked_as_nir_or_nhs(number: str, valid: bool) -> None:
    assert national_is_valid(number) is valid


@pytest.mark.parametrize(
    ("given", "newborn"), [(None, True), ("Bébé", True), ("BB", True), ("baby boy", True), ("Babette", False)]
)
def test_newborn_placeholders(given: str | None, newborn: bool) -> None:
    assert is_newborn_name(given) is newborn
