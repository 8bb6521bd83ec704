"""Phone numbers checked and written in E.164, for France (+33) and the United Kingdom (+44).

Rules, applied after removing spaces, dots, dashes, slashes and brackets (and a "(0)" trunk mark):
- "00" at the start is the international prefix and becomes "+".
- A number without "+" is national: it must start with the trunk "0"; the hospital's country
  (FR or GB) gives the country code.
- France: +33 followed by 9 digits, the first 1 to 9. Mobiles start with 6 or 7.
- United Kingdom: +44 followed by 10 digits (9 for a few old geographic numbers), the first 1, 2,
  3, 5, 7, 8 or 9. Mobiles start with 71 to 75 or 77 to 79 (70 is personal numbering, 76 pagers).
- Any other country code: 8 to 15 digits in all are accepted as written; whether it is a mobile
  is unknown, so no text is sent to it.
An SMS is only sent to a mobile; an invalid number is listed for the call centre, never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Country = Literal["FR", "GB"]
LineKind = Literal["mobile", "fixed", "unknown"]
COUNTRY_CODES: dict[Country, str] = {"FR": "33", "GB": "44"}
_SEPARATORS = re.compile(r"[\s.\-/()]")
_UK_MOBILE = re.compile(r"^7[1-57-9]")


class InvalidPhone(ValueError):
    """The number cannot be a valid phone number; the message says why (without the number)."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    e164: str
    kind: LineKind

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\+[1-9]\d{7,14}", self.e164):
            raise InvalidPhone("not an E.164 number")

    @property
    def is_mobile(self) -> bool:
        return self.kind == "mobile"


def _french(significant: str) -> PhoneNumber:
    if len(significant) != 9 or not significant.isdigit() or significant[0] == "0":
        raise InvalidPhone("a French number has 9 digits after +33 (10 with the leading 0)")
    return PhoneNumber("+33" + significant, "mobile" if significant[0] in "67" else "fixed")


def _british(significant: str) -> PhoneNumber:
    if len(significant) not in (9, 10) or not significant.isdigit() or significant[0] not in "1235789":
        raise InvalidPhone("a UK number has 10 digits after +44 (11 with the leading 0)")
    if significant[0] == "7" and len(significant) != 10:
        raise InvalidPhone("a UK mobile number has 10 digits after +44")
    return PhoneNumber("+44" + significant, "mobile" if _UK_MOBILE.match(significant) else "fixed")


def normalise(number: str, country: Country) -> PhoneNumber:
    """The number in E.164 with its line kind; raises InvalidPhone when it cannot be one."""
    text = number.strip().replace("(0)", "")
    text = _SEPARATORS.sub("", text)
    if not text:
        raise InvalidPhone("the number is empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
        if not digits.isdigit():
            raise InvalidPhone("the number holds characters that are not digits")
        if digits.startswith("33"):
            return _french(digits[2:])
        if digits.startswith("44"):
            return _british(digits[2:])
        if not 8 <= len(digits) <= 15 or digits[0] == "0":
            raise InvalidPhone("an international number has 8 to 15 digits after +")
        return PhoneNumber("+" + digits, "unknown")
    if not text.isdigit():
        raise InvalidPhone("the number holds characters that are not digits")
    if not text.startswith("0") or text.startswith("00"):
        raise InvalidPhone(
            "a national number starts with a single 0; or write it with + and the country code"
        )
    return _french(text[1:]) if country == "FR" else _british(text[1:])


def country_of(lang: str) -> Country:
    """The hospital's country from its language: French maps are in France, English ones in the UK."""
    return "FR" if lang == "fr" else "GB"
