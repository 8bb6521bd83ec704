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

from bascule.clinical.dosage import DoseLine

Sex = Literal["female", "male", "other", "unknown"]
LocationKind = Literal["site", "unit", "room", "bed", "other"]
ActivityKind = Literal["consultation", "imaging", "surgery", "blood-test"]
Urgency = Literal["routine", "urgent", "emergency"]
AbnormalFlag = Literal["N", "L", "H", "LL", "HH", "A", "AA"]
NationalSystem = Literal["INS", "NHS", "other"]
# FHIR HumanName.use: who the patient is called on paper can be any of these (a married woman's
# maiden name, a usual name differing from the official one).
NameUse = Literal["official", "usual", "maiden", "old", "nickname", "anonymous", "temp"]

SEXES: tuple[Sex, ...] = ("female", "male", "other", "unknown")
LOCATION_KINDS: tuple[LocationKind, ...] = ("site", "unit", "room", "bed", "other")
ACTIVITY_KINDS: tuple[ActivityKind, ...] = ("consultation", "imaging", "surgery", "blood-test")
URGENCIES: tuple[Urgency, ...] = ("routine", "urgent", "emergency")
ABNORMAL_FLAGS: tuple[AbnormalFlag, ...] = ("N", "L", "H", "LL", "HH", "A", "AA")
NATIONAL_SYSTEMS: tuple[NationalSystem, ...] = ("INS", "NHS", "other")
NAME_USES: tuple[NameUse, ...] = ("official", "usual", "maiden", "old", "nickname", "anonymous", "temp")
COMPARATORS: tuple[str, ...] = ("<", "<=", ">=", ">")
# An allergy the source has not confirmed: still printed (the safe side), marked as unconfirmed.
UNCONFIRMED_ALLERGY: tuple[str, ...] = ("unconfirmed", "presumed", "provisional")
BLOOD_GROUPS: tuple[str, ...] = ("O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-")
BLOOD_GROUP_LOINC = "882-1"
# Many labs send the ABO group and the Rh type as two results: their values are kept as "A" and "+".
ABO_LOINC, RH_LOINC = "883-9", "10331-7"
ABO_GROUPS: tuple[str, ...] = ("A", "B", "AB", "O")
RH_TYPES: tuple[str, ...] = ("+", "-")
NO_KNOWN_ALLERGY = "no-known-allergy"
# dataAbsentReason codes, plus Bascule's own for a value kept at the source (sampled data, a shape
# it cannot print): the sheet says "see source".
SEE_SOURCE = "see-source"
# Encounter statuses (FHIR R4) of a patient who is in the hospital: arrived or triaged in the
# emergency department, admitted, or on leave with the bed kept.
CURRENT_STAY_STATUSES: tuple[str, ...] = ("arrived", "triaged", "in-progress", "onleave")


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


@dataclass(frozen=True, slots=True)
class PersonName:
    """One name a person is known by (FHIR HumanName, an HL7 PID-5 repetition): a downtime form may
    carry any of them, so identity matching compares with every one. `use` None: not said."""

    family: str
    given: str = ""
    use: NameUse | None = None

    def __post_init__(self) -> None:
        _require(bool(self.family or self.given), "a name needs a family or a given name")
        _require(self.use in (None, *NAME_USES), "unknown name use")


@dataclass(frozen=True, slots=True, kw_only=True)
class Patient(Record):
    """Who the patient is: local MRN, national number (INS in France, NHS number in England).

    `prefix` and `suffix` are the name's ("Mr", "Jr"): a suffix tells a father from his son.
    `names` keeps every name the source gave (the printed one included), `phones` every phone and
    `postcode` the home address's: what identity matching of downtime registrations needs."""

    family: str
    given: str = ""
    prefix: str = ""
    suffix: str = ""
    birth_date: date | None = None
    sex: Sex = "unknown"
    mrn: str | None = None
    national_number: str | None = None
    national_system: NationalSystem | None = None
    phone: str | None = None
    email: str | None = None
    names: tuple[PersonName, ...] = ()
    phones: tuple[str, ...] = ()
    postcode: str | None = None

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
    # "system|value" of each identifier, so that a reference by identifier finds the place.
    identifiers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(self.kind in LOCATION_KINDS, f"location {self.id}: unknown kind")


