"""The outbox: one SQLite file (WAL), one row per message, one writer connection per process.

A message's `key` is derived from the activity id, the decision and the activity's version, and
is UNIQUE: queueing the same decision twice never makes a second message, while a new decision
(or a rescheduled activity) makes a new one.

States: queued -> sending (leased: the gateway may have it) -> sent (the gateway took it)
-> delivered | undelivered (delivery report); queued -> failed (retries spent, or refused);
unreachable (no usable mobile or e-mail: for the call centre). See sender.py for the crash rules.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from bascule.durable import create_private
from bascule.errors import NotFoundError, UserError

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    activity_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'none')),
    address TEXT,
    contact_phone TEXT,
    problem TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    lang TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    unit_id TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    lease_until REAL,
    gateway TEXT,
    gateway_ref TEXT,
    queued_at REAL NOT NULL,
    sent_at REAL,
    delivered_at REAL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS messages_due ON messages (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS delivery_reports (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    status INTEGER NOT NULL,
    received_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_reports_key ON delivery_reports (key);
-- One row when the outbox holds an exercise's messages: they go to the file gateway only.
CREATE TABLE IF NOT EXISTS exercise (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    incident INTEGER NOT NULL
);
"""
STATES = ("queued", "sending", "sent", "delivered", "undelivered", "failed", "unreachable")
# Kannel delivery-report values: 1 delivered, 2 not delivered, 4 buffered, 8 taken by the SMSC,
# 16 refused by the SMSC.
DLR_DELIVERED, DLR_UNDELIVERED, DLR_BUFFERED, DLR_SMSC_ACK, DLR_SMSC_REJECT = 1, 2, 4, 8, 16


class ExerciseOnlyToFile(Exception):
    """An exercise's outbox was asked to lease messages to a gateway other than the file gateway."""

    def __init__(self, incident: int, gateway: str) -> None:
        super().__init__(
            f"the outbox holds the messages of exercise {incident}, which only the file gateway takes, "
            f"not {gateway}"
        )
        self.incident = incident


