"""A schema migration adds columns (NULL everywhere): the next seal must not read that as a change.

Without this, the first seal after upgrading Bascule compared every row against fingerprints made
over fewer columns, found 100 % changed and quarantined the hospital's snapshot.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tests.unit.sealing.test_ransomware_guard import sealer

from bascule.snapshot.folder import SealingFolder
from bascule.snapshot.keys import KeySet
from bascule.snapshot.schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_columns
from bascule.snapshot.sealing import seal
from bascule.snapshot.store import ContinuityStore


def schema_3_store(path: Path) -> Path:
    """A continuity store as Bascule wrote it before this version: schema 3, with lab results."""
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, 3, MIGRATIONS)
    connection.executemany(
        "INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [("hospital_id", "chsv"), ("source", "fhir:test"), ("data_time", "2026-11-24T00:30:00.000000Z"),
         ("refreshed_at", "2026-11-24T00:30:00.000000Z")],
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO patients (id, version, family, given, sex) VALUES (?, 'v1', ?, 'A', 'female')",
        [(f"p{i}", f"Nom{i}") for i in range(50)],
    )
    connection.executemany(
        "INSERT INTO lab_results (id, version, patient_id, code, label, effective_at, value, status) "
        "VALUES (?, 'v1', ?, '718-7', 'Hb', '2026-11-23T08:00:00Z', 12.5, 'final')",
        [(f"r{i}", f"p{i % 50}") for i in range(150)],
    )
    connection.close()
    return path


def drop_recorded_columns(out: Path) -> None:
    """Make the baseline look like one saved by the previous Bascule, which did not list columns."""
    path = SealingFolder(out).baseline_path
    document = json.loads(path.read_bytes())
    document.pop("columns")
    path.write_text(json.dumps(document), encoding="utf-8")


def test_the_first_seal_after_an_upgrade_is_not_quarantined(tmp_path: Path, station_keys: KeySet) -> None:
    store, out = schema_3_store(tmp_path / "store.sqlite"), tmp_path / "out"
    seal(sealer(store, station_keys, out))
    drop_recorded_columns(out)
    with ContinuityStore.open(store) as opened:  # the new Bascule migrates the store
        assert opened.schema_version == SCHEMA_VERSION > 3
        opened.set_meta(refreshed_at=datetime.now(UTC).isoformat())
    upgraded = seal(sealer(store, station_keys, out))
    assert not upgraded.quarantined
    assert upgraded.verdict.changed == 0 and upgraded.verdict.removed == 0


def test_the_baseline_then_covers_the_new_columns(tmp_path: Path, station_keys: KeySet) -> None:
    store, out = schema_3_store(tmp_path / "store.sqlite"), tmp_path / "out"
    seal(sealer(store, station_keys, out))
    drop_recorded_columns(out)
    with ContinuityStore.open(store):
        pass
    seal(sealer(store, station_keys, out))
    recorded = json.loads(SealingFolder(out).baseline_path.read_bytes())["columns"]
    assert tuple(recorded["lab_results"]) == schema_columns(SCHEMA_VERSION)["lab_results"]
    # A change made only in a column the migration added is now seen.
    connection = sqlite3.connect(store)
    connection.execute("UPDATE lab_results SET comparator = '<' WHERE id IN ('r1', 'r2', 'r3')")
    connection.commit()
    connection.close()
    assert seal(sealer(store, station_keys, out)).verdict.changed == 3
