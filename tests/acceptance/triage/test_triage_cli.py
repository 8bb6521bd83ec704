"""`bascule triage` end to end on the demo hospital's synthetic store."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bascule.cli import main


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.sqlite"
    assert main(["synth", "--seed", "42", "--store", str(path)], {}) == 0
    return path


def contacts(store: Path) -> set[str]:
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT phone, email FROM patients").fetchall()
    return {value for row in rows for value in row if value}


def test_json_gives_a_proposal_per_activity_with_counts_and_ids_only(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        main(
            ["triage", "--store", str(store), "demo", "--scenario", "ransomware", "--days", "14", "--json"],
            {},
        )
        == 0
    )
    output = capsys.readouterr().out
    document = json.loads(output)
    proposals = document["proposals"]
    with sqlite3.connect(store) as db:
        (scheduled,) = db.execute("SELECT count(*) FROM activities").fetchone()
    assert len(proposals) == document["total"] == scheduled
    assert sum(sum(by_kind.values()) for by_kind in document["counts"].values()) == scheduled
    assert (
        sum(g[d] for g in document["groups"] for d in ("maintain", "postpone", "cancel", "divert"))
        == scheduled
    )
    assert {p["decision"] for p in proposals} <= {"maintain", "postpone", "cancel", "divert"}
    # Routine surgery is cancelled; every change gives its reason chain.
    assert all(
        p["decision"] == "cancel" for p in proposals if p["kind"] == "surgery" and p["urgency"] == "routine"
    )
    assert all(p["via"] for p in proposals if p["decision"] != "maintain")
    assert not any(value in output for value in contacts(store))


def test_tables_end_with_the_count_sentence(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert (
        main(["triage", "--store", str(store), "demo", "--scenario", "ransomware", "--lang", "en"], {}) == 0
    )
    output = capsys.readouterr().out
    assert "By day" in output and "By unit" in output and "By type" in output
    assert "consultations to postpone" in output and "operations to cancel" in output


def test_proposals_written_as_csv(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "proposals.csv"
    assert main(["triage", "--store", str(store), "--scenario", "ransomware", "--out", str(out)], {}) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows and set(rows[0]) >= {"activity", "patient", "decision", "reason", "via", "facility"}


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (["--store", "missing.sqlite"], "There is no continuity store at missing.sqlite"),
        (["--from", "tuesday"], "--from 'tuesday' is not a date"),
        (["--days", "0"], "--days must be at least 1."),
        (["--out", "proposals.txt"], "must end in .json or .csv."),
        (["--scenario", "nope"], "nope"),
    ],
)
def test_user_errors_are_one_sentence_with_exit_code_2(
    store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    sentence: str,
) -> None:
    given = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    if "--store" not in given:
        given = ["--store", str(store), *given]
    capsys.readouterr()
    code = main(["triage", *given], {})
    error = capsys.readouterr().err
    assert code == 2 and sentence in error and "Traceback" not in error


def test_an_unknown_incident_is_one_sentence(store: Path, tmp_path: Path) -> None:
    # In its own process: the crisis database is set up once per process.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bascule",
            "triage",
            "--store",
            str(store),
            "--incident",
            "7",
            "--data",
            str(tmp_path),
            "--days",
            "1",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "There is no incident 7 in the crisis database" in done.stderr
    assert "Traceback" not in done.stderr
