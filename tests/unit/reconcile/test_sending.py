"""`send` against a fake FHIR server (httpx.MockTransport) and a small store: each entry once, an
answer recorded per entry, refusals kept until retried, waiting entries counted, an unreachable EHR
stops the run, and no patient value in any log or error."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from bascule.cli import main
from bascule.clinical.records import Patient
from bascule.downtime.entries import PatientRef, make_entry
from bascule.downtime.entries_import import StationExport, import_export, import_paper
from bascule.downtime.links import confirm
from bascule.downtime.numbers import DowntimeNumber
from bascule.errors import UserError
from bascule.reconcile.registration import Registration
from bascule.reconcile.sending import FhirReceiver, TargetUnreachable, read_ack, receiver_for, send
from bascule.reconcile.writeback import Hl7Message
from bascule.snapshot.store import ContinuityStore

PARIS = timezone(timedelta(hours=1))
AT = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NEW = DowntimeNumber("CHVO", "URG1", 1).text
UNLINKED = DowntimeNumber("CHVO", "URG1", 2).text
SECRET_FAMILY, SECRET_GIVEN = "Zyxwabcq", "Qwertine"
BASE = "https://ehr.example/fhir/R4"


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    with ContinuityStore.open(path) as opened:
        opened.write([Patient(id="pat-1", version="1", family=SECRET_FAMILY, given=SECRET_GIVEN)])
    import_paper(
        path,
        [
            Registration(downtime_id=NEW, family=SECRET_FAMILY, given=SECRET_GIVEN, recorded_at=AT),
            Registration(downtime_id=UNLINKED, family="Autre", recorded_at=AT),
        ],
        "forms.jsonl",
        NOW,
    )

    def entry(sequence: int, kind: str, patient: PatientRef, data: dict[str, object]) -> tuple[Any, str]:
        made = make_entry(
            station="3EST1",
            sequence=sequence,
            author="nadia",
            recorded_at=AT,
            kind=kind,
            patient=patient,
            data=data,
        )
        return made, f"digest-{sequence}"

    export = StationExport(
        "3EST1",
        "",
        (
            entry(1, "vitals", PatientRef(patient_id="pat-1"), {"at": AT.isoformat(), "heart_rate": "88"}),
            entry(2, "note", PatientRef(downtime_id=NEW), {"text": f"{SECRET_GIVEN} calme"}),
            entry(3, "note", PatientRef(downtime_id=UNLINKED), {"text": "attend"}),
        ),
    )
    import_export(path, export, "export", NOW)
    confirm(path, NEW, None, "claire", NOW)
    return path


class FakeEhr:
    """A FHIR server that creates what it is sent once per condition, or answers as told."""

    def __init__(self, answer: Callable[[dict[str, Any]], httpx.Response] | None = None) -> None:
        self.bundles: list[dict[str, Any]] = []
        self.created: dict[str, str] = {}
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        bundle = json.loads(request.content)
        self.bundles.append(bundle)
        if self.answer is not None:
            return self.answer(bundle)
        responses = []
        for entry in bundle["entry"]:
            condition = entry["request"]["ifNoneExist"]
            known = condition in self.created
            location = self.created.setdefault(
                condition, f"{entry['resource']['resourceType']}/r{len(self.created)}"
            )
            responses.append({"response": {"status": "200" if known else "201", "location": location}})
        return httpx.Response(
            200, json={"resourceType": "Bundle", "type": "transaction-response", "entry": responses}
        )


def sent_rows(store: Path) -> dict[str, tuple[str, str | None, str | None]]:
    with sqlite3.connect(store) as db:
        return {
            row[0]: row[1:] for row in db.execute("SELECT id, state, reference, reason FROM downtime_sent")
        }


def test_each_known_entry_goes_once_and_waiting_ones_are_counted(store: Path) -> None:
    ehr = FakeEhr()
    report = send(store, FhirReceiver(BASE, httpx.MockTransport(ehr)), NOW)
    assert (report.sent, report.refused, report.waiting, report.already) == (3, 0, 2, 0)
    assert not report.all_sent
    rows = sent_rows(store)
    paper_key = f"PAPER:{NEW}"
    assert set(rows) == {"3EST1:1", "3EST1:2", paper_key}
    assert rows[paper_key][0] == "acknowledged" and rows[paper_key][1] == "Patient/r0"
    assert rows["3EST1:2"] == ("acknowledged", "Communication/r1", None)
    assert len(ehr.bundles) == 2  # one per patient
    again = send(store, FhirReceiver(BASE, httpx.MockTransport(ehr)), NOW)
    assert (again.sent, again.already, again.waiting) == (0, 3, 2)
    assert len(ehr.bundles) == 2  # nothing sent twice


def test_a_refusal_is_kept_with_the_ehr_reason_until_retried(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "invalid", "diagnostics": f"Patient {SECRET_FAMILY} is merged"}
        ],
    }
    refusing = FakeEhr(lambda bundle: httpx.Response(422, json=outcome))
    caplog.set_level(logging.DEBUG)
    report = send(store, FhirReceiver(BASE, httpx.MockTransport(refusing)), NOW)
    assert (report.sent, report.refused) == (0, 3)
    assert sent_rows(store)["3EST1:1"] == ("refused", None, f"Patient {SECRET_FAMILY} is merged")
    assert SECRET_FAMILY not in caplog.text and SECRET_GIVEN not in caplog.text
    assert "3EST1:1 refused" in caplog.text
    working = FakeEhr()
    later = send(store, FhirReceiver(BASE, httpx.MockTransport(working)), NOW)
    assert (later.sent, later.still_refused) == (0, 3) and not working.bundles
    retried = send(store, FhirReceiver(BASE, httpx.MockTransport(working)), NOW, retry_refused=True)
    assert (retried.sent, retried.refused, retried.still_refused) == (3, 0, 0)
    assert {row[0] for row in sent_rows(store).values()} == {"acknowledged"}


def test_one_resource_refused_inside_a_transaction_response_refuses_its_entry_only(store: Path) -> None:
    def partly(bundle: dict[str, Any]) -> httpx.Response:
        responses: list[dict[str, Any]] = []
        for entry in bundle["entry"]:
            if entry["resource"]["resourceType"] == "Observation":
                outcome = {"resourceType": "OperationOutcome", "issue": [{"details": {"text": "bad code"}}]}
                responses.append({"response": {"status": "400", "outcome": outcome}})
            else:
                responses.append({"response": {"status": "201", "location": "X/1/_history/1"}})
        return httpx.Response(200, json={"resourceType": "Bundle", "entry": responses})

    send(store, FhirReceiver(BASE, httpx.MockTransport(FakeEhr(partly))), NOW)
    rows = sent_rows(store)
    assert rows["3EST1:1"] == ("refused", None, "bad code")
    assert rows["3EST1:2"] == ("acknowledged", "X/1", None)


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: httpx.Response(503),
        lambda request: httpx.Response(401, json={"resourceType": "OperationOutcome"}),
        lambda request: httpx.Response(200, text="<html>proxy</html>"),
    ],
)
def test_an_ehr_that_does_not_answer_stops_the_run_and_records_nothing(
    store: Path, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    with pytest.raises(TargetUnreachable) as raised:
        send(store, FhirReceiver(BASE, httpx.MockTransport(answer)), NOW)
    assert raised.value.exit_code == 3 and raised.value.french
    assert SECRET_FAMILY not in str(raised.value)
    assert sent_rows(store) == {}


def test_targets_and_the_command_line() -> None:
    assert receiver_for("mllp://127.0.0.1:2575").label == "mllp://127.0.0.1:2575"
    assert receiver_for("https://user:pw@ehr.example/fhir/").label == "https://ehr.example/fhir"
    for wrong in ("ftp://x", "mllp://host", "ehr.example"):
        with pytest.raises(UserError) as raised:
            receiver_for(wrong)
        assert raised.value.french


def test_the_command_says_what_it_needs(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "send", "--store", str(store)]) == 2
    assert main(["reconcile", "send", "--store", str(store), "--fhir", BASE, "--mllp", "h:1"]) == 2
    assert main(["reconcile", "send", "--store", str(store), "--mllp", "127.0.0.1:1"]) == 3
    assert sent_rows(store) == {}
    assert SECRET_FAMILY not in capsys.readouterr().err


def message() -> Hl7Message:
    return Hl7Message("3EST1:1", "ABC123", "MSH|...")


def test_an_ack_is_read_by_its_code_and_must_answer_this_message() -> None:
    def unreachable(why: str) -> TargetUnreachable:
        return TargetUnreachable(why, fr=why)

    accepted = read_ack(message(), "MSH|^~\\&|EHR|||||||ACK|1|P|2.5\rMSA|AA|ABC123", unreachable)
    assert (accepted.state, accepted.reference) == ("acknowledged", "ABC123")
    error = "MSH|^~\\&|EHR|||||||ACK|1|P|2.5\rMSA|AE|ABC123|Unknown patient\rERR||||E||||PID-3 not found"
    refused = read_ack(message(), error, unreachable)
    assert (refused.state, refused.reason) == ("refused", "Unknown patient; PID-3 not found")
    with pytest.raises(TargetUnreachable):
        read_ack(message(), "MSH|^~\\&|EHR|||||||ACK|1|P|2.5\rMSA|AA|OTHER", unreachable)
    with pytest.raises(TargetUnreachable):
        read_ack(message(), "garbage", unreachable)
