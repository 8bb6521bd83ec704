"""What happened to each unit: its movements, in order, and the state they leave it in.

A unit is received (in stock), then issued to one recipient (a patient's MRN or a downtime number),
returned unused (back in stock, only within RETURN_WITHIN of its issue: past that the cold chain is
broken and the unit must be destroyed), expired or destroyed with a reason. The movements are the
legal traceability chain: each issued unit has exactly one recipient until it is returned.
Recipients are kept by value in the store but never written in an error or a log: a sentence
names the unit, never the patient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bascule.downtime.numbers import parse_number
from bascule.errors import UserError
from bascule.laboratory.blood.units import BloodUnit

Kind = Literal["received", "issued", "returned", "expired", "destroyed"]
KINDS: tuple[Kind, ...] = ("received", "issued", "returned", "expired", "destroyed")
State = Literal["in_stock", "issued", "expired", "destroyed"]
RecipientKind = Literal["mrn", "downtime"]

# Red cells out of controlled storage for more than 30 minutes are not taken back (the usual
# hospital rule); the same limit is applied to every component for simplicity.
RETURN_WITHIN = timedelta(minutes=30)
_MRN = re.compile(r"^[A-Za-z0-9-]{1,32}$")


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: RecipientKind
    value: str


def parse_recipient(*, mrn: str | None = None, downtime: str | None = None) -> Recipient:
    """Exactly one of a patient MRN or a downtime number (checked: its check character too)."""
    if (mrn is None) == (downtime is None):
        raise UserError(
            "Give the recipient as exactly one of an MRN or a downtime number.",
            fr="Donnez le receveur : soit un IPP, soit un numéro de mode dégradé, pas les deux.",
        )
    if downtime is not None:
        try:
            return Recipient("downtime", parse_number(downtime).text)
        except ValueError:
            # The value is not repeated: it identifies a patient.
            raise UserError(
                "The downtime number given is not written like SITE-STATION-00001-C or its check "
                "character is wrong: read it again from the wristband.",
                fr="Le numéro de mode dégradé donné n'est pas écrit comme SITE-POSTE-00001-C ou son "
                "caractère de contrôle est faux : relisez-le sur le bracelet.",
            ) from None
    assert mrn is not None
    if not _MRN.match(mrn.strip()):
        # The value is not repeated: it may be a patient identifier.
        raise UserError(
            "The MRN given is not 1 to 32 letters, digits or dashes.",
            fr="L'IPP donné n'est pas fait de 1 à 32 lettres, chiffres ou tirets.",
        )
    return Recipient("mrn", mrn.strip())


@dataclass(frozen=True, slots=True)
class Movement:
    donation: str
    kind: Kind
    at: datetime
    by: str
    recipient: Recipient | None = None
    emergency: bool = False
    reason: str = ""


def state_after(movements: list[Movement]) -> State:
    """The state a unit's movements (oldest first) leave it in."""
    state: State = "in_stock"
    for movement in movements:
        if movement.kind in ("received", "returned"):
            state = "in_stock"
        elif movement.kind == "issued":
            state = "issued"
        elif movement.kind == "expired":
            state = "expired"
        else:
            state = "destroyed"
    return state


def _refuse(english: str, french: str) -> UserError:
    return UserError(english, fr=french)


def check_issue(unit: BloodUnit, movements: list[Movement], when: datetime) -> None:
    """UserError unless `unit` may be issued at `when`: in stock and not expired."""
    state = state_after(movements)
    if state != "in_stock":
        raise _refuse(
            f"Unit {unit.donation} is {state.replace('_', ' ')}, not in stock: it cannot be issued.",
            f"L'unité {unit.donation} n'est pas en stock ({state}) : elle ne peut pas être délivrée.",
        )
    if unit.expired_at(when):
        raise _refuse(
            f"Unit {unit.donation} expired on {unit.expires:%Y-%m-%d %H:%M}: it cannot be issued.",
            f"L'unité {unit.donation} est périmée depuis le {unit.expires:%Y-%m-%d %H:%M} : "
            "elle ne peut pas être délivrée.",
        )


def check_return(unit: BloodUnit, movements: list[Movement], when: datetime) -> None:
    """UserError unless `unit` is issued and comes back within RETURN_WITHIN of its issue."""
    if state_after(movements) != "issued":
        raise _refuse(
            f"Unit {unit.donation} is not issued: there is nothing to return.",
            f"L'unité {unit.donation} n'est pas délivrée : il n'y a rien à retourner.",
        )
    issued = max(m.at for m in movements if m.kind == "issued")
    if when - issued > RETURN_WITHIN or when < issued:
        minutes = int(RETURN_WITHIN.total_seconds() // 60)
        raise _refuse(
            f"Unit {unit.donation} was issued more than {minutes} minutes ago: the cold chain is "
            "broken, destroy it instead of returning it.",
            f"L'unité {unit.donation} a été délivrée il y a plus de {minutes} minutes : la chaîne du "
            "froid est rompue, détruisez-la au lieu de la retourner.",
        )
