"""Sample labels and a run's manifest on paper, read back with pdftotext: the patient reference
whole (a 44-character one too), the barcode's number, the manifest's count and no name."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.lab_store import demo_store, known_mrns
from tests.pdf_text import printed

from bascule.cli import main
from bascule.clinical.records import Patient
from bascule.snapshot.store import ContinuityStore

pytestmark = pytest.mark.integration
LONG_REF = "0f8e2a4c-9b1d-4e7a-8c3f-2d6b5a9e1c47-LONGUUID"


def bascule(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args, environ={"USER": "ide1"})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_labels_and_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = demo_store(tmp_path)
    mrn = known_mrns(store)[0]
    with ContinuityStore.open(store) as opened:  # a hospital whose MRNs are long UUIDs
        opened.write([Patient(id="pat-long-ref", version="1", family="Long", given="Ref", mrn=LONG_REF)])
    numbers = []
    for ref in (mrn, LONG_REF):
        code, out, err = bascule(
            [
                "lab",
                "collect",
                "--store",
                str(store),
                "--patient",
                ref,
                "--test",
                "test-troponin",
                "--unit",
                "urgences",
                "--when",
                "2026-12-06T08:00+01:00",
                "--lang",
                "en",
            ],
            capsys,
        )
        assert code == 0, err
        numbers.append(out.split(":")[0])
    labels = tmp_path / "labels.pdf"
    assert (
        bascule(
            ["lab", "labels", "--store", str(store), "--out", str(labels), *numbers, "--lang", "en"], capsys
        )[0]
        == 0
    )
    text = printed(labels)
    assert all(number in text for number in numbers)
    assert f"Patient: {mrn}" in text and "Troponine" in text and "Collected 06/12 08:00 · urgences" in text
    assert LONG_REF in text.replace(" ", "")
    assert bascule(["lab", "run", "start", "--store", str(store), "ch-yvette"], capsys)[0] == 0
    assert bascule(["lab", "run", "add", "--store", str(store), "RUN-0001", *numbers], capsys)[0] == 0
    manifest = tmp_path / "manifest.pdf"
    code, _, err = bascule(
        ["lab", "manifest", "--store", str(store), "RUN-0001", "--out", str(manifest), "--lang", "en"], capsys
    )
    assert code == 0, err
    text = printed(manifest)
    assert "Run manifest RUN-0001" in text and "Destination: Centre hospitalier de l'Yvette" in text
    assert "2 sample(s)" in text and "Handed over by" in text and "Received by" in text
    assert all(number in text for number in numbers)
    french = tmp_path / "bordereau.pdf"
    assert (
        bascule(["lab", "manifest", "--store", str(store), "RUN-0001", "--out", str(french)], capsys)[0] == 0
    )
    text = printed(french)
    assert "Bordereau de navette RUN-0001" in text and "2 échantillon(s)" in text
    assert "critique" in text and "critical" not in text  # the priority in the reader's words


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["lab", "labels"], "Name the samples"),
        (["lab", "labels", "S000001-4"], "No sample S000001-4"),
        (["lab", "manifest", "RUN-0001"], "no transport run"),
    ],
)
def test_paper_refusals_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], sentence: str
) -> None:
    store = tmp_path / "store.sqlite"
    ContinuityStore.open(store).close()
    out = tmp_path / "x.pdf"
    code, _, err = bascule([*args, "--store", str(store), "--out", str(out)], capsys)
    assert code == 2 and sentence in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
