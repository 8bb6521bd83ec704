"""A downtime registration: a patient a ward admitted under a downtime number, as written on paper.

Only the downtime number and a name (family or given) are required; any other field may be unknown
(None): paper forms filled at 3 a.m. are often incomplete, and matching treats an unknown field as
neither for nor against a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bascule.clinical.records import SEXES, Sex

REGISTRATION_FIELDS: tuple[str, ...] = (
    "downtime_id",
    "family",
    "given",
    "birth_date",
    "sex",
    "national_id",
    "phone",
    "postcode",
    "unit",
    "recorded_at",
    "station",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Registration:
    """One registration (contract 6); text fields are kept as written, empty text is None."""

    downtime_id: str
    family: str | None = None
    given: str | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    national_id: str | None = None
    phone: str | None = None
    postcode: str | None = None
    unit: str | None = None
    recorded_at: datetime | None = None
    station: str | None = None

    def __post_init__(self) -> None:
        if not self.downtime_id or not self.downtime_id.strip():
            raise ValueError("a registration needs its downtime number")
        for name in ("family", "given", "national_id", "phone", "postcode", "unit", "station"):
            if getattr(self, name) == "":
                raise ValueError(f"{name}: an unknown value is None, not empty text")
        if not (self.family or self.given):
            raise ValueError("a registration needs a family or a given name")
        if self.sex is not None and self.sex not in SEXES:
            raise ValueError("sex is not a FHIR administrative gender")
        if self.recorded_at is not None and self.recorded_at.utcoffset() is None:
            raise ValueError("recorded_at must carry its offset")
