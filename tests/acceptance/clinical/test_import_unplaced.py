"""`snapshot import` says how many patients with a current stay are placed in no unit; the log names
their stays by id, never by a patient value."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bascule.cli import main

PATIENT = {
    "resourceType": "Patient",
    "id": "p-lost",
    "name": [{"family": "Garnier"}],
    "birthDate": "1944-11-02",
}
WARD = {
    "resourceType": "Location",
    "id": "w-card",
    "name": "Cardiologie",
    "physicalType": {"coding": [{"code": "wa"}]},
}
PLACED = {"resourceType": "Patient", "id": "p-placed", "name": [{"family": "Lefebvre"}]}


def _encounter(rid: str, patient: str, location: str) -> dict[str, object]:
    return {
        "resourceType": "Encounter",
        "id": rid,
        "meta": {"lastUpdated": "2026-03-10T08:00:00Z"},
        "status": "in-progress",
        "subject": {"reference": f"Patient/{patient}"},
        "location": [{"location": {"reference": f"Location/{location}"}, "status": "active"}],
    }


def _write(folder: Path, kind: str, resources: list[dict[str, object]]) -> None:
    (folder / f"{kind}.ndjson").write_text(
        "\n".join(json.dumps(r) for r in resources) + "\n", encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "1 patient(s) with a current stay placed in no unit"),
        ("fr", "1 patient(s) avec un séjour en cours placé(s) dans aucune unité"),
    ],
)
def test_import_counts_the_patients_not_placed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    lang: str,
    sentence: str,
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _write(folder, "Patient", [PATIENT, PLACED])
    _write(folder, "Location", [WARD])
    _write(
        folder,
        "Encounter",
        [_encounter("e-lost", "p-lost", "EPIC-BED-4471"), _encounter("e-ok", "p-placed", "w-card")],
    )
    with caplog.at_level(logging.WARNING, logger="bascule.census"):
        code = main(
            ["snapshot", "import", str(folder), "--store", str(tmp_path / "s.sqlite"), "--lang", lang],
            environ={},
        )
    out, _ = capsys.readouterr()
    assert code == 0
    assert sentence in " ".join(out.split())
    logged = " ".join(record.getMessage() for record in caplog.records if record.name == "bascule.census")
    assert "e-lost" in logged and "e-ok" not in logged
    for value in ("Garnier", "1944", "Lefebvre"):
        assert value not in out and value not in logged


def test_import_says_nothing_of_it_when_every_patient_is_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _write(folder, "Patient", [PLACED])
    _write(folder, "Location", [WARD])
    _write(folder, "Encounter", [_encounter("e-ok", "p-placed", "w-card")])
    assert main(["snapshot", "import", str(folder), "--store", str(tmp_path / "s.sqlite")], environ={}) == 0
    out, _ = capsys.readouterr()
    assert "placed in no unit" not in out


def test_a_current_stay_whose_patient_never_came_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _write(folder, "Patient", [PLACED])
    _write(folder, "Location", [WARD])
    # The export was cut before this patient's Patient resource: the stay is on no census.
    _write(
        folder,
        "Encounter",
        [_encounter("e-ok", "p-placed", "w-card"), _encounter("e-orphan", "p-gone", "w-card")],
    )
    store = str(tmp_path / "s.sqlite")
    with caplog.at_level(logging.WARNING, logger="bascule.census"):
        assert main(["snapshot", "import", str(folder), "--store", store], environ={}) == 0
    out, _ = capsys.readouterr()
    assert "1 current stay(s) whose patient the source did not send" in " ".join(out.split())
    assert "e-orphan" in " ".join(record.getMessage() for record in caplog.records)
    assert main(["snapshot", "import", str(folder), "--store", store, "--json"], environ={}) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["stays_without_patient"] == 1 and document["not_placed"] == 0
