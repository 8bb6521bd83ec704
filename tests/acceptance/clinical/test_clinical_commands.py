"""`bascule synth`, `bascule snapshot import` and `bascule snapshot pull` end to end, errors included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from bascule.cli import main
from bascule.cli.synth import demo_part
from bascule.snapshot.rows import MAPPINGS
from bascule.snapshot.store import ContinuityStore

AT = "2026-03-10T08:00:00Z"
TINY_MAP = """
bascule: 1
hospital: {id: tiny, name: Tiny hospital, lang: en}
sites: [{id: main, name: Main site}]
units:
  - {id: ward-a, name: Ward A, site: main, beds: 12}
  - {id: ward-b, name: Ward B, site: main, beds: 8}
"""


@pytest.fixture
def tiny_map(tmp_path: Path) -> str:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_MAP, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), environ={})
    out, err = capsys.readouterr()
    return code, out, err


def test_synth_to_ndjson_then_import_equals_synth_to_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_map: str
) -> None:
    common = ["--seed", "5", "--lang", "en", "--at", AT, "--map", tiny_map]
    code, out, _ = run(capsys, "synth", *common, "--ndjson", str(tmp_path / "nd"))
    assert code == 0 and "inpatients" in out
    assert {p.name for p in (tmp_path / "nd").iterdir()} >= {
        "Patient.ndjson",
        "Observation.ndjson",
        "Flag.ndjson",
    }
    code, out, _ = run(
        capsys, "snapshot", "import", str(tmp_path / "nd"), "--store", str(tmp_path / "a.sqlite")
    )
    assert code == 0 and "(0 rejected)" in out
    code, _, _ = run(capsys, "synth", *common, "--store", str(tmp_path / "b.sqlite"))
    assert code == 0
    with (
        ContinuityStore.open(tmp_path / "a.sqlite") as imported,
        ContinuityStore.open(tmp_path / "b.sqlite") as made,
    ):
        assert imported.counts() == made.counts()
        assert imported.census(at=made.data_time) == made.census(at=made.data_time)
        assert made.source == "synthetic:seed=5" and made.hospital_id == "tiny"
        assert [unit.unit_id for unit in made.census()] == ["ward-a", "ward-b"]


def test_import_reports_malformed_lines_without_patient_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    good = {"resourceType": "Patient", "id": "p1", "name": [{"family": "Zanzibar"}]}
    lines = [
        json.dumps(good).encode(),
        b'{"resourceType": "Patient", "id": "p2", "name": [{"family": "Broken"',
        b'{"resourceType": "Patient", "id": "p3", "name": [{"family": "Caf\xe9"}]}',
        json.dumps({"resourceType": "Patient", "name": [{"family": "Nobody"}]}).encode(),
        json.dumps({"resourceType": "Patient", "id": "p5", "name": "Wrongtype"}).encode(),
        b"",
    ]
    (folder / "Patient.ndjson").write_bytes(b"\n".join(lines))
    code, out, _ = run(capsys, "snapshot", "import", str(folder), "--store", str(tmp_path / "s.sqlite"))
    assert code == 0
    assert "1 resources imported from 1 file(s)" in out and "(4 rejected)" in out
    assert (
        "Patient ? — not JSON (Patient.ndjson:2)" in out and "Patient ? — not UTF-8 (Patient.ndjson:3)" in out
    )
    assert "Patient ? — id is missing" in out and "Patient p5 — name is not a list" in out
    for value in ("Zanzibar", "Broken", "Nobody", "Wrongtype"):
        assert value not in out
    with ContinuityStore.open(tmp_path / "s.sqlite") as store:
        assert store.counts()["patients"] == 1 and len(store.rejects()) == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["snapshot", "import", "{tmp}/missing", "--store", "{tmp}/s.sqlite"], "does not exist"),
        (["snapshot", "import", "{tmp}", "--store", "{tmp}/s.sqlite"], "no .ndjson file"),
        (["synth", "--store", "{tmp}/s.sqlite", "--ndjson", "{tmp}/nd"], "exactly one of"),
        (["synth", "--store", "{tmp}/s.sqlite", "--at", "tomorrow"], "not an ISO 8601 time"),
        (["synth", "--store", "{tmp}/s.sqlite", "--at", "2026-03-10T08:00:00"], "no time zone"),
        (["synth", "--store", "{tmp}/nowhere/s.sqlite"], "does not exist"),
        (
            [
                "snapshot",
                "pull",
                "--fhir",
                "http://127.0.0.1:9/fhir",
                "--store",
                "{tmp}/s.sqlite",
                "--retries",
                "0",
            ],
            "could not be reached",
        ),
        (
            [
                "snapshot",
                "pull",
                "--fhir",
                "http://127.0.0.1:9/fhir",
                "--store",
                "{tmp}/s.sqlite",
                "--user",
                "u",
            ],
            "both --user and --password-file",
        ),
        (
            ["snapshot", "pull", "--fhir", "http://u:p@127.0.0.1:9/fhir", "--store", "{tmp}/s.sqlite"],
            "not in the FHIR URL",
        ),
        (["snapshot", "pull", "--fhir", "ehr.local", "--store", "{tmp}/s.sqlite"], "not an http(s) URL"),
        (
            [
                "snapshot",
                "pull",
                "--fhir",
                "http://127.0.0.1:9/fhir",
                "--store",
                "{tmp}/s.sqlite",
                "--user",
                "u",
                "--password-file",
                "{tmp}/none.txt",
            ],
            "Cannot read the password file",
        ),
        (["snapshot", "listen", "--port", "70000", "--store", "{tmp}/s.sqlite"], "is not a TCP port"),
        (
            [
                "snapshot",
                "pull",
                "--fhir",
                "http://127.0.0.1:9/fhir",
                "--store",
                "{tmp}/s.sqlite",
                "--full",
                "--since",
                "2026-01-01T00:00:00Z",
            ],
            "either --full or --since",
        ),
        (["snapshot", "export", "{tmp}/out", "--store", "{tmp}/s.sqlite"], "no continuity store"),
    ],
)
def test_user_errors_are_one_sentence_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *(part.replace("{tmp}", str(tmp_path)) for part in argv))
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "s.sqlite").exists()


def test_demo_part_builds_the_store_and_prints_the_census(tmp_path: Path) -> None:
    console = Console(record=True, width=140)
    path = demo_part(tmp_path, "fr", console)
    text = console.export_text()
    assert path == tmp_path / "store.sqlite"
    assert "Recensement par unité" in text and "Données du" in text and "Total" in text
    with ContinuityStore.open(path, readonly=True) as store:
        assert sum(unit.occupied for unit in store.census()) > 800


def test_export_then_import_gives_the_same_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_map: str
) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    assert run(capsys, "synth", "--seed", "8", "--map", tiny_map, "--at", AT, "--store", str(first))[0] == 0
    code, out, _ = run(capsys, "snapshot", "export", str(tmp_path / "out"), "--store", str(first))
    assert code == 0 and "FHIR resources written" in out
    code, out, _ = run(capsys, "snapshot", "import", str(tmp_path / "out"), "--store", str(second))
    assert code == 0 and "(0 rejected)" in " ".join(out.split())  # the sentence wraps with the path's length
    with ContinuityStore.open(first) as made, ContinuityStore.open(second) as imported:
        for record_class in MAPPINGS:
            assert list(imported.records(record_class)) == list(made.records(record_class)), record_class
    code, _, err = run(capsys, "snapshot", "export", str(tmp_path / "out"), "--store", str(first))
    assert code == 2 and "already holds NDJSON files" in err
