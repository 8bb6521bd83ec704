"""What the printed sheet says for results and identities an EHR exported: a blood pressure panel,
a troponin below the detection limit, a text result, an abnormal flag, a value not performed, the
MRN above its barcode, and a patient without MRN marked as such (never a barcode of the FHIR id).
Read on the page with pdftotext."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reportlab.graphics.barcode.code128 import Code128

from bascule.cli import main
from bascule.kits.content import PatientPage
from bascule.kits.frame import content_width, make_styles
from bascule.kits.patient_sheet import _identity
from bascule.snapshot.store import ContinuityStore

LOINC = "http://loinc.org"
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
WHEN = "2026-03-10T06:00:00Z"


def observation(rid: str, patient: str, code: dict[str, Any], **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": code,
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": WHEN,
        **value,
    }


def export(folder: Path) -> None:
    mr = {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}],
        "text": "MRN",
    }
    resources = {
        "Location": [
            {
                "resourceType": "Location",
                "id": "ward-7",
                "name": "Ward 7",
                "physicalType": {"coding": [{"code": "wa"}]},
            },
            *(
                {
                    "resourceType": "Location",
                    "id": f"bed-{n}",
                    "name": f"Bed {n}",
                    "physicalType": {"coding": [{"code": "bd"}]},
                    "partOf": {"reference": "Location/ward-7"},
                }
                for n in (1, 2)
            ),
        ],
        "Patient": [
            {
                "resourceType": "Patient",
                "id": "pat-fhir-id-a",
                "name": [{"use": "official", "family": "Okafor", "given": ["Grace"]}],
                "identifier": [
                    {
                        "use": "usual",
                        "type": {"text": "EPI"},
                        "system": "urn:oid:1.2.840.114350.1",
                        "value": "E4007",
                    },
                    {"use": "usual", "type": mr, "system": "urn:oid:1.2.840.114350.14", "value": "203713"},
                ],
            },
            {
                "resourceType": "Patient",
                "id": "pat-fhir-id-b",
                "name": [{"use": "official", "family": "Nguyen", "given": ["Bao"], "suffix": ["Jr."]}],
                "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009"}],
            },
        ],
        "Encounter": [
            {
                "resourceType": "Encounter",
                "id": f"enc-{letter}",
                "status": "in-progress",
                "class": {"code": "IMP"},
                "subject": {"reference": f"Patient/pat-fhir-id-{letter}"},
                "location": [{"location": {"reference": f"Location/bed-{n}"}}],
                "period": {"start": "2026-03-09T10:00:00Z"},
            }
            for letter, n in (("a", 1), ("b", 2))
        ],
        "AllergyIntolerance": [
            {  # as Epic sends an allergy a nurse recorded and no one has confirmed yet
                "resourceType": "AllergyIntolerance",
                "id": "alg-unconfirmed",
                "clinicalStatus": {"coding": [{"code": "active"}]},
                "verificationStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                            "code": "unconfirmed",
                        }
                    ]
                },
                "code": {"text": "Latex"},
                "patient": {"reference": "Patient/pat-fhir-id-a"},
            },
            {
                "resourceType": "AllergyIntolerance",
                "id": "alg-confirmed",
                "clinicalStatus": {"coding": [{"code": "active"}]},
                "verificationStatus": {"coding": [{"code": "confirmed"}]},
                "code": {"text": "Penicillin"},
                "patient": {"reference": "Patient/pat-fhir-id-a"},
            },
        ],
        "Observation": [
            observation(
                "bp",
                "pat-fhir-id-a",
                {"coding": [{"system": LOINC, "code": "85354-9"}], "text": "Blood pressure"},
                component=[
                    {
                        "code": {"coding": [{"system": LOINC, "code": "8480-6"}]},
                        "valueQuantity": {"value": 120, "unit": "mm[Hg]"},
                    },
                    {
                        "code": {"coding": [{"system": LOINC, "code": "8462-4"}]},
                        "valueQuantity": {"value": 80, "unit": "mm[Hg]"},
                    },
                ],
            ),
            observation(
                "trop",
                "pat-fhir-id-a",
                {"coding": [{"system": LOINC, "code": "10839-9"}], "text": "Troponin I"},
                valueQuantity={"value": 0.01, "comparator": "<", "unit": "ng/mL"},
            ),
            observation(
                "k",
                "pat-fhir-id-a",
                {"coding": [{"system": LOINC, "code": "2823-3"}], "text": "Potassium"},
                valueQuantity={"value": 6.9, "unit": "mmol/L"},
                interpretation=[{"coding": [{"system": V3, "code": "HH"}]}],
                referenceRange=[{"low": {"value": 3.5}, "high": {"value": 5.1}}],
            ),
            observation(
                "cyto",
                "pat-fhir-id-a",
                {"text": "Urine cytology"},
                valueString="Negative for malignant cells",
            ),
            observation(
                "lactate",
                "pat-fhir-id-a",
                {"coding": [{"system": LOINC, "code": "2524-7"}], "text": "Lactate"},
                dataAbsentReason={"coding": [{"code": "not-performed"}]},
            ),
        ],
    }
    folder.mkdir()
    for items in resources.values():
        for item in items:  # the data time: results of the hour before are recent
            item["meta"] = {"lastUpdated": "2026-03-10T07:00:00Z"}
    for kind, items in resources.items():
        (folder / f"{kind}.ndjson").write_text("\n".join(json.dumps(item) for item in items) + "\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    export(folder / "nd")
    path = folder / "store.sqlite"
    assert main(["snapshot", "import", str(folder / "nd"), "--store", str(path)], {"USER": "nurse1"}) == 0
    return path


def render(store: Path, out: Path, lang: str) -> Path:
    code = main(
        ["kits", "--store", str(store), "--unit", "ward-7", "--out", str(out), "--lang", lang],
        {"USER": "nurse1"},
    )
    assert code == 0
    return out / "kit-ward-7.pdf"


def pdf_text(pdf: Path, *, layout: bool) -> str:
    """The pages' text: laid out as printed (rows on one line), or in reading order (a wrapped
    cell's lines together)."""
    argv = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def sheet_of(text: str, family: str) -> str:
    """The pages that carry the patient's name in their header, whitespace collapsed."""
    mine = [page for page in text.split("\f") if family.upper() in page]
    assert mine, family
    return " ".join(" ".join(mine).split())


