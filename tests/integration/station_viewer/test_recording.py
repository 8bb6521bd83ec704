"""A station records what the ward does during the outage and exports it, signed and encrypted, to
the crisis cell, whose import takes each entry once: twice the same export changes nothing, a
forged or foreign export changes nothing, and a refused entry never reaches the log."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.integration.station_viewer.conftest import StationWorld, run
from tests.stations import json_answer

from bascule.cli import main
from bascule.downtime.entries import PatientRef
from bascule.errors import UserError
from bascule.station.recording import StationRecording
from bascule.station.state import Layout

PARIS = timezone(timedelta(hours=1))


@pytest.fixture()
def world(station_world: StationWorld, tmp_path: Path) -> StationWorld:
    root = tmp_path / "station"
    shutil.copytree(station_world.root, root, symlinks=True)
    store = tmp_path / "store.sqlite"
    shutil.copy(station_world.cell / "store.sqlite", store)
    return dataclasses.replace(station_world, root=root, cell=station_world.cell, clock_at=[])


def entries_in(store: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT id, kind, data FROM downtime_entries ORDER BY station, sequence").fetchall()


def test_record_export_import_twice_is_once(world: StationWorld, tmp_path: Path) -> None:
    run("station", "recording", world.root, "--code", "3EST1")
    recording = StationRecording(Layout(world.root))
    now = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
    patient = PatientRef(patient_id=world.inpatient.id)
    recording.record(
        "nadia", "vitals", patient, {"at": now.isoformat(), "heart_rate": "88", "spo2": "97"}, now
    )
    recording.record(
        "nadia",
        "registration",
        PatientRef(downtime_id="CHVO-3EST1-00001-J"),
        {"family": "Inconnu", "given": "", "sex": "male", "unit": "urgences"},
        now,
    )
    store = tmp_path / "store.sqlite"
    usb = tmp_path / "usb"
    run("station", "export", world.root, "--to", world.cell / "cell.age.pub", "--out", usb)
    export = next(usb.glob("entries-3EST1-*.jsonl.age"))
    trust = world.root / "station-3EST1.pub"
    args = (
        "reconcile",
        "import",
        export,
        "--store",
        store,
        "--identity",
        world.cell / "cell.age",
        "--trust",
        trust,
    )
    run(*args)
    first = entries_in(store)
    assert [row[:2] for row in first] == [("3EST1:1", "vitals"), ("3EST1:2", "registration")]
    assert json.loads(first[0][2]) == {"at": now.isoformat(), "heart_rate": 88.0, "spo2": 97.0}
    run(*args)
    assert entries_in(store) == first
    recording.record("denis", "note", patient, {"text": "Vu à 3 h, calme."}, now + timedelta(minutes=5))
    run("station", "export", world.root, "--to", world.cell / "cell.age.pub", "--out", usb)
    run(*args[:2], max(usb.glob("entries-3EST1-*.jsonl.age")), *args[3:])
    assert [row[0] for row in entries_in(store)] == ["3EST1:1", "3EST1:2", "3EST1:3"]


def test_a_refused_entry_never_reaches_the_log(world: StationWorld) -> None:
    run("station", "recording", world.root, "--code", "3EST1")
    recording = StationRecording(Layout(world.root))
    now = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
    patient = PatientRef(patient_id=world.inpatient.id)
    refused = [
        (
            "administration",
            {"at": now.isoformat(), "drug": "Morphine", "status": "given", "dose_value": "10"},
        ),
        ("administration", {"at": now.isoformat(), "drug": "Morphine", "status": "not-given"}),
        (
            "phone_result",
            {"at": now.isoformat(), "test": "K+", "value": "6.1", "caller": "labo", "read_back": "no"},
        ),
        ("vitals", {"at": now.isoformat()}),
        ("vitals", {"at": now.isoformat(), "systolic": "70", "diastolic": "120"}),
        ("vitals", {"at": "2026-12-06T03:10", "heart_rate": "80"}),
        ("vitals", {"at": now.isoformat(), "temperature_c": "375"}),
        ("note", {"text": "x", "colour": "red"}),
        ("registration", {"family": "Dupont"}),  # by patient id: a registration needs a downtime number
    ]
    for kind, data in refused:
        with pytest.raises(UserError):
            recording.record("nadia", kind, patient, data, now)
    assert recording.entries() == []
    assert (
        main(
            [
                "station",
                "record",
                str(world.root),
                "--kind",
                "vitals",
                "--author",
                "nadia",
                "--patient",
                "p",
                "--set",
                "heart_rate=80",
            ]
        )
        == 2
    )


def test_a_station_that_does_not_record_yet_says_how(world: StationWorld, tmp_path: Path) -> None:
    code = main(
        [
            "station",
            "export",
            str(world.root),
            "--to",
            str(world.cell / "cell.age.pub"),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2 and not (tmp_path / "o").exists()
    for cells in ("SAISIE", "PAPER"):  # the crisis cell's own codes for paper forms
        assert main(["station", "recording", str(world.root), "--code", cells]) == 2
    run("station", "recording", world.root, "--code", "3EST1")
    assert main(["station", "recording", str(world.root), "--code", "OTHER"]) == 2  # a code is for good


def test_a_forged_or_foreign_export_changes_nothing(world: StationWorld, tmp_path: Path) -> None:
    run("station", "recording", world.root, "--code", "3EST1")
    recording = StationRecording(Layout(world.root))
    now = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
    recording.record("nadia", "note", PatientRef(patient_id=world.inpatient.id), {"text": "ok"}, now)
    usb = tmp_path / "usb"
    run("station", "export", world.root, "--to", world.cell / "cell.age.pub", "--out", usb)
    export = next(usb.glob("*.jsonl.age"))
    store = tmp_path / "store.sqlite"
    base = [
        "reconcile",
        "import",
        str(export),
        "--store",
        str(store),
        "--identity",
        str(world.cell / "cell.age"),
    ]
    assert main([*base, "--trust", str(world.cell / "cell.pub")]) == 3  # not the station's key
    data = bytearray(export.read_bytes())
    data[-10] ^= 1
    export.write_bytes(bytes(data))
    assert main([*base, "--trust", str(world.root / "station-3EST1.pub")]) == 3
    assert entries_in(store) == []


def test_a_damaged_log_is_not_exported(world: StationWorld, tmp_path: Path) -> None:
    run("station", "recording", world.root, "--code", "3EST1")
    recording = StationRecording(Layout(world.root))
    now = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
    for text in ("one", "two"):
        recording.record("nadia", "note", PatientRef(patient_id=world.inpatient.id), {"text": text}, now)
    log = world.root / ".station" / "entries.jsonl"
    log.write_text(log.read_text().replace('"one"', '"uno"'))
    code = main(
        [
            "station",
            "export",
            str(world.root),
            "--to",
            str(world.cell / "cell.age.pub"),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 3
    assert not list((tmp_path / "o").glob("*.age"))  # nothing exported


def test_the_command_line_refuses_an_entry_for_a_patient_the_station_does_not_hold(
    world: StationWorld,
) -> None:
    run("station", "recording", world.root, "--code", "3EST1")
    base = ["station", "record", str(world.root), "--kind", "note", "--author", "nadia", "--set", "text=vu"]
    assert main([*base, "--patient", "no-such-patient"]) == 2
    assert main([*base, "--patient", world.inpatient.id]) == 0
    assert [e.key for e in StationRecording(Layout(world.root)).entries()] == ["3EST1:1"]


def test_status_accounts_for_every_number_and_entry(world: StationWorld, tmp_path: Path) -> None:
    from bascule.downtime.numbers import DowntimeNumber

    store = tmp_path / "store.sqlite"
    run(
        "downtime-ids",
        "allocate",
        "--store",
        store,
        "--site",
        "CHVO",
        "--station",
        "3EST1",
        "--unit",
        world.inpatient_unit,
        "--count",
        "3",
        "--by",
        "cell",
    )
    run("station", "recording", world.root, "--code", "3EST1")
    first, second, never = (DowntimeNumber("CHVO", "3EST1", n).text for n in (1, 2, 3))
    stray = DowntimeNumber("CHVO", "3EST1", 40).text
    recording = StationRecording(Layout(world.root))
    now = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
    recording.record("nadia", "registration", PatientRef(downtime_id=first), {"family": "Inconnu"}, now)
    recording.record("nadia", "note", PatientRef(downtime_id=second), {"text": "arrivé seul"}, now)
    recording.record("nadia", "note", PatientRef(downtime_id=stray), {"text": "?"}, now)
    usb = tmp_path / "usb"
    run("station", "export", world.root, "--to", world.cell / "cell.age.pub", "--out", usb)
    run(
        "reconcile",
        "import",
        next(usb.glob("*.jsonl.age")),
        "--store",
        store,
        "--identity",
        world.cell / "cell.age",
        "--trust",
        world.root / "station-3EST1.pub",
    )

    code, report = json_answer("reconcile", "status", "--store", store, "--json")
    assert code == 4
    assert report["numbers"]["missing"] == [never]
    attention = {item["downtime_id"]: item["state"] for item in report["numbers"]["attention"]}
    assert attention == {second: "entries-without-registration", stray: "unallocated"}
    assert report["numbers"]["by_state"]["registered"] == 1
    assert report["entries"] == {
        "total": 3,
        "by_state": {"waiting": 3},
        "by_station": {"3EST1": 3},
        "by_kind": {"registration": 1, "note": 2},
    }
    assert report["all_done"] is False
