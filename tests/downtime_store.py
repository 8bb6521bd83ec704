"""A continuity store after an outage, for the reconciliation tests (use-cases and the crisis app):
a small synthetic hospital, four downtime numbers handed out to the emergency unit, and three
paper registrations: one the matching links alone (auto), one to review (a known patient's family
name, birth date and sex under another given name), one nobody known (new). The fourth number is
never seen: its paper is missing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bascule.clinical.records import Patient
from bascule.downtime.entries_import import import_paper
from bascule.downtime.registry import allocate
from bascule.reconcile.registration import Registration
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

NOW = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
# Nobody of the synthetic hospital: a name no generator makes.
STRANGER = {"family": "Zzyzx", "given": "Qwertyuiop"}


@dataclass(frozen=True)
class DowntimeWorld:
    store: Path
    auto_number: str
    review_number: str
    new_number: str
    missing_number: str
    known: Patient  # the patient of auto_number
    lookalike: Patient  # the best candidate of review_number


def _people(store: Path) -> tuple[Patient, Patient]:
    with ContinuityStore.open(store, readonly=True) as opened:
        usable = [
            p
            for p in opened.records(Patient)
            if p.birth_date and p.given and p.sex in ("female", "male") and p.mrn
        ]
    return usable[0], usable[1]


def make_downtime_world(folder: Path) -> DowntimeWorld:
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "store.sqlite"
    units = [unit for unit in map_units("demo") if unit.id == "urgences"]
    store_hospital(generate(7, "fr", units, datetime(2026, 12, 6, 3, 0, tzinfo=UTC)), store, "chvo")
    numbers = [
        n.text
        for n in allocate(
            store, site="CHVO", station="URG1", unit="urgences", count=4, allocated_by="test", at=NOW
        ).numbers()
    ]
    known, lookalike = _people(store)
    registrations = [
        Registration(
            downtime_id=numbers[0],
            family=known.family,
            given=known.given,
            birth_date=known.birth_date,
            sex=known.sex,
        ),
        Registration(
            downtime_id=numbers[1],
            family=lookalike.family,
            given="Zébulon",
            birth_date=lookalike.birth_date,
            sex=lookalike.sex,
        ),
        Registration(downtime_id=numbers[2], **STRANGER),
    ]
    import_paper(store, registrations, "forms.jsonl", NOW)
    return DowntimeWorld(store, numbers[0], numbers[1], numbers[2], numbers[3], known, lookalike)


def copy_world(world: DowntimeWorld, folder: Path) -> DowntimeWorld:
    """The same world in another folder, for a test that writes to the store."""
    from dataclasses import replace

    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "store.sqlite"
    shutil.copy(world.store, copy)
    return replace(world, store=copy)
