"""HL7 v2 messages (ADT A01/A02/A03/A04/A08, ORU^R01) to clinical records, and their ACKs.

`interpret(raw, lookup, zone)` turns one MLLP block into records to write, or says why it cannot
(an AR or AE reason naming segments and fields, never patient values). Patients are found by their
MRN (PID-3 of type MR); a stay by its visit number (PV1-19) or the patient's current stay.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal, Protocol

import hl7

from bascule.clinical.records import (
    BLOOD_GROUP_LOINC,
    ClinicalRecord,
    LabResult,
    NationalSystem,
    Patient,
    Practitioner,
    Record,
    Stay,
    version_stamp,
)
from bascule.sources.fhir_records import BLOOD_GROUP_SNOMED

AckCode = Literal["AA", "AE", "AR"]
SUPPORTED: tuple[str, ...] = ("ADT^A01", "ADT^A02", "ADT^A03", "ADT^A04", "ADT^A08", "ORU^R01")
_NATIONAL_TYPES: dict[str, NationalSystem] = {"NH": "NHS", "NHS": "NHS", "INS": "INS", "NIR": "INS"}
_SEXES = {"F": "female", "M": "male", "O": "other", "U": "unknown", "A": "other", "N": "unknown"}
_FLAGS = {"L", "H", "LL", "HH", "N", "A"}
_ACK_SERIAL = itertools.count(1)


class Lookup(Protocol):
    """What interpreting a message needs to read from the store."""

    def patient_by_mrn(self, mrn: str) -> Patient | None: ...

    def current_stay(self, patient_id: str) -> Stay | None: ...

    def get(self, record_class: type[Stay], record_id: str) -> Stay | None: ...


class Refused(Exception):
    """The message cannot be applied; `code` is AR (bad message) or AE (cannot be processed)."""

    def __init__(self, code: AckCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Interpreted:
    """A message understood: its type, control id, time and the records it gives."""

    kind: str
    control_id: str
    sent_at: datetime
    records: tuple[ClinicalRecord, ...]


class _Segment:
    """One segment's fields, split with the separators the MSH declared (parsed by `hl7`)."""

    def __init__(self, header: hl7.Message, line: str) -> None:
        self._header = header
        _cr, field_sep, self._rep, self._comp, self._sub = header.separators[:5]
        self._fields = line.split(field_sep)
        if self._fields[0] == "MSH":
            self._fields.insert(1, field_sep)  # MSH-1 is the field separator itself

    def field(self, number: int) -> str:
        return self._fields[number] if number < len(self._fields) else ""

    def repetitions(self, number: int) -> list[str]:
        return [part for part in self.field(number).split(self._rep) if part]

    def component(self, number: int, component: int = 1, repetition: str | None = None) -> str:
        text = self.field(number).split(self._rep)[0] if repetition is None else repetition
        parts = text.split(self._comp)
        value = parts[component - 1] if component <= len(parts) else ""
        return str(self._header.unescape(value.split(self._sub)[0])).strip() if value else ""


def decode(raw: bytes) -> str:
    """The message text: UTF-8 unless MSH-18 declares ISO 8859-1."""
    header = raw.split(b"\r", 1)[0].decode("latin-1")
    fields = header.split(header[3:4] or "|")
    charset = fields[17].strip().upper() if len(fields) > 17 else ""
    if charset in ("8859/1", "ISO-8859-1", "ISO IR100"):
        return raw.decode("latin-1")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(
            "AR", "the message is not valid UTF-8 and MSH-18 declares no other character set"
        ) from None


