"""Phone numbers checked and written in E.164 with Google's numbering plans (`phonenumbers`).

A number written without a country code is read in the hospital's country (`hospital.country` in
the map, else FR for a French map and GB for an English one): a Belgian hospital reads "0470 12 34
56" as +32 470..., one in La Réunion reads "0692 ..." as +262 692.... Written with "+" or "00" and
a country code, a number reads the same from anywhere. Separators, brackets and a "(0)" trunk mark
are ignored; letters are refused (no vanity numbers in a patient file).

Only a number the plan knows as a mobile gets a text. Lines that may be either (the North American
plan) are "unknown" and get none; the call centre rings them. An invalid number is listed for the
call centre, never sent to; the reason never repeats the number (it is patient data).

Hand-written beside the library, on purpose: the ranges ARCEP and Ofcom reserve for fiction (+33 6
39 98, +44 7700 900), which the plans leave unallocated, read as mobiles so the synthetic hospital
and the demo reach a (fictional) phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

from bascule import i18n
from bascule.hospital.model import Hospital
from bascule.i18n import Lang

LineKind = Literal["mobile", "fixed", "unknown"]
Reason = Literal["empty", "letters", "too-short", "too-long", "country-code", "unallocated"]
_WRITTEN = re.compile(r"[0-9+\s.\-/()]+")
_FICTION_MOBILES = re.compile(r"\+3363998\d{4}|\+447700900\d{3}")  # ARCEP and Ofcom ranges for fiction
_LINE_KINDS: dict[int, LineKind] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "unknown",
    PhoneNumberType.UNKNOWN: "unknown",
}

i18n.register(
    "phone",
    {
        "empty": {"fr": "le numéro est vide", "en": "the number is empty"},
        "letters": {
            "fr": "le numéro contient autre chose que des chiffres",
            "en": "the number holds characters that are not digits",
        },
        "too-short": {"fr": "le numéro est trop court", "en": "the number is too short"},
        "too-long": {"fr": "le numéro est trop long", "en": "the number is too long"},
        "country-code": {
            "fr": "l'indicatif de pays après + n'existe pas",
            "en": "the country code after + does not exist",
        },
        "unallocated": {
            "fr": "le numéro n'est dans aucune plage attribuée de son pays ({country})",
            "en": "the number is in no range allocated in its country ({country})",
        },
        "refused": {
            "fr": "Ce numéro de téléphone n'est pas valable : {reason}.",
            "en": "This phone number is not valid: {reason}.",
        },
        "call_centre": {
            "fr": "Le numéro du centre d'appels, donné aux patients dans chaque message, n'est pas "
            "valable : {reason} ; écrivez-le avec + et l'indicatif du pays, ou tel qu'on le compose en {country}.",
            "en": "The call-centre number, given to patients in every message, is not valid: {reason}; "
            "write it with + and the country code, or as it is dialled in {country}.",
        },
    },
)


class InvalidPhone(ValueError):
    """The number cannot be a valid phone number; `reason` says why, never with the number."""

    def __init__(self, reason: Reason, country: str = "") -> None:
        self.reason: Reason = reason
        self.country = country
        super().__init__(self.sentence("en"))

    def reason_in(self, lang: Lang) -> str:
        """Why, as a clause for a person, in their language."""
        return i18n.t(f"phone.{self.reason}", lang, country=self.country)

    def sentence(self, lang: Lang) -> str:
        """One sentence for a person, in their language."""
        return i18n.t("phone.refused", lang, reason=self.reason_in(lang))


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    e164: str
    kind: LineKind

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\+[1-9]\d{6,14}", self.e164):
            raise InvalidPhone("unallocated")

    @property
    def is_mobile(self) -> bool:
        return self.kind == "mobile"


def normalise(number: str, country: str) -> PhoneNumber:
    """The number in E.164 with its line kind, reading a national number in `country` (ISO 3166).

    Raises InvalidPhone when it cannot be a number in use.
    """
    text = number.strip().replace("(0)", " ")
    if not text:
        raise InvalidPhone("empty")
    if not _WRITTEN.fullmatch(text):
        raise InvalidPhone("letters")
    compact = re.sub(r"\D", "", text)
    if text.startswith("00"):  # the international prefix of most of Europe, whatever the country
        text = "+" + compact[2:]
    try:
        parsed = phonenumbers.parse(text, country.upper())
    except NumberParseException as refused:
        raise InvalidPhone(_parse_reason(refused)) from None
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if _FICTION_MOBILES.fullmatch(e164):
        return PhoneNumber(e164, "mobile")
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible == ValidationResult.TOO_SHORT:
        raise InvalidPhone("too-short")
    if possible == ValidationResult.TOO_LONG:
        raise InvalidPhone("too-long")
    if possible == ValidationResult.INVALID_COUNTRY_CODE:
        raise InvalidPhone("country-code")
    if not phonenumbers.is_valid_number(parsed):
        code = parsed.country_code or 0
        region = phonenumbers.region_code_for_country_code(code)
        raise InvalidPhone("unallocated", region if region != "ZZ" else f"+{code}")
    return PhoneNumber(e164, _LINE_KINDS.get(phonenumbers.number_type(parsed), "fixed"))


def _parse_reason(refused: NumberParseException) -> Reason:
    if refused.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return "country-code"
    if refused.error_type in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return "too-short"
    if refused.error_type == NumberParseException.TOO_LONG:
        return "too-long"
    return "too-short"  # "not a number": a digit or two, or only punctuation


def country_of(hospital: Hospital) -> str:
    """The country a national number is read in: the map's `country`, else from the map's language."""
    if hospital.country:
        return hospital.country
    return "FR" if hospital.lang == "fr" else "GB"