@dataclass(frozen=True, slots=True, kw_only=True)
class StayPlace:
    """One place a source names for a stay (a FHIR Encounter.location entry): the Location id (None
    for a place named by its display only), the kind the entry itself declares (None if it declares none),
    its display text and its period. Which unit it is in is found when the store is read, through
    the Location hierarchy, since Locations may arrive after the Encounter."""

    location_id: str | None
    kind: LocationKind | None = None
    display: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    # The entry's status: None or "active" is where the patient is; planned, reserved and completed
    # are kept to tell a person where the source last had the patient.
    status: str | None = None

    def __post_init__(self) -> None:
        _require(bool(self.location_id or self.display), "a stay's place needs a location id or a display")
        _require(self.kind in (None, *LOCATION_KINDS), f"place {self.location_id}: unknown kind")
        _utc(self.start, f"place {self.location_id} start")
        _utc(self.end, f"place {self.location_id} end")

    def is_current_at(self, moment: datetime) -> bool:
        """Active (or no status), and open (no end) or its period holds `moment`."""
        if self.status not in (None, "active"):
            return False
        if self.end is None:
            return True
        return (self.start is None or self.start <= moment) and moment <= self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class Stay(Record):
    """A hospital stay (encounter): where the patient lies and who is in charge.

    A FHIR stay keeps its current location entries in `places` (latest first). An HL7 stay keeps the
    PV1-3 point of care code in `unit_id`, with the room and bed texts beside it; both are mapped to
    a care unit when the store is read (the map's unit locations, then the Location hierarchy)."""

    patient_id: str
    status: str = "in-progress"
    unit_id: str | None = None
    room: str | None = None
    bed: str | None = None
    bed_location_id: str | None = None
    admitted_at: datetime | None = None
    discharged_at: datetime | None = None
    attending_id: str | None = None
    places: tuple[StayPlace, ...] = ()
    # The attending's name as the source gave it, for a doctor known by identifier or display only.
    attending_display: str | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"stay {self.id} needs a patient")
        _utc(self.admitted_at, f"stay {self.id} admission")
        _utc(self.discharged_at, f"stay {self.id} discharge")
        if self.admitted_at and self.discharged_at:
            _require(self.discharged_at >= self.admitted_at, f"stay {self.id}: discharge before admission")

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STAY_STATUSES and self.discharged_at is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Allergy(Record):
    """An allergy or intolerance. `reaction` lists every manifestation seen, `severity` is the worst
    reaction's (mild, moderate, severe), `kind` is "allergy" or "intolerance". `status` is the
    clinical status unless the allergy was withdrawn (refuted, entered-in-error) or is the record
    that the patient has none known (NO_KNOWN_ALLERGY): only "active" ones are allergies to print."""

    patient_id: str
    substance: str
    code: str | None = None
    category: str | None = None
    criticality: str | None = None
    reaction: str | None = None
    status: str = "active"
    severity: str | None = None
    kind: str | None = None
    # verificationStatus as the source gave it: "unconfirmed" (or "presumed") is printed as such.
    verification: str | None = None

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
    category: str | None = None  # problem-list-item, encounter-diagnosis, health-concern

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"problem {self.id} needs a patient")
        _require(bool(self.label), f"problem {self.id} needs a label")