def message_key(activity_id: str, decision: str, version: str) -> str:
    """The idempotency key: the same activity, decision and version always give the same key."""
    return hashlib.sha256(f"{activity_id}\x1f{decision}\x1f{version}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class NewMessage:
    key: str
    activity_id: str
    patient_id: str
    decision: str
    channel: str
    address: str | None
    contact_phone: str | None
    problem: str | None
    subject: str
    body: str
    lang: str
    starts_at: str
    unit_id: str | None

    def __post_init__(self) -> None:
        if self.channel not in ("sms", "email", "none"):
            raise ValueError(f"unknown channel {self.channel!r}")
        if (self.channel == "none") != (self.address is None):
            raise ValueError("a message has an address exactly when it has a channel")


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    key: str
    activity_id: str
    patient_id: str
    channel: str
    address: str | None
    subject: str
    body: str
    state: str
    attempts: int
    gateway: str | None


_COLUMNS = "key, activity_id, patient_id, channel, address, subject, body, state, attempts, gateway"


def _message(row: Sequence[object], **changed: object) -> OutboxMessage:
    fields = dict(zip(_COLUMNS.split(", "), row, strict=True))
    fields.update(changed)
    return OutboxMessage(**fields)  # type: ignore[arg-type]


def _apply_report(db: sqlite3.Connection, key: str, status: int, now: float) -> None:
    db.execute("INSERT INTO delivery_reports (key, status, received_at) VALUES (?, ?, ?)", (key, status, now))
    if status & DLR_DELIVERED:
        db.execute(
            "UPDATE messages SET state = 'delivered', delivered_at = ?, lease_until = NULL, "
            "sent_at = COALESCE(sent_at, ?) WHERE key = ?",
            (now, now, key),
        )
    elif status & (DLR_UNDELIVERED | DLR_SMSC_REJECT):
        db.execute(
            "UPDATE messages SET state = 'undelivered', lease_until = NULL, "
            "sent_at = COALESCE(sent_at, ?) WHERE key = ? AND state != 'delivered'",
            (now, key),
        )
    else:  # taken by the SMSC, or buffered: the gateway has it
        db.execute(
            "UPDATE messages SET state = 'sent', lease_until = NULL, sent_at = COALESCE(sent_at, ?) "
            "WHERE key = ? AND state IN ('sending', 'queued')",
            (now, key),
        )


class Outbox:
    """The outbox file; every write of this process goes through this object's one connection."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Self:
        file = Path(path)
        if not create and not file.is_file():
            raise NotFoundError(
                f"There is no outbox at {file}; queue messages first with `bascule notify queue`.",
                fr=f"Il n'y a pas de file d'envoi à {file} ; mettez d'abord des messages en file avec `bascule notify queue`.",
            )
        if not file.parent.is_dir():
            raise NotFoundError(
                f"The folder {file.parent} does not exist; create it first.",
                fr=f"Le dossier {file.parent} n'existe pas ; créez-le d'abord.",
            )
        create_private(file)  # contact data of patients: owner only, and so are its WAL and journal
        try:
            connection = sqlite3.connect(file, isolation_level=None, check_same_thread=False, timeout=30)
            connection.execute("PRAGMA journal_mode = WAL")
            # A lease must be on disk before the gateway is called: full sync on every commit.
            connection.execute("PRAGMA synchronous = FULL")
            connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise UserError(
                f"{file} is not a readable outbox ({error}); check the path.",
                fr=f"{file} n'est pas une file d'envoi lisible ({error}) ; vérifiez le chemin.",
            ) from None
        return cls(connection, file)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    # -- queueing ----------------------------------------------------------------------------------

    def exercise_incident(self) -> int | None:
        """The exercise whose messages this outbox holds, or None for a real incident's outbox."""
        with self._lock:
            row = self._connection.execute("SELECT incident FROM exercise").fetchone()
        return int(row[0]) if row is not None else None

    def enqueue(
        self, messages: Iterable[NewMessage], now: float, *, exercise_incident: int | None = None
    ) -> tuple[int, int]:
        """Add messages whose key is new; (added, already there). An exercise's messages
        (`exercise_incident`) go only into an outbox of that exercise, and real ones never into it:
        an exercise outbox is sent to the file gateway only, whatever gateway is asked for."""
        added = seen = 0
        with self._write() as db:
            marked = db.execute("SELECT incident FROM exercise").fetchone()
            holds = db.execute("SELECT count(*) FROM messages").fetchone()[0]
            current = int(marked[0]) if marked is not None else None
            if (holds or current is not None) and current != exercise_incident:
                held = "real messages" if current is None else f"the messages of exercise {current}"
                held_fr = "des messages réels" if current is None else f"les messages de l’exercice {current}"
                raise UserError(
                    f"The outbox {self.path} holds {held}; queue "
                    f"{'real messages' if exercise_incident is None else 'an exercise'} into another outbox file.",
                    fr=f"La file d'envoi {self.path} contient {held_fr} ; mettez "
                    f"{'des messages réels' if exercise_incident is None else 'un exercice'} dans un autre fichier.",
                )
            if exercise_incident is not None and current is None:
                db.execute("INSERT INTO exercise (id, incident) VALUES (1, ?)", (exercise_incident,))
            for m in messages:
                state = "queued" if m.channel != "none" else "unreachable"
                cursor = db.execute(
                    "INSERT OR IGNORE INTO messages (key, activity_id, patient_id, decision, channel, "
                    "address, contact_phone, problem, subject, body, lang, starts_at, unit_id, state, "
                    "queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        m.key,
                        m.activity_id,
                        m.patient_id,
                        m.decision,
                        m.channel,
                        m.address,
                        m.contact_phone,
                        m.problem,
                        m.subject,
                        m.body,
                        m.lang,
                        m.starts_at,
                        m.unit_id,
                        state,
                        now,
                    ),
                )
                if cursor.rowcount:
                    added += 1
                else:
                    seen += 1
        return added, seen

    # -- sending -----------------------------------------------------------------------------------

    def claim(
        self, limit: int, gateway: str, channels: Iterable[str], lease_seconds: float, now: float
    ) -> list[OutboxMessage]:
        """Lease up to `limit` due messages of `channels` to `gateway`, committed before returning."""
        wanted = sorted(channels)
        marks = ", ".join("?" for _ in wanted)
        with self._write() as db:
            # Checked in the same transaction as the lease: an exercise queued into this outbox
            # while a sender runs can never have a message leased to Kannel or SMTP.
            marked = db.execute("SELECT incident FROM exercise").fetchone()
            if marked is not None and gateway != "file":
                raise ExerciseOnlyToFile(int(marked[0]), gateway)
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM messages WHERE state = 'queued' AND next_attempt_at <= ? "
                f"AND channel IN ({marks}) ORDER BY next_attempt_at, id LIMIT ?",
                (now, *wanted, limit),
            ).fetchall()
            db.executemany(
                "UPDATE messages SET state = 'sending', attempts = attempts + 1, lease_until = ?, "
                "gateway = ? WHERE key = ?",
                [(now + lease_seconds, gateway, row[0]) for row in rows],
            )
        return [_message(row, state="sending", attempts=row[8] + 1, gateway=gateway) for row in rows]

    def mark_sent(self, results: Sequence[tuple[str, str]], now: float) -> None:
        """(key, gateway reference) for messages the gateway took; a report may have come first."""
        with self._write() as db:
            db.executemany(
                "UPDATE messages SET state = CASE WHEN state = 'sending' THEN 'sent' ELSE state END, "
                "sent_at = COALESCE(sent_at, ?), gateway_ref = ?, lease_until = NULL, last_error = NULL "
                "WHERE key = ?",
                [(now, reference, key) for key, reference in results],
            )

    def mark_retry(self, key: str, error: str, next_attempt_at: float) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE messages SET state = 'queued', lease_until = NULL, last_error = ?, "
                "next_attempt_at = ? WHERE key = ? AND state = 'sending'",
                (error, next_attempt_at, key),
            )

    def mark_failed(self, key: str, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE messages SET state = 'failed', lease_until = NULL, last_error = ? "
                "WHERE key = ? AND state = 'sending'",
                (error, key),
            )

    def in_doubt(self) -> list[OutboxMessage]:
        """Messages leased by a sender that stopped before it knew whether the gateway took them."""
        with self._lock:
            rows = self._connection.execute(
                f"SELECT {_COLUMNS} FROM messages WHERE state = 'sending' ORDER BY id"
            ).fetchall()
        return [_message(row) for row in rows]

    def release(self, keys: Iterable[str]) -> None:
        """Put leased messages the gateway never took back in the queue (not counted as a try)."""
        with self._write() as db:
            db.executemany(
                "UPDATE messages SET state = 'queued', lease_until = NULL, attempts = MAX(attempts - 1, 0) "
                "WHERE key = ? AND state = 'sending'",
                [(key,) for key in keys],
            )

    # -- delivery reports --------------------------------------------------------------------------

    def record_report(self, key: str, status: int, now: float) -> bool:
        """Store a delivery report; False when no message has this key (the report is dropped)."""
        return self.record_reports([(key, status)], now)[0]

    def record_reports(self, reports: Sequence[tuple[str, int]], now: float) -> list[bool]:
        """Store delivery reports in one transaction (one disk sync for many reports)."""
        known: list[bool] = []
        with self._write() as db:
            for key, status in reports:
                if db.execute("SELECT 1 FROM messages WHERE key = ?", (key,)).fetchone() is None:
                    known.append(False)
                    continue
                known.append(True)
                _apply_report(db, key, status, now)
        return known

    def reported(self, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` that have at least one delivery report."""
        wanted = list(keys)
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows = self._connection.execute(
                    f"SELECT DISTINCT key FROM delivery_reports WHERE key IN ({marks})", chunk
                ).fetchall()
                found.update(row[0] for row in rows)
        return found

    def awaiting_report(self, gateway: str) -> int:
        """Messages handed to `gateway` whose final delivery report has not come yet."""
        with self._lock:
            (count,) = self._connection.execute(
                "SELECT count(*) FROM messages WHERE state IN ('sending', 'sent') AND gateway = ?", (gateway,)
            ).fetchone()
        return int(count)

    # -- reading -----------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._connection.execute("SELECT state, count(*) FROM messages GROUP BY state").fetchall()
        found = dict(rows)
        return {state: int(found.get(state, 0)) for state in STATES}

    def pending(self, channels: Iterable[str]) -> tuple[int, float | None]:
        """How many messages of `channels` are still queued, and when the next one is due."""
        wanted = sorted(channels)
        marks = ", ".join("?" for _ in wanted)
        with self._lock:
            count, due = self._connection.execute(
                f"SELECT count(*), min(next_attempt_at) FROM messages WHERE state = 'queued' "
                f"AND channel IN ({marks})",
                wanted,
            ).fetchone()
        return int(count), due

    def rows(self, where: str = "1 = 1", params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            self._connection.row_factory = sqlite3.Row
            try:
                return list(
                    self._connection.execute(f"SELECT * FROM messages WHERE {where} ORDER BY id", params)
                )
            finally:
                self._connection.row_factory = None

    def unreached(self, sent_before: float) -> list[sqlite3.Row]:
        """Patients not reached: no usable contact, failed or undelivered, or a text sent before
        `sent_before` with no delivery report saying it arrived. An e-mail the server took counts
        as reached (SMTP has no delivery report)."""
        return self.rows(
            "state IN ('unreachable', 'failed', 'undelivered') "
            "OR (channel = 'sms' AND state IN ('sent', 'sending', 'queued') AND queued_at <= ? "
            "AND COALESCE(sent_at, queued_at) <= ?)",
            (sent_before, sent_before),
        )
