"""The crisis journal ("main courante"): a chained, tamper-evident log of the crisis cell.

Every entry is chained to the one before it: its seal is HMAC-SHA256(key, previous seal + canonical
entry), with a key kept in the data folder's private state and never in the database. Editing,
inserting, deleting or renumbering stored entries breaks the chain from that point on, and whoever
administers the database cannot recompute the seals without the key; `verify` names the first broken
link. (Without a key, `chain_hash` is the plain SHA-256 chain: only for in-memory twins and tests.)
Cutting the end off is caught by signed checkpoints kept outside the database (journal_anchor.py)
and checked with the notes' digests by journal_audit.py. Entries carry ids only (node ids, user
names, record numbers, digests), never patient values or free text: a note's text lives in its own
record and the journal keeps its number and its SHA-256.

A checkpoint (the entry count and the last seal at a moment) is what journal_anchor.py signs and
keeps outside the database. This module is pure: no I/O, no Django. The web application stores
entries and uses it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

GENESIS_HASH = "0" * 64

# Ids, user names, digests and ISO times: nothing that could hold a sentence or a patient's name.
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:+@/-]{1,128}$")

PayloadValue = str | int | float | bool | None | tuple[str | int | float | bool | None, ...]


def _check_scalar(key: str, value: object) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if not _ID_PATTERN.match(value):
            raise ValueError(f"journal payload {key!r} must be an id, not free text")
        return
    raise ValueError(f"journal payload {key!r} has an unsupported type {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One event: what happened (`name`), when, who did it, in which incident, and the ids involved."""

    seq: int
    name: str
    created: datetime
    actor: str
    incident: int | None = None
    payload: Mapping[str, PayloadValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.seq < 1:
            raise ValueError("a journal entry's sequence number starts at 1")
        if not _ID_PATTERN.match(self.name):
            raise ValueError(f"journal entry name {self.name!r} must be an id")
        if not _ID_PATTERN.match(self.actor):
            raise ValueError(f"journal actor {self.actor!r} must be an id")
        if self.created.tzinfo is None:
            raise ValueError("a journal entry's time must carry its time zone")
        normalised: dict[str, PayloadValue] = {}
        for key, value in self.payload.items():
            if not _ID_PATTERN.match(key):
                raise ValueError(f"journal payload key {key!r} must be an id")
            if isinstance(value, list | tuple):
                for item in value:
                    _check_scalar(key, item)
                normalised[key] = tuple(value)
            else:
                _check_scalar(key, value)
                normalised[key] = value
        object.__setattr__(self, "payload", normalised)

    def canonical(self) -> bytes:
        """The bytes that are hashed: sorted keys, UTC time in microseconds, no spaces."""
        document = {
            "seq": self.seq,
            "name": self.name,
            "created": self.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": self.actor,
            "incident": self.incident,
            "payload": {k: list(v) if isinstance(v, tuple) else v for k, v in self.payload.items()},
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def chain_hash(previous_hash: str, entry: JournalEntry, key: bytes | None = None) -> str:
    """The entry's seal in hex: HMAC-SHA256 under `key` (SHA-256 when no key is given) of the
    previous seal followed by the entry's canonical bytes."""
    message = previous_hash.encode("ascii") + entry.canonical()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same_seal(a: str, b: str) -> bool:
    """Compare two seals in constant time (a seal is a MAC: no timing oracle)."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as it was read back from storage, with the hashes stored beside it."""

    entry: JournalEntry
    previous_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first place the chain does not hold, and why (`reason` in English, for logs; the audit
    also gives it in French for French pages and exports)."""

    seq: int
    reason: str
    kind: str = "changed"
    reason_fr: str = ""

    def reason_in(self, lang: str) -> str:
        return self.reason_fr if lang == "fr" and self.reason_fr else self.reason


def seal(previous_hash: str, entry: JournalEntry, key: bytes | None = None) -> StoredEntry:
    """The stored form of `entry` appended after an entry whose seal is `previous_hash`."""
    return StoredEntry(entry, previous_hash, chain_hash(previous_hash, entry, key))


def first_broken_link(
    item: StoredEntry, expected_seq: int, previous: str, key: bytes | None
) -> BrokenLink | None:
    """Why `item`, read where entry `expected_seq` should be after a seal `previous`, breaks the
    chain (`kind`: missing, out_of_order, unlinked, changed), or None when it holds."""
    seq = item.entry.seq
    if seq != expected_seq:
        kind = "missing" if seq > expected_seq else "out_of_order"
        word = "missing" if seq > expected_seq else "out of order"
        return BrokenLink(expected_seq, f"entry {expected_seq} is {word} (found {seq})", kind)
    if not same_seal(item.previous_hash, previous):
        return BrokenLink(seq, f"entry {seq} does not follow the entry before it", "unlinked")
    if not same_seal(chain_hash(previous, item.entry, key), item.hash):
        return BrokenLink(seq, f"entry {seq} was changed after it was written", "changed")
    return None


def verify(stored: Iterable[StoredEntry], key: bytes | None = None) -> BrokenLink | None:
    """The first broken link of the chain read in sequence order, or None when it is intact.

    Detects an edited entry (its seal no longer matches), a deleted or inserted entry (a gap in
    the sequence numbers, or a previous seal that is not the seal before it). With `key`, an
    entry rewritten with its chain recomputed by someone without the key shows too.
    """
    previous = GENESIS_HASH
    expected_seq = 1
    for item in stored:
        broken = first_broken_link(item, expected_seq, previous, key)
        if broken is not None:
            return broken
        previous = item.hash
        expected_seq += 1
    return None


def head(stored: Sequence[StoredEntry]) -> tuple[int, str]:
    """The next sequence number and the hash to chain it to."""
    if not stored:
        return 1, GENESIS_HASH
    last = stored[-1]
    return last.entry.seq + 1, last.hash


_CHECKPOINT_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The journal at a moment: `count` entries, the last one sealed `head` (empty when none)."""

    journal: str
    count: int
    head: str
    time: datetime

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("a checkpoint counts zero entries or more")
        if self.time.tzinfo is None:
            raise ValueError("a checkpoint's time carries its time zone")

    @property
    def short_head(self) -> str:
        return self.head[:12]

    def line(self) -> str:
        """The signed text: one line of JSON, sorted keys, UTC time."""
        document = {
            "format": _CHECKPOINT_FORMAT,
            "journal": self.journal,
            "count": self.count,
            "head": self.head,
            "time": self.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        document = json.loads(line)
        if not isinstance(document, dict) or document.get("format") != _CHECKPOINT_FORMAT:
            raise ValueError("not a journal checkpoint")
        count, head, journal = document["count"], document["head"], document["journal"]
        if not isinstance(count, int) or not isinstance(head, str) or not isinstance(journal, str):
            raise ValueError("not a journal checkpoint")
        moment = datetime.strptime(document["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return cls(journal, count, head, moment)


@dataclass(frozen=True, slots=True)
class CheckpointReading:
    """What one place holds: `state` is valid, missing, forged (bad signature, damaged or another
    key), foreign (another journal's), unreadable, or unverifiable (no public key to check it
    with); `checkpoint` is set when valid."""

    place: Path
    state: str
    checkpoint: Checkpoint | None = None
    anchor: bool = False