def parse_time(text: str, zone: tzinfo, what: str) -> datetime:
    """An HL7 DTM (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]); without an offset, the hospital's zone."""
    body, offset = text, None
    for sign in ("+", "-"):
        if sign in text[8:]:
            at = text.index(sign, 8)
            body, offset = text[:at], text[at:]
    digits = body.split(".")[0]
    if not digits.isdigit() or len(digits) < 8 or len(digits) % 2:
        raise Refused("AR", f"{what} is not an HL7 timestamp")
    try:
        parts = [int(digits[i : i + 2]) for i in range(4, len(digits), 2)] + [0, 0, 0]
        moment = datetime(int(digits[0:4]), parts[0], parts[1], parts[2], parts[3], parts[4])
        if offset is not None:
            east = 1 if offset[0] == "+" else -1
            shift = east * (int(offset[1:3]) * 60 + int(offset[3:5]))
            return moment.replace(tzinfo=UTC) - timedelta(minutes=shift)
        return moment.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, IndexError):
        raise Refused("AR", f"{what} is not a valid date and time") from None


def _patient(pid: _Segment, version: str, lookup: Lookup) -> Patient:
    mrn = national = None
    system: NationalSystem | None = None
    for identifier in pid.repetitions(3):
        value, kind = pid.component(3, 1, identifier), pid.component(3, 5, identifier).upper()
        authority = pid.component(3, 4, identifier).upper()
        if not value:
            continue
        if kind in _NATIONAL_TYPES or authority in _NATIONAL_TYPES:
            national, system = value, _NATIONAL_TYPES.get(kind) or _NATIONAL_TYPES[authority]
        elif mrn is None and kind in ("MR", "PI", ""):
            mrn = value
    if mrn is None:
        raise Refused("AR", "PID-3 has no medical record number (type MR)")
    family, given = pid.component(5, 1), pid.component(5, 2)
    if not family:
        raise Refused("AR", "PID-5 has no family name")
    phone = email = None
    for point in pid.repetitions(13):
        if pid.component(13, 3, point).lower() == "internet" or pid.component(13, 2, point) == "NET":
            email = email or pid.component(13, 4, point) or None
        else:
            phone = phone or pid.component(13, 1, point) or pid.component(13, 12, point) or None
    born = pid.field(7)
    birth_date = None
    if born:
        if len(born) < 8 or not born[:8].isdigit():
            raise Refused("AR", "PID-7 is not a date")
        try:
            birth_date = datetime.strptime(born[:8], "%Y%m%d").date()
        except ValueError:
            raise Refused("AR", "PID-7 is not a valid date") from None
    # An empty HL7 field means "no change": keep what the store already knows.
    known = lookup.patient_by_mrn(mrn)
    if national is None and known is not None:
        national, system = known.national_number, known.national_system
    sex = _SEXES.get(pid.field(8).upper()) or (known.sex if known else "unknown")
    return Patient(
        id=known.id if known is not None else f"hl7-{mrn}",
        version=version,
        family=family,
        given=given or (known.given if known else ""),
        birth_date=birth_date or (known.birth_date if known else None),
        sex=sex,  # type: ignore[arg-type]
        mrn=mrn,
        national_number=national,
        national_system=system,
        phone=phone or (known.phone if known else None),
        email=email or (known.email if known else None),
    )


def _attending(pv1: _Segment, version: str) -> Practitioner | None:
    doctor_id, family = pv1.component(7, 1), pv1.component(7, 2)
    if not doctor_id or not family:
        return None
    return Practitioner(id=f"hl7-dr-{doctor_id}", version=version, family=family, given=pv1.component(7, 3))


