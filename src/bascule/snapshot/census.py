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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bascule.errors import NotFoundError, UserError
from bascule.snapshot.freshness import parse_instant
from bascule.snapshot.manifest import HOSPITAL_ID

_REQUIRED_META = ("hospital_id", "source", "data_time")
FINGERPRINT_BYTES = 8
# How a row's fingerprint is made; a baseline names its scheme and is always compared in it.
# "sha256-json": SHA-256 of key || row, truncated (SHA-NI hardware: twice BLAKE2b's speed); the row's
#   text is SQLite's json_array() of its values, built in one pass (rows holding a BLOB value fall
#   back to the quote() form below). REAL values count to 15 significant digits.
# "sha256": the same hash over quote(a) || ',' || quote(b) ...: exact, but about 1.7 times slower
#   to build for text rows (each || copies the row so far); what baselines made before hold.
# "blake2b": keyed BLAKE2b over the quote() form, what baselines of format 2 hold.
FINGERPRINT_SCHEMES = ("sha256-json", "sha256", "blake2b")
DEFAULT_SCHEME = "sha256-json"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


# table -> column -> shape -> how many values of that column had it; holds no patient value.
Profile = Mapping[str, Mapping[str, Mapping[int, int]]]
# A column's shapes are trusted once this many values were seen; a trait rarer than this share of
# them, in a new or changed value, marks the record as garbled (ciphertext in a name, a date...).
PROFILE_MIN_VALUES = 30
RARE_SHAPE = 0.002
# Each ASCII character's class, as one letter: Upper, Lower, Digit, Space, Punctuation usual in
# clinical text, Other symbols; non-ASCII characters are one more class.
_CLASS_LETTERS = "ULDSPO"
_CLASS_OF = str.maketrans(
    {
        chr(code): "U"
        if chr(code).isupper()
        else "L"
        if chr(code).islower()
        else "D"
        if chr(code).isdigit()
        else "S"
        if chr(code).isspace()
        else "P"
        if chr(code) in "-'.,;:()/%"
        else "O"
        for code in range(128)
    }
)
_NON_ASCII_BIT = 1 << len(_CLASS_LETTERS)
_CASE_FLIP_BIT = _NON_ASCII_BIT << 1
_LETTER_DIGIT_BIT = _NON_ASCII_BIT << 2
_SHAPE_BITS = 9
_CASE_FLIP = re.compile("[a-z][A-Z].*[a-z][A-Z]")  # case flipping inside words, as base64 does
_LETTER_DIGIT = re.compile("(?<=[A-Za-z])[0-9]|(?<=[0-9])[A-Za-z]")


def shape(text: str) -> int:
    """The character classes a short text mixes, as bits: what ciphertext changes even in a name."""
    bits = 0
    if not text.isascii():
        bits |= _NON_ASCII_BIT
        text = text.encode("ascii", "ignore").decode()
    classes = set(text.translate(_CLASS_OF))
    for bit, letter in enumerate(_CLASS_LETTERS):
        if letter in classes:
            bits |= 1 << bit
    if "U" in classes and "L" in classes and _CASE_FLIP.search(text):
        bits |= _CASE_FLIP_BIT
    # Hex or base64 noise switches between letters and digits often; codes once or twice.
    if "D" in classes and ("U" in classes or "L" in classes) and len(_LETTER_DIGIT.findall(text)) >= 4:
        bits |= _LETTER_DIGIT_BIT
    return bits


