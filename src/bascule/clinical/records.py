"""The records kept for downtime: what a nurse needs when the EHR is gone (pure, FHIR-free).

Every record has the source's `id` and a `version`: a sortable stamp (the source's last-update
time in UTC, ISO 8601 with microseconds) so that an older version never overwrites a newer one, or,
for a source that gives no update time, a hash of the record's content (bascule.snapshot.versions).
Times are timezone-aware UTC datetimes; objects check their invariants when built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal, TypeAlias

Sex = Literal["female", "male", "other", "unknown"]
LocationKind = Literal["site", "unit", "room", "bed", "other"]
ActivityKind = Literal["consultation", "imaging", "surgery"]
Urgency = Literal["routine", "urgent", "emergency"]
AbnormalFlag = Literal["N", "L", "H", "LL", "HH", "A"]
NationalSystem = Literal["INS", "NHS", "other"]

SEXES: tuple[Sex, ...] = ("female", "male", "other", "unknown")
LOCATION_KINDS: tuple[LocationKind, ...] = ("site", "unit", "room", "bed", "other")
ACTIVITY_KINDS: tuple[ActivityKind, ...] = ("consultation", "imaging", "surgery")
URGENCIES: tuple[Urgency, ...] = ("routine", "urgent", "emergency")
ABNORMAL_FLAGS: tuple[AbnormalFlag, ...] = ("N", "L", "H", "LL", "HH", "A")
NATIONAL_SYSTEMS: tuple[NationalSystem, ...] = ("INS", "NHS", "other")
COMPARATORS: tuple[str, ...] = ("<", "<=", ">=", ">")
BLOOD_GROUPS: tuple[str, ...] = ("O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-")
BLOOD_GROUP_LOINC = "882-1"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _utc(value: datetime | None, what: str) -> None:
    _require(value is None or value.utcoffset() is not None, f"{what} must be timezone-aware")


def version_stamp(moment: datetime) -> str:
    """The sortable version stamp of a record last updated at `moment`."""
    _utc(moment, "a version time")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """What every stored record has: the source's id and a sortable version stamp."""

    id: str
    version: str

    def __post_init__(self) -> None:
        _require(bool(self.id) and len(self.id) <= 128, "a record needs an id of 1 to 128 characters")
        _require(bool(self.version), f"record {self.id} needs a version")


@dataclass(frozen=True, slots=True, kw_only=True)
class Patient(Record):
    """Who the patient is: local MRN, national number (INS in France, NHS number in England)."""

    family: str
    given: str = ""
    birth_date: date | None = None
    sex: Sex = "unknown"
    mrn: str | None = None
    national_number: str | None = None
    national_system: NationalSystem | None = None
    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(self.sex in SEXES, f"patient {self.id}: unknown sex code")
        _require(
            self.national_system in (None, *NATIONAL_SYSTEMS), f"patient {self.id}: unknown national system"
        )
        _require(
            (self.national_number is None) == (self.national_system is None),
            f"patient {self.id}: a national number needs its system and the reverse",
        )

    def age_at(self, moment: datetime) -> int | None:
        if self.birth_date is None:
            return None
        day = moment.date()
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True, kw_only=True)
class CareLocation(Record):
    """A place: a care unit, a room or a bed (`part_of` is the enclosing place)."""

    name: str
    kind: LocationKind = "other"
    part_of: str | None = None
    site: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(self.kind in LOCATION_KINDS, f"location {self.id}: unknown kind")


@dataclass(frozen=True, slots=True, kw_only=True)
class Stay(Record):
    """A hospital stay (encounter): where the patient lies and who is in charge."""

    patient_id: str
    status: str = "in-progress"
    unit_id: str | None = None
    room: str | None = None
    bed: str | None = None
    bed_location_id: str | None = None
    admitted_at: datetime | None = None
    discharged_at: datetime | None = None
    attending_id: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"stay {self.id} needs a patient")
        _utc(self.admitted_at, f"stay {self.id} admission")
        _utc(self.discharged_at, f"stay {self.id} discharge")
        if self.admitted_at and self.discharged_at:
            _require(self.discharged_at >= self.admitted_at, f"stay {self.id}: discharge before admission")

    @property
    def is_current(self) -> bool:
        return self.status in ("in-progress", "arrived", "onleave") and self.discharged_at is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Allergy(Record):
    patient_id: str
    substance: str
    code: str | None = None
    category: str | None = None
    criticality: str | None = None
    reaction: str | None = None
    status: str = "active"

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"allergy {self.id} needs a patient")
        _require(bool(self.substance), f"allergy {self.id} needs a substance")


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert(Record):
    """A warning on the patient (FHIR Flag): isolation, fall risk, identity doubt..."""

    patient_id: str
    text: str
    code: str | None = None
    category: str | None = None
    status: str = "active"

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"alert {self.id} needs a patient")
        _require(bool(self.text), f"alert {self.id} needs a text")


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem(Record):
    """A diagnosis or problem (ICD-10 or SNOMED CT code with its label)."""

    patient_id: str
    label: str
    code: str | None = None
    system: str | None = None
    status: str = "active"
    onset: date | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"problem {self.id} needs a patient")
        _require(bool(self.label), f"problem {self.id} needs a label")


