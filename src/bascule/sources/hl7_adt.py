"""HL7 v2 patient administration: PID (who), PV1 (where, for which stay), AL1 (allergies).

Events: A01 admits, A02 transfers, A03 discharges, A04 registers (no stay), A08 updates; A11, A12
and A13 cancel an admission, a transfer and a discharge. An empty field means "no change" and
`""` deletes the value. Ids made here start with "hl7-" (a full FHIR pull leaves them alone).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import Protocol

from bascule.clinical.records import (
    Allergy,
    ClinicalRecord,
    NameUse,
    NationalSystem,
    Patient,
    PersonName,
    Practitioner,
    Stay,
)
from bascule.clinical.settings import HospitalSettings
from bascule.sources.hl7_segments import Refused, Segment, time_field

ADT_EVENTS: tuple[str, ...] = ("A01", "A02", "A03", "A04", "A08", "A11", "A12", "A13")
_NATIONAL_TYPES: dict[str, NationalSystem] = {"NH": "NHS", "NHS": "NHS", "INS": "INS", "NIR": "INS"}
_NATIONAL_AUTHORITIES: dict[str, NationalSystem] = {
    "NHS": "NHS",
    "ASIP-SANTE-INS-NIR": "INS",
    "ASIP-SANTE-INS-NIA": "INS",
}
# The identifier types that name the hospital's record number, best first (HL7 table 0203).
_MRN_TYPES = ("MR", "PI", "")
# HL7 table 0200 (name type, XPN-7) -> FHIR HumanName.use: a birth name is the French "nom de naissance".
_NAME_USES: dict[str, NameUse] = {
    "L": "official",
    "M": "maiden",
    "B": "maiden",
    "D": "usual",
    "N": "nickname",
    "S": "anonymous",
    "T": "temp",
}
_SEXES = {"F": "female", "M": "male", "O": "other", "U": "unknown", "A": "other", "N": "unknown"}
# HL7 table 0127 (allergen type) -> FHIR AllergyIntolerance.category.
_ALLERGY_CATEGORIES = {
    "DA": "medication",
    "FA": "food",
    "EA": "environment",
    "AA": "environment",
    "PA": "environment",
    "LA": "environment",
}
# HL7 table 0128 (allergy severity) -> FHIR criticality: a severe reaction means a high risk.
_CRITICALITIES = {"SV": "high", "MO": "low", "MI": "low", "U": "unable-to-assess"}
# An AL1 that says there is no allergy: the list is empty, it is not an allergen.
_NO_ALLERGY_CODES = {"NKA", "NKDA", "NKFA", "NOKNOWNALLERGIES", "716186003", "409137002", "429625007"}
_NO_ALLERGY_TEXTS = {
    "no known allergies",
    "no known allergy",
    "no known drug allergies",
    "nka",
    "nkda",
    "aucune allergie connue",
    "pas d'allergie connue",
}
_NOT_ADMITTED_CLASSES = ("O", "P", "R", "N")  # outpatient, preadmit, recurring, not applicable


class Lookup(Protocol):
    """What interpreting a message needs to read from the store."""

    def patient_by_mrn(self, mrn: str) -> Patient | None: ...

    def current_stay(self, patient_id: str) -> Stay | None: ...

    def get(self, record_class: type[Stay], record_id: str) -> Stay | None: ...

    def allergies_of(self, patient_id: str) -> list[Allergy]: ...

    def pseudonym(self, value: str) -> str: ...


@dataclass
class Context:
    """One message being read: its control id, time, the hospital's settings, the store, doubts."""

    control_id: str
    sent_at: datetime
    version: str
    settings: HospitalSettings
    lookup: Lookup
    warnings: list[str] = field(default_factory=list)

    @property
    def zone(self) -> tzinfo:
        return self.settings.zone

    def warn(self, reason: str) -> None:
        """A doubt kept with the message (logged, sent back in the ACK); names fields, never values."""
        self.warnings.append(reason)


def invalid_reason(error: ValueError, record: str) -> str:
    """A record's refusal without its id (an HL7-made id may hold the MRN, a patient value)."""
    return str(error).replace(f" {record}", "")


def record_id(*parts: str) -> str:
    """An id made of the source's keys; a long one keeps its start and a digest of the whole."""
    text = "-".join(part.replace(" ", "_") for part in parts if part)
    if len(text) <= 128:
        return text
    return f"{text[:100]}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def patient_id_of(lookup: Lookup, mrn: str) -> str:
    """The id of a patient first met in the HL7 feed: "hl7-p-" and a keyed digest of the MRN."""
    return f"hl7-p-{lookup.pseudonym(mrn)}"


