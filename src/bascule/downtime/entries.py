"""What a ward records while the IT is down, as entries that must all get back into the record.

An entry is one act written on the downtime station (or typed from a paper form): a registration
under a downtime number, an arrival, a transfer, a discharge, vital signs, a drug given or not given
against the chart, a result received by phone, a note. Each carries who recorded it, where, when (the
station's local time with its offset) and its place in the station's own sequence: `station:sequence`
names it once and for all, so importing the same export twice changes nothing.

Pure: the fields each kind takes, and the one-sentence refusal of anything else. A safety-relevant
doubt is refused loudly, never stored as a guess: a dose without its unit, a drug marked not given
without a reason, a result taken by phone without the read-back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from bascule.downtime.numbers import parse_number
from bascule.errors import UserError

EntryKind = Literal[
    "registration", "arrival", "transfer", "discharge", "vitals", "administration", "phone_result", "note"
]
KINDS: tuple[EntryKind, ...] = (
    "registration",
    "arrival",
    "transfer",
    "discharge",
    "vitals",
    "administration",
    "phone_result",
    "note",
)
FieldType = Literal["text", "number", "datetime", "date", "code", "yes_no"]
Value = str | float | None

SEXES = ("female", "male", "other", "unknown")
DESTINATIONS = ("home", "other-hospital", "care-home", "deceased", "other")
ADMINISTRATION_STATUSES = ("given", "not-given")
FLAGS = ("N", "L", "H", "LL", "HH", "A", "AA")
STATION_CODE = re.compile(r"[A-Z0-9]{1,8}")  # as a downtime number writes it (downtime.numbers)
MAX_TEXT = 2000
# Station codes the crisis cell records under itself: PAPER (registrations imported from an
# interchange file) and SAISIE (paper forms typed in the crisis app). A station given one of them
# would collide with those entries, so no station may take them.
CELL_CODES = frozenset({"PAPER", "SAISIE"})


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool = False
    codes: tuple[str, ...] = ()
    low: float | None = None  # for numbers: what no living patient's measure is below or above
    high: float | None = None


def _f(name: str, kind: FieldType, required: bool = False, **extra: object) -> Field:
    return Field(name, kind, required, **extra)  # type: ignore[arg-type]


# The fields of each kind; `at` is when the act happened (recorded_at is when it was written down).
FIELDS: Mapping[EntryKind, tuple[Field, ...]] = {
    "registration": (
        _f("family", "text"),
        _f("given", "text"),
        _f("birth_date", "date"),
        _f("sex", "code", codes=SEXES),
        _f("national_id", "text"),
        _f("phone", "text"),
        _f("postcode", "text"),
        _f("unit", "text"),
    ),
    "arrival": (_f("unit", "text", True), _f("room", "text"), _f("bed", "text"), _f("at", "datetime", True)),
    "transfer": (_f("unit", "text", True), _f("room", "text"), _f("bed", "text"), _f("at", "datetime", True)),
    "discharge": (_f("destination", "code", True, codes=DESTINATIONS), _f("at", "datetime", True)),
    "vitals": (
        _f("at", "datetime", True),
        _f("temperature_c", "number", low=25, high=45),
        _f("heart_rate", "number", low=0, high=300),
        _f("systolic", "number", low=0, high=300),
        _f("diastolic", "number", low=0, high=200),
        _f("respiratory_rate", "number", low=0, high=80),
        _f("spo2", "number", low=0, high=100),
        _f("pain", "number", low=0, high=10),
        _f("glucose_mmol", "number", low=0, high=60),
    ),
    "administration": (
        _f("at", "datetime", True),
        _f("drug", "text", True),
        _f("status", "code", True, codes=ADMINISTRATION_STATUSES),
        _f("dose_value", "number", low=0),
        _f("dose_unit", "text"),
        _f("route", "text"),
        _f("order_id", "text"),
        _f("reason", "text"),
    ),
    "phone_result": (
        _f("at", "datetime", True),
        _f("test", "text", True),
        _f("value", "text", True),
        _f("unit", "text"),
        _f("flag", "code", codes=FLAGS),
        _f("caller", "text", True),
        _f("read_back", "yes_no", True),
    ),
    "note": (_f("text", "text", True),),
}
MEASURES = tuple(f.name for f in FIELDS["vitals"] if f.type == "number")


def _refuse(en: str, fr: str) -> UserError:
    return UserError(en, fr=fr)


@dataclass(frozen=True)
class PatientRef:
    """Whom an entry is about: a patient of the bundle (`patient_id`) or one registered during the
    outage under a downtime number (`downtime_id`); never both, never neither."""

    patient_id: str | None = None
    downtime_id: str | None = None

    def __post_init__(self) -> None:
        if (self.patient_id is None) == (self.downtime_id is None):
            raise _refuse(
                "An entry names its patient by a patient id or a downtime number, exactly one of them.",
                "Une saisie désigne son patient par un identifiant patient ou un numéro dégradé, un seul des deux.",
            )


@dataclass(frozen=True)
class Entry:
    station: str
    sequence: int
    author: str
    recorded_at: datetime
    kind: EntryKind
    patient: PatientRef
    data: Mapping[str, Value] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Its name for ever: the same entry imported twice is one."""
        return f"{self.station}:{self.sequence}"

    def body(self) -> dict[str, object]:
        """The JSON fields of its line in the station's log (seq, prev and hash added by the log)."""
        return {
            "station": self.station,
            "author": self.author,
            "recorded_at": self.recorded_at.isoformat(),
            "kind": self.kind,
            "patient_id": self.patient.patient_id,
            "downtime_id": self.patient.downtime_id,
            "data": dict(self.data),
        }


