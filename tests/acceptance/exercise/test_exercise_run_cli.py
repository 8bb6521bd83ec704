"""`bascule exercise start|status|release|pause|resume|end|improve|report` end to end on a real
crisis database: every refusal is one sentence and exit 2, and changes nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bascule.crisis.testing import add_user, bascule_command

PASSWORD = "Une-phrase-de-passe-pour-animer-1"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in its own process: Django is configured once per process, for one data folder."""
    environment = {**os.environ, "LANG": "en_GB.UTF-8", "BASCULE_LANG": ""}
    done = subprocess.run(
        [*bascule_command(), *args], capture_output=True, text=True, env=environment, timeout=300, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def cell(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cell")
    add_user(folder, "anim1", "facilitator", PASSWORD)
    return folder


def journal_count(folder: Path) -> int:
    with sqlite3.connect(next(folder.glob("*.sqlite3"))) as db:
        return int(db.execute("SELECT count(*) FROM crisis_journalrecord").fetchone()[0])


def test_an_exercise_from_start_to_report(
    cell: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "exercise", "start", "ransomware-night", "--speed", "30", "--as", "anim1", "--data", str(cell)
    )
    assert code == 0 and "Exercise started: incident" in out
    incident = out.split("incident ")[1].split(" ")[0]
    code, out, _ = run(capsys, "exercise", "status", "--incident", incident, "--data", str(cell), "--json")
    state = json.loads(out)
    assert state["state"] == "running" and state["released"] and state["coming"]
    coming = state["coming"][-1]
    code, out, _ = run(
        capsys, "exercise", "release", coming, "--incident", incident, "--as", "anim1", "--data", str(cell)
    )
    assert code == 0 and f"Inject {coming} released" in out
    code, _, err = run(capsys, "exercise", "release", coming, "--incident", incident, "--data", str(cell))
    assert code == 2 and err.strip() == f"Error: The inject {coming} was already released."
    assert run(capsys, "exercise", "end", "--incident", incident, "--data", str(cell))[0] == 0
    before = journal_count(cell)
    code, _, err = run(capsys, "exercise", "pause", "--incident", incident, "--data", str(cell))
    assert code == 2 and "has ended" in err and err.count("\n") == 1
    assert journal_count(cell) == before
    report = tmp_path / "report.pdf"
    code, out, _ = run(
        capsys,
        "exercise",
        "report",
        "--incident",
        incident,
        "--data",
        str(cell),
        "--out",
        str(report),
        "--json",
        "--lang",
        "en",
    )
    figures = json.loads(out[: out.rindex("}") + 1])
    assert code == 0 and report.read_bytes().startswith(b"%PDF")
    assert 0 <= figures["score"] <= 100 and figures["script"] == "ransomware-night"
    assert f"readiness score {figures['score']}/100" in out


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (("exercise", "start", "nowhere-script"), "nowhere-script"),
        (("exercise", "start", "containment", "--speed", "0"), "--speed 0 is not between 0 and 600"),
        (("exercise", "start", "containment", "--as", "nobody"), "There is no active account 'nobody'"),
        (("exercise", "status", "--incident", "999"), "There is no incident 999"),
        (("exercise", "improve", "x", "--incident", "1", "--role", "king"), "--role 'king' is not a role"),
        (("exercise", "report", "--incident", "1", "--out", "report.txt"), "must end in .pdf or .html"),
        (
            ("exercise", "report", "--incident", "1", "--out", "missing/report.pdf"),
            "does not exist; create it first",
        ),
    ],
)
def test_refusals_are_one_sentence_and_change_nothing(
    cell: Path, capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...], sentence: str
) -> None:
    before = journal_count(cell) if list(cell.glob("*.sqlite3")) else 0
    code, _, err = run(capsys, *arguments, "--data", str(cell))
    assert code == 2, err
    assert sentence in err and "Traceback" not in err
    assert (journal_count(cell) if list(cell.glob("*.sqlite3")) else 0) == before


OPEN_REAL_INCIDENT = """
import sys
from pathlib import Path
from bascule.incident import hits, wiring
from bascule.crisis.testing import SAMPLE_MAP
store = wiring.crisis_store({}, Path(sys.argv[1]))
print(hits.open_incident(store, "anim1", "Incident réel", "sample.yaml", SAMPLE_MAP).id)
"""


def test_a_real_incident_is_not_an_exercise(cell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opened = subprocess.run(
        [sys.executable, "-c", OPEN_REAL_INCIDENT, str(cell)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    real = opened.stdout.strip()
    code, _, err = run(capsys, "exercise", "release", "x", "--incident", real, "--data", str(cell))
    assert code == 2 and f"Incident {real} is not an exercise" in err