@dataclass(frozen=True, slots=True, kw_only=True)
class MedicationOrder(Record):
    """A prescription: its dose lines (every one the source sent, `lines`) or, for a source that
    knows a single line, the flat fields (`dose_value`, `route`, `times`...). A reader of the order
    uses `dose_lines`, which is always one or the other. `prescriber` is the prescriber's name when
    the source named them without a resource to point to (`prescriber_id`)."""

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
    lines: tuple[DoseLine, ...] = ()
    intent: str | None = None
    prescriber: str | None = None

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

    @property
    def is_to_give(self) -> bool:
        """An active order (not a proposal or a plan): its doses are due."""
        return self.is_active and self.intent not in ("proposal", "plan", "option")

    @property
    def dose_lines(self) -> tuple[DoseLine, ...]:
        if self.lines:
            return self.lines
        single = DoseLine(
            text=self.frequency,
            dose_low=self.dose_value,
            dose_unit=self.dose_unit,
            route=self.route,
            times=self.times,
            as_needed=self.as_needed,
            start=self.start,
            end=self.end if self.start is None or self.end is None or self.end >= self.start else None,
        )
        return (single,)


@dataclass(frozen=True, slots=True, kw_only=True)
class Administration(Record):
    """A dose given (or not given, `status_reason` saying why) to the patient. `performer` is the
    name of who gave it when the source named them without a resource to point to."""

    patient_id: str
    drug: str
    given_at: datetime
    order_id: str | None = None
    dose_value: float | None = None
    dose_unit: str | None = None
    route: str | None = None
    status: str = "completed"
    performer_id: str | None = None
    rate_value: float | None = None
    rate_unit: str | None = None
    dosage_text: str | None = None
    status_reason: str | None = None
    performer: str | None = None
    ended_at: datetime | None = None

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"administration {self.id} needs a patient")
        _require(bool(self.drug), f"administration {self.id} needs a drug")
        _utc(self.given_at, f"administration {self.id} time")
        _utc(self.ended_at, f"administration {self.id} end")
        if self.ended_at is not None:
            _require(self.ended_at >= self.given_at, f"administration {self.id}: ends before it starts")


@dataclass(frozen=True, slots=True, kw_only=True)
class LabResult(Record):
    """A lab result or vital sign (LOINC code, or "text:" and the name when the source gave no
    code), or the ABO/Rh blood group (LOINC 882-1, `value_text` "O+").

    The value is a number (`value`, with `comparator` and `unit`), a text (`value_text`: a coded
    answer, a range, a ratio, a panel such as "120/80 mmHg"), a yes/no (`value_boolean`), or absent
    with the reason (`absent_reason`: a FHIR dataAbsentReason code, or SEE_SOURCE). `category` is
    the source's (laboratory, vital-signs, ...); `range_text` the reference range as the lab wrote it.
    """

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
    category: str | None = None
    range_text: str | None = None
    absent_reason: str | None = None
    value_boolean: bool | None = None

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
    """A scheduled consultation, imaging exam or surgery.

    `cross_matched_units`: units of cross-matched red cells to reserve before it starts, as the
    hospital's maximum surgical blood ordering schedule says (0: none, group and screen at most).
    Accepted on every kind: the kind is read from the source's words, the units are its explicit
    statement, so an activity the reader took for an imaging exam keeps the blood it needs."""

    patient_id: str
    kind: ActivityKind
    start: datetime
    end: datetime | None = None
    description: str = ""
    unit_id: str | None = None
    practitioner_id: str | None = None
    urgency: Urgency = "routine"
    status: str = "booked"
    # Who will see the patient when the source named them without a reference (by identifier).
    practitioner_display: str | None = None
    cross_matched_units: int = 0

    def __post_init__(self) -> None:
        Record.__post_init__(self)
        _require(bool(self.patient_id), f"activity {self.id} needs a patient")
        _require(
            not isinstance(self.cross_matched_units, bool)
            and isinstance(self.cross_matched_units, int)
            and self.cross_matched_units >= 0,
            f"activity {self.id}: cross-matched units must be a whole number of 0 or more",
        )
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
