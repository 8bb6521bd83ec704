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


def empty_store(folder: Path) -> Path:
    path = folder / "store.sqlite"
    with ContinuityStore.open(path) as store:
        store.set_meta(hospital_id="chvo")
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