def test_the_sheet_prints_results_as_the_lab_sent_them(store: Path, tmp_path: Path) -> None:
    pdf = render(store, tmp_path, "en")
    laid_out = pdf_text(pdf, layout=True)
    rows = [" ".join(line.split()) for line in laid_out.splitlines()]
    assert "Blood pressure 120/80 mmHg 10/03 06:00" in rows
    assert "Troponin I <0.01 ng/mL 10/03 06:00" in rows
    assert "Potassium 6.9 mmol/L ▲▲ 3.5 – 5.1 10/03 06:00" in rows  # the critical flag, bold row
    flowing = sheet_of(pdf_text(pdf, layout=False), "Okafor")
    assert "Urine cytology Negative for malignant cells" in flowing
    assert "Lactate no value (not performed)" in flowing


def test_the_french_sheet_says_non_realise(store: Path, tmp_path: Path) -> None:
    flowing = sheet_of(pdf_text(render(store, tmp_path, "fr"), layout=False), "Okafor")
    assert "Lactate pas de valeur (non réalisé)" in flowing


def test_the_mrn_is_printed_and_a_patient_without_one_is_marked(store: Path, tmp_path: Path) -> None:
    text = pdf_text(render(store, tmp_path, "en"), layout=False)
    with_mrn, without = sheet_of(text, "Okafor"), sheet_of(text, "Nguyen")
    assert "MRN 203713" in with_mrn
    assert "E4007" not in text  # the enterprise id is not the MRN
    assert "NO MRN — identify by name and date of birth" in without
    assert "NGUYEN Bao Jr." in without and "NHS number : 9000000009" in without
    assert "pat-fhir-id" not in text


def test_the_barcode_encodes_the_mrn_and_nothing_else(store: Path) -> None:
    with ContinuityStore.open(store) as opened:
        at = opened.data_time
        census = opened.census(at=at)
        entries = {entry.family: entry for unit in census for entry in unit.patients}
        barcodes = {}
        for family in ("Okafor", "Nguyen"):
            chart = opened.chart(entries[family].patient_id, at=at)
            assert chart is not None
            block = _identity(
                PatientPage(chart=chart, entry=entries[family], doses=()),
                make_styles(),
                "en",
                content_width("a4"),
                opened.timezone,
            )
            right = block._cellvalues[0][1]
            barcodes[family] = [item.value for item in right if isinstance(item, Code128)]
    assert barcodes == {"Okafor": ["203713"], "Nguyen": []}


def test_an_unconfirmed_allergy_is_printed_and_marked_so(store: Path, tmp_path: Path) -> None:
    english = sheet_of(pdf_text(render(store, tmp_path, "en"), layout=False), "Okafor")
    assert "Latex (unconfirmed)" in english
    assert "Penicillin" in english and "Penicillin (unconfirmed)" not in english
    french = sheet_of(pdf_text(render(store, tmp_path / "fr", "fr"), layout=False), "Okafor")
    assert "Latex (non confirmée)" in french