def visit_id_of(lookup: Lookup, visit: str) -> str:
    """The id of a stay named by its visit number (PV1-19): "hl7-visit-" and a keyed digest."""
    return f"hl7-visit-{lookup.pseudonym(visit)}"


def _matches(authority: Segment, repetition: str, number: int, systems: tuple[str, ...]) -> bool:
    namespace = authority.component(number, 4, repetition)
    universal = authority.component(number, 4, repetition, subcomponent=2)
    names = {namespace, universal, f"urn:oid:{universal}"} - {"", "urn:oid:"}
    return bool(names & set(systems))


def _identifiers(
    pid: Segment, settings: HospitalSettings
) -> tuple[str | None, str | None, NationalSystem | None]:
    """The MRN (hospital system, then type MR, PI, untyped; PID-3 before PID-2) and national id."""
    ranked: list[tuple[int, str]] = []
    national: tuple[str, NationalSystem] | None = None
    for offset, number in ((0, 3), (10, 2)):
        for repetition in pid.repetitions(number):
            value = pid.component(number, 1, repetition)
            kind = pid.component(number, 5, repetition).upper()
            authority = pid.component(number, 4, repetition).upper()
            if not value:
                continue
            system = _NATIONAL_TYPES.get(kind) or _NATIONAL_AUTHORITIES.get(authority)
            if system is not None:
                national = national or (value, system)
            elif settings.mrn_systems and _matches(pid, repetition, number, settings.mrn_systems):
                ranked.append((offset, value))
            elif kind in _MRN_TYPES:
                ranked.append((offset + 1 + _MRN_TYPES.index(kind), value))
    mrn = min(ranked, key=lambda pair: pair[0])[1] if ranked else None
    return mrn, *(national or (None, None))


def read_patient(pid: Segment, context: Context) -> Patient:
    """The patient a PID names, merged with what the store knows (an empty field changes nothing)."""
    mrn, national, system = _identifiers(pid, context.settings)
    if mrn is None:
        raise Refused("AR", "PID-3 has no medical record number (type MR or PI)", "101")
    family, given = pid.component(5, 1), pid.component(5, 2)
    if not family:
        raise Refused("AR", "PID-5 has no family name", "101")
    known = context.lookup.patient_by_mrn(mrn)
    if national is None and known is not None:
        national, system = known.national_number, known.national_system
    phone = email = None
    for point in pid.repetitions(13):
        if pid.component(13, 3, point).lower() == "internet" or pid.component(13, 2, point) == "NET":
            email = email or pid.component(13, 4, point) or None
        else:
            phone = phone or pid.component(13, 1, point) or pid.component(13, 12, point) or None
    if not pid.is_null(13):
        phone = phone or (known.phone if known else None)
        email = email or (known.email if known else None)
    sex = _SEXES.get(pid.component(8).upper()) or ("unknown" if pid.is_null(8) or not known else known.sex)
    names = _names(pid) or (known.names if known else ())
    phones = _phones(pid) or (() if pid.is_null(13) or not known else known.phones)
    postcode = next((code for item in pid.repetitions(11) if (code := pid.component(11, 5, item))), None)
    if postcode is None and not pid.is_null(11) and known is not None:
        postcode = known.postcode
    # The MRN never becomes an id (ids reach logs and the journal): a keyed digest of it does.
    patient_id = known.id if known is not None else patient_id_of(context.lookup, mrn)
    try:
        return Patient(
            id=patient_id,
            version=context.version,
            family=family,
            given=given or (known.given if known else ""),
            birth_date=_birth_date(pid, context, known),
            sex=sex,  # type: ignore[arg-type]
            mrn=mrn,
            national_number=national,
            national_system=system,
            phone=phone,
            email=email,
            names=names,
            phones=phones,
            postcode=postcode,
        )
    except ValueError as invalid:
        raise Refused("AR", f"PID: {invalid_reason(invalid, patient_id)}") from None


def _names(pid: Segment) -> tuple[PersonName, ...]:
    """Every PID-5 repetition (legal, maiden, display...) as a name, without repeats."""
    found: list[PersonName] = []
    for item in pid.repetitions(5):
        family, given = pid.component(5, 1, item), pid.component(5, 2, item)
        if family or given:
            kind = pid.component(5, 7, item).upper()
            name = PersonName(family=family, given=given, use=_NAME_USES.get(kind))
            if name not in found:
                found.append(name)
    return tuple(found)


