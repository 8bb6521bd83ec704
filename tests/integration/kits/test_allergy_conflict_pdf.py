"""A drug the patient is allergic to is impossible to miss on the printed sheet: a framed warning
under the allergies, and the drug's rows marked in the medication list and the MAR. The synthetic
hospital no longer prescribes such drugs, so the clash is written into the store here."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from pdf_reading import page_texts, render_png
from PIL import Image

from bascule.clinical import Allergy, MedicationOrder, version_stamp
from bascule.hospital.model import HospitalMap
from bascule.kits.assemble import KitFile, render_kit
from bascule.kits.content import PatientPage, UnitKitContent, gather, procedures_for_unit
from bascule.kits.patient_sheet import display_name
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

UNIT = "urgences"
DATA_TIME = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
RESOLUTION = 72
MM = RESOLUTION / 25.4  # pixels per millimetre


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory, demo_map: HospitalMap) -> UnitKitContent:
    path = tmp_path_factory.mktemp("conflict") / "store.sqlite"
    units = [unit for unit in map_units("demo") if unit.id == UNIT]
    store_hospital(generate(7, "fr", units, DATA_TIME), path, "chvo")
    with ContinuityStore.open(path) as store:
        patient_id = store.census(at=DATA_TIME, unit_id=UNIT)[0].patients[0].patient_id
        stamp = version_stamp(DATA_TIME)
        start = DATA_TIME - timedelta(hours=3)
        store.write(
            [
                Allergy(id="test-allergy", version=stamp, patient_id=patient_id, substance="Pénicilline",
                        code="764146007", category="medication", reaction="Urticaire"),
                MedicationOrder(id="test-amox", version=stamp, patient_id=patient_id, drug="Amoxicilline 1 g",
                                drug_code="J01CA04", dose_value=1, dose_unit="g", route="oral",
                                times=(time(8), time(14), time(20)), start=start),
                MedicationOrder(id="test-ceftriaxone", version=stamp, patient_id=patient_id,
                                drug="Ceftriaxone 1 g", drug_code="J01DD04", dose_value=1, dose_unit="g",
                                route="intravenous", times=(time(12),), start=start),
            ]
        )  # fmt: skip
    with ContinuityStore.open(path, readonly=True) as store:
        return gather(store, UNIT, procedures_for_unit(demo_map, UNIT))


@pytest.fixture(scope="module")
def kit(content: UnitKitContent, tmp_path_factory: pytest.TempPathFactory) -> KitFile:
    return render_kit(content, tmp_path_factory.mktemp("kit-fr"), "fr", "a4")


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def _header(page: PatientPage) -> str:
    patient = page.chart.patient
    return f"{display_name(patient.family, patient.given)} IPP {patient.mrn}"


def _sheet_pages(pages: list[str], page: PatientPage) -> list[int]:
    return [number for number, text in enumerate(pages, start=1) if _header(page) in _squash(text)]


def test_the_conflict_is_printed_under_the_allergies_and_marks_the_drug_in_the_mar(
    kit: KitFile, content: UnitKitContent
) -> None:
    pages = page_texts(kit.path)
    clashing = content.patients[0]
    numbers = _sheet_pages(pages, clashing)
    first = _squash(pages[numbers[0] - 1])
    amoxicillin = "CONFLIT ALLERGIE : Amoxicilline 1 g — allergie Pénicilline : vérifier avant administration"
    ceftriaxone = (
        "CONFLIT ALLERGIE : Ceftriaxone 1 g — allergie Pénicilline (réaction croisée possible,"
        " céphalosporines) : vérifier avant administration"
    )
    assert amoxicillin in first and ceftriaxone in first
    assert first.index("ALLERGIES : ") < first.index("CONFLIT ALLERGIE") < first.index("Traitements en cours")
    sheet = _squash(" ".join(pages[number - 1] for number in numbers))
    mar = sheet[sheet.index("Plan d'administration") :]
    assert "⚠ Amoxicilline 1 g" in mar and "⚠ Ceftriaxone 1 g" in mar
    assert "⚠ = conflit avec une allergie du patient" in mar and mar.count("ALLERGIE : vérifier") == 2
    medications = sheet[sheet.index("Traitements en cours") : sheet.index("Plan d'administration")]
    assert "⚠ Amoxicilline 1 g" in medications and "⚠ Ceftriaxone 1 g" in medications
    unmarked = [order.drug for order in clashing.chart.orders if not order.id.startswith("test-")]
    assert unmarked and all(f"⚠ {drug}" not in sheet for drug in unmarked)
    others = [number for number in range(1, len(pages) + 1) if number not in numbers]
    assert all("CONFLIT ALLERGIE" not in pages[number - 1] for number in others)


def test_the_english_sheet_says_it_in_english(content: UnitKitContent, tmp_path: Path) -> None:
    kit = render_kit(content, tmp_path, "en", "letter")
    flat = _squash(" ".join(page_texts(kit.path)))
    assert "ALLERGY CONFLICT: Amoxicilline 1 g — Pénicilline allergy: check before giving" in flat
    assert "(possible cross-reactivity, cephalosporins): check before giving" in flat
    assert "⚠ = conflicts with the patient's allergy" in flat


def _sign_block_rows(image: Image.Image) -> int:
    """The tallest run of rows where the left margin holds a solid black block ~16 mm wide with white
    just after it: the allergy banner and a white-on-black drug cell are black there, so do not count."""
    margin = 14 * MM
    inside = range(round(margin + 1), round(margin + 15 * MM))
    after = range(round(margin + 16.8 * MM), round(margin + 18.6 * MM))
    tallest = run = 0
    for y in range(image.size[1] // 10, image.size[1] * 6 // 10):
        block = sum(image.getpixel((x, y)) < 60 for x in inside) > len(inside) * 0.75  # type: ignore[operator]
        white = all(image.getpixel((x, y)) > 200 for x in after)  # type: ignore[operator]
        run = run + 1 if block and white else 0
        tallest = max(tallest, run)
    return tallest


def test_the_warning_is_a_black_block_beside_a_framed_box(
    kit: KitFile, content: UnitKitContent, tmp_path: Path
) -> None:
    pages = page_texts(kit.path)
    clashing = _sheet_pages(pages, content.patients[0])[0]
    image = Image.open(render_png(kit.path, clashing, tmp_path, RESOLUTION)).convert("L")
    assert _sign_block_rows(image) >= 10 * MM  # taller than a centimetre
    quiet = next(p for p in content.patients[1:] if p.chart.allergies)
    number = _sheet_pages(pages, quiet)[0]
    other = Image.open(render_png(kit.path, number, tmp_path, RESOLUTION)).convert("L")
    assert _sign_block_rows(other) < 2
