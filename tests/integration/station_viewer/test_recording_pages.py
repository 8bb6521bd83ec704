"""The station's writing screens: a nurse records vital signs and a dose against the chart, registers
a patient under a downtime number, and sees a refused entry come back with its one sentence and what
she typed, nothing stored. Times typed in local time are stored with the hospital's offset."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from tests.integration.station_viewer.conftest import Client, StationWorld, hidden, run

from bascule.downtime.numbers import DowntimeNumber
from bascule.station.recording import StationRecording
from bascule.station.state import Layout


@pytest.fixture()
def world(station_world: StationWorld, tmp_path: Path) -> StationWorld:
    root = tmp_path / "station"
    shutil.copytree(station_world.root, root, symlinks=True)
    copy = dataclasses.replace(station_world, root=root, clock_at=[])
    run("station", "recording", root, "--code", "3EST1")
    return copy


def form(client: Client, path: str) -> str:
    page = client.get(path)
    assert page.status == 200, page.text[:500]
    return hidden(page.text, "csrf")


def entries(world: StationWorld) -> list[dict[str, object]]:
    return [json.loads(line) for line in (world.root / ".station" / "entries.jsonl").read_text().splitlines()]


def test_a_nurse_records_vital_signs_for_a_patient(world: StationWorld) -> None:
    client = Client(world.app())
    client.login("nadia")
    patient = world.inpatient
    page = client.get(f"/patients/{patient.id}")
    assert f"/patients/{patient.id}/record/vitals" in page.text
    csrf = form(client, f"/patients/{patient.id}/record/vitals")
    answer = client.post(
        f"/patients/{patient.id}/record/vitals",
        {
            "csrf": csrf,
            "at": "2026-12-06T03:10",
            "heart_rate": "92",
            "systolic": "128",
            "diastolic": "81",
            "spo2": "",
        },
    )
    assert answer.status == 302 and answer.headers["location"] == f"/patients/{patient.id}?recorded=3EST1:1"
    [line] = entries(world)
    assert line["author"] == "nadia" and line["patient_id"] == patient.id and line["kind"] == "vitals"
    data = line["data"]
    assert isinstance(data, dict) and data["heart_rate"] == 92.0 and "spo2" not in data
    assert datetime.fromisoformat(str(data["at"])).utcoffset() is not None
    shown = client.get(answer.headers["location"]).text
    assert "3EST1:1" in shown and "Constantes" in shown
    access = (world.root / ".station" / "access.jsonl").read_text()
    assert '"action": "record"' in access and "3EST1:1" in access


def test_a_refused_entry_comes_back_with_its_sentence_and_nothing_is_stored(world: StationWorld) -> None:
    client = Client(world.app())
    client.login("nadia")
    path = f"/patients/{world.inpatient.id}/record/vitals"
    answer = client.post(
        path, {"csrf": form(client, path), "at": "2026-12-06T03:10", "systolic": "70", "diastolic": "120"}
    )
    assert answer.status == 400 and "diastolique" in answer.text
    assert 'value="120"' in answer.text
    assert not (world.root / ".station" / "entries.jsonl").exists() or entries(world) == []


def test_a_dose_is_recorded_against_the_chart(world: StationWorld) -> None:
    client = Client(world.app())
    client.login("nadia")
    path = f"/patients/{world.inpatient.id}/record/administration"
    page = client.get(path).text
    orders = re.findall(
        r'<option value="([^"]+)">([^<]+)</option>', page.split('name="order_id"')[1].split("</select>")[0]
    )
    assert orders, "the chart's orders are offered"
    order_id, drug = orders[0]
    answer = client.post(
        path,
        {
            "csrf": hidden(page, "csrf"),
            "at": "2026-12-06T08:00",
            "order_id": order_id,
            "status": "given",
            "dose_value": "1",
            "dose_unit": "g",
        },
    )
    assert answer.status == 302
    [line] = entries(world)
    assert line["data"]["drug"] == html.unescape(drug) and line["data"]["order_id"] == order_id  # type: ignore[index]


def test_register_a_new_patient_under_a_downtime_number(world: StationWorld) -> None:
    client = Client(world.app())
    client.login("denis")
    number = DowntimeNumber("CHVO", "3EST1", 7).text
    csrf = form(client, "/register")
    wrong = number[:-1] + ("A" if number[-1] != "A" else "B")
    refused = client.post("/register", {"csrf": csrf, "downtime_id": wrong, "family": "Inconnu"})
    assert refused.status == 400 and "lettre de contrôle" in refused.text
    answer = client.post(
        "/register",
        {"csrf": csrf, "downtime_id": number, "family": "Inconnu", "sex": "male", "unit": "urgences"},
    )
    assert answer.status == 302 and answer.headers["location"] == f"/downtime/{number}?recorded=3EST1:1"
    page = client.get(f"/downtime/{number}").text
    assert "INCONNU" in page and f"/downtime/{number}/record/vitals" in page
    path = f"/downtime/{number}/record/note"
    assert client.post(path, {"csrf": form(client, path), "text": "Arrivé par les pompiers"}).status == 302
    assert [line["downtime_id"] for line in entries(world)] == [number, number]


def test_an_admin_records_nothing(world: StationWorld) -> None:
    client = Client(world.app())
    client.login("ines")
    assert client.get("/register").status == 403
    assert client.post("/register", {"csrf": "x", "downtime_id": "x", "family": "x"}).status == 403


def test_a_station_that_does_not_record_offers_no_form(station_world: StationWorld, tmp_path: Path) -> None:
    root = tmp_path / "station"
    shutil.copytree(station_world.root, root, symlinks=True)
    world = dataclasses.replace(station_world, root=root, clock_at=[])
    client = Client(world.app())
    client.login("nadia")
    assert "/record/" not in client.get(f"/patients/{world.inpatient.id}").text
    path = f"/patients/{world.inpatient.id}/record/note"
    answer = client.post(path, {"csrf": form(client, path), "text": "x"})
    assert answer.status == 400
    assert StationRecording(Layout(root)).code is None


def test_a_patient_registered_here_is_found_by_name_and_number(world: StationWorld) -> None:
    client = Client(world.app())
    client.login("nadia")
    number = DowntimeNumber("CHVO", "3EST1", 9).text
    csrf = form(client, "/register")
    client.post("/register", {"csrf": csrf, "downtime_id": number, "family": "Øster-Lund", "given": "Åse"})
    for query in ("oster", "lund ase", number.lower()):
        page = client.get(f"/?q={query}").text
        assert f'href="/downtime/{number}"' in page, query
    assert f'href="/downtime/{number}"' not in client.get("/?q=dupont").text