def _phones(pid: Segment) -> tuple[str, ...]:
    """Every phone of PID-13 (home) and PID-14 (business), e-mail addresses left out."""
    found: list[str] = []
    for number in (13, 14):
        for point in pid.repetitions(number):
            if (
                pid.component(number, 3, point).lower() == "internet"
                or pid.component(number, 2, point) == "NET"
            ):
                continue
            phone = pid.component(number, 1, point) or pid.component(number, 12, point)
            if phone and phone not in found:
                found.append(phone)
    return tuple(found)


def _birth_date(pid: Segment, context: Context, known: Patient | None) -> date | None:
    born = pid.component(7)
    if pid.is_null(7):
        return None
    if not born:
        return known.birth_date if known else None
    if born[:8].isdigit() and len(born) < 8:
        context.warn("PID-7 is less precise than a day: the birth date is left out")
        return None
    if len(born) < 8 or not born[:8].isdigit():
        raise Refused("AR", "PID-7 is not a date", "102")
    try:
        return datetime.strptime(born[:8], "%Y%m%d").date()
    except ValueError:
        raise Refused("AR", "PID-7 is not a valid date", "102") from None


def _attending(pv1: Segment, context: Context) -> Practitioner | None:
    doctor_id, family = pv1.component(7, 1), pv1.component(7, 2)
    if not doctor_id or not family:
        return None
    return Practitioner(
        id=record_id("hl7-dr", doctor_id), version=context.version, family=family, given=pv1.component(7, 3)
    )


def _place(pv1: Segment) -> dict[str, object]:
    """PV1-3 (point of care^room^bed): the unit stays the source's code, mapped to a unit when read."""
    unit = pv1.component(3, 1)
    if not unit:
        return {}
    return {"unit_id": unit, "room": pv1.component(3, 2) or None, "bed": pv1.component(3, 3) or None}


def _event_time(pv1: Segment, number: int, evn: Segment | None, context: Context) -> datetime:
    """PV1-44/45, else EVN-6 (when the event occurred), else the message time."""
    return (
        time_field(pv1, number, context.zone)
        or (time_field(evn, 6, context.zone) if evn is not None else None)
        or context.sent_at
    )


def _known_stay(pv1: Segment, patient: Patient, context: Context, current: bool = True) -> Stay | None:
    """The stay PV1-19 (visit number) names, else (if `current`) the patient's current stay."""
    visit = pv1.component(19, 1)
    stay = context.lookup.get(Stay, visit_id_of(context.lookup, visit)) if visit else None
    if stay is None and current:
        stay = context.lookup.current_stay(patient.id)
    return stay


def _new_stay(pv1: Segment, patient: Patient, context: Context) -> Stay:
    visit = pv1.component(19, 1)
    key = visit_id_of(context.lookup, visit) if visit else record_id("hl7-stay", patient.id, context.version)
    return Stay(id=key, version=context.version, patient_id=patient.id)


def _stay(event: str, pv1: Segment, evn: Segment | None, patient: Patient, context: Context) -> Stay | None:
    """The stay as the event leaves it; None when there is no stay to change."""
    changes: dict[str, object] = {"version": context.version, **_place(pv1)}
    attending = _attending(pv1, context)
    if attending is not None:
        changes["attending_id"] = attending.id
    elif pv1.is_null(7):
        changes["attending_id"] = None
    stay: Stay | None
    if event == "A01":
        stay = _known_stay(pv1, patient, context, current=False) or _new_stay(pv1, patient, context)
        changes.update(
            status="in-progress", discharged_at=None, admitted_at=_event_time(pv1, 44, evn, context)
        )
    elif event == "A02":
        if "unit_id" not in changes:
            raise Refused("AR", "ADT^A02 has no PV1-3: the new location is unknown", "101")
        stay = _known_stay(pv1, patient, context) or _new_stay(pv1, patient, context)
    elif event == "A03":
        stay = _known_stay(pv1, patient, context) or _new_stay(pv1, patient, context)
        changes.update(status="finished", discharged_at=_event_time(pv1, 45, evn, context))
    elif event == "A08":
        stay = _known_stay(pv1, patient, context)
        if stay is None and (not changes.get("unit_id") or pv1.component(2) in _NOT_ADMITTED_CLASSES):
            return None  # an update of someone who does not lie in a bed here
        stay = stay or _new_stay(pv1, patient, context)
    elif event == "A11":
        stay = _known_stay(pv1, patient, context)
        if stay is None:
            context.warn("ADT^A11: no stay of this patient to cancel (PV1-19)")
            return None
        changes = {"version": context.version, "status": "cancelled"}
    elif event == "A12":
        # v2.5 section 3.3.12: PV1-3 is the location before the transfer being cancelled.
        if "unit_id" not in changes:
            raise Refused("AR", "ADT^A12 has no PV1-3: the location before the transfer is unknown", "101")
        stay = _known_stay(pv1, patient, context)
        if stay is None:
            context.warn("ADT^A12: no current stay of this patient to move back (PV1-19)")
            return None
    else:  # A13: v2.5 section 3.3.13: PV1-3 is where the patient is once the discharge is cancelled.
        stay = _known_stay(pv1, patient, context, current=False)
        if stay is None and "unit_id" not in changes:
            raise Refused("AR", "ADT^A13 names no known stay (PV1-19) and no location (PV1-3)", "204")
        stay = stay or _new_stay(pv1, patient, context)
        changes.update(status="in-progress", discharged_at=None)
    try:
        return replace(stay, **changes)  # type: ignore[arg-type]
    except ValueError as invalid:
        raise Refused("AR", f"PV1: {invalid_reason(invalid, stay.id)}") from None


