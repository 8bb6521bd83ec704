"""Two processes allocating from one store at once never hand out the same number, and the
allocations survive sealing's view of the store (a record table with id and version)."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from pathlib import Path

from bascule.downtime.numbers import parse_number
from bascule.downtime.registry import allocate, allocations, record_mapping
from bascule.snapshot.census import record_tables


def _allocate_many(store: str, station: str) -> list[str]:
    handed = []
    for _ in range(15):
        allocation = allocate(
            Path(store), site="TIL", station=station, unit="urgences", count=4, allocated_by="worker"
        )
        handed.extend(number.text for number in allocation.numbers())
    return handed


def test_concurrent_allocations_on_one_station_never_collide(small_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    shutil.copy(small_store, store)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.starmap(_allocate_many, [(str(store), "URG1"), (str(store), "URG1")])
    handed = results[0] + results[1]
    assert len(handed) == len(set(handed)) == 120
    assert sorted(parse_number(text).sequence for text in handed) == list(range(1, 121))
    assert sum(a.count for a in allocations(store)) == 120


def test_reconciliation_records_the_real_mrn_and_sealing_sees_the_table(
    small_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.sqlite"
    shutil.copy(small_store, store)
    number = allocate(
        store, site="TIL", station="URG1", unit="urgences", count=3, allocated_by="n"
    ).numbers()[1]
    record_mapping(store, number, "700000999")
    assert [a.mapped for a in allocations(store)] == [1]
    connection = sqlite3.connect(store)
    try:
        connection.text_factory = bytes  # as the sealing reads a store
        assert "downtime_ids" in record_tables(connection)
        connection.text_factory = str
        row = connection.execute(
            "SELECT mapped_mrn, check_char FROM downtime_ids WHERE id = ?", (number.record_id,)
        ).fetchone()
    finally:
        connection.close()
    assert row == ("700000999", number.check)
