"""`send`: the downtime entries whose patient is known go to the recovered EHR, each once.

The use-case reads the store (entries, links, what was already sent), hands each patient's entries to
a receiver (FHIR transaction bundles over HTTP, or HL7 v2 messages over MLLP), and writes each answer
(`downtime_sent`: acknowledged or refused, the target, the EHR's reference or the control id, the
reason) in its own transaction before the next item: a `kill -9` loses at most the one in flight, and
the conditional creates (FHIR) or the same control id (HL7) make its resend harmless. Entries whose
downtime number is linked to no one wait. Refused entries stay refused until `retry_refused`.
Logs carry entry keys and states only: never patient values, never the EHR's reason (it may quote
them); the reason is kept in the store, for the person who fixes it.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

from bascule.downtime.entries import PatientRef, Value, make_entry
from bascule.downtime.side_store import connected, require_store, transaction
from bascule.durable import held_lock
from bascule.errors import UserError
from bascule.reconcile.writeback import FhirBundle, Hl7Message, Outgoing, fhir_bundle, hl7_message

log = logging.getLogger("bascule.reconcile.send")
SentState = Literal["acknowledged", "refused"]
EXIT_UNREACHABLE = 3
MAX_ENTRIES_PER_BUNDLE = 50  # a patient with a long stay still goes in bundles an EHR accepts
MAX_REASON = 500
START_BLOCK, END_BLOCK = b"\x0b", b"\x1c\x0d"


@dataclass(frozen=True)
class Answer:
    """What the EHR said about one entry."""

    key: str
    state: SentState
    reference: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class SendReport:
    target: str
    sent: int  # acknowledged in this run
    refused: int  # refused in this run
    already: int  # acknowledged in an earlier run
    still_refused: int  # refused earlier and not retried
    waiting: int  # their downtime number is linked to no one yet

    @property
    def all_sent(self) -> bool:
        return not (self.refused or self.still_refused or self.waiting)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "sent": self.sent,
            "refused": self.refused + self.still_refused,
            "refused_now": self.refused,
            "already_sent": self.already,
            "waiting": self.waiting,
            "all_sent": self.all_sent,
        }


class TargetUnreachable(UserError):
    """The target could not be reached or answered as no EHR would: nothing more is sent (exit 3)."""

    exit_code = EXIT_UNREACHABLE


class Receiver(Protocol):
    """Where entries go. `deliver` sends the entries of one patient and returns one answer per entry,
    or raises `TargetUnreachable` (nothing of this item may be recorded as sent)."""

    label: str

    def deliver(
        self, items: Sequence[Outgoing], registration: tuple[str, Mapping[str, Value]] | None
    ) -> list[Answer]: ...

    def close(self) -> None: ...


def _reason(text: str) -> str:
    return " ".join(text.split())[:MAX_REASON] or "refused without a reason"


def _outcome_text(outcome: object) -> str:
    if not isinstance(outcome, Mapping):
        return ""
    texts = []
    for issue in outcome.get("issue") or []:
        if isinstance(issue, Mapping):
            details = issue.get("details")
            text = issue.get("diagnostics") or (details.get("text") if isinstance(details, Mapping) else None)
            texts.append(str(text or issue.get("code") or ""))
    return "; ".join(text for text in texts if text)


class FhirReceiver:
    """A FHIR R4 server: one transaction bundle per patient (and per MAX_ENTRIES_PER_BUNDLE)."""

    def __init__(
        self, base_url: str, transport: httpx.BaseTransport | None = None, timeout: float = 60
    ) -> None:
        parts = urlsplit(base_url)  # the label drops any user:password written in the URL
        netloc = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""
        self.label = urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(
            transport=transport, timeout=timeout, headers={"Content-Type": "application/fhir+json"}
        )

    def deliver(
        self, items: Sequence[Outgoing], registration: tuple[str, Mapping[str, Value]] | None
    ) -> list[Answer]:
        bundle = fhir_bundle(items, registration)
        if not bundle.items:  # only registrations of patients the EHR already holds
            return [Answer(key, "acknowledged", bundle.patient) for key in bundle.keys]
        try:
            response = self.client.post(self.base_url + "/", content=json.dumps(bundle.bundle))
        except httpx.HTTPError as error:
            raise _unreachable(self.label, type(error).__name__) from None
        if response.status_code in (401, 403, 404, 405) or response.status_code >= 500:
            raise _unreachable(self.label, f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            reason = _reason(_outcome_text(body) or f"HTTP {response.status_code}")
            return [Answer(key, "refused", None, reason) for key in bundle.keys]
        if not isinstance(body, Mapping) or not isinstance(body.get("entry"), list):
            raise _unreachable(self.label, "not a transaction-response bundle")
        return _answers(bundle, body["entry"])

    def close(self) -> None:
        self.client.close()


def _answers(bundle: FhirBundle, responses: list[Any]) -> list[Answer]:
    """Each entry's answer from the per-request responses (a server may refuse one and not the rest;
    when the new patient's own create fails, every entry of the bundle is refused with its reason)."""
    references: dict[str | None, list[str]] = {}
    problems: dict[str | None, str] = {}
    for item, response in zip(bundle.items, responses, strict=False):
        answer = response.get("response", {}) if isinstance(response, Mapping) else {}
        status = str(answer.get("status", ""))
        if status[:1] == "2":
            location = str(answer.get("location") or "")
            references.setdefault(item.key, []).append(
                "/".join(location.split("/")[:2]) or item.resource_type
            )
        else:
            problems[item.key] = _reason(_outcome_text(answer.get("outcome")) or f"HTTP {status or '?'}")
    if len(responses) < len(bundle.items):
        for item in bundle.items[len(responses) :]:
            problems.setdefault(item.key, "no answer for this entry")
    answers = []
    for key in bundle.keys:
        problem = problems.get(None) or problems.get(key)
        if problem is not None:
            answers.append(Answer(key, "refused", None, problem))
        else:
            own = references.get(key) or references.get(None) or [bundle.patient]
            answers.append(Answer(key, "acknowledged", " ".join(own)))
    return answers


