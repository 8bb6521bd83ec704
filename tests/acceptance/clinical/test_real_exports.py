"""Real-shaped FHIR bulk exports (Synthea, Epic, Cerner, Medplum; `tests/corpus/`), imported and printed
as a user would: `python -m bascule snapshot import DIR --json`, then `bascule kits --all`, the PDFs read
back with `pdftotext`. Every expectation comes from the corpus's own `EXPECTED.json`, written by hand
from the resources and the FHIR R4 specification, never from running Bascule."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.peers import require_peer

import bascule

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
MAP = CORPUS / "map.yaml"
STYLES = ("synthea", "epic", "cerner", "medplum")
UNITS = ("medecine", "accueil-urgences", "chirurgie", "cardiologie", "soins-intensifs")
# Tables that record the import itself, not the hospital's data.
BOOKKEEPING = frozenset({"store_meta", "store_rejects"})


def expected(style: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / style / "EXPECTED.json").read_text(encoding="utf-8"))
    return data


def resource_lines(style: str) -> dict[str, int]:
    """How many resources of each type the export holds, from the lines themselves."""
    counts: dict[str, int] = {}
    for path in sorted((CORPUS / style).glob("*.ndjson")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                kind = json.loads(line)["resourceType"]
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Kit:
    """One unit's PDF as text: pages in layout mode (rows stay on one line) and in content-stream
    order (a table cell's wrapped lines stay together)."""

    layout: list[str]
    raw: list[str]

    def census_lines(self) -> list[str]:
        return [line for page in self.layout if _has_title(page, "census") for line in page.splitlines()]

    def not_placed_text(self) -> str:
        return flat("\n".join(page for page in self.layout if "patients not placed" in page.casefold()))

    def sheet(self, family: str) -> tuple[str, str]:
        """A patient's sheet pages, (layout text, flattened raw text); the name is in each page's header."""
        chosen = [i for i, page in enumerate(self.layout) if _in_header(page, family)]
        return "\n".join(self.layout[i] for i in chosen), flat(" ".join(self.raw[i] for i in chosen))


def _has_title(page: str, title: str) -> bool:
    return any(line.strip().casefold() == title for line in page.splitlines())


def _in_header(page: str, family: str) -> bool:
    lines = [line for line in page.splitlines() if line.strip()][:3]
    return any(family.casefold() in line.casefold() for line in lines) and not _has_title(page, "census")


@dataclass
class Imported:
    style: str
    store: Path
    report: dict[str, Any]
    human: str
    kits: dict[str, Kit] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)

    def sheet(self, patient: dict[str, Any]) -> tuple[str, str]:
        for kit in self.kits.values():
            layout, raw = kit.sheet(patient["family"])
            if raw:
                return layout, raw
        return "", ""


def bascule_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    source = str(Path(bascule.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "bascule", *argv], capture_output=True, text=True, env=env, check=False
    )


def pdf_pages(pdf: Path, *mode: str) -> list[str]:
    done = subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")


def record_rows(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(store) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(db.execute(f'SELECT * FROM "{table}"'), key=repr)
            for table in tables
            if table not in BOOKKEEPING
        }