def check_station_code(code: str) -> str:
    if not STATION_CODE.fullmatch(code):
        raise _refuse(
            f"The station code {code!r} is not usable: 1 to 8 capital letters or digits, as on its downtime numbers (e.g. 3EST1).",
            f"Le code de poste {code!r} n'est pas utilisable : 1 à 8 majuscules ou chiffres, comme sur ses numéros dégradés (ex. 3EST1).",
        )
    return code


def check_new_station_code(code: str) -> str:
    """A code a station may take: well formed and none of the cell's own (CELL_CODES)."""
    check_station_code(code)
    if code in CELL_CODES:
        raise _refuse(
            f"The station code {code} is the crisis cell's own (paper forms); choose another.",
            f"Le code de poste {code} est celui de la cellule de crise (fiches papier) ; choisissez-en un autre.",
        )
    return code


def _aware(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _refuse(
            f"The field {name} is not a date and time (ISO 8601, e.g. 2026-12-06T03:10+01:00).",
            f"Le champ {name} n'est pas une date et heure (ISO 8601, ex. 2026-12-06T03:10+01:00).",
        ) from None
    if moment.tzinfo is None:
        raise _refuse(
            f"The field {name} needs its time offset (e.g. +01:00): a time without one is ambiguous.",
            f"Le champ {name} doit porter son décalage horaire (ex. +01:00) : sans lui l'heure est ambiguë.",
        )
    return moment


def _value(spec: Field, raw: object) -> Value:
    name = spec.name
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if spec.type == "number":
        try:
            number = float(str(raw).replace(",", ".")) if not isinstance(raw, bool) else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise _refuse(f"The field {name} is not a number.", f"Le champ {name} n'est pas un nombre.")
        if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
            raise _refuse(
                f"The field {name} is out of the possible range ({spec.low} to {spec.high}); check the figure.",
                f"Le champ {name} est hors des valeurs possibles ({spec.low} à {spec.high}) ; vérifiez le chiffre.",
            )
        return number
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise _refuse(
            f"The field {name} is longer than {MAX_TEXT} characters.",
            f"Le champ {name} dépasse {MAX_TEXT} caractères.",
        )
    if spec.type == "datetime":
        return _aware(text, name).isoformat()
    if spec.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise _refuse(
                f"The field {name} is not a date (YYYY-MM-DD).",
                f"Le champ {name} n'est pas une date (AAAA-MM-JJ).",
            ) from None
    if spec.type == "code" and text not in spec.codes:
        raise _refuse(
            f"The field {name} must be one of {', '.join(spec.codes)}.",
            f"Le champ {name} doit être l'un de {', '.join(spec.codes)}.",
        )
    if spec.type == "yes_no" and text not in ("yes", "no"):
        raise _refuse(f"The field {name} must be yes or no.", f"Le champ {name} doit valoir yes ou no.")
    return text


def checked_data(kind: str, raw: Mapping[str, object]) -> dict[str, Value]:
    """The entry's fields, each checked and normalised; one sentence for the first problem."""
    if kind not in FIELDS:
        raise _refuse(
            f"Unknown entry kind {kind!r}; use one of {', '.join(KINDS)}.",
            f"Type de saisie inconnu {kind!r} ; utilisez l'un de {', '.join(KINDS)}.",
        )
    specs = {spec.name: spec for spec in FIELDS[kind]}  # type: ignore[index]
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        raise _refuse(
            f"A {kind} entry has no field {unknown[0]}.", f"Une saisie {kind} n'a pas de champ {unknown[0]}."
        )
    data = {name: _value(spec, raw.get(name)) for name, spec in specs.items()}
    for name, spec in specs.items():
        if spec.required and data[name] is None:
            raise _refuse(f"A {kind} entry needs its {name}.", f"Une saisie {kind} doit indiquer {name}.")
    _check_safety(kind, data)
    return {name: value for name, value in data.items() if value is not None}


def _check_safety(kind: str, data: Mapping[str, Value]) -> None:
    if kind == "registration" and data.get("family") is None and data.get("given") is None:
        raise _refuse(
            "A registration needs a name (family or given).",
            "Un enregistrement doit porter un nom (nom ou prénom).",
        )
    if kind == "vitals" and all(data.get(name) is None for name in MEASURES):
        raise _refuse(
            "A vital signs entry needs at least one measure.",
            "Une saisie de constantes demande au moins une mesure.",
        )
    systolic, diastolic = data.get("systolic"), data.get("diastolic")
    if (
        kind == "vitals"
        and systolic is not None
        and diastolic is not None
        and float(diastolic) >= float(systolic)
    ):
        raise _refuse(
            "The diastolic pressure is not below the systolic: check the two figures.",
            "La pression diastolique n'est pas inférieure à la systolique : vérifiez les deux chiffres.",
        )
    if kind == "administration":
        if data.get("dose_value") is not None and data.get("dose_unit") is None:
            raise _refuse(
                "A dose needs its unit (mg, mL, IU...): a bare number is a dosing error waiting to happen.",
                "Une dose doit porter son unité (mg, mL, UI...) : un nombre seul est une erreur de dose en puissance.",
            )
        if data.get("status") == "not-given" and data.get("reason") is None:
            raise _refuse(
                "A drug not given needs the reason (refused, absent, held...).",
                "Un médicament non donné doit porter sa raison (refus, absence, suspendu...).",
            )
    if kind == "phone_result" and data.get("read_back") != "yes":
        raise _refuse(
            "A result taken by phone is recorded only once read back to the caller (read_back yes).",
            "Un résultat reçu par téléphone n'est saisi qu'une fois relu à l'appelant (read_back yes).",
        )


def downtime_number(text: str) -> str:
    """The downtime number as printed, its check character verified."""
    try:
        return parse_number(text).text
    except ValueError:
        raise _refuse(
            "The downtime number is not written like one (SITE-STATION-00001-C) or its check character is wrong: "
            "copy it again from the label.",
            "Le numéro dégradé n'a pas la forme attendue (SITE-POSTE-00001-C) ou sa lettre de contrôle est fausse : "
            "recopiez-le depuis l'étiquette.",
        ) from None


def make_entry(
    *,
    station: str,
    sequence: int,
    author: str,
    recorded_at: datetime,
    kind: str,
    patient: PatientRef,
    data: Mapping[str, object],
) -> Entry:
    check_station_code(station)
    if sequence < 1:
        raise ValueError("a station's entries are numbered from 1")
    if recorded_at.tzinfo is None:
        raise ValueError("an entry's time carries its offset")
    if kind == "registration" and patient.downtime_id is None:
        raise _refuse(
            "A registration is made under a downtime number.",
            "Un enregistrement se fait sous un numéro dégradé.",
        )
    if patient.downtime_id is not None:  # a mistyped number would file the entry under someone else
        patient = PatientRef(downtime_id=downtime_number(patient.downtime_id))
    checked = checked_data(kind, data)
    return Entry(station, sequence, author, recorded_at, kind, patient, checked)  # type: ignore[arg-type]


def entry_from_line(line: Mapping[str, object]) -> Entry:
    """An entry read back from its log line (or an export): checked again, never trusted as is."""
    try:
        patient = PatientRef(
            str(line["patient_id"]) if line.get("patient_id") else None,
            str(line["downtime_id"]) if line.get("downtime_id") else None,
        )
        data = line["data"]
        if not isinstance(data, Mapping):
            raise TypeError
        return make_entry(
            station=str(line["station"]),
            sequence=int(str(line["seq"])),
            author=str(line["author"]),
            recorded_at=_aware(str(line["recorded_at"]), "recorded_at"),
            kind=str(line["kind"]),
            patient=patient,
            data=data,
        )
    except (KeyError, TypeError, ValueError):
        raise _refuse(
            "An entry line lacks a field or has one of the wrong type.",
            "Une ligne de saisie manque d'un champ ou en a un du mauvais type.",
        ) from None
