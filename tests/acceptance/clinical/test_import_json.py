"""`bascule snapshot import --json` end to end, and what a second import of the same export does to
the next seal (it used to mark 85 % of the records changed and quarantine the bundle)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bascule.cli import main
from bascule.snapshot.store import ContinuityStore

PATIENTS = [
    {
        "resourceType": "Patient",
        "id": f"5c0f7a9e-7d1b-4f2a-9e3c-{number:012d}",
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": f"MRN{number:05d}"}],
        "name": [{"use": "official", "family": f"Family{number}", "given": ["Given"]}],
        "gender": "female",
        "birthDate": "1980-01-01",
    }
    for number in range(40)
]


def observation(number: int) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"obs-{number}",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}], "text": "Potassium"},
        "subject": {"reference": f"Patient/{PATIENTS[number % 40]['id']}"},
        "effectiveDateTime": "2024-03-10T08:00:00+01:00",
        "valueQuantity": {"value": 4.1, "unit": "mmol/L", "comparator": "<"}
        if number == 0
        else {"value": 4.1, "unit": "mmol/L"},
    }


def synthea_like_export(folder: Path) -> Path:
    """No meta.lastUpdated anywhere, types Bascule does not use next to those it does, one bad line."""
    folder.mkdir()
    (folder / "Patient.ndjson").write_text("".join(json.dumps(p) + "\n" for p in PATIENTS))
    observations = [json.dumps(observation(n)) for n in range(120)]
    (folder / "Observation.ndjson").write_text(
        "\n".join([*observations, '{"resourceType": "Observation", "id"']) + "\n"
    )
    (folder / "Claim.ndjson").write_text(json.dumps({"resourceType": "Claim", "id": "c1"}) + "\n")
    (folder / "Immunization.ndjson").write_text(
        "".join(json.dumps({"resourceType": "Immunization", "id": f"i{n}"}) + "\n" for n in range(3))
    )
    return folder


def import_json(capsys: pytest.CaptureFixture[str], folder: Path, store: Path, *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["snapshot", "import", str(folder), "--store", str(store), "--json", *extra], environ={}) == 0
    out = capsys.readouterr().out
    return json.loads(out)  # the whole output is the one document


def test_the_json_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = import_json(capsys, synthea_like_export(tmp_path / "export"), tmp_path / "s.sqlite")
    assert document["imported"] == 160
    assert document["skipped"] == {"Claim": 1, "Immunization": 3}
    assert document["rejected"] == [
        {"line": "Observation.ndjson:121", "type": "Observation", "id": None, "reason": "not JSON"}
    ]
    assert document["rejected_total"] == 1
    assert document["data_time"] is None and document["data_time_source"] is None
    assert (document["written"], document["unchanged"]) == (160, 0)
    assert set(document) >= {"imported", "skipped", "rejected", "data_time", "warnings", "warnings_total"}


def test_the_same_export_twice_writes_nothing_and_the_next_seal_is_good(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, store = synthea_like_export(tmp_path / "export"), tmp_path / "s.sqlite"
    status = {
        "transactionTime": "2024-03-11T02:00:00.000Z",
        "request": "https://ehr.example.org/fhir/Group/all/$export",
        "requiresAccessToken": True,
        "output": [
            {"type": kind, "url": f"https://ehr.example.org/bulk/{kind}.ndjson"}
            for kind in ("Patient", "Observation")
        ],
        "error": [],
    }
    (folder / "status.json").write_text(json.dumps(status))
    first = import_json(capsys, folder, store)
    assert (first["data_time"], first["data_time_source"]) == ("2024-03-11T02:00:00Z", "transactionTime")
    assert main(["keys", "new", "station", "--dir", str(tmp_path / "keys")]) == 0
    seal = [
        "snapshot", "seal", "--store", str(store), "--hospital", "chsv",
        "--to", str(tmp_path / "keys" / "station.age.pub"), "--sign", str(tmp_path / "keys" / "station.key"),
        "--out", str(tmp_path / "out"),
    ]  # fmt: skip
    assert main(seal, environ={}) == 0
    again = import_json(capsys, folder, store)
    assert (again["imported"], again["written"], again["unchanged"]) == (160, 0, 160)
    assert main(seal, environ={}) == 0  # 5 would be quarantined by the ransomware guard
    assert not any((tmp_path / "out" / "quarantine").glob("*.age"))
    with ContinuityStore.open(store, readonly=True) as opened:
        assert opened.counts()["lab_results"] == 120


def test_without_json_the_sentences_stay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = synthea_like_export(tmp_path / "export")
    assert main(["snapshot", "import", str(folder), "--store", str(tmp_path / "s.sqlite")], environ={}) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Rejected: Observation ? — not JSON (Observation.ndjson:121)" in out
    assert "Skipped (types Bascule does not use): Claim 1, Immunization 3." in out
    assert "160 record(s) changed, 0 already held the same or newer." in out
    assert "The source gives no time for its data" in out
    assert "160 resources imported from 4 file(s)" in out and "(1 rejected)" in out
    for family in ("Family0", "Family39"):
        assert family not in out


def test_the_time_an_export_was_taken_can_be_stated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, store = synthea_like_export(tmp_path / "export"), tmp_path / "s.sqlite"
    document = import_json(capsys, folder, store, "--data-time", "2024-03-11T03:00:00+01:00")
    assert (document["data_time"], document["data_time_source"]) == ("2024-03-11T02:00:00Z", "stated")
    assert document["store_data_time"] == "2024-03-11T02:00:00Z"
    for wrong in ("2024-03-11T03:00:00", "tomorrow", "2999-01-01T00:00:00Z"):
        assert (
            main(["snapshot", "import", str(folder), "--store", str(store), "--data-time", wrong], environ={})
            == 2
        )
        assert "--data-time" in capsys.readouterr().err
