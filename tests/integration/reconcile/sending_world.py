"""A crisis cell's store holding downtime entries ready to go back to the EHR, made as a hospital makes
it: a station records (every kind of entry, for a patient of the bundle and for one registered under
a downtime number), exports, the cell imports, matches (--save) and a person declares the number a
new patient. Shared by the FHIR (Medplum) and HL7 (MLLP) write-back tests."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.integration.station_viewer.conftest import StationWorld, run

from bascule.downtime.entries import PatientRef
from bascule.downtime.numbers import DowntimeNumber
from bascule.snapshot.store import ContinuityStore
from bascule.station.recording import StationRecording
from bascule.station.state import Layout

PARIS = timezone(timedelta(hours=1))
NEW = DowntimeNumber("CHVO", "3EST1", 1).text
NEW_FAMILY, NEW_GIVEN = "Inconnuxyz", "Quentinel"


@dataclass(frozen=True)
class ReadyStore:
    store: Path
    inpatient: str  # the store's (and the EHR's) id of the known patient
    patients: tuple[str, ...]  # every patient entries were recorded for (known ones)
    keys: dict[str, str]  # entry key -> kind


def ready_store(world: StationWorld, tmp_path: Path, many: int = 0) -> ReadyStore:
    """Every kind once for the inpatient, a registration and two entries under NEW; `many` more
    vital signs spread over the census (to make a sending long enough to be killed)."""
    root = tmp_path / "station"
    shutil.copytree(world.root, root, symlinks=True)
    store = tmp_path / "store.sqlite"
    shutil.copy(world.cell / "store.sqlite", store)
    run("station", "recording", root, "--code", "3EST1")
    recording = StationRecording(Layout(root))
    moment = datetime(2026, 12, 6, 3, 0, tzinfo=PARIS)
    inpatient = PatientRef(patient_id=world.inpatient.id)
    newcomer = PatientRef(downtime_id=NEW)
    at = moment.isoformat()
    plan: list[tuple[str, PatientRef, dict[str, object]]] = [
        ("registration", newcomer, {"family": NEW_FAMILY, "given": NEW_GIVEN, "sex": "male", "unit": "urgences"}),
        ("arrival", newcomer, {"unit": "urgences", "bed": "3", "at": at}),
        ("vitals", newcomer, {"at": at, "heart_rate": "112", "systolic": "95", "diastolic": "60"}),
        ("arrival", inpatient, {"unit": "urgences", "room": "4", "at": at}),
        ("vitals", inpatient, {"at": at, "temperature_c": "38.4", "spo2": "94", "pain": "4", "glucose_mmol": "7.2"}),
        ("administration", inpatient, {"at": at, "drug": "Paracétamol", "status": "given", "dose_value": "1",
                                       "dose_unit": "g", "route": "PO"}),
        ("administration", inpatient, {"at": at, "drug": "Enoxaparine", "status": "not-given",
                                       "reason": "patient absent"}),
        ("phone_result", inpatient, {"at": at, "test": "Potassium", "value": "5.9", "unit": "mmol/L", "flag": "H",
                                     "caller": "biologiste de garde", "read_back": "yes"}),
        ("note", inpatient, {"text": "Vu à 3 h, calme | stable"}),
        ("transfer", inpatient, {"unit": "cardiologie", "at": at}),
        ("discharge", inpatient, {"destination": "home", "at": at}),
    ]  # fmt: skip
    with ContinuityStore.open(store, readonly=True) as opened:
        census = sorted({e.patient_id for unit in opened.census(at=world.data_time) for e in unit.patients})
    for index in range(many):
        patient = PatientRef(patient_id=census[index % len(census)])
        plan.append(("vitals", patient, {"at": at, "heart_rate": str(60 + index % 50), "spo2": "98"}))
    keys = {}
    for offset, (kind, patient, data) in enumerate(plan):
        entry = recording.record("nadia", kind, patient, data, moment + timedelta(seconds=offset))
        keys[f"3EST1:{entry.sequence}"] = kind
    usb = tmp_path / "usb"
    run("station", "export", root, "--to", world.cell / "cell.age.pub", "--out", usb)
    export = next(usb.glob("entries-3EST1-*.jsonl.age"))
    run(
        "reconcile", "import", export, "--store", store,
        "--identity", world.cell / "cell.age", "--trust", root / "station-3EST1.pub",
    )  # fmt: skip
    run("reconcile", "match", "--store", store, "--save")
    run("reconcile", "confirm", "--store", store, "--downtime-id", NEW, "--new", "--by", "claire")
    known = (world.inpatient.id, *(census[: min(many, len(census))]))
    return ReadyStore(store, world.inpatient.id, tuple(dict.fromkeys(known)), keys)


def sent_states(store: Path) -> dict[str, tuple[str, str | None, str | None]]:
    with sqlite3.connect(store) as db:
        return {
            row[0]: row[1:] for row in db.execute("SELECT id, state, reference, reason FROM downtime_sent")
        }
