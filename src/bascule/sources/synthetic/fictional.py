"""Identifiers that look real and reach no one: reserved phone ranges, example e-mail domains, and
national numbers that are well-formed (valid check digits) in ranges no real person holds."""

from __future__ import annotations

import random
import unicodedata

from bascule.i18n import Lang


def phone_number(rng: random.Random, lang: Lang, mobile: bool = True) -> str:
    """An E.164 number from a range reserved for fiction.

    France (ARCEP): +33 1 99 00 xx xx and +33 6 39 98 xx xx. UK (Ofcom drama numbers):
    07700 900000-900999 and 020 7946 0000-0999.
    """
    if lang == "fr":
        prefix = "+3363998" if mobile else "+3319900"
        return f"{prefix}{rng.randrange(10000):04d}"
    if mobile:
        return f"+447700900{rng.randrange(1000):03d}"
    return f"+442079460{rng.randrange(1000):03d}"


def is_fictional_phone(number: str) -> bool:
    return number.startswith(("+3363998", "+3319900", "+447700900", "+442079460")) and number[1:].isdigit()


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def email_address(given: str, family: str, serial: int, domain: str = "example.org") -> str:
    """An address at a domain reserved for examples (RFC 2606)."""
    return f"{_ascii(given) or 'x'}.{_ascii(family) or 'x'}{serial}@{domain}"


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number mod-11 check digit, or None when these nine digits cannot form a number."""
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which NHS England keeps for test data."""
    while True:
        first_nine = f"999{rng.randrange(1_000_000):06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def ins_number(rng: random.Random, female: bool, birth_year: int, birth_month: int) -> str:
    """A well-formed INS (NIR: 13 digits and a key of 97) for someone born abroad (department 99)."""
    body = f"{2 if female else 1}{birth_year % 100:02d}{birth_month:02d}99{rng.randrange(100, 999):03d}"
    body += f"{rng.randrange(1, 999):03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def ins_is_valid(number: str) -> bool:
    return len(number) == 15 and number.isdigit() and 97 - int(number[:13]) % 97 == int(number[13:])