def _stay(
    pv1: _Segment,
    patient: Patient,
    version: str,
    kind: str,
    sent_at: datetime,
    zone: tzinfo,
    lookup: Lookup,
    attending: Practitioner | None,
) -> Stay:
    visit = pv1.component(19, 1)
    stay = lookup.get(Stay, f"hl7-visit-{visit}") if visit else None
    if stay is None and kind != "ADT^A01":
        stay = lookup.current_stay(patient.id)
    if stay is None:
        stay = Stay(
            id=f"hl7-visit-{visit}" if visit else f"hl7-stay-{patient.id}-{version}",
            version=version,
            patient_id=patient.id,
        )
    unit, room, bed = pv1.component(3, 1), pv1.component(3, 2), pv1.component(3, 3)
    changes: dict[str, object] = {"version": version}
    if unit:
        changes.update(unit_id=unit, room=room or None, bed=bed or None, bed_location_id=None)
    if attending is not None:
        changes["attending_id"] = attending.id
    if kind == "ADT^A01":
        admitted = pv1.field(44)
        changes.update(
            status="in-progress",
            discharged_at=None,
            admitted_at=parse_time(admitted, zone, "PV1-44") if admitted else sent_at,
        )
    elif kind == "ADT^A03":
        left = pv1.field(45)
        changes.update(status="finished", discharged_at=parse_time(left, zone, "PV1-45") if left else sent_at)
    try:
        return replace(stay, **changes)  # type: ignore[arg-type]
    except ValueError as invalid:
        raise Refused("AR", str(invalid)) from None


def _results(
    lines: list[_Segment], patient: Patient, control_id: str, version: str, sent_at: datetime, zone: tzinfo
) -> list[LabResult]:
    results = []
    order = control_id
    taken = sent_at
    for segment in lines:
        name = segment.field(0)
        if name == "OBR":
            order = segment.component(3, 1) or segment.component(2, 1) or control_id
            when = segment.field(7)
            taken = parse_time(when, zone, "OBR-7") if when else sent_at
        elif name == "OBX":
            results.append(_result(segment, patient, order, version, taken, zone))
    if not results:
        raise Refused("AR", "the ORU^R01 message has no OBX segment")
    return results


