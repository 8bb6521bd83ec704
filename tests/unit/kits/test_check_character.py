"""ISO 7064 MOD 37-2 and the downtime number format, as a table of examples."""

from __future__ import annotations

import pytest

from bascule.downtime.check_character import check_character, is_valid
from bascule.downtime.numbers import DowntimeNumber, normalise_code, parse_number


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("G123498654321", "H"),  # the example of ISO/IEC 7064
        ("0794", "C"),
        ("A999522123456", "*"),
    ],
)
def test_known_check_characters(body: str, check: str) -> None:
    assert check_character(body) == check
    assert is_valid(body, check)


@pytest.mark.parametrize("body", ["", "ab", "A-1", "A*B", "É1"])
def test_bodies_outside_the_alphabet_are_refused(body: str) -> None:
    with pytest.raises(ValueError):
        check_character(body)
    assert not is_valid(body, "0")


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (DowntimeNumber("TIL", "URG1", 42), "TIL-URG1-00042-"),
        (DowntimeNumber("1", "2", 99999), "1-2-99999-"),
        (DowntimeNumber("SITE0001", "ST000001", 123456), "SITE0001-ST000001-123456-"),
    ],
)
def test_numbers_print_site_station_sequence_and_check(number: DowntimeNumber, text: str) -> None:
    assert number.text.startswith(text) and len(number.text) == len(text) + 1
    assert number.record_id == text[:-1]
    assert parse_number(number.text) == number
    assert parse_number(f" {number.text.lower()} ") == number


@pytest.mark.parametrize(
    "text", ["TIL-URG1-00042", "TIL_URG1_00042_X", "TIL-URG1-42-X", "TOOLONGSITE-A-00001-X", "-A-00001-X"]
)
def test_malformed_numbers_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(ValueError, match="not written like a downtime number"):
        parse_number(text)


def test_a_wrong_check_character_is_refused() -> None:
    number = DowntimeNumber("TIL", "URG1", 42)
    wrong = "0" if number.check != "0" else "1"
    with pytest.raises(ValueError, match="check character"):
        parse_number(f"{number.record_id}-{wrong}")


@pytest.mark.parametrize(("value", "code"), [("til", "TIL"), (" urg1 ", "URG1"), ("A", "A")])
def test_codes_are_normalised(value: str, code: str) -> None:
    assert normalise_code(value, "site") == code


@pytest.mark.parametrize("value", ["", "TIL-1", "TOOLONG12", "É", "A B"])
def test_bad_codes_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="1 to 8 letters or digits"):
        normalise_code(value, "station")


@pytest.mark.parametrize(("site", "station", "sequence"), [("til", "A", 1), ("A", "B", 0), ("A", "B-1", 1)])
def test_invalid_numbers_cannot_exist(site: str, station: str, sequence: int) -> None:
    with pytest.raises(ValueError):
        DowntimeNumber(site, station, sequence)