def odd_shape(shapes: Mapping[int, int] | None, value: bytes) -> bool:
    """A value with a trait (character class, case flipping, letter-digit noise) that its column,
    per the profile, almost never shows: a new mix of usual traits is not odd."""
    if not shapes:
        return False
    seen = sum(shapes.values())
    if seen < PROFILE_MIN_VALUES:
        return False
    bits = shape(value.decode(errors="replace"))
    for bit in range(_SHAPE_BITS):
        if bits & (1 << bit) and sum(n for s, n in shapes.items() if s & (1 << bit)) < RARE_SHAPE * seen:
            return True
    return False


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
    scheme: str = DEFAULT_SCHEME
    # Every column of each record table; `fingerprints` cover only those the baseline knew (a
    # column added by a schema migration is NULL everywhere and must not read as a change).
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Fingerprints over every column, for the next baseline, when they differ from `fingerprints`.
    full_fingerprints: Mapping[str, Mapping[str, bytes]] | None = None
    # How each column's text is usually shaped (see `shape`): the baseline's, or made afresh.
    profile: Profile = field(default_factory=dict)
    # For tables with a `patient_id`: record id -> its patient's id (what a discharge removes).
    links: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.scheme not in FINGERPRINT_SCHEMES:
            raise ValueError(f"unknown fingerprint scheme {self.scheme!r}")

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    @property
    def next_baseline_fingerprints(self) -> Mapping[str, Mapping[str, bytes]]:
        return self.full_fingerprints if self.full_fingerprints is not None else self.fingerprints


# Rows with BLOBs may be large: a few at a time, so memory stays flat (fresh pages cost a fault each).
_BLOB_ROWS_PER_FETCH = 16
_MMAP_BYTES = 1 << 40  # SQLite caps it at its build's limit; page reads without a syscall each


class StoreSnapshot:
    """One read transaction on a possibly live (WAL) store: its meta and its copy see exactly the
    same state of the store, whatever writers do meanwhile."""

    def __init__(self, store: Path) -> None:
        if not store.is_file():
            raise NotFoundError(
                f"The continuity store {store} does not exist.",
                fr=f"La base de continuité {store} n'existe pas.",
            )
        self.store = store
        try:
            self.connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True, isolation_level=None)
        except sqlite3.Error:
            raise UserError(
                f"The continuity store {store} cannot be opened.",
                fr=f"La base de continuité {store} ne peut pas être ouverte.",
            ) from None
        try:
            self.connection.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
            self.connection.execute("BEGIN")
            self.connection.execute(
                "SELECT count(*) FROM sqlite_master"
            ).fetchall()  # the snapshot starts here
        except sqlite3.DatabaseError:
            self.connection.close()
            raise UserError(
                f"The file {store} is not a SQLite continuity store.",
                fr=f"Le fichier {store} n'est pas une base de continuité SQLite.",
            ) from None
        self.connection.text_factory = _Text

    def __enter__(self) -> StoreSnapshot:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()  # ends the read transaction

    def meta(self, source: str, hospital: str | None = None) -> StoreMeta:
        return read_meta(self.connection, source, hospital)

    def copy_to(self, into: Path) -> None:
        """Write the snapshot to `into` through SQLite's backup API (one step, inside our transaction)."""
        target = sqlite3.connect(into)
        try:
            target.execute(
                "PRAGMA synchronous=OFF"
            )  # scratch: sealed from memory, never trusted after a crash
            target.execute("PRAGMA journal_mode=OFF")
            self.connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # a station opens it read-only, without -wal/-shm
        except sqlite3.DatabaseError:
            raise UserError(
                f"The file {self.store} is not a SQLite continuity store.",
                fr=f"Le fichier {self.store} n'est pas une base de continuité SQLite.",
            ) from None
        finally:
            target.close()


def take_copy(store: Path, into: Path) -> None:
    """A consistent copy of a possibly live (WAL) store, through SQLite's backup API."""
    with StoreSnapshot(store) as snapshot:
        snapshot.copy_to(into)


