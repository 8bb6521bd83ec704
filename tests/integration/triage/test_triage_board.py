"""The triage board in a real `bascule serve`: counts by day, unit and type, bulk approval by role,
and an exception kept only once the doctor AND the director approved it, all in the journal."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bascule.cli import main
from bascule.crisis.testing import add_user, bascule_command, live_server

pytestmark = pytest.mark.integration
PASSWORD = "Un-mot-de-passe-solide-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("board")
    store = root / "store.sqlite"
    assert main(["synth", "--seed", "42", "--store", str(store)], {}) == 0
    data = root / "crisis"
    data.mkdir()
    environment = {**os.environ, "BASCULE_CRISIS_STORE": str(store)}
    for name, role in (("director1", "director"), ("doc1", "medical"), ("obs1", "observer")):
        add_user(data, name, role, PASSWORD, environment)
    with live_server(data, environment) as url:
        yield url, data


@contextlib.contextmanager
def signed_in(url: str, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/login/")
        response = client.post(
            "/login/",
            data={"username": name, "password": PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        )
        assert response.status_code in (302, 303), response.text[:500]
        yield client


def post(client: httpx.Client, path: str, **data: str) -> httpx.Response:
    return client.post(path, data={**data, "csrfmiddlewaretoken": client.cookies["csrftoken"]})


@pytest.fixture(scope="module")
def incident(server: tuple[str, Path]) -> str:
    url, _ = server
    with signed_in(url, "director1") as director:
        opened = post(director, "/incidents/open/", title="Cyberattaque", demo="1")
        base = opened.headers["Location"]
        assert post(director, base + "hits/declare/", kind="node", target="ehr").status_code in (302, 303)
    return base


def test_the_board_counts_by_day_unit_and_type(server: tuple[str, Path], incident: str) -> None:
    url, _ = server
    with signed_in(url, "obs1") as observer:
        page = observer.get(incident + "triage/")
    assert page.status_code == 200
    assert "consultations à reporter" in page.text and "interventions à annuler" in page.text
    assert "données du" in page.text  # every page says how old its data is
    assert "Approuver" not in page.text  # an observer sees, but does not approve


def test_bulk_approval_is_role_checked_and_journaled(server: tuple[str, Path], incident: str) -> None:
    url, data = server
    with signed_in(url, "director1") as director:
        page = director.get(incident + "triage/").text
        day, unit, kind = re.search(r"\?day=([\d-]+)&unit=([\w-]+)&kind=(consultation)", page).groups()
        group = {"day": day, "unit": unit, "kind": kind, "decision": "postpone"}
        with signed_in(url, "obs1") as observer:
            assert post(observer, incident + "triage/approve/", **group).status_code == 403
        assert post(director, incident + "triage/approve/", **group).status_code in (302, 303)
        shown = director.get(incident + "triage/", params={"day": day, "unit": unit, "kind": kind}).text
    assert "reporter : director1" in shown
    journal = journal_csv(data)
    assert "triage.group_approved" in journal and "director1" in journal
    (approved,) = [
        json.loads(row["payload"])
        for row in csv.DictReader(journal.splitlines())
        if row["name"] == "triage.group_approved"
    ]
    assert approved["count"] == len(approved["activities"]) > 0

    # Only what the cell approved is told to patients.
    outbox = data.parent / "approved-outbox.sqlite"
    incident_id = re.search(r"/incidents/(\d+)/", incident).group(1)
    queued = subprocess.run(
        [
            *bascule_command(), "notify", "queue", "--store", str(data.parent / "store.sqlite"),
            "--outbox", str(outbox), "--incident", incident_id, "--data", str(data),
            "--approved-only", "--call-centre", "01 99 00 10 00", "--days", "7",
        ],
        capture_output=True, text=True,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    with sqlite3.connect(outbox) as db:
        activities = sorted(row[0] for row in db.execute("SELECT activity_id FROM messages"))
    assert activities == sorted(approved["activities"])


def test_an_exception_needs_the_doctor_and_the_director(server: tuple[str, Path], incident: str) -> None:
    url, data = server
    with signed_in(url, "director1") as director:
        page = director.get(incident + "triage/").text
        # The first surgery group with an operation to cancel or postpone (which groups have one
        # depends on the hour the synthetic hospital is built at: not always the first group).
        activity = None
        for day, unit in re.findall(r"\?day=([\d-]+)&unit=([\w-]+)&kind=surgery", page):
            where = {"day": day, "unit": unit, "kind": "surgery"}
            listing = director.get(incident + "triage/", params=where).text
            found = re.search(r'name="activity" value="([^"]+)"', listing)
            if found is not None:
                activity = found.group(1)
                break
        assert activity is not None, "no surgery to cancel or postpone on the board"
        with signed_in(url, "doc1") as doctor:
            assert post(doctor, incident + "triage/exception/", activity=activity).status_code in (302, 303)
        after_one = director.get(incident + "triage/").text
        assert "par exception" not in after_one  # one approval is not enough
        assert post(director, incident + "triage/exception/", activity=activity).status_code in (302, 303)
        after_two = director.get(incident + "triage/").text
        kept = director.get(incident + "triage/", params=where).text
    assert "1 maintenue(s) par exception" in after_two
    assert "doc1, director1" in kept
    journal = journal_csv(data)
    assert journal.count("triage.exception_approved") == 2 and activity in journal
    verified = subprocess.run(
        [*bascule_command(), "journal", "verify", "--data", str(data)], capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stderr


def journal_csv(data: Path) -> str:
    done = subprocess.run(
        [*bascule_command(), "journal", "export", "--csv", "--data", str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout
