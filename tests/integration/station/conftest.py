"""A station with a verified bundle in use, made once per session as a hospital makes one: a small
synthetic hospital (one unit of the demo map) plus the hospital's test patient and two patients
who share an MRN by mistake, sealed by the cell's key, checked into a station that has one nurse
account. `station_copy` gives each test its own copy (the self-test settings differ per test)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.stations import sealed_station as make_sealed_station

from bascule.cli import main
from bascule.clinical.records import Patient
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

TEST_PATIENT = Patient(id="pat-selftest", version="1", family="Essai", given="Bascule", mrn="TEST-0001")
TWINS = (
    Patient(id="pat-twin-a", version="1", family="Jumeau", given="Alpha", mrn="TWIN-7"),
    Patient(id="pat-twin-b", version="1", family="Jumeau", given="Beta", mrn="TWIN-7"),
)


def run(*argv: str | Path) -> None:
    assert main([str(a) for a in argv], environ={}) == 0, argv


@dataclass(frozen=True)
class SealedStation:
    root: Path  # the pristine station: copy it, never change it
    cell: Path


@pytest.fixture(scope="session")
def sealed_station(tmp_path_factory: pytest.TempPathFactory) -> SealedStation:
    cell = tmp_path_factory.mktemp("selftest-cell")
    data_time = (datetime.now(UTC) - timedelta(minutes=10)).replace(microsecond=0)
    units = [unit for unit in map_units("demo") if unit.id == "cardiologie"]
    store_path = cell / "store.sqlite"
    store_hospital(generate(7, "fr", units, data_time), store_path, "chvo")
    with ContinuityStore.open(store_path) as store:
        store.write([TEST_PATIENT, *TWINS])
    root = make_sealed_station(cell, store_path, {"nadia": "nurse"})
    run("station", "check", root, "--no-self-test")
    return SealedStation(root, cell)


@pytest.fixture
def station_copy(sealed_station: SealedStation, tmp_path: Path) -> Path:
    target = tmp_path / "station"
    shutil.copytree(sealed_station.root, target)  # modes kept: the private folder stays 0700
    return target