def read_meta(connection: sqlite3.Connection, source: str, hospital: str | None = None) -> StoreMeta:
    """The store's meta; `hospital` stands in for a missing hospital_id (a store fed by a pull)."""
    try:
        rows = dict(connection.execute("SELECT key, value FROM store_meta").fetchall())
    except sqlite3.DatabaseError:
        raise UserError(
            f"{source} is not a continuity store (no store_meta table).",
            fr=f"{source} n'est pas une base de continuité (pas de table store_meta).",
        ) from None
    meta = {bytes(k).decode(errors="replace"): bytes(v).decode(errors="replace") for k, v in rows.items()}
    if hospital and not meta.get("hospital_id"):
        meta["hospital_id"] = hospital
    missing = [key for key in _REQUIRED_META if not meta.get(key)]
    if missing == ["hospital_id"]:
        raise UserError(
            f"The continuity store {source} does not say which hospital it belongs to; "
            "give --hospital ID (the map's hospital id).",
            fr=f"La base de continuité {source} ne dit pas à quel hôpital elle appartient ; "
            "donnez --hospital ID (l'identifiant d'hôpital de la carte).",
        )
    if missing:
        raise UserError(
            f"The continuity store {source} lacks {', '.join(missing)} in store_meta; "
            "refresh it with Bascule before sealing.",
            fr=f"La base de continuité {source} n'a pas {', '.join(missing)} dans store_meta ; "
            "actualisez-la avec Bascule avant de la sceller.",
        )
    if not HOSPITAL_ID.match(meta["hospital_id"]):
        raise UserError(
            f"The hospital id in {source} has characters a bundle cannot carry; "
            "use letters, digits, dots and dashes.",
            fr=f"L'identifiant d'hôpital dans {source} a des caractères qu'un paquet ne peut pas porter ; "
            "utilisez des lettres, des chiffres, des points et des tirets.",
        )
    try:
        data_time = parse_instant(meta["data_time"], "data_time")
    except ValueError:
        raise UserError(
            f"The data_time in {source} is not an ISO 8601 date and time.",
            fr=f"Le data_time de {source} n'est pas une date et heure ISO 8601.",
        ) from None
    return StoreMeta(meta["hospital_id"], meta["source"], data_time)


