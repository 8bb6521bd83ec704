"""HL7 v2 results (ORU^R01): each OBX becomes a lab result of the patient of its PID group.

A result is known by its order (OBR-3 filler order number, else OBR-2 placer) and its code (OBX-3,
with OBX-4 sub-id): a correction (OBX-11 C) replaces it, a deletion (D) or a wrong result (W) is
withdrawn and never shown. A value that cannot be read as its type is kept as text, with a doubt.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from bascule.clinical.records import (
    ABO_LOINC,
    BLOOD_GROUP_LOINC,
    BLOOD_GROUPS,
    RH_LOINC,
    AbnormalFlag,
    ClinicalRecord,
    LabResult,
    Patient,
)
from bascule.clinical.results import abo_group, rh_type
from bascule.sources.fhir_codes import BLOOD_GROUP_SNOMED
from bascule.sources.hl7_adt import Context, invalid_reason, read_patient, record_id
from bascule.sources.hl7_segments import Refused, Segment, time_field

# HL7 table 0085 (observation result status) -> FHIR Observation.status (HL7 v2-to-FHIR mapping).
_STATUSES = {
    "C": "corrected",
    "D": "entered-in-error",
    "F": "final",
    "I": "registered",
    "N": "cancelled",
    "O": "registered",
    "P": "preliminary",
    "R": "preliminary",
    "S": "preliminary",
    "U": "final",
    "W": "entered-in-error",
    "X": "cancelled",
}
# HL7 table 0078 (abnormal flags) -> the flags a sheet prints; codes about deltas, susceptibility
# or qualitative results carry no high/low meaning and are not flags here.
_FLAGS: dict[str, AbnormalFlag] = {
    "L": "L",
    "H": "H",
    "LL": "LL",
    "HH": "HH",
    "N": "N",
    "A": "A",
    "AA": "A",
    "<": "L",
    ">": "H",
    "LU": "L",
    "HU": "H",
}
_NOT_FLAGS = {"U", "D", "B", "W", "S", "R", "I", "MS", "VS", "NEG", "POS", "NR", "RR", "QCF", "TOX", "NULL"}
_COMPARATORS = ("<", "<=", ">=", ">")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_PREFIXED = re.compile(r"(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+))")
_RANGE = re.compile(r"\s*([+-]?[\d.]+)\s*-\s*([+-]?[\d.]+)\s*")
_TEXT_TYPES = ("ST", "TX", "FT")
_KEPT_AS_TEXT = ("DT", "TM", "TS", "DTM", "ID", "IS", "SN", "NM", "CF", "CX", "XCN", "XPN", "XAD")


def result_records(segments: list[Segment], context: Context) -> list[ClinicalRecord]:
    """Patients and results of an ORU^R01 message, PID group by PID group."""
    records: list[ClinicalRecord] = []
    patient: Patient | None = None
    order, order_time = "", None
    seen: Counter[str] = Counter()
    results = 0
    for segment in segments[1:]:
        if segment.name == "PID":
            patient = read_patient(segment, context)
            records.append(patient)
            order, order_time = "", None
        elif segment.name == "OBR":
            number = segment.component(3, 1) or segment.component(2, 1)
            space = segment.component(3, 2) if segment.component(3, 1) else segment.component(2, 2)
            order = "-".join(part for part in (space, number) if part)
            if not order:
                context.warn("OBR-2 and OBR-3 are empty: a later correction cannot replace these results")
            order_time = time_field(segment, 7, context.zone)
        elif segment.name == "OBX":
            if patient is None:
                raise Refused("AR", "an OBX segment comes before any PID segment", "100")
            records.append(_result(segment, patient, order or context.control_id, order_time, seen, context))
            results += 1
    if not results:
        raise Refused("AR", "the ORU^R01 message has no OBX segment", "100")
    return records


def _result(
    obx: Segment,
    patient: Patient,
    order: str,
    order_time: datetime | None,
    seen: Counter[str],
    context: Context,
) -> LabResult:
    set_id = obx.component(1) or "?"
    where = f"OBX {set_id}"
    code = obx.component(3, 1) or obx.component(3, 4)
    label = obx.component(3, 2) or obx.component(3, 5) or code
    if not code:
        raise Refused("AR", f"{where}: OBX-3 has no code", "101")
    key = record_id("hl7", order, code, obx.component(4))
    seen[key] += 1
    if seen[key] > 1:  # the same code again in one order (lines of a report): one result each
        key = record_id(f"{key}#{seen[key]}")
    status = _STATUSES.get(obx.component(11).upper())
    if status is None:
        context.warn(f"{where}: OBX-11 is not an HL7 table 0085 status; read as final")
    effective = time_field(obx, 14, context.zone) or order_time
    if effective is None:
        context.warn(f"{where}: OBX-14 and OBR-7 are empty; the message time is used")
    value, text, comparator = _value(obx, code, where, context)
    low, high = _range(obx, where, context)
    try:
        return LabResult(
            id=key,
            version=context.version,
            patient_id=patient.id,
            code=code,
            label=label,
            effective_at=effective or context.sent_at,
            value=value,
            value_text=text,
            unit=obx.component(6, 1) or obx.component(6, 2) or None,
            low=low,
            high=high,
            flag=_flag(obx, where, context),
            status=status or "final",
            comparator=comparator,
        )
    except ValueError as invalid:
        raise Refused("AR", f"{where}: {invalid_reason(invalid, key)}") from None


def _value(
    obx: Segment, code: str, where: str, context: Context
) -> tuple[float | None, str | None, str | None]:
    """(value, value_text, comparator) of OBX-5 read as its OBX-2 type."""
    kind = obx.component(2).upper()
    repetitions = obx.repetitions(5)
    if not repetitions or obx.is_null(5):
        return None, None, None
    first = repetitions[0]
    if kind == "NM":
        return _numeric(obx.whole(first), where, context)
    if kind == "SN":
        return _structured_numeric(obx, first, where, context)
    if kind in ("CE", "CWE", "CNE"):
        coded, text = obx.component(5, 1, first), obx.component(5, 2, first)
        if code == BLOOD_GROUP_LOINC and (coded in BLOOD_GROUP_SNOMED or coded in BLOOD_GROUPS):
            return None, BLOOD_GROUP_SNOMED.get(coded, coded), None
        if code in (ABO_LOINC, RH_LOINC):  # the two halves of a blood group, as the census joins them
            read = abo_group if code == ABO_LOINC else rh_type
            found = read(coded) or read(text) if coded or text else None
            if found is not None:
                return None, found, None
            context.warn(f"{where}: OBX-5 is not an ABO group or Rh type Bascule recognises, kept as text")
        return None, text or obx.component(5, 5, first) or coded or None, None
    if kind in _TEXT_TYPES or kind in _KEPT_AS_TEXT:
        joined = "\n".join(obx.whole(part) for part in repetitions)
        return None, joined.strip() or None, None
    context.warn(f"{where}: OBX-5 of type {kind[:8] or 'none'} is not kept")
    return None, None, None


def _numeric(text: str, where: str, context: Context) -> tuple[float | None, str | None, str | None]:
    if _NUMBER.fullmatch(text):
        return float(text), None, None
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed:  # "<0.01" sent as NM: the comparator is part of the result
        return float(prefixed.group(2)), None, prefixed.group(1)
    context.warn(f"{where}: OBX-5 is not a number; kept as text")
    return None, text or None, None


def _structured_numeric(
    obx: Segment, repetition: str, where: str, context: Context
) -> tuple[float | None, str | None, str | None]:
    """SN: comparator^number^separator^number ("<^0.01", "^1^:^128", "^10^-^20", "^2^+")."""
    comparator, first, separator, second = (obx.component(5, n, repetition) for n in (1, 2, 3, 4))
    numbers_read = all(_NUMBER.fullmatch(part) for part in (first, second) if part)
    if numbers_read and first and not separator and not second and comparator in ("", "=", *_COMPARATORS):
        return float(first), None, comparator if comparator in _COMPARATORS else None
    text = f"{comparator}{first}{separator}{second}".strip()
    if not numbers_read or separator not in ("", "-", "+", "/", ":", "."):
        context.warn(f"{where}: OBX-5 is not a structured numeric; kept as text")
    return None, text or None, None


def _range(obx: Segment, where: str, context: Context) -> tuple[float | None, float | None]:
    """OBX-7: "3.5-5.1", "-1.0-2.0", "<5", ">60"; any other text is left out, with a doubt."""
    reference = obx.component(7)
    if not reference:
        return None, None
    bounded = _RANGE.fullmatch(reference)
    if bounded and all(_NUMBER.fullmatch(part) for part in bounded.groups()):
        low, high = float(bounded.group(1)), float(bounded.group(2))
        if low <= high:
            return low, high
    one_sided = _PREFIXED.fullmatch(reference.strip())
    if one_sided:
        bound = float(one_sided.group(2))
        return (None, bound) if one_sided.group(1).startswith("<") else (bound, None)
    context.warn(f"{where}: OBX-7 is not a numeric reference range; left out")
    return None, None


def _flag(obx: Segment, where: str, context: Context) -> AbnormalFlag | None:
    """OBX-8: the first repetition that says high, low, abnormal or normal."""
    for repetition in obx.repetitions(8):
        code = obx.component(8, 1, repetition).upper()
        if code in _FLAGS:
            return _FLAGS[code]
        if code and code not in _NOT_FLAGS:
            context.warn(f"{where}: OBX-8 is not an HL7 table 0078 flag; left out")
    return None
