"""What a sample number is: `S` + a six-to-nine digit sequence + a check character.

Printed as `S000042-K` on the label and in its Code 128 barcode. The check character is ISO 7064
MOD 37-2 (downtime/check_character.py) over `S000042`, so a miscopied or swapped character is
caught when the number is typed by hand. The sequence is the store's: numbers never repeat
within a store.
"""

from __future__ import annotations

import re

from bascule.downtime.check_character import check_character

SEQUENCE_WIDTH = 6
MAX_SEQUENCE = 999_999_999
_NUMBER = re.compile(r"^S([0-9]{6,9})-?([0-9A-Z*])$")


class WrongCheckCharacter(ValueError):
    """A number written like a sample number whose check character does not match: miscopied."""


def sample_number(sequence: int) -> str:
    """The printed number of the store's `sequence`-th sample."""
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"a sample sequence is between 1 and {MAX_SEQUENCE}")
    body = f"S{sequence:0{SEQUENCE_WIDTH}d}"
    return f"{body}-{check_character(body)}"


def parse_sample_number(text: str) -> str:
    """The number written as `text` (spaces, case and a missing dash forgiven), in its printed
    form; ValueError if malformed or mistyped."""
    cleaned = re.sub(r"\s+", "", text).upper()
    match = _NUMBER.match(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not written like a sample number (S000001-C).")
    digits, check = match.groups()
    if check_character(f"S{digits}") != check:
        raise WrongCheckCharacter(f"The check character of {text!r} is wrong: a character was miscopied.")
    return f"S{digits}-{check}"
