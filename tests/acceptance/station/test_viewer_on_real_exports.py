"""The station's viewer on exports Bascule did not write (tests/corpus: Synthea, Epic, Oracle Health,
Medplum shapes; EXPECTED.json written by hand from the resources): every expected patient is found
by MRN and name, in the census with the unit and bed the export gives, and their page and API answer
show the allergies and drugs the export holds. Our own generator's shapes are not the only ones a
ward will open."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bascule.cli import main
from bascule.lookup.folding import fold
from bascule.lookup.from_store import cards_from_store
from bascule.lookup.index import PatientIndex
from bascule.snapshot.store import ContinuityStore
from bascule.station.viewer.chart_page import patient_json, patient_shown

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
STYLES = ("synthea", "epic", "cerner", "medplum")


def expected_patients(style: str) -> list[dict[str, Any]]:
    document = json.loads((CORPUS / style / "EXPECTED.json").read_text(encoding="utf-8"))
    return list(document["patients"])


@pytest.mark.parametrize("style", STYLES)
def test_the_viewer_finds_and_shows_every_patient_of_a_real_export(style: str, tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite"
    code = main(
        [
            "snapshot",
            "import",
            str(CORPUS / style),
            "--store",
            str(store_path),
            "--map",
            str(CORPUS / "map.yaml"),
        ]
    )
    assert code == 0
    with ContinuityStore.open(store_path, readonly=True) as store:
        index = PatientIndex(cards_from_store(store))
        data_time = store.data_time or datetime.now(UTC)
        for patient in expected_patients(style):
            hits = [
                hit.card for hit in index.search(f"{patient['family']} {patient.get('given', '')}".strip())
            ]
            assert patient["id"] in [card.id for card in hits], (style, patient["family"])
            card = index.get(patient["id"])
            assert card is not None
            if patient.get("mrn"):
                assert patient["id"] in [hit.card.id for hit in index.search(patient["mrn"])]
            if patient.get("unit"):
                assert card.in_census and card.unit_id == patient["unit"], (style, patient["family"])
            if patient.get("bed"):
                assert card.bed == patient["bed"], (style, patient["family"])
            chart = store.chart(patient["id"], at=data_time)
            shown = patient_json(
                patient_shown(card, chart, [], data_time, "en", store.timezone), store.timezone
            )
            allergies = " ".join(fold(a["substance"]) for a in shown["allergies"])
            for allergy in patient.get("allergies", []):
                assert fold(allergy) in allergies, (style, patient["family"], "allergy")
            drugs = " ".join(fold(m["name"]) for m in shown["medications"])
            for medication in patient.get("medications", []):
                assert fold(medication["drug"]) in drugs, (style, patient["family"], "drug")
