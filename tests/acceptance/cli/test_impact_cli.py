"""`bascule impact`, `map check` and `demo` as a user runs them: exit codes, documents, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bascule.cli import main

SMALL = """\
bascule: 1
hospital: {id: h, name: Petit hôpital, lang: fr}
segments: [{id: dc-core}, {id: lan}]
suppliers: [{id: pathlab, name: Pathology partner}]
assets:
  - {id: dc01, segment: dc-core}
  - {id: dc02, segment: dc-core}
  - {id: ad, kind: service, needs: [{any: [dc01, dc02]}]}
  - {id: lab-link, kind: link, supplier: pathlab}
  - {id: pcs, kind: workstations, count: 40, segment: lan, needs: [ad]}
applications:
  - {id: ehr, needs: [ad]}
  - {id: lims, needs: [lab-link]}
processes:
  - {id: transfusion, name: Transfusion, priority: 1, needs: [lims, pcs], fallback: paper-transfusion}
  - {id: admissions, name: Admissions, priority: 2, needs: [ehr]}
procedures:
  - {id: paper-transfusion, title: Sang O négatif en urgence, steps: [Appeler l'EFS]}
"""


@pytest.fixture
def small_map(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args, environ={})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_impact_json_is_contract_2(small_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["impact", str(small_map), "--supplier", "pathlab", "--json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["processes"]["transfusion"] == {
        "status": "down",
        "priority": 1,
        "fallback": "paper-transfusion",
        "uncovered": False,
    }
    assert document["nodes"]["lims"] == {"status": "down", "cause": "dependency", "via": ["lims", "lab-link"]}
    assert document["summary"] == {"up": 1, "degraded": 0, "down": 1, "uncovered": 0}


def test_impact_table_in_both_languages(small_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, french, _ = run(["impact", str(small_map), "-d", "dc01", "-d", "dc02"], capsys)
    assert "ARRÊT — SANS PROCÉDURE" in french and "Admissions" in french
    assert "ehr → ad → dc01 (déclaré)" in french
    _, english, _ = run(["impact", str(small_map), "-d", "dc01", "-d", "dc02", "--lang", "en"], capsys)
    assert "DOWN — NO FALLBACK" in english and "1 care processes down" not in french


def test_uncovered_processes_are_listed_first(small_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["impact", str(small_map), "-i", "dc-core", "-s", "pathlab", "--lang", "en"], capsys)
    assert out.index("Admissions") < out.index("Transfusion")


def test_what_if_isolate(small_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["impact", str(small_map), "-s", "pathlab", "--what-if-isolate", "lan", "--lang", "en"], capsys
    )
    assert code == 0
    assert "If lan is isolated as well:" in out
    assert "no further care process would go down" in out  # transfusion is already down
    code, out, _ = run(["impact", str(small_map), "--what-if-isolate", "dc-core", "--json"], capsys)
    what_if = json.loads(out)["what_if"]
    assert what_if["newly_down"] == ["dc01", "dc02", "ad", "pcs", "ehr", "transfusion", "admissions"]
    assert set(what_if["processes_newly_down"]) == {"transfusion", "admissions"}


def test_scenario_file_and_flags_combine(
    small_map: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "attack.yaml"
    scenario.write_text("down: [dc01]\n", encoding="utf-8")
    _, out, _ = run(["impact", str(small_map), "--scenario", str(scenario), "-d", "dc02", "--json"], capsys)
    assert json.loads(out)["nodes"]["ad"]["status"] == "down"


SCENARIOS = [
    # (scenario file, what the user reads)
    ("down: [dc01, dc0l]\n", 'The map {map} has no node "dc0l" (did you mean "dc01"?).'),
    (
        "down: [dc01, ad, pcs, lims, san]\nsuppliers: [pathlab, lab2]\n",
        'has no node "san", no supplier "lab2".',
    ),
    ("down: [dc0l, ad0]\n", 'has no node "dc0l" (did you mean "dc01"?), no node "ad0" (did you mean "ad"?).'),
    (
        "down: [san, ehr-db, dc03]\nisolate: [dc-core]\n",
        'The scenario {scenario} names 3 of its 4 ids that are not in the map {map} ("san", "ehr-db", '
        '"dc03"): it was probably written for another map.',
    ),
    (
        "down: [san, ehr-db, ehr-app, vm-01, vm-02, dc01]\nsupplier_back: {biolab: 48}\n",
        'The scenario {scenario} names 6 of its 7 ids that are not in the map {map} ("san", "ehr-db", '
        '"ehr-app", ...): it was probably written for another map.',
    ),
    ("isolate: [wan-sud]\n", "names 1 of its 1 ids that are not in the map"),
]


@pytest.mark.parametrize(("written", "sentence"), SCENARIOS)
def test_a_scenario_for_another_map_says_so_in_one_sentence(
    small_map: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, sentence: str
) -> None:
    scenario = tmp_path / "attack.yaml"
    scenario.write_text(written, encoding="utf-8")
    code, out, err = run(["impact", str(small_map), "--scenario", str(scenario)], capsys)
    assert code == 2 and out == ""
    assert sentence.format(map=small_map, scenario=scenario) in " ".join(err.split())


def test_a_demo_scenario_on_another_map_says_so(small_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["impact", str(small_map), "--scenario", "ransomware"], capsys)
    assert code == 2
    assert "it was probably written for another map." in " ".join(err.split())


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["impact", "{map}", "-d", "dc0l"], 'has no node "dc0l" (did you mean "dc01"?)'),
        (["impact", "{map}", "-i", "lan2"], 'has no segment "lan2" (did you mean "lan"?)'),
        (["impact", "{map}", "-s", "pathlb"], 'has no supplier "pathlb" (did you mean "pathlab"?)'),
        (["impact", "{map}", "--what-if-isolate", "lam"], 'has no segment "lam"'),
        (["impact", "{map}", "--scenario", "nowhere.yaml"], "There is no scenario file at nowhere.yaml."),
        (
            ["impact", "{map}", "--scenario", "ransomwar"],
            'There is no scenario "ransomwar" (did you mean "ransomware"?)',
        ),
        (["impact", "{map}", "--lang", "de"], "Unknown language 'de'; use fr or en."),
        (["impact", "missing.yaml"], "There is no map at missing.yaml"),
        (["map", "check", "missing.yaml"], "There is no map at missing.yaml"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(
    small_map: Path, capsys: pytest.CaptureFixture[str], args: list[str], sentence: str
) -> None:
    code, out, err = run([a.replace("{map}", str(small_map)) for a in args], capsys)
    assert code == 2
    assert sentence in err
    assert "Traceback" not in err and out == ""


def test_invalid_map_lists_problems_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        SMALL.replace("needs: [lims, pcs]", "needs: [lism, pcs]").replace("priority: 2", "priority: 5")
    )
    code, _, err = run(["impact", str(path)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == f"Error: The map {path} has 2 problems; fix them and try again:"
    assert 'unknown id "lism" (did you mean "lims"?)' in lines[1]
    assert "priority: must be 1 (vital)" in lines[2]


def test_map_check_reports_weak_spots(small_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["map", "check", str(small_map), "--json"], capsys)
    assert code == 0
    summary = json.loads(out)
    assert summary["counts"]["assets"] == 5
    assert summary["workstations"] == 40
    assert summary["processes_by_priority"] == {"1": ["transfusion"], "2": ["admissions"], "3": [], "4": []}
    assert summary["without_fallback"] == ["admissions"]
    # dc01 alone is not one (dc02 covers it); the supplier link is.
    assert summary["single_points_of_failure"] == {
        "ad": ["transfusion"],
        "lab-link": ["transfusion"],
        "pcs": ["transfusion"],
        "lims": ["transfusion"],
    }
    code, out, _ = run(["map", "check", str(small_map), "--lang", "en"], capsys)
    assert "Single points of failure (4)" in out and "Care processes without a fallback procedure (1):" in out


def test_map_check_counts_every_section_of_the_map(capsys: pytest.CaptureFixture[str]) -> None:
    from bascule.hospital.validation import SECTIONS

    code, out, _ = run(["map", "check", "demo", "--json"], capsys)
    assert code == 0
    counts = json.loads(out)["counts"]
    assert set(counts) == set(SECTIONS)  # a new section cannot be left out of the summary
    assert counts["contacts"] == 3 and counts["activities"] >= 1  # SAMU, ambulances, ARS
    code, out, _ = run(["map", "check", "demo", "--lang", "fr"], capsys)
    assert code == 0
    rows = [[cell.strip() for cell in line.split("│")[1:3]] for line in out.splitlines()]
    assert ["contacts", "3"] in rows


def test_demo_map_is_named_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["impact", "demo", "--scenario", "pathology-supplier", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["processes"]["transfusion"]["status"] == "down"


def test_the_console_script_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("bascule: 1\nhospital: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bascule", "impact", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "malformed YAML" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["impact"], capsys)
    assert code == 2 and "Missing argument 'MAP'" in err
