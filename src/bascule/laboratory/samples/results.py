"""Results without the laboratory system, pure (issue 19).

A result is entered once, at the lab or taken by phone; a phoned result is recorded only once read
back to the caller. A critical value is released to the wards only when a second person (another
account than the one who entered it) confirms it; other values are released when entered. A
second entry for the same sample is refused: a correction is an amendment with its reason, and
the first value is kept beside it. Every result is kept for reconciliation with the recovered
laboratory system (sample, patient reference, test, value).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bascule.errors import UserError

Flag = Literal["normal", "abnormal", "critical"]
FLAGS: tuple[Flag, ...] = ("normal", "abnormal", "critical")
Channel = Literal["lab", "phone"]
CHANNELS: tuple[Channel, ...] = ("lab", "phone")


@dataclass(frozen=True, slots=True)
class Amendment:
    value: str
    unit: str
    flag: Flag
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Result:
    sample: str
    patient: str
    test: str
    value: str
    unit: str
    flag: Flag
    entered_by: str
    entered_at: datetime
    channel: Channel = "lab"
    read_back: bool = False
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    amendments: tuple[Amendment, ...] = ()

    @property
    def released(self) -> bool:
        """Visible on the wards: any value but a critical one, and a critical one once confirmed."""
        return self.current_flag != "critical" or self.confirmed_by is not None

    @property
    def current_value(self) -> str:
        return self.amendments[-1].value if self.amendments else self.value

    @property
    def current_unit(self) -> str:
        return self.amendments[-1].unit if self.amendments else self.unit

    @property
    def current_flag(self) -> Flag:
        return self.amendments[-1].flag if self.amendments else self.flag


def new_result(
    *,
    sample: str,
    patient: str,
    test: str,
    value: str,
    unit: str,
    flag: str,
    by: str,
    at: datetime,
    channel: str = "lab",
    read_back: bool = False,
) -> Result:
    """A result as entered; UserError for an empty value, an unknown flag or channel, or a phoned
    result without its read-back."""
    if not value.strip():
        raise UserError("A result needs a value.", fr="Un résultat demande une valeur.")
    if flag not in FLAGS:
        raise UserError(
            f"The flag {flag!r} is not one of {', '.join(FLAGS)}.",
            fr=f"L'indicateur {flag!r} n'est pas l'un de {', '.join(FLAGS)}.",
        )
    if channel not in CHANNELS:
        raise UserError(
            f"The channel {channel!r} is not one of {', '.join(CHANNELS)}.",
            fr=f"Le canal {channel!r} n'est pas l'un de {', '.join(CHANNELS)}.",
        )
    if channel == "phone" and not read_back:
        raise UserError(
            f"A result taken by phone for {sample} is recorded only once read back to the caller (--read-back).",
            fr=f"Un résultat reçu par téléphone pour {sample} n'est saisi qu'une fois relu à l'appelant (--read-back).",
        )
    return Result(
        sample,
        patient,
        test,
        value.strip(),
        unit.strip(),
        flag,
        by,
        at,
        channel,
        read_back,
    )


def confirm(result: Result, *, by: str, at: datetime) -> Result:
    """The critical result confirmed by `by`; UserError for a value that is not critical, one
    already confirmed, or the person who entered it."""
    if result.current_flag != "critical":
        raise UserError(
            f"The result of {result.sample} is not critical: it needs no confirmation.",
            fr=f"Le résultat de {result.sample} n'est pas critique : il n'a pas à être confirmé.",
        )
    if result.confirmed_by is not None:
        raise UserError(
            f"The critical result of {result.sample} is already confirmed.",
            fr=f"Le résultat critique de {result.sample} est déjà confirmé.",
        )
    if by == result.entered_by or any(a.by == by for a in result.amendments[-1:]):
        raise UserError(
            f"The critical result of {result.sample} must be confirmed by a second person, not by whoever entered it.",
            fr=f"Le résultat critique de {result.sample} doit être confirmé par une deuxième personne, pas par celle qui l'a saisi.",
        )
    return replace(result, confirmed_by=by, confirmed_at=at)


def amend(result: Result, *, value: str, unit: str, flag: str, reason: str, by: str, at: datetime) -> Result:
    """The result with a correction kept after the first value; a critical correction needs a new
    confirmation. UserError without a reason or value, or for an unknown flag."""
    if not reason.strip():
        raise UserError(
            f"A correction of the result of {result.sample} needs its reason (--reason).",
            fr=f"Une correction du résultat de {result.sample} demande son motif (--reason).",
        )
    checked = new_result(
        sample=result.sample,
        patient=result.patient,
        test=result.test,
        value=value,
        unit=unit,
        flag=flag,
        by=by,
        at=at,
    )
    amendment = Amendment(checked.value, checked.unit, checked.flag, reason.strip(), by, at)
    confirmed = result.confirmed_by if checked.flag != "critical" else None
    return replace(
        result,
        amendments=(*result.amendments, amendment),
        confirmed_by=confirmed,
        confirmed_at=result.confirmed_at if confirmed else None,
    )
