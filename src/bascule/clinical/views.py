"""What the downtime tools read: the census, a chart, the medication schedule, the activity list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bascule.clinical.dosage import DoseLine
from bascule.clinical.records import (
    Activity,
    Administration,
    Alert,
    Allergy,
    LabResult,
    MedicationOrder,
    Patient,
    Practitioner,
    Problem,
    Stay,
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class CensusEntry:
    """One occupied bed of a care unit."""

    unit_id: str
    room: str | None
    bed: str | None
    patient_id: str
    stay_id: str
    family: str
    given: str
    age: int | None
    sex: str
    has_allergy: bool
    blood_group: str | None
    attending: str | None
    admitted_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnplacedEntry:
    """A patient with a current stay that leads to no care unit: listed in every unit's kit, so
    that no one in the hospital is left off paper. `source_place` is the place as the source gave
    it (None when it gave none)."""

    patient_id: str
    stay_id: str
    family: str
    given: str
    birth_date: date | None
    mrn: str | None
    source_place: str | None
    admitted_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitCensus:
    unit_id: str
    name: str
    site: str | None
    beds: int
    patients: tuple[CensusEntry, ...]

    @property
    def occupied(self) -> int:
        return len(self.patients)


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """Everything a clinician needs about one patient without the EHR."""

    patient: Patient
    stay: Stay | None
    allergies: tuple[Allergy, ...]
    alerts: tuple[Alert, ...]
    blood_group: str | None
    problems: tuple[Problem, ...]
    orders: tuple[MedicationOrder, ...]
    administrations: tuple[Administration, ...]
    results: tuple[LabResult, ...]
    attending: Practitioner | None = None

    def __post_init__(self) -> None:
        owners = {part.patient_id for part in self.allergies} | {part.patient_id for part in self.alerts}
        owners |= {part.patient_id for part in self.problems} | {part.patient_id for part in self.orders}
        owners |= {part.patient_id for part in self.administrations}
        owners |= {part.patient_id for part in self.results}
        _require(owners <= {self.patient.id}, f"chart of {self.patient.id} mixes patients")


@dataclass(frozen=True, slots=True, kw_only=True)
class DoseDue:
    """A dose of one of the order's dose lines (`line_index`) due in a time window, and whether an
    administration was recorded for it."""

    due_at: datetime
    order: MedicationOrder
    unit_id: str | None
    room: str | None
    bed: str | None
    family: str
    given: str
    given_at: datetime | None
    line_index: int = 0

    def __post_init__(self) -> None:
        _require(0 <= self.line_index < len(self.order.dose_lines), "a dose due names a line of its order")

    @property
    def line(self) -> DoseLine:
        return self.order.dose_lines[self.line_index]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduledActivity:
    """An activity with what the call centre needs to reach the patient."""

    activity: Activity
    family: str
    given: str
    phone: str | None
    email: str | None
    practitioner: str | None
