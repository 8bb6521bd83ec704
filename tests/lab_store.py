"""A continuity store of the demo hospital's synthetic patients, for the sample log's tests: a
sample is collected only for a patient the store knows (an MRN) or a downtime number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bascule.clinical.records import Patient
from bascule.hospital.loading import load_map
from bascule.impact import assess
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.samples import log
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

GENERATED_AT = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def demo_store(folder: Path) -> Path:
    """A store of the demo hospital's emergency unit (seed 7), at `folder`/store.sqlite."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "store.sqlite"
    units = [unit for unit in map_units("demo") if unit.id == "urgences"]
    store_hospital(generate(7, "fr", units, GENERATED_AT), path, "chvo")
    return path


def known_mrns(store: Path) -> list[str]:
    """The MRNs of the store's patients, in id order."""
    with ContinuityStore.open(store, readonly=True) as opened:
        return [patient.mrn for patient in opened.records(Patient) if patient.mrn]


def resulted(
    store: Path,
    patient: str,
    test: str,
    value: str,
    unit: str,
    flag: str,
    *,
    at: datetime,
    ward: str = "urgences",
    phoned: bool = False,
) -> str:
    """A sample of the demo hospital collected for `patient` at `at`, received 20 minutes later and
    resulted 30 after that (taken by phone, read back, when `phoned`); its number."""
    hospital = load_map("demo")
    number = log.collect(
        store, hospital, reduced_menu(hospital, assess(hospital)), patient=patient, test_id=test,
        unit=ward, by="ide1", at=at,
    ).number  # fmt: skip
    log.scan(store, [number], "received", actor="tech1", place="lab", at=at + timedelta(minutes=20))
    log.enter_result(
        store, number, value=value, unit=unit, flag=flag, by="tech1", at=at + timedelta(minutes=50),
        channel="phone" if phoned else "lab", read_back=phoned,
    )  # fmt: skip
    return number
