"""What a downtime number is: site, station, sequence and a check character.

Printed as `SITE-STATION-SEQUENCE-C` (`TIL-URG1-00042-K`). Site and station codes are 1 to 8
capital letters or digits, so the dashes can never be ambiguous; the station code is unique within
its site, and each station counts its own sequence: two stations can never print the same number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bascule.downtime.check_character import check_character

_CODE = re.compile(r"^[A-Z0-9]{1,8}$")
_NUMBER = re.compile(r"^([A-Z0-9]{1,8})-([A-Z0-9]{1,8})-([0-9]{5,9})-([0-9A-Z*])$")
SEQUENCE_WIDTH = 5
MAX_SEQUENCE = 999_999_999


def normalise_code(value: str, what: str) -> str:
    """A site or station code in capitals; ValueError with a sentence saying what is allowed."""
    code = value.strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"The {what} code {value!r} must be 1 to 8 letters or digits (no dashes or spaces).")
    return code


@dataclass(frozen=True, slots=True)
class DowntimeNumber:
    site: str
    station: str
    sequence: int

    def __post_init__(self) -> None:
        if not _CODE.match(self.site) or not _CODE.match(self.station):
            raise ValueError("site and station codes are 1 to 8 capital letters or digits")
        if not 1 <= self.sequence <= MAX_SEQUENCE:
            raise ValueError(f"a downtime sequence is between 1 and {MAX_SEQUENCE}")

    @property
    def body(self) -> str:
        """The characters the check character protects."""
        return f"{self.site}{self.station}{self.sequence:0{SEQUENCE_WIDTH}d}"

    @property
    def check(self) -> str:
        # The codes' lengths are part of the body, so "AB"+"C" and "A"+"BC" never share a check.
        return check_character(f"{len(self.site)}{len(self.station)}{self.body}")

    @property
    def record_id(self) -> str:
        """The id in the store's `downtime_ids` table (without the check character)."""
        return f"{self.site}-{self.station}-{self.sequence:0{SEQUENCE_WIDTH}d}"

    @property
    def text(self) -> str:
        return f"{self.record_id}-{self.check}"

    def __str__(self) -> str:
        return self.text


def written_like_number(text: str) -> bool:
    """Whether `text` has the shape of a downtime number (its check character not yet checked)."""
    return _NUMBER.match(re.sub(r"\s+", "", text).upper()) is not None


def parse_number(text: str) -> DowntimeNumber:
    """The number written as `text` (spaces and case forgiven); ValueError if malformed or mistyped."""
    cleaned = re.sub(r"\s+", "", text).upper()
    match = _NUMBER.match(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not written like a downtime number (SITE-STATION-00001-C).")
    site, station, sequence, check = match.groups()
    number = DowntimeNumber(site, station, int(sequence))
    if number.check != check:
        raise ValueError(f"The check character of {text!r} is wrong: a character was miscopied.")
    return number