def _number(text: str, what: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Refused("AR", f"{what} is not a number") from None


def _result(
    obx: _Segment, patient: Patient, order: str, version: str, taken: datetime, zone: tzinfo
) -> LabResult:
    set_id, value_type = obx.field(1) or "1", obx.field(2).upper()
    code, label = obx.component(3, 1), obx.component(3, 2)
    if not code:
        raise Refused("AR", f"OBX {set_id}: OBX-3 has no code")
    raw_value = obx.component(5, 1)
    if value_type in ("CE", "CWE") and code == BLOOD_GROUP_LOINC:
        raw_value = BLOOD_GROUP_SNOMED.get(raw_value, raw_value)
    elif value_type in ("CE", "CWE"):
        raw_value = obx.component(5, 2) or raw_value
    value = _number(raw_value, f"OBX {set_id}: OBX-5") if value_type in ("NM", "SN") else None
    low = high = None
    reference = obx.field(7)
    if "-" in reference.strip("-"):
        low_text, _, high_text = reference.partition("-")
        low, high = (
            _number(low_text.strip(), f"OBX {set_id}: OBX-7"),
            _number(high_text.strip(), f"OBX {set_id}: OBX-7"),
        )
    flag = obx.field(8).upper() or None
    when = obx.field(14)
    try:
        return LabResult(
            id=f"hl7-{order}-{set_id}",
            version=version,
            patient_id=patient.id,
            code=code,
            label=label or code,
            effective_at=parse_time(when, zone, f"OBX {set_id}: OBX-14") if when else taken,
            value=value,
            value_text=None if value is not None else (raw_value or None),
            unit=obx.component(6, 1) or None,
            low=low,
            high=high,
            flag=flag if flag in _FLAGS else None,  # type: ignore[arg-type]
            status={
                "F": "final",
                "P": "preliminary",
                "C": "corrected",
                "X": "cancelled",
                "W": "entered-in-error",
            }.get(obx.field(11), "final"),
        )
    except ValueError as invalid:
        raise Refused("AR", str(invalid)) from None


def _header(text: str) -> hl7.Message:
    """An empty `hl7.Message` carrying the separators and escape character the MSH declares."""
    if not text.startswith("MSH") or len(text) < 8:
        raise Refused("AR", "the message does not start with a readable MSH segment")
    field_sep, encoding = text[3], text[4:8]
    if field_sep.isalnum() or len(set(field_sep + encoding)) != 5 or any(c.isalnum() for c in encoding):
        raise Refused("AR", "the message does not start with a readable MSH segment")
    component, repetition, escape, subcomponent = encoding[0], encoding[1], encoding[2], encoding[3]
    return hl7.Message("\r", [], esc=escape, separators=f"\r{field_sep}{repetition}{component}{subcomponent}")


def interpret(raw: bytes, lookup: Lookup, zone: tzinfo) -> Interpreted:
    """The records one message gives; Refused says why it gives none."""
    text = decode(raw).replace("\r\n", "\r").replace("\n", "\r").strip("\r")
    header = _header(text)
    msh = _Segment(header, text.partition("\r")[0])
    lines = [_Segment(header, line) for line in text.split("\r") if line.strip()]
    kind = f"{msh.component(9, 1)}^{msh.component(9, 2)}"
    control_id = msh.field(10)
    if not control_id:
        raise Refused("AR", "MSH-10 (message control id) is missing")
    if kind not in SUPPORTED:
        raise Refused("AR", f"message type {kind} is not one Bascule takes ({', '.join(SUPPORTED)})")
    if not msh.field(7):
        raise Refused("AR", "MSH-7 (time of the message) is missing")
    sent_at = parse_time(msh.field(7), zone, "MSH-7")
    version = version_stamp(sent_at)
    segments = {segment.field(0): segment for segment in reversed(lines)}
    if "PID" not in segments:
        raise Refused("AR", "the PID segment is missing")
    try:
        patient = _patient(segments["PID"], version, lookup)
    except ValueError as invalid:
        raise Refused("AR", str(invalid)) from None
    records: list[ClinicalRecord] = [patient]
    if kind == "ORU^R01":
        records += _results(lines, patient, control_id, version, sent_at, zone)
    elif kind in ("ADT^A01", "ADT^A02", "ADT^A03") or (kind == "ADT^A08" and "PV1" in segments):
        if "PV1" not in segments:
            raise Refused("AR", f"the PV1 segment is missing from {kind}")
        attending = _attending(segments["PV1"], version)
        if attending is not None:
            records.append(attending)
        records.append(_stay(segments["PV1"], patient, version, kind, sent_at, zone, lookup, attending))
    return Interpreted(kind, control_id, sent_at, tuple(records))


def acknowledgement(
    raw_or_text: bytes, code: AckCode, reason: str = "", now: datetime | None = None
) -> bytes:
    """The ACK (MSA AA) or NAK (AE/AR, with the reason in MSA-3 and ERR-8) for a received block."""
    header = raw_or_text.replace(b"\n", b"\r").split(b"\r", 1)[0].decode("latin-1", "replace")
    fields = header.split("|") if header.startswith("MSH|") else ["MSH", "^~\\&"]

    def get(number: int) -> str:
        return fields[number - 1] if len(fields) >= number else ""

    trigger = get(9).split("^")[1] if "^" in get(9) else ""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    msh = [
        "MSH",
        get(2) or "^~\\&",
        "BASCULE",
        get(6),
        get(3),
        get(4),
        stamp,
        "",
        f"ACK^{trigger}^ACK",
        f"ACK{stamp}{next(_ACK_SERIAL) % 100000:05d}",
        get(11) or "P",
        get(12) or "2.5",
    ]
    safe_reason = (
        reason.replace("|", "/").replace("^", " ").replace("~", " ").replace("&", "+").replace("\\", "/")
    )
    lines = ["|".join(msh), "|".join(["MSA", code, get(10), safe_reason])]
    if code != "AA":
        lines.append("|".join(["ERR", "", "", "", "E", "", "", "", safe_reason]))
    return ("\r".join(lines) + "\r").encode("utf-8")


def describe(records: Sequence[Record]) -> str:
    """Which records a message touched, by type and id only (for logs)."""
    return ", ".join(f"{type(record).__name__} {record.id}" for record in records)
