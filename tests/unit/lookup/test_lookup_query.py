"""What the search box reads: name words, birth dates in both forms, identifiers."""

from __future__ import annotations

from datetime import date

import pytest

from bascule.lookup import Query, parse_query
from bascule.lookup.query import normalise_identifier, parse_date

DATES = [
    ("1950-03-12", date(1950, 3, 12)),
    ("12/03/1950", date(1950, 3, 12)),
    ("12.03.1950", date(1950, 3, 12)),
    ("12-03-1950", date(1950, 3, 12)),
    ("2/3/1950", date(1950, 3, 2)),
    ("29/02/2000", date(2000, 2, 29)),
    ("31/02/1950", None),  # no such day: not a date
    ("29/02/1900", None),
    ("1950-13-01", None),
    ("12/03-1950", None),  # two separators that differ
    ("12/03/50", None),  # a two-digit year is ambiguous: never guessed
    ("dupont", None),
]


@pytest.mark.parametrize(("text", "day"), DATES)
def test_a_date_is_read_day_first_or_iso_and_an_impossible_one_is_none(text: str, day: date | None) -> None:
    assert parse_date(text) == day


def test_name_words_are_folded() -> None:
    assert parse_query("Jean DUPONT-Ørsted") == Query(names=("jean", "dupont", "orsted"))


def test_a_name_and_a_birth_date_are_both_conditions() -> None:
    query = parse_query("dupont 12/03/1950")
    assert query.names == ("dupont",)
    assert query.birth_dates == (date(1950, 3, 12),)
    assert query.identifiers == ()


def test_an_iso_date_alone() -> None:
    assert parse_query("1950-03-12").birth_dates == (date(1950, 3, 12),)


def test_an_impossible_date_is_an_identifier_that_no_patient_has() -> None:
    query = parse_query("31/02/1950")
    assert query.birth_dates == ()
    assert query.identifiers == ("31/02/1950",)


def test_a_word_with_digits_is_an_identifier_without_case_spaces_or_dashes() -> None:
    query = parse_query("til-urg1-00042-k")
    assert query.identifiers == ("TILURG100042K",)
    assert normalise_identifier(" 943 476–5919 ") == "9434765919"


def test_the_whole_text_is_also_one_identifier_for_numbers_written_with_spaces() -> None:
    query = parse_query("1 85 05 78 006 084 36")
    assert query.whole_identifier == "1850578006084" + "36"
    assert parse_query("dupont").whole_identifier is None


def test_a_date_being_typed_is_no_condition_yet() -> None:
    assert parse_query("dupont 12/03") == Query(names=("dupont",), whole_identifier="DUPONT12/03")
    assert parse_query("dupont 12/03/19").identifiers == ()
    assert parse_query("dupont 1950-03").identifiers == ()


@pytest.mark.parametrize("text", ["", " ", "d", "é", " - ' ", "7"])
def test_under_two_letters_or_digits_is_an_empty_query(text: str) -> None:
    assert parse_query(text).is_empty