def json_report(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The import's --json document, or why there is none (so the kits stay checkable)."""
    if done.returncode != 0:
        return {"failed": done.stderr.strip()}
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        return {"failed": f"stdout is not one JSON document: {done.stdout[:200]!r}"}
    return report


@pytest.fixture(scope="module")
def exports() -> dict[str, Imported]:
    return {}


@pytest.fixture
def imported(
    request: pytest.FixtureRequest, exports: dict[str, Imported], tmp_path_factory: pytest.TempPathFactory
) -> Imported:
    """Each export imported and printed once for the module, whichever test asks first."""
    style: str = request.param
    if style not in exports:
        exports[style] = import_and_print(style, tmp_path_factory)
    return exports[style]


def import_and_print(style: str, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    work = tmp_path_factory.mktemp(f"real-{style}")
    store = work / "store.sqlite"
    folder, map_ = str(CORPUS / style), str(MAP)
    done = bascule_cli("snapshot", "import", folder, "--store", str(store), "--map", map_, "--json")
    report = json_report(done)
    human = bascule_cli("snapshot", "import", folder, "--store", str(work / "human.sqlite"), "--map", map_)
    assert human.returncode == 0, human.stderr
    if "failed" in report:  # keep the printed kits checkable whatever the report's fate
        store = work / "human.sqlite"
    result = Imported(style, store, report, human.stdout + human.stderr, expect=expected(style))
    out = work / "kits"
    done = bascule_cli(
        "kits", "--store", str(store), "--all", "--out", str(out), "--lang", "en",
        "--map", str(MAP), "--workers", "1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for pdf in sorted(out.glob("*.pdf")):
        result.kits[pdf.stem.removeprefix("kit-")] = Kit(pdf_pages(pdf, "-layout"), pdf_pages(pdf, "-raw"))
    return result


def patients() -> Iterator[Any]:
    for style in STYLES:
        for patient in expected(style)["patients"]:
            yield pytest.param(style, patient, id=f"{style}-{patient['family']}")


each_export = pytest.mark.parametrize("imported", STYLES, indirect=True)
each_patient = pytest.mark.parametrize(("imported", "patient"), list(patients()), indirect=["imported"])


# --- the import's report ---------------------------------------------------------------------------


@each_export
def test_unused_types_are_skipped_per_type_and_nothing_is_rejected(imported: Imported) -> None:
    report = imported.report
    assert "failed" not in report, report
    assert report["skipped"] == imported.expect["skipped"]
    assert report["rejected"] == []
    assert report["imported"] + sum(report["skipped"].values()) == sum(
        resource_lines(imported.style).values()
    )


@each_export
def test_the_data_time_is_the_exports_transaction_time(imported: Imported) -> None:
    assert "failed" not in imported.report, imported.report
    moment = datetime.fromisoformat(imported.report["data_time"].replace("Z", "+00:00"))
    assert moment == datetime.fromisoformat(imported.expect["transaction_time"].replace("Z", "+00:00"))
    for unit, kit in imported.kits.items():
        header = kit.layout[0].splitlines()[0]
        assert all(part in header for part in imported.expect["cover"]), (unit, header)


@each_export
def test_importing_the_same_export_again_writes_nothing_new(imported: Imported) -> None:
    before = record_rows(imported.store)
    done = bascule_cli(
        "snapshot", "import", str(CORPUS / imported.style), "--store", str(imported.store), "--map", str(MAP)
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert record_rows(imported.store) == before


# --- census ----------------------------------------------------------------------------------------


@each_export
def test_kits_are_named_after_the_maps_units(imported: Imported) -> None:
    # One kit per map unit, and one for the patients placed in none, only when there are some.
    assert set(imported.kits) - {"not-placed"} <= set(UNITS), sorted(imported.kits)
    assert ("not-placed" in imported.kits) == bool(imported.expect["not_placed"])
    assert {patient["unit"] for patient in imported.expect["patients"]} <= set(imported.kits)


@each_patient
def test_each_open_stay_is_in_the_census_of_its_unit_only(
    imported: Imported, patient: dict[str, Any]
) -> None:
    family = patient["family"].casefold()
    found = {
        unit: [line for line in kit.census_lines() if family in line.casefold()]
        for unit, kit in imported.kits.items()
    }
    assert len(found.get(patient["unit"], [])) == 1, found
    assert [unit for unit, lines in found.items() if lines] == [patient["unit"]]
    if patient["bed"]:
        assert re.search(rf"(^|\s){re.escape(patient['bed'])}(\s|$)", found[patient["unit"]][0]), found
    for kit in imported.kits.values():
        assert family not in kit.not_placed_text()


@pytest.mark.parametrize("imported", [s for s in STYLES if expected(s)["not_placed"]], indirect=True)
def test_an_open_stay_no_unit_covers_is_on_every_kits_not_placed_page(imported: Imported) -> None:
    for patient in imported.expect["not_placed"]:
        for unit, kit in imported.kits.items():
            if unit == "not-placed":  # their own kit: its census lists them, with their sheets
                assert any(patient["family"].casefold() in line.casefold() for line in kit.census_lines())
                assert kit.sheet(patient["family"])[1], "no sheet in the not-placed kit"
                continue
            assert patient["family"].casefold() in kit.not_placed_text(), unit
            assert all(patient["family"].casefold() not in line.casefold() for line in kit.census_lines())
        # reported by the import, by id (never by name)
        assert patient["id"] in imported.human or patient["encounter"] in imported.human
        assert patient["family"].casefold() not in imported.human.casefold()


@pytest.mark.parametrize("imported", [s for s in STYLES if expected(s)["not_inpatients"]], indirect=True)
def test_a_finished_stay_puts_nobody_in_a_census(imported: Imported) -> None:
    for patient in imported.expect["not_inpatients"]:
        for kit in imported.kits.values():
            assert all(patient["family"].casefold() not in line.casefold() for line in kit.census_lines())
            assert patient["family"].casefold() not in kit.not_placed_text()


# --- the patient's sheet ---------------------------------------------------------------------------


@each_patient
def test_identity_mrn_and_attending_are_on_the_sheet(imported: Imported, patient: dict[str, Any]) -> None:
    _, sheet = imported.sheet(patient)
    assert sheet, "no sheet"
    assert patient["mrn"].casefold() in sheet
    if patient["attending"]:
        assert patient["attending"].casefold() in sheet
    for problem in patient.get("problems", []):
        assert problem.casefold() in sheet


@each_patient
def test_every_allergy_substance_is_on_the_sheet(imported: Imported, patient: dict[str, Any]) -> None:
    _, sheet = imported.sheet(patient)
    assert sheet, "no sheet"
    for substance in patient["allergies"]:
        assert substance.casefold() in sheet


@each_patient
def test_each_active_medication_prints_dose_route_and_times(
    imported: Imported, patient: dict[str, Any]
) -> None:
    _, sheet = imported.sheet(patient)
    assert sheet, "no sheet"
    for order in patient["medications"]:
        assert order["drug"].casefold() in sheet, order["drug"]
        if order.get("dose"):
            assert any(dose.casefold() in sheet for dose in order["dose"]), order
        if order.get("route"):
            assert any(re.search(rf"\b{re.escape(r.casefold())}\b", sheet) for r in order["route"]), order
        for moment in order.get("times", []):
            assert moment in sheet, order
        if order.get("as_needed"):
            assert "as needed" in sheet, order
    for name in patient.get("not_printed", []):
        assert name.casefold() not in sheet, name


VERBATIM = [p for p in patients() if any(o.get("see_prescription") for o in p.values[1]["medications"])]


@pytest.mark.parametrize(("imported", "patient"), VERBATIM, indirect=["imported"])
def test_what_cannot_be_scheduled_is_printed_verbatim_with_see_prescription(
    imported: Imported, patient: dict[str, Any]
) -> None:
    _, sheet = imported.sheet(patient)
    verbatim = [order for order in patient["medications"] if order.get("see_prescription")]
    assert sheet, "no sheet"
    assert "see prescription" in sheet
    for order in verbatim:
        assert flat(order["see_prescription"]) in sheet, order["see_prescription"]


WITH_RESULTS = [p for p in patients() if p.values[1]["results"]]


@pytest.mark.parametrize(("imported", "patient"), WITH_RESULTS, indirect=["imported"])
def test_results_print_their_value_time_and_flag(imported: Imported, patient: dict[str, Any]) -> None:
    layout, sheet = imported.sheet(patient)
    assert sheet, "no sheet"
    for result in patient["results"]:
        assert result["value"].casefold() in sheet, result
        if result.get("time"):
            assert result["time"] in sheet, result
        if result.get("flag"):
            rows = [line for line in layout.splitlines() if result["value"] in line]
            marks = [rf"(?<![A-Za-z]){re.escape(mark)}(?![A-Za-z])" for mark in result["flag"]]
            assert any(re.search(mark, row) for row in rows for mark in marks), rows
