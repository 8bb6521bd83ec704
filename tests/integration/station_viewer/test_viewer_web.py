"""The viewer's web face in process, on a real sealed bundle checked into a real station: login,
roles, the JSON API's contract, the patient page's order and contents, the access log, and the
hostile requests a ward PC on a hospital network may see."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from tests.integration.station_viewer.conftest import HOSTILE, Client, StationWorld, hidden
from tests.peers import require_peer

from bascule.station.access_log import AccessLog
from bascule.station.state import Layout


@pytest.fixture()
def client(station_world: StationWorld) -> Client:
    return Client(station_world.app())


def token(world: StationWorld, name: str = "nadia") -> str:
    from bascule.station.accounts import StationAccounts

    return StationAccounts(Layout(world.root)).issue_token(name, world.now())


def log_lines(world: StationWorld) -> list[dict[str, object]]:
    raw = (world.root / ".station" / "access.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in raw if line.strip()]


def test_nothing_is_served_without_login(client: Client, station_world: StationWorld) -> None:
    for path in ("/", "/units", f"/patients/{station_world.inpatient.id}", "/status"):
        answer = client.get(path)
        assert answer.status == 302 and answer.headers["location"].startswith("/login?next=")
    for path in (
        "/api/patients?q=ab",
        f"/api/patients/{station_world.inpatient.id}",
        "/api/units/urgences",
        "/api/status",
    ):
        assert client.get(path).status == 401
        assert client.get(path, Authorization="Bearer not-a-token").status == 401
    assert client.get("/static/station.css").status == 200  # the login page needs its style


def test_search_with_a_typo_finds_the_patient_through_the_api(
    station_world: StationWorld, client: Client
) -> None:
    patient = station_world.inpatient
    family = patient.family
    typo = family[0] + family[2] + family[1] + family[3:] if len(family) >= 4 else family
    answer = client.get(f"/api/patients?q={typo}", Authorization=f"Bearer {token(station_world)}")
    assert answer.status == 200
    data = answer.json()
    assert data["data_time"].startswith(station_world.data_time.astimezone().strftime("%Y-%m-%d")[:4])
    ids = [p["id"] for p in data["patients"]]
    assert patient.id in ids
    found = data["patients"][ids.index(patient.id)]
    assert set(found) >= {"id", "family", "given", "birth_date", "mrn", "unit", "bed"}
    assert found["unit"] == station_world.inpatient_unit and found["mrn"] == patient.mrn


def test_the_patient_api_keeps_the_contract_and_never_shows_what_was_entered_in_error(
    station_world: StationWorld, client: Client
) -> None:
    patient = station_world.inpatient
    data = client.get(f"/api/patients/{patient.id}", Authorization=f"Bearer {token(station_world)}").json()
    assert set(data) >= {
        "id",
        "family",
        "given",
        "birth_date",
        "mrn",
        "unit",
        "bed",
        "blood_group",
        "allergies",
        "medications",
        "results",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["data_time"])
    substances = [a["substance"] for a in data["allergies"]]
    assert station_world.retracted_allergy not in substances
    for allergy in data["allergies"]:
        assert set(allergy) >= {"substance", "criticality", "reaction"}
    for medication in data["medications"]:
        assert set(medication) >= {"name", "dose", "route", "schedule"} and medication["name"]
    for result in data["results"]:
        assert set(result) >= {"name", "value", "unit", "flag", "time"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", result["time"])


def test_the_unit_api_lists_its_beds(station_world: StationWorld, client: Client) -> None:
    data = client.get(
        f"/api/units/{station_world.inpatient_unit}", Authorization=f"Bearer {token(station_world)}"
    ).json()
    assert data["unit"] == station_world.inpatient_unit and data["name"]
    assert station_world.inpatient.id in [p["id"] for p in data["patients"]]
    assert client.get("/api/units/nowhere", Authorization=f"Bearer {token(station_world)}").status == 404


def test_a_discharged_patient_is_found_but_in_no_census(station_world: StationWorld, client: Client) -> None:
    bearer = f"Bearer {token(station_world)}"
    gone = station_world.discharged
    data = client.get(f"/api/patients?q={gone.mrn}", Authorization=bearer).json()
    found = [p for p in data["patients"] if p["id"] == gone.id]
    assert found and found[0]["in_census"] is False and found[0]["unit"] is None
    for unit in ("urgences", "reanimation", "cardiologie"):
        listed = client.get(f"/api/units/{unit}", Authorization=bearer).json()["patients"]
        assert gone.id not in [p["id"] for p in listed]


def test_login_opens_the_patient_page_allergies_first_and_logs_who_opened_it(
    station_world: StationWorld, client: Client
) -> None:
    answer = client.login("nadia")
    assert answer.status == 302
    patient = station_world.inpatient
    page = client.get(f"/patients/{patient.id}")
    assert page.status == 200
    text = page.text
    order = [
        text.index(marker)
        for marker in (
            'id="allergies"',
            'class="blood"',
            'class="medications"',
            'class="doses"',
            'class="results"',
        )
    ]
    assert order == sorted(order)
    assert station_world.retracted_allergy not in text
    assert "no-store" in page.headers["cache-control"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    opened = [
        line
        for line in log_lines(station_world)
        if line["action"] == "open_patient" and line["patient"] == patient.id
    ]
    assert opened and opened[-1]["user"] == "nadia"
    assert AccessLog(Layout(station_world.root)).verify().whole


def test_a_name_made_of_markup_shows_as_text(station_world: StationWorld, client: Client) -> None:
    client.login("denis")
    page = client.get(f"/patients/{station_world.hostile_id}").text
    assert HOSTILE.upper() not in page and HOSTILE not in page
    assert "&lt;SCRIPT&gt;" in page or "&lt;script&gt;" in page


def test_an_admin_sees_the_station_but_no_patient(station_world: StationWorld, client: Client) -> None:
    client.login("ines")
    assert client.get("/").headers["location"] == "/status"
    assert client.get("/status").status == 200
    assert client.get(f"/patients/{station_world.inpatient.id}").status == 403
    bearer = f"Bearer {token(station_world, 'ines')}"
    assert client.get("/api/patients?q=ab", Authorization=bearer).status == 403
    assert client.get("/api/status", Authorization=bearer).status == 200


def test_a_wrong_password_is_refused_logged_and_says_nothing_more(
    station_world: StationWorld, client: Client
) -> None:
    answer = client.login("nadia", "not the password at all")
    assert answer.status == 401
    unknown = client.login("nobody-here", "not the password at all")
    assert unknown.status == 401
    message = re.search(r'class="error"[^>]*>([^<]*)<', answer.text)
    other = re.search(r'class="error"[^>]*>([^<]*)<', unknown.text)
    assert message and other and message.group(1) == other.group(1)
    assert client.get("/").status == 302
    failed = [line for line in log_lines(station_world) if line["action"] == "login_failed"]
    assert failed


def test_a_login_without_the_form_token_is_refused(station_world: StationWorld, client: Client) -> None:
    answer = client.post("/login", {"name": "nadia", "password": "correct horse battery staple"})
    assert answer.status == 400 and "bascule_station" not in client.cookies


def test_logout_needs_the_session_token_and_ends_the_session(
    station_world: StationWorld, client: Client
) -> None:
    client.login("nadia")
    page = client.get("/")
    assert client.post("/logout", {"csrf": "forged"}).status == 400
    assert client.get("/").status == 200
    assert client.post("/logout", {"csrf": hidden(page.text, "csrf")}).status == 302
    assert client.get("/").status == 302


def test_idleness_logs_out_and_the_status_poll_does_not_count(station_world: StationWorld) -> None:
    station_world.clock_at.append(station_world.now())
    try:
        app = station_world.app(idle=timedelta(minutes=10))
        client = Client(app)
        client.login("nadia")
        start = station_world.clock_at[-1]
        for minutes, answer in ((4, 200), (8, 200), (12, 401)):  # polls only: idle since login
            station_world.clock_at.append(start + timedelta(minutes=minutes))
            assert client.get("/api/status", X_Bascule_Poll="1").status == answer
        assert client.get("/").status == 302
        assert [line for line in log_lines(station_world) if line["action"] == "idle_logout"]
    finally:
        station_world.clock_at.clear()


def test_a_request_for_another_host_is_refused(station_world: StationWorld) -> None:
    client = Client(station_world.app(), host="evil.example:8765")
    assert client.get("/login").status == 421


def test_a_redirect_after_login_stays_on_the_station(station_world: StationWorld, client: Client) -> None:
    page = client.get("/login?next=//evil.example/")
    csrf = hidden(page.text, "csrf")
    answer = client.post(
        "/login",
        {
            "csrf": csrf,
            "name": "nadia",
            "password": "correct horse battery staple",
            "next": "//evil.example/",
        },
    )
    assert answer.headers["location"] == "/"


def test_print_the_patient_sheet_and_the_unit_kit(
    station_world: StationWorld, client: Client, tmp_path: Path
) -> None:
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    client.login("nadia")
    patient = station_world.inpatient
    sheet = client.get(f"/patients/{patient.id}/sheet.pdf")
    assert (
        sheet.status == 200
        and sheet.headers["content-type"] == "application/pdf"
        and sheet.body.startswith(b"%PDF")
    )
    (tmp_path / "sheet.pdf").write_bytes(sheet.body)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert patient.family.upper() in text.upper() and (patient.mrn or "") in text
    kit = client.get(f"/units/{station_world.inpatient_unit}/kit.pdf")
    assert kit.status == 200 and kit.body.startswith(b"%PDF")
    actions = [line["action"] for line in log_lines(station_world)]
    assert "print_patient" in actions and "print_unit" in actions
    discharged = client.get(f"/patients/{station_world.discharged.id}/sheet.pdf")
    assert discharged.status == 404


def test_results_show_their_flag_and_trend(station_world: StationWorld, client: Client) -> None:
    """A test repeated in the last 72 h shows its newest value, its flag and which way it went."""
    import sqlite3
    from datetime import datetime

    since = (station_world.data_time - timedelta(hours=72)).strftime("%Y-%m-%dT%H:%M:%S")
    with sqlite3.connect(station_world.cell / "store.sqlite") as db:
        row = db.execute(
            "SELECT patient_id, code FROM lab_results WHERE effective_at >= ? AND value IS NOT NULL "
            "AND status NOT IN ('entered-in-error', 'cancelled') GROUP BY patient_id, code "
            "HAVING COUNT(*) >= 2 AND COUNT(DISTINCT value) >= 2 AND MAX(flag IN ('H', 'L', 'HH', 'LL')) = 1 LIMIT 1",
            (since,),
        ).fetchone()
    assert row, "the synthetic hospital has repeated abnormal results"
    patient_id, code = row
    data = client.get(f"/api/patients/{patient_id}", Authorization=f"Bearer {token(station_world)}").json()
    series = [r for r in data["results"] if r["code"] == code]
    assert len(series) >= 2
    assert [datetime.fromisoformat(r["time"]) for r in series] == sorted(
        (datetime.fromisoformat(r["time"]) for r in series), reverse=True
    )
    assert series[0]["trend"] in ("up", "down", "same")
    client.login("nadia")
    page = client.get(f"/patients/{patient_id}").text
    assert 'class="flag"' in page and 'class="trend"' in page


def test_a_patient_placed_in_no_unit_is_listed_not_lost(station_world: StationWorld, client: Client) -> None:
    bearer = f"Bearer {token(station_world)}"
    found = client.get("/api/patients?q=sansplace", Authorization=bearer).json()["patients"]
    assert [p["id"] for p in found] == ["pat-nowhere"] and found[0]["in_census"] is True
    listed = client.get("/api/units/not-placed", Authorization=bearer).json()
    assert "pat-nowhere" in [p["id"] for p in listed["patients"]]
    client.login("nadia")
    assert "/units/not-placed" in client.get("/units").text
    assert "SANSPLACE" in client.get("/units/not-placed").text
    sheet = client.get("/patients/pat-nowhere/sheet.pdf")
    assert sheet.status == 200 and sheet.body.startswith(b"%PDF")


def test_a_station_with_no_bundle_yet_says_so_and_shows_nothing(
    station_world: StationWorld, tmp_path: Path
) -> None:
    import dataclasses

    from tests.stations import init_station

    root = tmp_path / "empty-station"
    cell = station_world.cell
    init_station(cell, root, {"nadia": "nurse"})
    client = Client(dataclasses.replace(station_world, root=root).app())
    client.login("nadia")
    page = client.get("/")
    assert page.status == 503 and "Aucune donnée vérifiée" in page.text
    bearer = {"Authorization": f"Bearer {token(dataclasses.replace(station_world, root=root))}"}
    assert client.request("GET", "/api/patients?q=dupont", headers=bearer).status == 503
    status = client.request("GET", "/api/status", headers=bearer).json()
    assert status["sequence"] is None and status["stale"] is True


def test_a_search_is_logged_with_its_count_never_its_text(
    station_world: StationWorld, client: Client
) -> None:
    family = station_world.inpatient.family
    client.get(f"/api/patients?q={family}", Authorization=f"Bearer {token(station_world)}")
    client.login("nadia")
    client.get(f"/?q={family}")
    searches = [line for line in log_lines(station_world) if line["action"] == "search"]
    assert len(searches) >= 2 and all(str(line["detail"]).isdigit() for line in searches)
    assert family not in (station_world.root / ".station" / "access.jsonl").read_text()