def _unreachable(label: str, why: str) -> TargetUnreachable:
    return TargetUnreachable(
        f"The EHR at {label} cannot be reached or did not answer as a FHIR server ({why}); what was "
        "acknowledged is recorded, run the same command again once it is back.",
        fr=f"Le DPI à {label} est injoignable ou n'a pas répondu comme un serveur FHIR ({why}) ; ce qui a été "
        "acquitté est enregistré, relancez la même commande quand il est revenu.",
    )


class MllpReceiver:
    """An HL7 v2 receiver over MLLP: one message per entry, each ACK awaited before the next."""

    def __init__(
        self, host: str, port: int, timeout: float = 30, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.label = f"mllp://{host}:{port}"
        self.address = (host, port)
        self.timeout = timeout
        self.now = clock
        self.connection: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self.connection is None:
            try:
                self.connection = socket.create_connection(self.address, timeout=self.timeout)
            except OSError as error:
                raise self._unreachable(type(error).__name__) from None
        return self.connection

    def _unreachable(self, why: str) -> TargetUnreachable:
        self.close()
        return TargetUnreachable(
            f"The HL7 receiver at {self.label} cannot be reached or broke off ({why}); what was acknowledged "
            "is recorded, run the same command again once it is back.",
            fr=f"Le récepteur HL7 à {self.label} est injoignable ou a coupé ({why}) ; ce qui a été acquitté est "
            "enregistré, relancez la même commande quand il est revenu.",
        )

    def exchange(self, message: Hl7Message) -> Answer:
        connection = self._connect()
        try:
            connection.sendall(START_BLOCK + message.text.encode("utf-8") + END_BLOCK)
            received = b""
            while END_BLOCK not in received:
                chunk = connection.recv(65536)
                if not chunk:
                    raise self._unreachable("connection closed before the ACK")
                received += chunk
        except OSError as error:
            raise self._unreachable(type(error).__name__) from None
        block = received[received.find(START_BLOCK) + 1 : received.find(END_BLOCK)]
        return read_ack(message, block.decode("utf-8", errors="replace"), self._unreachable)

    def deliver(
        self, items: Sequence[Outgoing], registration: tuple[str, Mapping[str, Value]] | None
    ) -> list[Answer]:
        now = self.now() if self.now is not None else datetime.now(UTC)
        fields = registration[1] if registration is not None else None
        return [self.exchange(hl7_message(item, now, fields)) for item in items]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def read_ack(message: Hl7Message, text: str, unreachable: Callable[[str], TargetUnreachable]) -> Answer:
    """AA/CA: acknowledged; AE/AR/CE/CR: refused with MSA-3 or ERR's text. An answer to another
    message (MSA-2) is not an answer to this one."""
    import hl7

    try:
        ack = hl7.parse(text.replace("\n", "\r"))
        msa = ack.segment("MSA")
        code, answered = str(msa(1)), str(msa(2))
    except (KeyError, IndexError, ValueError, hl7.exceptions.ParseException):
        raise unreachable("an answer that is not an HL7 ACK") from None
    if answered != message.control_id:
        raise unreachable("an ACK for another message")
    if code in ("AA", "CA"):
        return Answer(message.key, "acknowledged", message.control_id)
    texts = [str(msa(3))] if len(msa) > 3 and str(msa(3)) else []
    try:
        for err in ack.segments("ERR"):
            if len(err) > 8 and str(err(8)):
                texts.append(str(err(8)))
    except KeyError:
        pass
    return Answer(message.key, "refused", message.control_id, _reason("; ".join(texts) or code))


def receiver_for(target: str, transport: httpx.BaseTransport | None = None) -> Receiver:
    """A FHIR base URL (http or https) or mllp://host:port."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.hostname:
        return FhirReceiver(target, transport)
    if parts.scheme == "mllp" and parts.hostname:
        try:
            port = parts.port
        except ValueError:
            port = None
        if port:
            return MllpReceiver(parts.hostname, port)
    raise UserError(
        f"{target!r} is not a target: a FHIR base URL (https://ehr.example/fhir) or mllp://HOST:PORT.",
        fr=f"{target!r} n'est pas une cible : une URL FHIR (https://dpi.exemple/fhir) ou mllp://HÔTE:PORT.",
    )


# The store side --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    outgoing: list[Outgoing]
    registrations: dict[str, tuple[str, Mapping[str, Value]]]  # number -> its first registration
    already: int
    still_refused: int
    waiting: int


def _plan(connection: sqlite3.Connection, retry_refused: bool) -> _Plan:
    links = dict(connection.execute("SELECT id, patient FROM downtime_links").fetchall())
    rows = connection.execute(
        "SELECT e.id, e.station, e.sequence, e.author, e.recorded_at, e.kind, e.patient, e.downtime_number, "
        "e.data, s.state FROM downtime_entries e LEFT JOIN downtime_sent s ON s.id = e.id "
        "ORDER BY e.kind != 'registration', e.recorded_at, e.station, e.sequence"
    ).fetchall()
    outgoing: list[Outgoing] = []
    registrations: dict[str, tuple[str, Mapping[str, Value]]] = {}
    already = still_refused = waiting = 0
    for key, station, sequence, author, recorded_at, kind, patient, number, data, state in rows:
        fields = json.loads(data)
        if kind == "registration" and number is not None:
            registrations.setdefault(number, (key, fields))
        if state == "acknowledged":
            already += 1
            continue
        if state == "refused" and not retry_refused:
            still_refused += 1
            continue
        if patient is None and (number is None or number not in links):
            waiting += 1
            continue
        entry = make_entry(
            station=station,
            sequence=sequence,
            author=author,
            recorded_at=datetime.fromisoformat(recorded_at),
            kind=kind,
            patient=PatientRef(patient_id=patient) if patient else PatientRef(downtime_id=number),
            data=fields,
        )
        target = patient or links[number]
        outgoing.append(Outgoing(key, entry, target, None if target else number))
    return _Plan(outgoing, registrations, already, still_refused, waiting)


def _by_patient(outgoing: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
    groups: dict[tuple[str | None, str | None], list[Outgoing]] = {}
    for item in outgoing:
        groups.setdefault((item.patient_id, item.downtime_id), []).append(item)
    for items in groups.values():
        for start in range(0, len(items), MAX_ENTRIES_PER_BUNDLE):
            yield items[start : start + MAX_ENTRIES_PER_BUNDLE]


def _record(connection: sqlite3.Connection, answers: Sequence[Answer], target: str, now: datetime) -> None:
    """The answers of one item, in one transaction of their own."""
    with transaction(connection):
        for answer in answers:
            connection.execute(
                "INSERT INTO downtime_sent (id, version, state, target, reference, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                "state = excluded.state, target = excluded.target, reference = excluded.reference, "
                "reason = excluded.reason, at = excluded.at",
                (
                    answer.key,
                    now.isoformat(),
                    answer.state,
                    target,
                    answer.reference,
                    answer.reason,
                    now.isoformat(),
                ),
            )


def send(
    store_path: Path,
    target: str | Receiver,
    now: datetime,
    *,
    retry_refused: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SendReport:
    """Send every entry whose patient is known and that the EHR has not acknowledged yet."""
    require_store(store_path)  # before its lock file is made beside it
    receiver = receiver_for(target) if isinstance(target, str) else target
    sent = refused = 0
    try:
        # One sending at a time per store: a second run waits, then finds what the first sent.
        with (
            held_lock(store_path.with_name(store_path.name + ".send-lock")),
            connected(store_path) as connection,
        ):
            plan = _plan(connection, retry_refused)
            total = len(plan.outgoing)
            for items in _by_patient(plan.outgoing):
                number = items[0].downtime_id
                registration = plan.registrations.get(number) if number is not None else None
                answers = receiver.deliver(items, registration)
                _record(connection, answers, receiver.label, now)
                for answer in answers:
                    log.info("entry %s %s", answer.key, answer.state)
                sent += sum(answer.state == "acknowledged" for answer in answers)
                refused += sum(answer.state == "refused" for answer in answers)
                if progress is not None:
                    progress(sent + refused, total)
    finally:
        receiver.close()
    return SendReport(receiver.label, sent, refused, plan.already, plan.still_refused, plan.waiting)