def _allergy(al1: Segment, patient: Patient, context: Context) -> Allergy | None:
    """One AL1 as an allergy; None for an AL1 that says the patient has none."""
    set_id = al1.component(1) or "?"
    code, label = al1.component(3, 1), al1.component(3, 2)
    if code.upper().replace(" ", "") in _NO_ALLERGY_CODES or label.lower() in _NO_ALLERGY_TEXTS:
        return None
    substance = label or code or al1.whole(al1.field(3).split(al1.encoding.repetition)[0])
    if not substance:
        raise Refused("AR", f"AL1 {set_id}: AL1-3 names no allergen", "101")
    kind = al1.component(2, 1).upper()
    severity = al1.component(4, 1).upper()
    criticality = _CRITICALITIES.get(severity)
    if severity and criticality is None:
        context.warn(f"AL1 {set_id}: AL1-4 is not an HL7 table 0128 severity; left out")
    reactions = [al1.component(5, 2, part) or al1.component(5, 1, part) for part in al1.repetitions(5)]
    key = code or hashlib.sha256(substance.lower().encode()).hexdigest()[:12]
    allergy_id = record_id("hl7-allergy", patient.id, key)
    try:
        return Allergy(
            id=allergy_id,
            version=context.version,
            patient_id=patient.id,
            substance=substance,
            code=code or None,
            category=_ALLERGY_CATEGORIES.get(kind),
            criticality=criticality,
            reaction=", ".join(reaction for reaction in reactions if reaction) or None,
        )
    except ValueError as invalid:
        raise Refused("AR", f"AL1 {set_id}: {invalid_reason(invalid, allergy_id)}") from None


def allergy_list(
    segments: list[Segment], patient: Patient, context: Context
) -> tuple[list[Allergy], set[str]]:
    """The AL1 allergy list (a snapshot: it replaces the patient's HL7 allergies) and the ids it
    removes. A message older than the list already stored changes nothing."""
    lines = [segment for segment in segments if segment.name == "AL1"]
    if not lines:
        return [], set()
    allergies = {a.id: a for a in (_allergy(line, patient, context) for line in lines) if a is not None}
    stored = [a for a in context.lookup.allergies_of(patient.id) if a.id.startswith("hl7-allergy-")]
    if any(a.version > context.version for a in stored):
        context.warn("AL1: a newer allergy list of this patient is stored; this one is not applied")
        return [], set()
    return list(allergies.values()), {a.id for a in stored} - set(allergies)


def adt_records(
    event: str, segments: list[Segment], patient: Patient, context: Context
) -> tuple[list[ClinicalRecord], set[str]]:
    """The records an ADT event gives besides its patient, and the allergy ids it removes."""
    first = {segment.name: segment for segment in reversed(segments)}
    records: list[ClinicalRecord] = []
    allergies, removed = allergy_list(segments, patient, context)
    records += allergies
    if event == "A04":
        return records, removed
    pv1 = first.get("PV1")
    if pv1 is None:
        if event == "A08":
            return records, removed
        raise Refused("AR", f"the PV1 segment is missing from ADT^{event}", "100")
    attending = _attending(pv1, context)
    if attending is not None and event not in ("A11", "A12", "A13"):
        records.append(attending)
    stay = _stay(event, pv1, first.get("EVN"), patient, context)
    if stay is not None:
        records.append(stay)
    return records, removed
