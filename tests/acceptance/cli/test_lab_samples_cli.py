"""`bascule lab collect|scan|run|result|confirm|late|samples` as the wards, the couriers and the
laboratory use them during the pathology supplier's outage: a barcode scanner typing codes into
`lab scan`, a run to the CHU de la Bièvre with a tube lost, a critical value phoned and confirmed.
Every refusal: exit 2, one sentence, nothing stored changed."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from tests.lab_store import demo_store, known_mrns

from bascule.cli import main
from bascule.downtime.numbers import DowntimeNumber

TABLES = ("lab_samples", "lab_sample_events", "lab_runs", "lab_downtime_results")
T0 = "2026-12-06T08:00+01:00"
WRISTBAND = DowntimeNumber("CHVO", "URG1", 7).text
MISCOPIED = WRISTBAND[:-1] + ("A" if WRISTBAND[-1] != "A" else "B")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args, environ={"USER": "ide1"})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in TABLES
        }


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return demo_store(tmp_path)


@pytest.fixture
def mrn(store: Path) -> str:
    return known_mrns(store)[0]


def collect(store: Path, capsys: pytest.CaptureFixture[str], test: str = "test-kalium") -> str:
    patient = known_mrns(store)[0]
    code, out, err = run(
        [
            "lab",
            "collect",
            "--store",
            str(store),
            "--patient",
            patient,
            "--test",
            test,
            "--unit",
            "urgences",
            "--scenario",
            "pathology-supplier",
            "--when",
            T0,
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 0, err
    return out.split(":")[0]


def test_a_day_through_the_cli(
    store: Path, mrn: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = [collect(store, capsys) for _ in range(4)]
    walked, bievre, lost, forgotten = numbers
    # The scanner types the walked-in tube twice: the second is "already". No --lang: the demo
    # hospital is French, and the store does not say otherwise.
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{walked}\n{walked.lower()}\n"))
    code, out, _ = run(
        ["lab", "scan", "--store", str(store), "--step", "received", "--at", "lab", "--when", T0], capsys
    )
    assert code == 0 and out.splitlines() == [f"{walked} : reçu.", f"{walked} : déjà reçu."]
    assert run(["lab", "run", "start", "--store", str(store), "chu-bievre", "--lang", "en"], capsys)[
        1
    ].startswith("Run RUN-0001 to chu-bievre open.")
    assert run(["lab", "run", "add", "--store", str(store), "RUN-0001", bievre, lost], capsys)[0] == 0
    assert run(["lab", "run", "depart", "--store", str(store), "run-0001"], capsys)[0] == 0
    code, out, _ = run(
        ["lab", "run", "receive", "--store", str(store), "RUN-0001", bievre, "--lang", "en"], capsys
    )
    assert code == 0 and out.splitlines() == [
        "Run RUN-0001 received: 1 arrived, 1 missing.",
        f"Missing in transport: {lost}",
    ]
    code, out, _ = run(
        [
            "lab",
            "result",
            "--store",
            str(store),
            bievre,
            "--value",
            "6.9",
            "--unit",
            "mmol/L",
            "--flag",
            "critical",
            "--phone",
            "--read-back",
            "--as",
            "bio1",
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 0 and "held until a second person confirms" in out
    code, out, _ = run(["lab", "results", "--store", str(store), "--patient", mrn, "--json"], capsys)
    assert json.loads(out) == {"results": [], "awaiting_confirmation": 1}
    assert run(["lab", "confirm", "--store", str(store), bievre, "--as", "bio2"], capsys)[0] == 0
    code, out, _ = run(["lab", "results", "--store", str(store), "--patient", mrn, "--json"], capsys)
    document = json.loads(out)
    assert document["awaiting_confirmation"] == 0
    assert [(r["sample"], r["value"], r["flag"]) for r in document["results"]] == [
        (bievre, "6.9", "critical")
    ]
    code, out, _ = run(
        ["lab", "late", "--store", str(store), "--json", "--when", "2026-12-06T14:00+01:00"], capsys
    )
    document = json.loads(out)
    assert code == 0 and document["late_after_hours"] == 4
    assert sorted(s["number"] for s in document["late"]) == sorted([walked, lost, forgotten])
    assert [s["number"] for s in document["missing_in_transport"]] == [lost]
    code, out, _ = run(["lab", "samples", "--store", str(store), "--json"], capsys)
    assert [s["state"] for s in json.loads(out)["samples"]] == ["received", "resulted", "sent", "collected"]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["lab", "collect", "--patient", "PATIENT", "--test", "test-kalum", "--unit", "urgences"],
            "did you mean",
        ),
        (
            [
                "lab",
                "collect",
                "--patient",
                "PATIENT",
                "--test",
                "test-hba1c",
                "--unit",
                "urgences",
                "--scenario",
                "pathology-supplier",
            ],
            "test-hba1c",
        ),
        (
            ["lab", "collect", "--patient", " ", "--test", "test-hb", "--unit", "urgences"],
            "needs its patient",
        ),
        (
            [
                "lab",
                "collect",
                "--patient",
                "PATIENT",
                "--test",
                "test-hb",
                "--unit",
                "urgences",
                "--priority",
                "asap",
            ],
            "priority",
        ),
        (
            [
                "lab",
                "collect",
                "--patient",
                "PATIENT",
                "--test",
                "test-hb",
                "--unit",
                "urgences",
                "--when",
                "8h",
            ],
            "not a time",
        ),
        (
            ["lab", "collect", "--patient", "700999999", "--test", "test-hb", "--unit", "urgences"],
            "neither a downtime number nor an MRN this store knows",
        ),
        (
            ["lab", "collect", "--patient", MISCOPIED, "--test", "test-hb", "--unit", "urgences"],
            "check character",
        ),
        (
            ["lab", "collect", "--patient", "PATIENT", "--test", "test-hb", "--unit", "urgence"],
            "no care unit 'urgence' (did you mean \"urgences\"?)",
        ),
        (["lab", "result", "NUMBER", "--value", "6.9", "--flag", "critical", "--phone"], "read back"),
        (["lab", "result", "NUMBER", "--value", "6.9", "--flag", "odd"], "flag"),
        (["lab", "result", "S000099-X", "--value", "6.9", "--flag", "normal"], "check character"),
        (["lab", "confirm", "NUMBER"], "no result"),
        (["lab", "result", "NUMBER", "--value", "1", "--flag", "normal", "--amend"], "no result"),
        (["lab", "run", "start", "chu-bievr"], "did you mean"),
        (["lab", "run", "depart", "RUN-0009"], "no transport run"),
        (["lab", "scan", "NUMBER", "--step", "lost", "--at", "lab"], "step"),
    ],
)
def test_every_refusal_is_one_sentence_and_changes_nothing(
    store: Path, mrn: str, capsys: pytest.CaptureFixture[str], args: list[str], sentence: str
) -> None:
    number = collect(store, capsys)
    run(["lab", "scan", "--store", str(store), "--step", "received", "--at", "lab", number], capsys)
    before = stored(store)
    given = [a.replace("NUMBER", number).replace("PATIENT", mrn) for a in args]
    code, out, err = run([*given, "--store", str(store)], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and sentence in err and "Traceback" not in err
    patient = given[given.index("--patient") + 1] if "--patient" in given else mrn
    assert mrn not in err and (not patient.strip() or patient not in err)
    assert stored(store) == before


def test_scanning_answers_every_line_and_fails_if_one_is_refused(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    number = collect(store, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{number}\n\nS000001-Q\n"))
    code, out, err = run(["lab", "scan", "--store", str(store), "--step", "sent", "--at", "urgences"], capsys)
    assert code == 2
    assert out.splitlines() == [f"{number} : envoyé."]
    assert "caractère de contrôle" in err


def test_a_downtime_number_is_taken_in_its_printed_form(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = WRISTBAND.lower().replace("-", " - ")
    args = [
        "lab",
        "collect",
        "--store",
        str(store),
        "--patient",
        typed,
        "--test",
        "test-hb",
        "--unit",
        "urgences",
    ]
    code, out, err = run([*args, "--when", T0, "--lang", "en"], capsys)
    assert code == 0, err
    code, out, _ = run(["lab", "samples", "--store", str(store), "--json"], capsys)
    assert [s["patient"] for s in json.loads(out)["samples"]] == [WRISTBAND]
    number = json.loads(out)["samples"][0]["number"]
    run(["lab", "scan", "--store", str(store), "--step", "received", "--at", "lab", number], capsys)
    result = ["lab", "result", "--store", str(store), number, "--value", "12", "--unit", "g/dL"]
    assert run([*result, "--flag", "normal"], capsys)[0] == 0
    code, out, _ = run(["lab", "results", "--store", str(store), "--patient", typed, "--json"], capsys)
    assert code == 0 and [r["value"] for r in json.loads(out)["results"]] == ["12"]
    code, out, err = run(["lab", "results", "--store", str(store), "--patient", MISCOPIED], capsys)
    assert code == 2 and out == "" and "check character" in err and MISCOPIED not in err


def test_french_without_lang_and_english_with_it(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A French hospital's commands speak French, priorities and flags included; --lang en wins."""
    args = ["lab", "collect", "--store", str(store), "--patient", known_mrns(store)[0], "--unit", "urgences"]
    code, out, err = run([*args, "--test", "test-kalium", "--when", T0], capsys)
    assert code == 0 and "prélevé (critique), unité urgences." in out, err
    number = out.split(" ")[0]
    code, out, _ = run(["lab", "samples", "--store", str(store)], capsys)
    assert code == 0 and f"{number}  test-kalium  critique  prélevé  urgences" in out
    run(["lab", "scan", "--store", str(store), "--step", "received", "--at", "lab", number], capsys)
    result = ["lab", "result", "--store", str(store), number, "--value", "3.1", "--unit", "mmol/L"]
    code, out, _ = run([*result, "--flag", "abnormal"], capsys)
    assert code == 0 and out.strip() == f"{number} : résultat saisi (anormal)."
    code, out, _ = run(["lab", "results", "--store", str(store), "--patient", known_mrns(store)[0]], capsys)
    assert code == 0 and out.strip() == f"{number}  test-kalium  3.1 mmol/L  anormal"
    code, out, _ = run(["lab", "samples", "--store", str(store), "--lang", "en"], capsys)
    assert code == 0 and f"{number}  test-kalium  critical  resulted  urgences" in out
