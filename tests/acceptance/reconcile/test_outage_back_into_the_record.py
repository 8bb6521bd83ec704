"""The whole loop of issue 16, end to end, as a hospital runs it: the director declares the outage in
the crisis cell's web application, numbers are handed out, two ward stations record on their own (a
patient of the bundle, a new patient under a downtime number, an existing patient registered again
under one), each exports, the crisis cell imports both (twice) and matches, the identity officer
decides what matching left on the web worklist (Chromium), everything is sent to the recovered EHR's
HL7 interface (a real MLLP receiver), and `reconcile status` is all green."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tests.crisis_browser import CHROMIUM, PASSWORD, login
from tests.integration.reconcile.test_send_mllp import Receiver
from tests.integration.station_viewer.conftest import StationWorld, run, station_world  # noqa: F401 (fixture)
from tests.peers import require_peer
from tests.stations import json_answer

from bascule.clinical.records import Patient
from bascule.crisis.testing import add_user, live_server
from bascule.downtime.entries import PatientRef
from bascule.downtime.numbers import DowntimeNumber
from bascule.snapshot.store import ContinuityStore
from bascule.station.recording import StationRecording
from bascule.station.state import Layout

pytestmark = pytest.mark.integration
PARIS = timezone(timedelta(hours=1))


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.stop()


def status(store: Path) -> tuple[int, Any]:
    return json_answer("reconcile", "status", "--store", store, "--json")


@pytest.fixture()
def crisis(station_world: StationWorld, tmp_path: Path) -> Iterator[tuple[str, Path]]:  # noqa: F811
    """A real `bascule serve` of the crisis cell, reading the store the test fills (a copy of the
    hospital's continuity store)."""
    require_peer("Chromium", CHROMIUM.exists(), "apt install chromium")
    store = tmp_path / "store.sqlite"
    shutil.copy(station_world.cell / "store.sqlite", store)
    data = tmp_path / "crisis-data"
    data.mkdir()
    env = {**os.environ, "BASCULE_CRISIS_STORE": str(store)}
    for name, role in (("director1", "director"), ("civ1", "identity")):
        add_user(data, name, role, PASSWORD, env)
    with live_server(data, env) as url:
        yield url, store


def test_from_the_outage_back_into_the_record(
    station_world: StationWorld,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    receiver: Receiver,
    crisis: tuple[str, Path],
    browser: Any,
) -> None:
    world = station_world
    url, store = crisis
    # The outage is declared in the crisis cell's application.
    director = login(browser, url, "director1")
    director.fill("input[name=title]", "Panne du DPI")
    director.check("input[name=demo]")
    director.click("form[action$='/incidents/open/'] button")
    director.wait_for_selector(".summary")
    reconciliation = director.url + "reconciliation/"
    with ContinuityStore.open(store, readonly=True) as opened:
        known = next(
            p
            for p in opened.records(Patient)
            if p.birth_date and p.given and p.sex in ("female", "male") and p.id != world.inpatient.id
        )
    # The outage: the cell hands out one downtime number to each ward station.
    for station in ("URG1", "CARD1"):
        run(
            "downtime-ids",
            "allocate",
            "--store",
            store,
            "--site",
            "CHVO",
            "--station",
            station,
            "--unit",
            world.inpatient_unit,
            "--count",
            "1",
            "--by",
            "cell",
        )
    new_number = DowntimeNumber("CHVO", "URG1", 1).text
    known_number = DowntimeNumber("CHVO", "CARD1", 1).text
    now = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
    exports = tmp_path / "usb"
    keys = []
    for code, number, written in (
        ("URG1", new_number, {"family": "Inconnuxyz", "given": "Quentinel", "sex": "male"}),
        (
            "CARD1",
            known_number,
            {
                "family": known.family,
                "given": known.given,
                "birth_date": known.birth_date.isoformat(),
                "sex": known.sex,
            },  # type: ignore[union-attr]
        ),
    ):
        root = tmp_path / code
        shutil.copytree(world.root, root, symlinks=True)
        run("station", "recording", root, "--code", code)
        recording = StationRecording(Layout(root))
        ref = PatientRef(downtime_id=number)
        recording.record("nadia", "registration", ref, written, now)
        recording.record(
            "nadia", "vitals", ref, {"at": now.isoformat(), "heart_rate": "96", "spo2": "95"}, now
        )
        recording.record(
            "denis", "note", PatientRef(patient_id=world.inpatient.id), {"text": f"vu par {code}"}, now
        )
        run("station", "export", root, "--to", world.cell / "cell.age.pub", "--out", exports)
        keys.append(root / f"station-{code}.pub")
    for _ in range(2):  # the same exports arriving twice change nothing
        for export in sorted(exports.glob("entries-*.jsonl.age")):
            run(
                "reconcile",
                "import",
                export,
                "--store",
                store,
                "--identity",
                world.cell / "cell.age",
                *[a for key in keys for a in ("--trust", key)],
            )
    code, report = status(store)
    assert code == 4 and report["entries"] == {
        "total": 6,
        "by_state": {"waiting": 4, "ready": 2},
        "by_station": {"URG1": 3, "CARD1": 3},
        "by_kind": {"registration": 2, "vitals": 2, "note": 2},
    }
    # Matching links what is sure; a person decides the rest from the worklist.
    run("reconcile", "match", "--store", store, "--save")
    code, answer = json_answer("reconcile", "worklist", "--store", store, "--json")
    assert code == 0
    waiting = {m["downtime_id"]: m for m in answer["worklist"]}
    assert known_number not in waiting  # the existing patient, registered again: linked by matching
    assert waiting[new_number]["decision"] in ("new", "review")
    # The identity officer decides on the web worklist: a new patient.
    officer = login(browser, url, "civ1")
    officer.goto(reconciliation)
    item = f"article[data-downtime='{new_number}']"
    officer.wait_for_selector(item)
    officer.click(f"{item} button[value=new]")
    officer.wait_for_selector("[data-section=worklist]")
    assert officer.locator(item).count() == 0
    # Back into the record.
    target = f"127.0.0.1:{receiver.port}"
    run("reconcile", "send", "--store", store, "--mllp", target)
    run("reconcile", "send", "--store", store, "--mllp", target)  # a second run sends nothing again
    assert sum(receiver.accepted.values()) == len(receiver.accepted) >= 5
    code, report = status(store)
    assert report["all_done"] is True and code == 0
    assert report["numbers"]["missing"] == [] and report["numbers"]["attention"] == []
