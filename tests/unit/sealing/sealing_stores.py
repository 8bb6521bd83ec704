"""The sealing tests' one shared support module: contract-following stores and key fixtures.

Registered once as a pytest plugin by tests/conftest.py, so the unit, generative, integration and
acceptance sealing tests all get `station_keys` and `other_keys`, and import the store builders as
`from tests.unit.sealing.sealing_stores import make_store`.

Stores: small continuity stores that follow the store contract, built without the store's own code.

Contract relied on: one SQLite file; store_meta(key, value) with schema_version, hospital_id, source,
data_time, refreshed_at; record tables with a TEXT primary key `id` and a `version`.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from bascule.snapshot.keys import KeySet, new_key_set

FIRST_NAMES = ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Jules", "Emma", "Noah", "Inès", "Adam"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]


def make_store(
    path: Path,
    *,
    hospital: str = "chsv",
    patients: int = 200,
    observations: int = 600,
    data_time: str = "2026-11-24T00:30:00Z",
    seed: int = 7,
    blob_bytes: int = 0,
) -> Path:
    """A WAL-mode continuity store with patients and observations (and optional blobs for size)."""
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(
        """
        CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE patient (id TEXT PRIMARY KEY, version INTEGER NOT NULL, family TEXT, given TEXT,
                              birth_date TEXT, unit TEXT, notes TEXT);
        CREATE TABLE observation (id TEXT PRIMARY KEY, version INTEGER NOT NULL, patient_id TEXT,
                                  code TEXT, value REAL, unit TEXT, attachment BLOB);
        """
    )
    connection.executemany(
        "INSERT INTO store_meta VALUES (?, ?)",
        [
            ("schema_version", "1"),
            ("hospital_id", hospital),
            ("source", "fhir:http://ehr.test/fhir"),
            ("data_time", data_time),
            ("refreshed_at", data_time),
        ],
    )
    connection.executemany(
        "INSERT INTO patient VALUES (?, 1, ?, ?, ?, ?, ?)",
        [
            (
                f"pat-{i:06d}",
                rng.choice(LAST_NAMES),
                rng.choice(FIRST_NAMES),
                f"19{rng.randint(30, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                f"unit-{i % 12}",
                "Allergie pénicilline; surveillance glycémie" if i % 5 == 0 else "",
            )
            for i in range(patients)
        ],
    )
    connection.executemany(
        "INSERT INTO observation VALUES (?, 1, ?, ?, ?, ?, ?)",
        [
            (
                f"obs-{i:07d}",
                f"pat-{i % max(patients, 1):06d}",
                rng.choice(["718-7", "2345-7", "ABO"]),
                round(rng.uniform(3, 15), 1),
                "g/dL",
                os.urandom(blob_bytes) if blob_bytes else None,
            )
            for i in range(observations)
        ],
    )
    connection.commit()
    connection.close()
    return path


def set_data_time(path: Path, data_time: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE store_meta SET value = ? WHERE key = 'data_time'", (data_time,))
    connection.close()


def rewrite_share(path: Path, share: float, *, table: str = "patient", seed: int = 3) -> int:
    """Change the notes of `share` of a table's records (a plausible or implausible refresh)."""
    connection = sqlite3.connect(path)
    ids = [row[0] for row in connection.execute(f"SELECT id FROM {table} ORDER BY id")]
    chosen = random.Random(seed).sample(ids, int(len(ids) * share))
    column = "notes" if table == "patient" else "unit"
    connection.executemany(
        f"UPDATE {table} SET {column} = 'mis à jour', version = version + 1 WHERE id = ?",
        [(record,) for record in chosen],
    )
    connection.commit()
    connection.close()
    return len(chosen)


def encrypt_like_ransomware(path: Path, share: float, *, seed: int = 5) -> int:
    """Overwrite the text of `share` of the patients with base64 noise, as an encryptor would."""
    import base64

    connection = sqlite3.connect(path)
    ids = [row[0] for row in connection.execute("SELECT id FROM patient ORDER BY id")]
    chosen = random.Random(seed).sample(ids, int(len(ids) * share))
    connection.executemany(
        "UPDATE patient SET family = ?, notes = ? WHERE id = ?",
        [
            (base64.b64encode(os.urandom(24)).decode(), base64.b64encode(os.urandom(300)).decode(), record)
            for record in chosen
        ],
    )
    connection.commit()
    connection.close()
    return len(chosen)


def delete_share(path: Path, share: float, *, seed: int = 9) -> int:
    connection = sqlite3.connect(path)
    ids = [row[0] for row in connection.execute("SELECT id FROM observation ORDER BY id")]
    chosen = random.Random(seed).sample(ids, int(len(ids) * share))
    connection.executemany("DELETE FROM observation WHERE id = ?", [(record,) for record in chosen])
    connection.commit()
    connection.close()
    return len(chosen)


# libsodium's INTERACTIVE scrypt limits: minisign's format, 16 MiB instead of 1 GiB, for fast tests.
FAST_OPS = 524288
FAST_MEM = 16777216


@pytest.fixture(scope="session")
def station_keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    """A station's key set (age identity, minisign pair), made through the API."""
    return new_key_set("station", tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    """Someone else's key set: bundles are not sealed to it, nor signed with it."""
    return new_key_set("intruder", tmp_path_factory.mktemp("other-keys"))
