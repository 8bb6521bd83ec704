"""A continuity store with nothing but the blood bank's tables in use, and helpers to look at it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bascule.hospital.laboratory import BloodPolicy
from bascule.laboratory.blood.units import BloodUnit, parse_donation_number
from bascule.snapshot.store import ContinuityStore

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
POLICY = BloodPolicy(supplier="efs", o_positive_women_from_age=50, thresholds=(("red_cells O-", 3),))


# The patients the blood bank's tests issue to by MRN: a unit is traced only to a known patient.
KNOWN_MRNS = ("880001", "880002", "1", "7", "42")


def empty_store(folder: Path) -> Path:
    """A store whose only patients are KNOWN_MRNS' (no stay, no record of theirs)."""
    path = folder / "store.sqlite"
    with ContinuityStore.open(path) as store:
        store.set_meta(hospital_id="chvo")
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.executemany(
                "INSERT INTO patients (id, version, family, given, sex, mrn) VALUES (?, '1', 'Patient', '', 'unknown', ?)",
                [(f"pat-{mrn}", mrn) for mrn in KNOWN_MRNS],
            )
    finally:
        connection.close()
    return path


def make_unit(serial: int, group: str = "O-", days: float = 10, at: datetime = NOW) -> BloodUnit:
    return BloodUnit(
        parse_donation_number(f"FR123 26 {serial:06d}"), "red_cells", group, at + timedelta(days=days), at
    )


def blood_rows(store: Path) -> tuple[list[tuple[object, ...]], ...]:
    """Everything the blood bank stored, to compare before and after a refused use-case."""
    connection = sqlite3.connect(store)
    try:
        return tuple(
            connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("blood_units", "blood_movements", "blood_alerts")
        )
    finally:
        connection.close()
