"""The printed sheet and MAR say every dose line as the prescriber wrote it, at the hospital's wall
clock across the spring time change (Europe/Paris, 29 March 2026 02:00 -> 03:00), and print what
cannot be scheduled verbatim with "schedule: see prescription", never as "no dose in 24 h".

The orders are FHIR MedicationRequests (Epic, Cerner and R4-example shapes) read with the store's
own settings, added to a synthetic patient."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bascule.clinical import version_stamp
from bascule.hospital.model import HospitalMap
from bascule.kits.assemble import render_kit
from bascule.kits.content import PatientPage, UnitKitContent, gather, procedures_for_unit
from bascule.kits.patient_sheet import display_name
from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_fields import Reading
from bascule.sources.fhir_records import to_record
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

UNIT = "urgences"
DATA_TIME = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # 21:00 in Paris; the clocks go forward overnight
GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"


def _order(rid: str, patient_id: str, drug: str, *dosages: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "meta": {"lastUpdated": "2026-03-28T19:00:00Z"},
        "status": "active",
        "intent": "order",
        "subject": {"reference": f"Patient/{patient_id}"},
        "medicationCodeableConcept": {"text": drug},
        "dispenseRequest": {"validityPeriod": {"start": "2026-03-27T10:00:00+01:00"}},
        "dosageInstruction": list(dosages),
    }


def _orders(patient_id: str) -> list[dict[str, Any]]:
    return [
        _order(
            "rx-bid",
            patient_id,
            "Furosémide 40 mg",
            {
                "text": "matin et soir",
                "timing": {"code": {"coding": [{"system": GTS, "code": "BID"}]}},
                "route": {"coding": [{"system": "http://snomed.info/sct", "code": "26643006"}]},
                "doseAndRate": [{"doseQuantity": {"value": 40, "unit": "mg"}}],
            },
        ),
        _order(
            "rx-epic",
            patient_id,
            "Metformine 500 mg",
            *(
                {
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": [when]}},
                    "route": {"text": "oral"},
                    "doseAndRate": [{"doseQuantity": {"value": count, "unit": "cp"}}],
                }
                for when, count in (("MORN", 2), ("EVE", 1))
            ),
        ),
        _order(
            "rx-q36",
            patient_id,
            "Vancomycine 1 g",
            {
                "text": "selon taux résiduel",
                "timing": {"repeat": {"frequency": 1, "period": 36, "periodUnit": "h"}},
                "route": {"text": "intravenous"},
            },
        ),
        _order(
            "rx-prn",
            patient_id,
            "Paracétamol 500 mg",
            {
                "asNeededCodeableConcept": {"text": "douleur"},
                "maxDosePerPeriod": {
                    "numerator": {"value": 4, "unit": "g"},
                    "denominator": {"value": 24, "unit": "h"},
                },
                "doseAndRate": [
                    {"doseRange": {"low": {"value": 1, "unit": "cp"}, "high": {"value": 2, "unit": "cp"}}}
                ],
            },
        ),
    ]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory, demo_map: HospitalMap) -> UnitKitContent:
    path = tmp_path_factory.mktemp("doses") / "store.sqlite"
    units = [unit for unit in map_units("demo") if unit.id == UNIT]
    store_hospital(generate(11, "fr", units, DATA_TIME), path, "chvo")
    with ContinuityStore.open(path) as store:
        assert store.settings.timezone == "Europe/Paris"
        patient_id = store.census(at=DATA_TIME, unit_id=UNIT)[0].patients[0].patient_id
        reading = Reading(store.settings)
        store.write([to_record(order, version_stamp(DATA_TIME), reading) for order in _orders(patient_id)])
    with ContinuityStore.open(path, readonly=True) as store:
        return gather(store, UNIT, procedures_for_unit(demo_map, UNIT))


def _raw_text(pdf: Path) -> str:
    """The text in drawing order (a table cell's wrapped lines stay together), spaces squashed."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return out.stdout.decode()


def _sheet(pdf: Path, page: PatientPage, mrn_label: str = "IPP") -> str:
    patient = page.chart.patient
    header = f"{display_name(patient.family, patient.given)} {mrn_label} {patient.mrn}"
    pages = [re.sub(r"\s+", " ", text) for text in _raw_text(pdf).split("\f")]
    return " ".join(text for text in pages if header in text)


def test_each_line_is_due_at_the_paris_wall_clock_across_the_time_change(content: UnitKitContent) -> None:
    page = content.patients[0]
    due = sorted(
        (dose.order.id, dose.line_index, dose.due_at)
        for dose in page.doses
        if dose.order.id.startswith("rx-")
    )
    # 29 March is CEST (UTC+2): 08:00 is 06:00 UTC; the day before, 20:00 CET was 19:00 UTC (before the chart).
    assert due == [
        ("rx-bid", 0, datetime(2026, 3, 29, 6, tzinfo=UTC)),
        ("rx-bid", 0, datetime(2026, 3, 29, 18, tzinfo=UTC)),
        ("rx-epic", 0, datetime(2026, 3, 29, 6, tzinfo=UTC)),
        ("rx-epic", 1, datetime(2026, 3, 29, 16, tzinfo=UTC)),
    ]  # fmt: skip
    assert content.chart_start == DATA_TIME


def test_the_french_sheet_prints_every_line_and_what_cannot_be_scheduled(
    content: UnitKitContent, tmp_path: Path
) -> None:
    kit = render_kit(content, tmp_path, "fr", "a4")
    sheet = _sheet(kit.path, content.patients[0])
    medications = sheet[sheet.index("Traitements en cours") : sheet.index("Plan d'administration")]
    for expected in (
        "Furosémide 40 mg « matin et soir » 40 mg per os 08:00, 20:00",
        "Metformine 500 mg 2 cp per os 08:00",
        "Metformine 500 mg 1 cp per os 18:00",
        "Vancomycine 1 g « selon taux résiduel » IV horaire : voir prescription · 1×/36 h",
        "Paracétamol 500 mg 1–2 cp si besoin : douleur · max 4 g par 24 h",
    ):
        assert expected in medications
    mar = sheet[sheet.index("Plan d'administration") : sheet.index("Administrations des dernières 24 h")]
    assert "29/03 08:00" in mar and "29/03 18:00" in mar and "29/03 20:00" in mar
    assert "29/03 07:00" not in mar and "29/03 19:00" not in mar
    assert "Aucune dose programmée" not in mar
    unplaced = mar[mar.index("Horaire : voir prescription (heure, dose, initiales)") :]
    assert "Vancomycine 1 g IV horaire : voir prescription · 1×/36 h « selon taux résiduel »" in unplaced
    as_needed = mar[mar.index("Si besoin (heure, dose, initiales)") :]
    assert "Paracétamol 500 mg 1–2 cp si besoin : douleur · max 4 g par 24 h" in as_needed


def test_the_english_sheet_says_schedule_see_prescription(content: UnitKitContent, tmp_path: Path) -> None:
    kit = render_kit(content, tmp_path, "en", "letter")
    sheet = _sheet(kit.path, content.patients[0], "MRN")
    assert "Vancomycine 1 g « selon taux résiduel » IV schedule: see prescription · 1×/36 h" in sheet
    assert "Schedule: see prescription (time, dose, initials)" in sheet
    assert "as needed: douleur · max 4 g per 24 h" in sheet


def test_a_patient_whose_only_order_has_no_set_time_is_never_told_no_dose(
    content: UnitKitContent, tmp_path: Path
) -> None:
    page = content.patients[0]
    vancomycin = tuple(order for order in page.chart.orders if order.id == "rx-q36")
    alone = replace(page, chart=replace(page.chart, orders=vancomycin), doses=())
    single = replace(content, census=replace(content.census, patients=(page.entry,)), patients=(alone,))
    sheet = _sheet(render_kit(single, tmp_path, "fr", "a4").path, alone)
    mar = sheet[sheet.index("Plan d'administration") :]
    assert "Aucune dose programmée sur 24 h" not in mar
    assert "Aucune dose à heure fixe sur 24 h : voir les traitements ci-dessous." in mar
    assert "Horaire : voir prescription (heure, dose, initiales) Médicament Vancomycine 1 g" in mar
