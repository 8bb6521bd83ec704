"""A blood unit as the blood bank receives it: its donation number, component, group and expiry.

Donation numbers are written ISBT 128 style, `FR123 26 123456`: the collecting facility (a letter
then 4 letters or digits), the year of collection (2 digits) and the serial (6 digits). Spaces may
be missing or doubled on input; the unit is stored with the number written with single spaces.
A number also comes as the bag's barcode types it (`=G12349865432100`: the data identifier `=`,
the 13 characters, then 2 flag characters) or as its label prints it, followed by the boxed check
character (`G1234 98 654321 H`). The check character, and flags that carry it (60 + the ISO 7064
MOD 37-2 checksum), are verified. Anything else is refused: a mistyped number would break the
traceability chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bascule.downtime.check_character import ALPHABET, check_character
from bascule.errors import UserError
from bascule.hospital.laboratory import ABO_RHD, COMPONENTS, Component

_DONATION = re.compile(r"^([A-Z][A-Z0-9]{4})\s*([0-9]{2})\s*([0-9]{6})(?:\s*([0-9A-Z*]))?$")
_SCANNED = re.compile(r"^=([A-Z][A-Z0-9]{4})([0-9]{2})([0-9]{6})([0-9]{2})$")


def parse_donation_number(text: str) -> str:
    """`text` written as `FR123 26 123456` (or scanned, or with its check character); UserError
    for anything else, or for a check character that does not match."""
    cleaned = text.strip().upper()
    scanned = _SCANNED.match(cleaned)
    match = scanned or _DONATION.match(cleaned)
    if match is None:
        raise UserError(
            f"{text!r} is not a donation number written like FR123 26 123456.",
            fr=f"{text!r} n'est pas un numéro de don écrit comme FR123 26 123456.",
        )
    facility, year, serial, check = match.groups()
    body = f"{facility}{year}{serial}"
    expected = check_character(body)
    if scanned is not None:
        flags = int(check)
        wrong = 60 <= flags <= 96 and flags - 60 != ALPHABET.index(expected)
    else:
        wrong = check is not None and check != expected
    if wrong:
        raise UserError(
            f"The check character of donation number {facility} {year} {serial} is wrong: read it again from the bag.",
            fr=f"Le caractère de contrôle du numéro de don {facility} {year} {serial} est faux : relisez-le sur la poche.",
        )
    return f"{facility} {year} {serial}"


# Components as French and English delivery notes name them.
_COMPONENT_NAMES: dict[str, Component] = {
    "red_cells": "red_cells",
    "cgr": "red_cells",  # concentré de globules rouges
    "rbc": "red_cells",
    "red cells": "red_cells",
    "plasma": "plasma",
    "pfc": "plasma",  # plasma frais congelé
    "ffp": "plasma",
    "platelets": "platelets",
    "plaquettes": "platelets",
    "cpa": "platelets",  # concentré de plaquettes d'aphérèse
    "mcp": "platelets",  # mélange de concentrés plaquettaires
    "mcps": "platelets",
    "plt": "platelets",
}


def parse_component(text: str) -> Component:
    found = _COMPONENT_NAMES.get(" ".join(text.strip().lower().split()))
    if found is not None:
        return found
    raise UserError(
        f"Unknown blood component {text!r}: use one of {', '.join(COMPONENTS)}.",
        fr=f"Composant sanguin inconnu {text!r} : utilisez {', '.join(COMPONENTS)}.",
    )


# A group as labels and delivery notes write it: "O-", "O neg", "O RhD négatif", "O RH:-1" (the
# French label's older notation), "0 Rh neg" (zero for O, as much of Europe writes it).
_SIGN = r"\+|-|POS|POSITI[FV]E?|NEG|N[EÉ]GATI[FV]E?"
# "1" and "-1" only after "RH": "A1" alone is the A1 subgroup, its RhD not said.
_GROUP = re.compile(rf"^(AB|A|B|O|0)\s*(?:RH\s*D?\s*:?\s*({_SIGN}|-1|1)|({_SIGN}))$")


def parse_group(text: str) -> str:
    """An ABO/RhD group such as "O-" or "AB+", however a label writes it (see _GROUP)."""
    match = _GROUP.match(" ".join(text.strip().upper().split()))
    if match is None:
        raise UserError(
            f"{text!r} is not a full ABO/RhD group: use one of {', '.join(ABO_RHD)}.",
            fr=f"{text!r} n'est pas un groupe ABO/RhD complet : utilisez {', '.join(ABO_RHD)}.",
        )
    abo, after_rh, bare = match.groups()
    rhd = after_rh or bare
    sign = "-" if rhd.startswith(("-", "N")) else "+"
    return f"{'O' if abo == '0' else abo}{sign}"


@dataclass(frozen=True, slots=True)
class BloodUnit:
    """One bag. Every component carries its full ABO/RhD group: red cells must, and plasma and
    platelets are matched on it too; a unit whose group is not known is not received."""

    donation: str
    component: Component
    group: str
    expires: datetime
    received: datetime

    def __post_init__(self) -> None:
        if parse_donation_number(self.donation) != self.donation:
            raise ValueError("donation numbers are stored as parse_donation_number writes them")
        if self.component not in COMPONENTS or self.group not in ABO_RHD:
            raise ValueError("component and group come from COMPONENTS and ABO_RHD")

    def expired_at(self, when: datetime) -> bool:
        return when >= self.expires
