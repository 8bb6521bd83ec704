"""The ward's printed results sheet (issue 19), read back with pdftotext: per patient reference,
released values with their unit, flag, time, channel and who confirmed them; an unconfirmed
critical value never printed, only counted with "appelez le laboratoire"; pages numbered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.lab_store import demo_store, known_mrns
from tests.lab_store import resulted as lab_result
from tests.pdf_text import printed

from bascule.cli import main
from bascule.downtime.numbers import DowntimeNumber
from bascule.laboratory.samples import log
from bascule.snapshot.store import ContinuityStore

pytestmark = pytest.mark.integration
MORNING = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)


def bascule(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args, environ={"USER": "ide1"})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def resulted(
    store: Path, patient: str, test: str, value: str, unit: str, flag: str, *, minutes: int = 0, **more: Any
) -> str:
    return lab_result(
        store, patient, test, value, unit, flag, at=MORNING + timedelta(minutes=minutes), **more
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return demo_store(tmp_path / "cell")


def test_the_emergency_units_sheet(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second, elsewhere = known_mrns(store)[:3]
    resulted(store, first, "test-kalium", "4.1", "mmol/L", "normal")
    troponin = resulted(store, first, "test-troponin", "2.5", "µg/L", "critical", phoned=True, minutes=5)
    log.confirm_result(store, troponin, by="bio2", at=MORNING + timedelta(hours=1))
    resulted(store, second, "test-hb", "5.9", "g/dL", "critical", minutes=10)  # never confirmed
    resulted(store, elsewhere, "test-crp", "87", "mg/L", "abnormal", ward="cardiologie")
    unnamed = DowntimeNumber("CHVO", "URG1", 42).text
    resulted(store, unnamed, "test-glucose", "7.2", "mmol/L", "normal", minutes=15)
    sheet = tmp_path / "sheet.pdf"
    args = ["lab", "sheet", "--store", str(store), "--unit", "urgences", "--out", str(sheet)]
    code, out, err = bascule([*args, "--when", "2026-12-06T09:30+01:00"], capsys)
    assert code == 0, err
    assert out.strip() == f"{sheet} écrit (1 page(s))."
    assert sheet.stat().st_mode & 0o077 == 0  # patient references: private
    text = printed(sheet)
    assert "Urgences et UHCD : résultats de laboratoire" in text and "Imprimé le 06/12/2026 09:30" in text
    assert "page 1/1" in text
    # Named by two identifiers, as the bedside check wants: the name and birth date beside the MRN.
    with ContinuityStore.open(store, readonly=True) as opened:
        patient = opened.patient_by_mrn(first)
    assert patient is not None and patient.birth_date is not None
    named = f"{patient.family.upper()} {patient.given}, né(e) le {patient.birth_date:%d/%m/%Y} — IPP {first}"
    assert named in text and f"— IPP {second}" in text
    # A downtime number is printed as such: its wristband names the patient.
    assert f"Patient (IPP / n° de secours) : {unnamed}" in text and "7.2 mmol/L" in text
    assert "4.1 mmol/L normal 06/12 08:50 laboratoire —" in text
    assert "2.5 µg/L ✱ critique 06/12 08:55 téléphone, relu bio2" in text
    assert "1 valeur(s) critique(s) en attente de confirmation : appelez le laboratoire." in text
    assert "En tout, 1 résultat(s) en attente de confirmation" in text
    assert "5.9" not in text and "g/dL" not in text  # the unconfirmed critical value: never printed
    assert elsewhere not in text and "87" not in text  # another unit's patient
    english = tmp_path / "sheet-en.pdf"
    assert bascule([*args[:-1], str(english), "--lang", "en"], capsys)[0] == 0
    text = printed(english)
    assert "2.5 µg/L ✱ critical" in text and "phone, read back bio2" in text
    assert "call the laboratory" in text and "5.9" not in text


def test_a_long_sheet_is_numbered(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for index, mrn in enumerate(known_mrns(store)[:20]):
        resulted(store, mrn, "test-kalium", f"4.{index}", "mmol/L", "normal", minutes=index)
    sheet = tmp_path / "sheet.pdf"
    code, out, err = bascule(
        ["lab", "sheet", "--store", str(store), "--unit", "urgences", "--out", str(sheet), "--lang", "en"],
        capsys,
    )
    assert code == 0 and "(2 page(s))" in out, err
    text = printed(sheet)
    assert "page 1/2" in text and "page 2/2" in text
    assert all(f"4.{index} mmol/L" in text for index in range(20))


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["--unit", "urgence"], 'did you mean "urgences"'),
        (["--unit", "urgences", "--map", "nowhere.yaml"], "nowhere.yaml"),
        (["--unit", "urgences", "--when", "9h30"], "not a time"),
    ],
)
def test_a_refused_sheet_writes_nothing(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], sentence: str
) -> None:
    sheet = tmp_path / "sheet.pdf"
    code, out, err = bascule(
        ["lab", "sheet", "--store", str(store), "--out", str(sheet), *args, "--lang", "en"], capsys
    )
    assert code == 2 and out == "" and sentence in err and len(err.strip().splitlines()) == 1
    assert not sheet.exists()


def test_no_store_no_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "sheet.pdf"
    args = [
        "lab",
        "sheet",
        "--store",
        str(tmp_path / "none.sqlite"),
        "--unit",
        "urgences",
        "--out",
        str(sheet),
    ]
    code, _, err = bascule(args, capsys)
    assert code == 2 and "no continuity store" in err and not sheet.exists()
