"""A continuity store of the demo hospital's synthetic patients, for the sample log's tests: a
sample is collected only for a patient the store knows (an MRN) or a downtime number."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bascule.clinical.records import Patient
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
