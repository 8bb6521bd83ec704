"""A consistent copy of the continuity store, and what it holds, read before sealing.

Relies only on the store contract: one SQLite file; `store_meta(key, value)` with hospital_id, source,
data_time; every record table has a TEXT `id` and a `version`; `store_*` tables are internal.
The census gives counts per record type, a short keyed fingerprint per record (for the ransomware
guard) and the ids of records that look garbled. Patient values never leave this module.
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bascule.errors import NotFoundError, UserError
from bascule.snapshot.freshness import parse_instant

_REQUIRED_META = ("hospital_id", "source", "data_time")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:+-]{1,200}$")
FINGERPRINT_BYTES = 8


class _Text(bytes):
    """A TEXT value as raw bytes, told apart from BLOBs (plain bytes) without decoding it."""


@dataclass(frozen=True)
class StoreMeta:
    hospital: str
    source: str
    data_time: datetime


@dataclass(frozen=True)
class Census:
    meta: StoreMeta
    counts: Mapping[str, int]
    fingerprints: Mapping[str, Mapping[str, bytes]]
    garbled: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def take_copy(store: Path, into: Path) -> None:
    """A consistent copy of a possibly live (WAL) store, through SQLite's backup API."""
    if not store.is_file():
        raise NotFoundError(f"The continuity store {store} does not exist.")
    try:
        source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    except sqlite3.Error:
        raise UserError(f"The continuity store {store} cannot be opened.") from None
    target = sqlite3.connect(into)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a station opens it read-only, without -wal/-shm
    except sqlite3.DatabaseError:
        raise UserError(f"The file {store} is not a SQLite continuity store.") from None
    finally:
        source.close()
        target.close()


def read_meta(connection: sqlite3.Connection, source: str) -> StoreMeta:
    try:
        rows = dict(connection.execute("SELECT key, value FROM store_meta").fetchall())
    except sqlite3.DatabaseError:
        raise UserError(f"{source} is not a continuity store (no store_meta table).") from None
    meta = {bytes(k).decode(errors="replace"): bytes(v).decode(errors="replace") for k, v in rows.items()}
    missing = [key for key in _REQUIRED_META if not meta.get(key)]
    if missing:
        raise UserError(
            f"The continuity store {source} lacks {', '.join(missing)} in store_meta; "
            "refresh it with Bascule before sealing."
        )
    if not _SAFE_ID.match(meta["hospital_id"]):
        raise UserError(
            f"The hospital id in {source} has characters a bundle cannot carry; "
            "use letters, digits, dots and dashes."
        )
    try:
        data_time = parse_instant(meta["data_time"], "data_time")
    except ValueError:
        raise UserError(f"The data_time in {source} is not an ISO 8601 date and time.") from None
    return StoreMeta(meta["hospital_id"], meta["source"], data_time)


def record_tables(connection: sqlite3.Connection) -> list[str]:
    names = [
        bytes(row[0]).decode()
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    tables = []
    for name in names:
        if name.startswith(("store_", "sqlite_")):
            continue
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')}
        if {b"id", b"version"} <= {bytes(c) for c in columns}:
            tables.append(name)
    return tables


def take_census(copy: Path, key: bytes, source: str) -> Census:
    """Counts, keyed fingerprints and garbled records of a store copy (one read of every row)."""
    connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    connection.text_factory = _Text
    try:
        meta = read_meta(connection, source)
        counts: dict[str, int] = {}
        fingerprints: dict[str, dict[str, bytes]] = {}
        garbled: set[tuple[str, str]] = set()
        for table in record_tables(connection):
            table_prints: dict[str, bytes] = {}
            cursor = connection.execute(f'SELECT CAST(id AS TEXT), * FROM "{table}"')
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    record_id = bytes(row[0]).decode(errors="replace")
                    digest = hashlib.blake2b(key=key, digest_size=FINGERPRINT_BYTES)
                    for value in row[1:]:
                        if isinstance(value, bytes):
                            digest.update(b"T" if isinstance(value, _Text) else b"B")
                            digest.update(len(value).to_bytes(8, "little"))
                            digest.update(value)
                            if isinstance(value, _Text) and looks_garbled(value):
                                garbled.add((table, record_id))
                        else:
                            digest.update(f"|{value!r}|".encode())
                    table_prints[record_id] = digest.digest()
            counts[table] = len(table_prints)
            fingerprints[table] = table_prints
    except sqlite3.DatabaseError:
        raise UserError(f"The continuity store {source} is damaged and cannot be read.") from None
    finally:
        connection.close()
    return Census(meta, counts, fingerprints, frozenset(garbled))


def looks_garbled(value: bytes) -> bool:
    """Text that is not text any more: invalid UTF-8, control characters, or ciphertext-like noise."""
    try:
        text = value.decode()
    except UnicodeDecodeError:
        return True
    if not text:
        return False
    controls = sum(1 for char in text if (ord(char) < 32 and char not in "\t\n\r") or char == "\ufffd")
    if controls * 10 > len(text):
        return True
    if len(value) < 128 or " " in text:
        return False
    # Base64 or hex of ciphertext: long, no spaces, spread over many symbols almost evenly.
    sample = value[:4096]
    tallies = Counter(sample)
    entropy = -sum(n / len(sample) * math.log2(n / len(sample)) for n in tallies.values())
    return entropy >= 5.5