def record_tables(connection: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Record tables and their (column, declared type), per the contract (an `id` and a `version`)."""
    names = [
        bytes(row[0]).decode()
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    tables = {}
    for name in names:
        if name.startswith(("store_", "sqlite_")):
            continue
        columns = [
            (bytes(row[1]).decode(), bytes(row[2]).decode().upper())
            for row in connection.execute(f'PRAGMA table_info("{name}")')
        ]
        if {"id", "version"} <= {column for column, _ in columns}:
            tables[name] = columns
    return tables


def _fingerprint_query(table: str, columns: list[tuple[str, str]], scheme: str) -> str:
    """One canonical text per row built by SQLite (types told apart: 1, 1.0, '1', NULL); BLOB
    columns raw, hashed beside it."""
    texts = [c for c, kind in columns if "BLOB" not in kind and kind]
    quoted = " || ',' || ".join(f'quote("{c}")' for c in texts)
    if scheme == "sha256-json" and texts:
        any_blob = " OR ".join(f"typeof(\"{c}\") = 'blob'" for c in texts)  # json_array refuses BLOBs
        values = ", ".join(f'"{c}"' for c in texts)
        quoted = f"CASE WHEN {any_blob} THEN {quoted} ELSE json_array({values}) END"
    blobs = "".join(f', "{c}"' for c, kind in columns if "BLOB" in kind or not kind)
    return f'SELECT CAST(id AS TEXT), {quoted or "NULL"}{blobs} FROM "{table}"'


def take_census(
    copy: Path,
    key: bytes,
    source: str,
    known: Mapping[str, Mapping[str, bytes]] | None = None,
    known_garbled: frozenset[tuple[str, str]] = frozenset(),
    hospital: str | None = None,
    scheme: str = DEFAULT_SCHEME,
    known_columns: Mapping[str, Sequence[str]] | None = None,
    profile: Profile | None = None,
) -> Census:
    """Counts, keyed fingerprints and garbled records of a store copy.

    Every row is fingerprinted; only rows new or changed since `known` (the last good bundle's
    fingerprints) are read again to look for garbled text: unchanged rows were checked then.
    With `known_columns` (the columns the baseline fingerprinted), a table is compared over those
    columns only, and fingerprinted again over all of them for the next baseline.
    """
    connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    connection.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")  # our private copy: page reads without syscalls
    connection.text_factory = _Text
    try:
        return _census(
            connection, key, source, known, known_garbled, hospital, scheme, known_columns, profile
        )
    finally:
        connection.close()


def _census(
    connection: sqlite3.Connection,
    key: bytes,
    source: str,
    known: Mapping[str, Mapping[str, bytes]] | None,
    known_garbled: frozenset[tuple[str, str]],
    hospital: str | None,
    scheme: str,
    known_columns: Mapping[str, Sequence[str]] | None = None,
    profile: Profile | None = None,
) -> Census:
    if scheme not in FINGERPRINT_SCHEMES:
        raise ValueError(f"unknown fingerprint scheme {scheme!r}")
    try:
        meta = read_meta(connection, source, hospital)
        counts: dict[str, int] = {}
        fingerprints: dict[str, dict[str, bytes]] = {}
        garbled: set[tuple[str, str]] = set()
        all_columns: dict[str, tuple[str, ...]] = {}
        full: dict[str, dict[str, bytes]] = {}
        shapes: dict[str, Mapping[str, Mapping[int, int]]] = {}
        links: dict[str, dict[str, str]] = {}
        for table, columns in record_tables(connection).items():
            all_columns[table] = tuple(column for column, _ in columns)
            compared = columns
            if known_columns is not None and table in known_columns:
                kept = set(known_columns[table])
                compared = [(column, kind) for column, kind in columns if column in kept]
            table_prints = _fingerprints(connection, table, compared, key, scheme)
            full[table] = (
                table_prints
                if compared == columns
                else _fingerprints(connection, table, columns, key, scheme)
            )
            old = (known or {}).get(table, {})
            fresh = [record for record, digest in table_prints.items() if old.get(record) != digest]
            # The profile is the first good bundle's, carried on: steps of garbling cannot shift it.
            table_shapes = shapes[table] = (
                profile.get(table, {}) if profile is not None else _column_shapes(connection, table, columns)
            )
            garbled.update(
                (table, record)
                for record in _garbled(
                    connection, table, columns, fresh, len(table_prints), table_shapes if known else None
                )
            )
            garbled.update(
                (t, record)
                for t, record in known_garbled
                if t == table and old.get(record) == table_prints.get(record)
            )
            counts[table] = len(table_prints)
            fingerprints[table] = table_prints
            if "patient_id" in all_columns[table]:
                links[table] = _links(connection, table)
    except sqlite3.DatabaseError:
        raise UserError(
            f"The continuity store {source} is damaged and cannot be read.",
            fr=f"La base de continuité {source} est endommagée et illisible.",
        ) from None
    differs = any(full[table] is not fingerprints[table] for table in full)
    return Census(
        meta,
        counts,
        fingerprints,
        frozenset(garbled),
        scheme,
        all_columns,
        full if differs else None,
        shapes,
        links,
    )


def _links(connection: sqlite3.Connection, table: str) -> dict[str, str]:
    previous_factory = connection.text_factory
    connection.text_factory = str
    try:
        query = (
            f'SELECT CAST(id AS TEXT), CAST(patient_id AS TEXT) FROM "{table}" WHERE patient_id IS NOT NULL'
        )
        return dict(connection.execute(query).fetchall())
    except UnicodeDecodeError:
        return {}  # ids that are not text: counts are compared instead
    finally:
        connection.text_factory = previous_factory


def _fingerprints(
    connection: sqlite3.Connection, table: str, columns: list[tuple[str, str]], key: bytes, scheme: str
) -> dict[str, bytes]:
    previous_factory = connection.text_factory
    connection.text_factory = bytes  # sqlite3's C fast path: no Python call per value
    size = FINGERPRINT_BYTES
    keyed = hashlib.sha256(key)  # both SHA-256 schemes: copied per row, so the key is hashed once

    def start() -> Any:
        return keyed.copy() if scheme != "blake2b" else hashlib.blake2b(key=key, digest_size=size)

    try:
        cursor = connection.execute(_fingerprint_query(table, columns, scheme))
        prints: dict[str, bytes] = {}
        if all("BLOB" not in kind and kind for _, kind in columns):
            # One canonical text per row, built by SQLite: one keyed hash per row.
            while rows := cursor.fetchmany(8192):
                if scheme != "blake2b":
                    for record, text in rows:
                        digest = keyed.copy()
                        digest.update(text)
                        prints[record.decode(errors="replace")] = digest.digest()[:size]
                else:
                    for record, text in rows:
                        prints[record.decode(errors="replace")] = hashlib.blake2b(
                            text, key=key, digest_size=size
                        ).digest()
            return prints
        while rows := cursor.fetchmany(_BLOB_ROWS_PER_FETCH):
            for row in rows:
                digest = start()
                for value in row[1:]:
                    if isinstance(value, bytes):
                        digest.update(len(value).to_bytes(8, "little"))
                        digest.update(value)
                    else:
                        digest.update(f"|{value!r}|".encode())
                prints[row[0].decode(errors="replace")] = digest.digest()[:size]
        return prints
    finally:
        connection.text_factory = previous_factory


def _text_query(table: str, columns: list[tuple[str, str]]) -> str:
    # Only TEXT values (typeof), as raw bytes through sqlite3's C fast path.
    texts = ", ".join(f'CASE WHEN typeof("{c}") = \'text\' THEN "{c}" END' for c, _ in columns)
    return f'SELECT CAST(id AS TEXT), {texts} FROM "{table}"'


def _column_shapes(
    connection: sqlite3.Connection, table: str, columns: list[tuple[str, str]]
) -> dict[str, dict[int, int]]:
    """How often each shape occurs in each TEXT column (values that look garbled left out)."""
    values: list[Counter[bytes]] = [Counter() for _ in columns]
    previous_factory = connection.text_factory
    connection.text_factory = bytes
    try:
        cursor = connection.execute(_text_query(table, columns))
        while rows := cursor.fetchmany(4096):
            for tally, cells in zip(values, list(zip(*rows, strict=True))[1:], strict=True):
                tally.update(cells)
    finally:
        connection.text_factory = previous_factory
    profile: dict[str, dict[int, int]] = {}
    for (name, _), tally in zip(columns, values, strict=True):
        shapes: Counter[int] = Counter()
        for value, count in tally.items():  # each distinct value once: codes, units, statuses repeat
            if value is not None and not looks_garbled(value):
                shapes[shape(value.decode())] += count
        if shapes:
            profile[name] = dict(shapes)
    return profile


def _garbled(
    connection: sqlite3.Connection,
    table: str,
    columns: list[tuple[str, str]],
    records: list[str],
    total: int,
    shapes: Mapping[str, Mapping[int, int]] | None = None,
) -> list[str]:
    """Which of these records hold text that looks garbled (a full scan when many are asked): noise
    on its own, or a shape the column's profile (`shapes`) almost never has."""
    if not records:
        return []
    query = _text_query(table, columns)
    column_shapes = [(shapes or {}).get(column) for column, _ in columns]
    previous_factory = connection.text_factory
    connection.text_factory = bytes
    try:
        if len(records) * 5 > total:
            cursors = [connection.execute(query)]
        else:
            cursors = [
                connection.execute(f"{query} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                for chunk in (records[i : i + 500] for i in range(0, len(records), 500))
            ]
        wanted = set(records)
        found = []
        for cursor in cursors:
            while rows := cursor.fetchmany(4096):
                for row in rows:
                    record = row[0].decode(errors="replace")
                    if record in wanted and any(
                        v is not None and (looks_garbled(v) or odd_shape(usual, v))
                        for usual, v in zip(column_shapes, row[1:], strict=True)
                    ):
                        found.append(record)
        return found
    finally:
        connection.text_factory = previous_factory


def looks_garbled(value: bytes) -> bool:
    """Text that is not text any more: invalid UTF-8, control characters, or ciphertext-like noise."""
    try:
        text = value.decode()
    except UnicodeDecodeError:
        return True
    if not text or (text.isprintable() and len(value) < 128):
        return False
    if len(_CONTROL.findall(text)) * 10 > len(text):
        return True
    if len(value) < 128 or " " in text:
        return False
    # Base64 or hex of ciphertext: long, no spaces, spread over many symbols almost evenly.
    sample = value[:4096]
    tallies = Counter(sample)
    entropy = -sum(n / len(sample) * math.log2(n / len(sample)) for n in tallies.values())
    return entropy >= 5.5
