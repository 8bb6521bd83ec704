"""Write-back to a real FHIR server (Medplum): every downtime entry arrives once; sending twice, or a
`kill -9` of `bascule reconcile send` in the middle and a rerun, still leaves each exactly once,
counted on the server by identifier."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from medplum_peer import MedplumPeer
from tests.integration.reconcile.sending_world import NEW, NEW_FAMILY, ready_store, sent_states
from tests.integration.station_viewer.conftest import StationWorld, station_world  # noqa: F401 (fixture)

from bascule.cli import main
from bascule.reconcile.writeback import DOWNTIME_SYSTEM, ENTRY_SYSTEM

pytestmark = pytest.mark.integration
SRC = Path(__file__).resolve().parents[3] / "src"
TYPES = ("Patient", "Observation", "MedicationAdministration", "Communication", "Encounter")
EXPECTED = {  # what each entry of sending_world becomes, by kind
    "registration": Counter({"Patient": 1}),
    "arrival": Counter({"Encounter": 1}),
    "transfer": Counter({"Encounter": 1}),
    "discharge": Counter({"Encounter": 1}),
    "administration": Counter({"MedicationAdministration": 1}),
    "phone_result": Counter({"Observation": 1}),
    "note": Counter({"Communication": 1}),
}


def everything(peer: MedplumPeer) -> list[dict[str, Any]]:
    """Every resource of the types write-back makes, page by page."""
    found: list[dict[str, Any]] = []
    with httpx.Client(timeout=60) as client:
        for kind in TYPES:
            url: str | None = f"{peer.base_url}/{kind}?_count=1000"
            while url:
                page = client.get(url).json()
                found += [entry["resource"] for entry in page.get("entry", [])]
                url = next((link["url"] for link in page.get("link", []) if link["relation"] == "next"), None)
    return found


def arrivals(peer: MedplumPeer) -> dict[str, Counter[str]]:
    """Entry key -> how many resources of each type the server holds for it."""
    held: dict[str, Counter[str]] = {}
    for resource in everything(peer):
        for identifier in resource.get("identifier", []):
            if identifier.get("system") == ENTRY_SYSTEM:
                held.setdefault(identifier["value"], Counter())[resource["resourceType"]] += 1
    return held


def vitals_count(data: dict[str, Any]) -> int:
    measures = [name for name in data if name not in ("at", "systolic", "diastolic")]
    return len(measures) + (1 if "systolic" in data or "diastolic" in data else 0)


def expected(store: Path) -> dict[str, Counter[str]]:
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT id, kind, data FROM downtime_entries").fetchall()
    return {
        key: Counter({"Observation": vitals_count(json.loads(data))}) if kind == "vitals" else EXPECTED[kind]
        for key, kind, data in rows
    }


def send(store: Path, peer: MedplumPeer, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()  # what the set-up printed
    code = main(["reconcile", "send", "--store", str(store), "--fhir", peer.base_url, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_every_entry_arrives_once_and_a_second_sending_changes_nothing(
    station_world: StationWorld,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ready = ready_store(station_world, tmp_path)
    with MedplumPeer() as peer:
        peer.load([{"resourceType": "Patient", "id": ready.inpatient}])
        code, report = send(ready.store, peer, capsys)
        assert code == 0, report
        assert report == {
            "target": peer.base_url,
            "sent": len(ready.keys),
            "refused": 0,
            "refused_now": 0,
            "already_sent": 0,
            "waiting": 0,
            "all_sent": True,
        }
        want = expected(ready.store)
        assert arrivals(peer) == want
        created = {r["id"] for r in everything(peer)}
        assert peer.validate(everything(peer)) == []  # valid FHIR R4, as Medplum's validator reads it
        code, again = send(ready.store, peer, capsys)
        assert (code, again["sent"], again["already_sent"]) == (0, 0, len(ready.keys))
        assert arrivals(peer) == want
        assert {r["id"] for r in everything(peer)} == created
        with httpx.Client() as client:
            (patient,) = [
                e["resource"]
                for e in client.get(f"{peer.base_url}/Patient?identifier={DOWNTIME_SYSTEM}|{NEW}").json()[
                    "entry"
                ]
            ]
            assert patient["name"][0]["family"] == NEW_FAMILY
            subjects = {
                e["resource"]["subject"]["reference"]
                for e in client.get(f"{peer.base_url}/Observation?_count=1000").json()["entry"]
            }
        assert subjects == {f"Patient/{patient['id']}", f"Patient/{ready.inpatient}"}
        states = sent_states(ready.store)
        assert {state for state, _, _ in states.values()} == {"acknowledged"}
        assert all(reference and reference.split("/")[0] in TYPES for _, reference, _ in states.values())
        capsys.readouterr()
        assert main(["reconcile", "status", "--store", str(ready.store), "--json"]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["entries"]["by_state"] == {"sent": len(ready.keys)}


def acknowledged(store: Path) -> int:
    connection = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return int(connection.execute("SELECT count(*) FROM downtime_sent").fetchone()[0])
    except sqlite3.OperationalError:  # the table is being created or written: ask again
        return 0
    finally:
        connection.close()


def test_a_kill_during_sending_then_a_rerun_still_sends_each_entry_once(
    station_world: StationWorld,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ready = ready_store(
        station_world, tmp_path, many=60
    )  # the memory peer searches linearly: more makes a slow test
    total = len(ready.keys)
    with MedplumPeer() as peer:
        peer.load([{"resourceType": "Patient", "id": patient} for patient in ready.patients])
        environ = dict(os.environ, PYTHONPATH=str(SRC))
        sending = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bascule",
                "reconcile",
                "send",
                "--store",
                str(ready.store),
                "--fhir",
                peer.base_url,
            ],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while acknowledged(ready.store) == 0 and sending.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)  # polling the store: the event is a committed row
            sending.send_signal(signal.SIGKILL)
        finally:
            sending.wait(timeout=30)
        assert sending.returncode == -signal.SIGKILL  # killed, not finished
        at_kill = acknowledged(ready.store)
        assert 0 < at_kill < total
        code, report = send(ready.store, peer, capsys)
        assert code == 0
        assert report["already_sent"] == at_kill and report["sent"] == total - at_kill
        assert arrivals(peer) == expected(ready.store)  # each once, the one in flight included
