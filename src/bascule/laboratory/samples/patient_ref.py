"""Who a sample is for, checked at collection (issue 19): an identity doubt is refused, never
guessed. A patient reference is either a downtime number, which must pass its check character
(bascule.downtime.numbers), or an MRN, which must be a patient the continuity store knows.
Anything else is refused with one sentence; the sentence never repeats the reference (a
patient's identifier stays out of errors and logs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bascule.downtime.numbers import parse_number, written_like_number
from bascule.errors import UserError

RefKind = Literal["downtime_number", "mrn"]


@dataclass(frozen=True, slots=True)
class PatientRef:
    """A checked reference: a downtime number in its printed form, or a known MRN as typed."""

    kind: RefKind
    text: str


def checked_ref(typed: str, mrn_known: Callable[[str], bool]) -> PatientRef:
    """The reference `typed` at collection, checked; UserError for an empty one, a downtime number
    whose check character is wrong, or an MRN that `mrn_known` does not know."""
    text = typed.strip()
    if not text:
        raise UserError(
            "A sample needs its patient (MRN or downtime number), its unit and who collected it.",
            fr="Un échantillon demande son patient (IPP ou numéro de secours), son unité et qui l'a prélevé.",
        )
    if written_like_number(text):
        try:
            number = parse_number(text)
        except ValueError:
            raise UserError(
                "The downtime number's check character is wrong: a character was miscopied; read it again from the wristband.",
                fr="Le caractère de contrôle du numéro de secours est faux : un caractère a été mal recopié ; relisez-le sur le bracelet.",
            ) from None
        return PatientRef("downtime_number", number.text)
    if mrn_known(text):
        return PatientRef("mrn", text)
    raise UserError(
        "The patient reference is neither a downtime number nor an MRN this store knows: check the wristband, nothing was recorded.",
        fr="La référence patient n'est ni un numéro de secours ni un IPP connu de cette base : vérifiez le bracelet, rien n'a été enregistré.",
    )
