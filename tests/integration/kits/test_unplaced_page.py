"""A patient with a current stay that the source places in no unit is printed in every unit's kit,
on a "Patients non placés" page, read back with pdftotext; the census pages do not hold them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pdf_reading import page_texts

from bascule.kits.assemble import render_kit
from bascule.kits.content import UnitProcedures, gather
from bascule.snapshot.store import ContinuityStore
from bascule.sources.intake import Intake

RECEIVED = datetime(2026, 3, 10, 9, tzinfo=UTC)


def _resources() -> list[dict[str, Any]]:
    def location(rid: str, name: str, code: str, part_of: str | None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "resourceType": "Location",
            "id": rid,
            "name": name,
            "physicalType": {"coding": [{"code": code}]},
        }
        if part_of:
            found["partOf"] = {"reference": f"Location/{part_of}"}
        return found

    def person(rid: str, family: str, given: str, mrn: str, born: str) -> dict[str, Any]:
        return {
            "resourceType": "Patient",
            "id": rid,
            "meta": {"lastUpdated": "2026-03-10T07:30:00Z"},
            "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": mrn}],
            "name": [{"family": family, "given": [given]}],
            "birthDate": born,
        }

    def stay(rid: str, patient: str, places: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "resourceType": "Encounter",
            "id": rid,
            "meta": {"lastUpdated": "2026-03-10T08:00:00Z"},
            "status": "in-progress",
            "subject": {"reference": f"Patient/{patient}"},
            "period": {"start": "2026-03-09T10:00:00+01:00"},
            "location": places,
        }

    return [
        location("w-card", "Cardiologie", "wa", None),
        location("w-neuro", "Neurologie", "wa", None),
        location("r-12", "12", "ro", "w-card"),
        location("b-12a", "12A", "bd", "r-12"),
        person("p-placed", "Lefebvre", "Paul", "IPP-100", "1961-07-14"),
        person("p-lost", "Garnier", "Odile", "IPP-777", "1944-11-02"),
        stay("e-placed", "p-placed", [{"location": {"reference": "Location/b-12a"}, "status": "active"}]),
        # A bed the export does not hold, whose ward is not given: the source places her nowhere.
        stay("e-lost", "p-lost", [{"location": {"reference": "Location/EPIC-BED-4471"}, "status": "active"}]),
    ]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("unplaced") / "store.sqlite"
    intake = Intake(received_at=RECEIVED)
    for resource in _resources():
        assert intake.take(resource), intake.rejects
    with ContinuityStore.open(path) as store:
        store.refresh(intake.records, data_time=intake.newest, refreshed_at=RECEIVED)
    return path


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


@pytest.mark.parametrize(("unit", "lang"), [("w-card", "fr"), ("w-neuro", "en")])
def test_every_unit_kit_lists_the_patients_not_placed(
    store_path: Path, tmp_path: Path, unit: str, lang: str
) -> None:
    with ContinuityStore.open(store_path, readonly=True) as store:
        content = gather(store, unit, UnitProcedures())
    kit = render_kit(content, tmp_path, "fr" if lang == "fr" else "en", "a4")
    pages = page_texts(kit.path)
    title = "Patients non placés" if lang == "fr" else "Patients not placed"
    (page,) = [text for text in pages if title in text]
    row = next(line for line in page.splitlines() if "GARNIER" in line.upper())
    assert "IPP-777" in row and "02/11/1944" in row and "EPIC-BED-4471" in row
    assert "09/03/2026 09:00" in row  # admitted 10:00 at +01:00, printed in the hospital's time (UTC)
    assert "LEFEBVRE" not in page.upper()  # placed in Cardiologie: on its census, not on this page
    census_pages = [text for text in pages if "Liste des patients" in text or "Census" in text]
    assert census_pages and all("GARNIER" not in text.upper() for text in census_pages)
    cover = _squash(pages[0])
    expected = "1 patient(s) non placé(s)" if lang == "fr" else "1 patient(s) not placed"
    assert expected in cover


def test_a_kit_has_no_such_page_when_every_patient_is_placed(small_store: Path, tmp_path: Path) -> None:
    with ContinuityStore.open(small_store, readonly=True) as store:
        assert store.unplaced() == []
        content = gather(store, "urgences", UnitProcedures())
    pages = page_texts(render_kit(content, tmp_path, "fr", "a4").path)
    assert not any("Patients non placés" in text for text in pages)
