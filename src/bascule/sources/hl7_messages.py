"""HL7 v2 messages (ADT A01-A04, A08, A11-A13; ORU^R01) to clinical records, and their ACKs.

`interpret(raw, lookup, settings)` turns one MLLP block into records to write and record ids to
remove, or says why it cannot (an AR or AE reason naming segments and fields, never patient values).
Patients are found by their MRN (PID-3), a stay by its visit number (PV1-19) or the patient's current
stay. How fields are read: `hl7_segments`; events: `hl7_adt`; results: `hl7_results`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import hl7

from bascule.clinical.records import Allergy, ClinicalRecord, Record, version_stamp
from bascule.clinical.settings import HospitalSettings
from bascule.sources.hl7_adt import ADT_EVENTS, Context, Lookup, adt_records, read_patient
from bascule.sources.hl7_results import result_records
from bascule.sources.hl7_segments import (
    AckCode,
    Encoding,
    Refused,
    Segment,
    identify,
    parse_time,
    read_encoding,
    split_segments,
    time_field,
)

__all__ = [
    "SUPPORTED",
    "AckCode",
    "Interpreted",
    "Lookup",
    "Refused",
    "acknowledgement",
    "describe",
    "identify",
    "interpret",
    "parse_time",
]

SUPPORTED: tuple[str, ...] = (*(f"ADT^{event}" for event in ADT_EVENTS), "ORU^R01")
_ACK_SERIAL = itertools.count(1)
_MAX_WARNINGS_SENT = 10


@dataclass(frozen=True, slots=True)
class Interpreted:
    """A message understood: its type, control id, time, the records it gives and the ids it
    removes, and the doubts noted while reading it (fields named, never values)."""

    kind: str
    control_id: str
    sent_at: datetime
    records: tuple[ClinicalRecord, ...]
    removals: Mapping[type[Record], frozenset[str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def interpret(raw: bytes, lookup: Lookup, settings: HospitalSettings) -> Interpreted:
    """The records one message gives; Refused says why it gives none."""
    encoding = read_encoding(raw)
    segments = split_segments(raw, encoding)
    msh = segments[0]
    message_type = msh.component(9, 1).upper()
    evn = next((segment for segment in segments if segment.name == "EVN"), None)
    # v2.2 and v2.3 senders may name the event in EVN-1 only.
    event = (msh.component(9, 2) or (evn.component(1) if evn else "")).upper()
    kind = f"{message_type}^{event}"[:24]
    control_id = msh.field(10)
    if not control_id:
        raise Refused("AR", "MSH-10 (message control id) is missing", "101")
    if kind not in SUPPORTED:
        error = "201" if message_type in ("ADT", "ORU") else "200"
        raise Refused("AR", f"message type {kind} is not one Bascule takes ({', '.join(SUPPORTED)})", error)
    sent_at = time_field(msh, 7, settings.zone)
    if sent_at is None:
        raise Refused("AR", "MSH-7 (time of the message) is missing", "101")
    context = Context(control_id, sent_at, version_stamp(sent_at), settings, lookup)
    removals: dict[type[Record], frozenset[str]] = {}
    pid = next((segment for segment in segments if segment.name == "PID"), None)
    if pid is None:
        raise Refused("AR", "the PID segment is missing", "100")
    if message_type == "ORU":
        records = result_records(segments, context)
    else:
        patient = read_patient(pid, context)
        others, removed = adt_records(event, segments, patient, context)
        records = [patient, *others]
        if removed:
            removals[Allergy] = frozenset(removed)
    return Interpreted(kind, control_id, sent_at, tuple(records), removals, tuple(context.warnings))


def _reply_header(raw: bytes) -> tuple[Encoding, str]:
    """The received MSH reduced to what an ACK needs (no patient value is in an MSH): its
    separators, applications, type, control id, processing id and version."""
    try:
        encoding = read_encoding(raw)
        header = raw.lstrip(b"\x0b\r\n \t").replace(b"\n", b"\r").split(b"\r", 1)[0]
        msh = Segment(encoding, header.decode(encoding.charset, "replace"))
    except Refused:
        encoding = Encoding()
        msh = Segment(encoding, "MSH|^~\\&")
    sep, comp = encoding.field, encoding.component
    kind = msh.field(9).split(encoding.repetition)[0].split(comp)
    fields = [
        *(msh.field(number) for number in (3, 4, 5, 6)),
        "",
        "",
        f"{kind[0] or 'ACK'}{comp}{kind[1] if len(kind) > 1 else ''}",
        msh.field(10),
        msh.field(11) or "P",
        msh.field(12) or "2.5",
    ]
    return encoding, sep.join(["MSH", encoding.encoding_characters, *fields])


def acknowledgement(
    raw: bytes,
    code: AckCode,
    reason: str = "",
    *,
    error: str = "",
    warnings: Sequence[str] = (),
    now: datetime | None = None,
) -> bytes:
    """The ACK (MSA AA) or NAK (AE/AR: the reason in MSA-3 and ERR-8, the HL7 table 0357 condition
    in ERR-3), built by python-hl7 with the received message's own separators; MSA-2 is its control
    id. Doubts noted on an accepted message follow as ERR segments of severity W."""
    encoding, header = _reply_header(raw)
    received = hl7.parse(header)
    source = received.segment("MSH")
    application = str(source(5)) or "BASCULE"
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    control = f"ACK{stamp:%Y%m%d%H%M%S}{next(_ACK_SERIAL) % 100000:05d}"
    ack = received.create_ack(code, message_id=control, application=application)
    ack.segment("MSH").assign_field(f"{stamp:%Y%m%d%H%M%S}+0000", 7)
    problems: list[tuple[str, str, str]] = []
    if code != "AA":
        ack.segment("MSA").assign_field(received.escape(reason[:80]), 3)
        problems.append((error or ("207" if code == "AE" else "102"), "E", reason))
    problems += [("0", "W", warning) for warning in warnings[:_MAX_WARNINGS_SENT]]
    for condition, severity, text in problems:
        err = ack.create_segment([ack.create_field(["ERR"])])
        err.assign_field(condition, 3, 1, 1)
        err.assign_field("HL70357", 3, 1, 3)
        err.assign_field(severity, 4)
        err.assign_field(received.escape(text[:250]), 8)
        ack.append(err)
    return (str(ack) + "\r").encode(encoding.charset, "replace")


def describe(records: Sequence[Record]) -> str:
    """Which records a message touched, by type and id only (for logs)."""
    return ", ".join(f"{type(record).__name__} {record.id}" for record in records)