@dataclass(frozen=True, slots=True, kw_only=True)
class MedicationOrder(Record):
    """A prescription with its daily schedule (`times`, sorted) or as needed."""

    patient_id: str
    drug: str
    drug_code: str | None = None
    dose_value: float | None = None
    dose_unit: str | None = None
    route: str | None = None
    times: tuple[time, ...] = ()
    frequency: str | None = None
    as_needed: bool = False
    status: str = "active"
    start: datetime | None = None
    end: datetime | None = None
    prescriber_id: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"order {self.id} needs a patient")
        _require(bool(self.drug), f"order {self.id} needs a drug")
        _require(
            list(self.times) == sorted(set(self.times)), f"order {self.id}: times must be sorted and unique"
        )
        _require(self.dose_value is None or self.dose_value >= 0, f"order {self.id}: negative dose")
        _utc(self.start, f"order {self.id} start")
        _utc(self.end, f"order {self.id} end")

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True, kw_only=True)
class Administration(Record):
    """A dose given (or not given) to the patient."""

    patient_id: str
    drug: str
    given_at: datetime
    order_id: str | None = None
    dose_value: float | None = None
    dose_unit: str | None = None
    route: str | None = None
    status: str = "completed"
    performer_id: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"administration {self.id} needs a patient")
        _require(bool(self.drug), f"administration {self.id} needs a drug")
        _utc(self.given_at, f"administration {self.id} time")


@dataclass(frozen=True, slots=True, kw_only=True)
class LabResult(Record):
    """A lab result (LOINC code), or the ABO/Rh blood group (LOINC 882-1, `value_text` "O+")."""

    patient_id: str
    code: str
    label: str
    effective_at: datetime
    value: float | None = None
    value_text: str | None = None
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    flag: AbnormalFlag | None = None
    status: str = "final"
    # "<", "<=", ">=" or ">" before `value`: a result reported as "<0.01" is not 0.01.
    comparator: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"result {self.id} needs a patient")
        _require(bool(self.code), f"result {self.id} needs a code")
        _require(self.flag in (None, *ABNORMAL_FLAGS), f"result {self.id}: unknown abnormal flag")
        if self.low is not None and self.high is not None:
            _require(self.low <= self.high, f"result {self.id}: reference range low above high")
        _utc(self.effective_at, f"result {self.id} time")
        _require(self.comparator in (None, *COMPARATORS), f"result {self.id}: unknown comparator")
        _require(
            self.comparator is None or self.value is not None, f"result {self.id}: comparator without value"
        )

    @property
    def is_blood_group(self) -> bool:
        return self.code == BLOOD_GROUP_LOINC


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity(Record):
    """A scheduled consultation, imaging exam or surgery."""

    patient_id: str
    kind: ActivityKind
    start: datetime
    end: datetime | None = None
    description: str = ""
    unit_id: str | None = None
    practitioner_id: str | None = None
    urgency: Urgency = "routine"
    status: str = "booked"

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"activity {self.id} needs a patient")
        _require(self.kind in ACTIVITY_KINDS, f"activity {self.id}: unknown kind")
        _require(self.urgency in URGENCIES, f"activity {self.id}: unknown urgency")
        _utc(self.start, f"activity {self.id} start")
        _utc(self.end, f"activity {self.id} end")
        if self.end is not None:
            _require(self.end >= self.start, f"activity {self.id}: ends before it starts")


@dataclass(frozen=True, slots=True, kw_only=True)
class Practitioner(Record):
    family: str
    given: str = ""
    specialty: str | None = None
    unit_id: str | None = None
    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.family), f"practitioner {self.id} needs a name")

    @property
    def display_name(self) -> str:
        return f"{self.given} {self.family}".strip()


ClinicalRecord: TypeAlias = (
    Patient
    | CareLocation
    | Stay
    | Allergy
    | Alert
    | Problem
    | MedicationOrder
    | Administration
    | LabResult
    | Activity
    | Practitioner
)
