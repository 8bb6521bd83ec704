"""A unit's kit, printed from a real store and read back with poppler: every field a nurse needs is
there, the census is the store's, and every page carries its header and footer."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from pdf_reading import page_size, page_texts, render_png, text_runs
from PIL import Image

from bascule.hospital.model import HospitalMap
from bascule.kits.assemble import KitFile, render_kit
from bascule.kits.content import UnitKitContent, gather, procedures_for_unit
from bascule.kits.moments import full
from bascule.kits.patient_sheet import bed_text, display_name
from bascule.kits.results_table import ABNORMAL, latest_results, value_text
from bascule.snapshot.store import ContinuityStore

UNIT = "urgences"


@pytest.fixture(scope="module")
def content(small_store: Path, demo_map: HospitalMap) -> UnitKitContent:
    with ContinuityStore.open(small_store, readonly=True) as store:
        return gather(store, UNIT, procedures_for_unit(demo_map, UNIT))


@pytest.fixture(scope="module")
def kit(content: UnitKitContent, tmp_path_factory: pytest.TempPathFactory) -> KitFile:
    return render_kit(content, tmp_path_factory.mktemp("kit-fr"), "fr", "a4")


@pytest.fixture(scope="module")
def pages(kit: KitFile) -> list[str]:
    return page_texts(kit.path)


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def test_the_kit_has_pages_and_the_store_has_patients(
    kit: KitFile, pages: list[str], content: UnitKitContent
) -> None:
    assert content.census.occupied >= 5
    assert kit.pages == len(pages) > content.census.occupied
    assert kit.path.name == "kit-urgences.pdf"
    assert not list(kit.path.parent.glob(".tmp-*"))


def test_every_page_carries_data_time_unit_page_number_and_confidentiality(
    pages: list[str], content: UnitKitContent
) -> None:
    data_time = full(content.data_time, content.zone)
    for number, text in enumerate(pages, start=1):
        flat = _squash(text)
        assert content.census.name in flat, number
        assert f"Données du {data_time}" in flat, number
        assert f"Page {number} sur {len(pages)}" in flat, number
        assert "CONFIDENTIEL / CONFIDENTIAL" in flat, number


def test_the_cover_shows_the_data_time_and_how_to_use_the_kit(
    pages: list[str], content: UnitKitContent
) -> None:
    cover = _squash(pages[0])
    assert "KIT PAPIER" in cover and "Données arrêtées au" in cover
    assert full(content.data_time, content.zone) in cover
    assert all(f"{step} " in cover for step in "12345")
    assert "Contenu du kit" in cover and f"{content.census.occupied} fiches patient" in cover


def test_the_census_lists_every_patient_of_the_unit_in_bed_order(
    pages: list[str], content: UnitKitContent
) -> None:
    census_text = "\n".join(page for page in pages if "Liste des patients" in page)
    lines = census_text.splitlines()
    found_at = []
    for entry in content.census.patients:
        name = display_name(entry.family, entry.given)
        matching = [i for i, line in enumerate(lines) if name in line]
        assert len(matching) == 1, name
        line = lines[matching[0]]
        found_at.append(matching[0])
        assert (entry.bed or "") in line
        assert ("ALLERGIE" in line) == entry.has_allergy, name
        assert (entry.blood_group or "?") in line.split()
        if entry.age is not None:
            assert f"{entry.age} ans" in line
    assert found_at == sorted(found_at), "census rows are not in bed order"
    beds = [entry.bed or "" for entry in content.census.patients]
    assert beds == sorted(beds)


def test_each_patient_sheet_holds_identity_allergies_medications_and_results(
    pages: list[str], content: UnitKitContent
) -> None:
    for page in content.patients:
        patient = page.chart.patient
        name = display_name(patient.family, patient.given)
        header = f"{name} IPP {patient.mrn}"
        sheet = [text for text in pages if header in _squash(text)]
        assert sheet, f"no page has the header of {patient.id}"
        flat = _squash(" ".join(sheet))
        assert all(f"Lit {bed_text(page.entry.room, page.entry.bed)}" in _squash(text) for text in sheet)
        assert (f"INS : {patient.national_number}" if patient.national_number else "non renseigné") in flat
        blood = page.chart.blood_group
        assert (f"GROUPE SANGUIN {blood}" if blood else "GROUPE SANGUIN : INCONNU") in flat
        if page.chart.allergies:
            assert "ALLERGIES :" in flat
            for allergy in page.chart.allergies:
                assert allergy.substance in flat
        else:
            assert "Aucune allergie enregistrée" in flat
        for alert in page.chart.alerts:
            assert alert.text in flat
        for order in page.chart.orders:
            assert order.drug in flat
        assert "Plan d'administration — 24 h à partir du" in flat
        assert "Administrations des dernières 24 h" in flat
        for result, _previous in latest_results(page.chart.results):
            assert result.label in flat and value_text(result, "fr") in flat


def test_the_medication_chart_has_a_column_for_each_dose_time(
    pages: list[str], content: UnitKitContent
) -> None:
    page = next(p for p in content.patients if p.doses)
    patient = page.chart.patient
    header = f"{display_name(patient.family, patient.given)} IPP {patient.mrn}"
    flat = _squash(" ".join(text for text in pages if header in _squash(text)))
    for dose in page.doses:
        assert f"{dose.due_at.astimezone(content.zone):%H:%M}" in flat


def test_abnormal_results_are_bold_and_marked_with_a_symbol(
    kit: KitFile, pages: list[str], content: UnitKitContent
) -> None:
    page = next(p for p in content.patients if any(r.flag in ABNORMAL for r in p.chart.results))
    patient = page.chart.patient
    header = f"{display_name(patient.family, patient.given)} IPP {patient.mrn}"
    numbers = [
        i for i, text in enumerate(pages, start=1) if header in _squash(text) and "Derniers résultats" in text
    ]
    assert numbers
    runs = [run for number in numbers for run in text_runs(kit.path, number)]
    checked = 0
    for result, _previous in latest_results(page.chart.results):
        shown = [run for run in runs if run.text == value_text(result, "fr")]
        assert shown, result.label
        abnormal = result.flag in ABNORMAL
        assert shown[0].bold == abnormal, (result.label, result.flag)
        checked += abnormal
    assert checked
    symbols = {run.text for run in runs if run.bold}
    assert symbols & {"▲", "▲▲", "▼", "▼▼", "!"}


def test_the_blank_forms_are_all_there_with_the_bedside_checks(pages: list[str]) -> None:
    flat = _squash(" ".join(pages))
    for title in (
        "PRESCRIPTION MÉDICAMENTEUSE",
        "DEMANDE D'EXAMENS",
        "FICHE DE TRANSFUSION",
        "ADMISSION (mode dégradé)",
    ):
        assert title in flat
    for check in (
        "Contrôle ultime de compatibilité",
        "Concordance patient",
        "Vérifié par 2 soignants",
        "N° DE SECOURS",
    ):
        assert check in flat


def test_the_procedures_of_the_units_care_processes_are_printed(
    pages: list[str], content: UnitKitContent, demo_map: HospitalMap
) -> None:
    flat = _squash(" ".join(pages))
    expected = procedures_for_unit(demo_map, UNIT)
    assert expected.sheets and expected.uncovered
    for sheet in expected.sheets:
        assert _squash(sheet.procedure.title) in flat
        assert _squash(sheet.procedure.steps[0])[:40] in flat
    for name in expected.uncovered:
        assert name in flat


def test_pages_render_to_png_with_allergies_in_a_black_banner(
    kit: KitFile, pages: list[str], content: UnitKitContent, tmp_path: Path
) -> None:
    allergic = next(p for p in content.patients if p.chart.allergies)
    patient = allergic.chart.patient
    header = f"{display_name(patient.family, patient.given)} IPP {patient.mrn}"
    number = next(i for i, text in enumerate(pages, start=1) if header in _squash(text))
    image = Image.open(render_png(kit.path, number, tmp_path)).convert("L")
    width, height = image.size
    assert (width, height) == (round(595.28 / 72 * 40), round(841.89 / 72 * 40))
    # The banner: a solid block of black, full width, below the identity block (grid lines are thin).
    assert _tallest_black_band(image) >= 8
    other = next(p for p in content.patients if not p.chart.allergies and not p.chart.alerts)
    header = (
        f"{display_name(other.chart.patient.family, other.chart.patient.given)} IPP {other.chart.patient.mrn}"
    )
    number = next(i for i, text in enumerate(pages, start=1) if header in _squash(text))
    assert _tallest_black_band(Image.open(render_png(kit.path, number, tmp_path)).convert("L")) < 4


def _tallest_black_band(image: Image.Image) -> int:
    width, height = image.size
    tallest = run = 0
    for y in range(height // 8, height // 2):
        dark = sum(image.getpixel((x, y)) < 60 for x in range(width // 10, width * 9 // 10))  # type: ignore[operator]
        run = run + 1 if dark > width * 0.6 else 0
        tallest = max(tallest, run)
    return tallest


def test_an_english_kit_on_letter_paper(content: UnitKitContent, tmp_path: Path) -> None:
    kit = render_kit(content, tmp_path, "en", "letter")
    assert page_size(kit.path) == (612, 792)
    pages = page_texts(kit.path)
    assert all(f"Page {n} of {len(pages)}" in _squash(text) for n, text in enumerate(pages, start=1))
    flat = _squash(" ".join(pages))
    assert "CONFIDENTIAL / CONFIDENTIEL" in flat and "Census" in flat and "Medication chart" in flat
    assert "TRANSFUSION RECORD" in flat and "Bedside ABO test card" in flat


def test_a_failed_print_leaves_the_previous_kit_whole(
    content: UnitKitContent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render_kit(content, tmp_path, "fr", "a4")
    before = first.path.read_bytes()

    def broken(*_args: object) -> list[object]:
        raise RuntimeError("printer on fire")

    monkeypatch.setattr("bascule.kits.assemble.blank_forms", broken)
    with pytest.raises(RuntimeError):
        render_kit(content, tmp_path, "fr", "a4", printed_at=datetime.now().astimezone())
    assert first.path.read_bytes() == before
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_unit_without_patients_still_gets_forms_and_procedures(
    tmp_path: Path, demo_map: HospitalMap
) -> None:
    from bascule.clinical.records import CareLocation
    from bascule.errors import UserError

    path = tmp_path / "store.sqlite"
    with ContinuityStore.open(path) as store:
        store.write([CareLocation(id="urgences", version="1", name="Urgences", kind="unit")])
        with pytest.raises(UserError, match="holds no data yet"):
            gather(store, "urgences", procedures_for_unit(demo_map, "urgences"))
        at = datetime(2026, 3, 10, 7).astimezone()
        store.refresh([], data_time=at, refreshed_at=at, source="test", hospital_id="chvo")
        content = gather(store, "urgences", procedures_for_unit(demo_map, "urgences"))
    kit = render_kit(content, tmp_path, "fr", "a4")
    flat = _squash(" ".join(page_texts(kit.path)))
    assert "Aucun patient hospitalisé dans l'unité." in flat
    assert "FICHE DE TRANSFUSION" in flat and "Procédures dégradées" in flat
    assert kit.patients == 0 and kit.pages >= 7
