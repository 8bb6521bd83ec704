"""`bascule plan`, end to end through the command line: JSON, tables, Gantt files, re-planning, errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from rich.console import Console

from bascule.cli import main
from bascule.cli.plan import demo_part
from bascule.hospital.loading import load_map
from bascule.scenario import load_scenario

MAP = """\
bascule: 1
hospital: {id: small, name: "Small hospital", lang: en}
segments: [{id: dmz}]
suppliers: [{id: lab}]
assets:
  - {id: san, kind: storage, restore_hours: 2, skills: [storage]}
  - {id: dc01, kind: server, restore_hours: 6, skills: [windows]}
  - {id: dc02, kind: server, restore_hours: 2, skills: [windows]}
  - {id: ad, kind: service, needs: [{any: [dc01, dc02]}], restore_hours: 1}
  - {id: web, kind: server, segment: dmz, restore_hours: 1}
applications:
  - {id: ehr, name: "Records", needs: [san, ad], restore_hours: 3, skills: [ehr]}
  - {id: lims, name: "Lab system", supplier: lab}
  - {id: portal, name: "Portal", needs: [web]}
processes:
  - {id: transfusion, name: "Transfusion", priority: 1, needs: [lims, ehr]}
  - {id: admissions, name: "Admissions", priority: 2, needs: [ehr]}
  - {id: booking, name: "Online booking", priority: 4, needs: [portal]}
teams:
  - {id: infra, members: 2, skills: [windows, storage]}
  - {id: apps, members: 1, skills: [ehr]}
"""
DOWN = ["--down", "san", "--down", "dc01", "--down", "dc02", "--down", "ad", "--down", "ehr"]


@pytest.fixture
def map_file(tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(MAP, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["plan", *args, "--json", "--time-limit", "1"]) == 0
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    return document


def test_json_plan_of_a_small_hospital(map_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(capsys, str(map_file), *DOWN, "--isolate", "dmz", "--supplier", "lab")
    tasks = {t["node"]: t for t in document["tasks"]}  # type: ignore[attr-defined]
    assert set(tasks) == {"san", "dc01", "dc02", "ad", "ehr"}
    assert tasks["ehr"]["team"] == "apps" and tasks["ehr"]["start"] == 3.0 and tasks["ehr"]["end"] == 6.0
    assert document["processes"] == {
        "transfusion": {"priority": 1, "eta_hours": None},  # the supplier never comes back in this scenario
        "admissions": {"priority": 2, "eta_hours": 6.0},
        "booking": {"priority": 4, "eta_hours": None},
    }
    assert document["objective"] == 600.0 and document["status"] == "optimal"


def test_scenario_file_with_return_times(
    map_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "attack.yaml"
    scenario.write_text(
        "down: [san, dc02, ad, ehr]\nsuppliers: [lab]\nsupplier_back: {lab: 10}\n"
        "isolate: [dmz]\nreconnect: {dmz: 1}\n",
        encoding="utf-8",
    )
    document = run_json(capsys, str(map_file), "--scenario", str(scenario))
    processes = document["processes"]
    assert processes == {
        "transfusion": {"priority": 1, "eta_hours": 10.0},  # dc01 is up: ad needs no dc02
        "admissions": {"priority": 2, "eta_hours": 5.0},
        "booking": {"priority": 4, "eta_hours": 1.0},
    }


def test_replanning_from_the_command_line(map_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(
        capsys,
        str(map_file),
        *DOWN,
        "--done",
        "dc02",
        "--done",
        "san",
        "--started",
        "ad=2@infra",
        "--at",
        "2.5",
    )
    tasks = {t["node"]: t for t in document["tasks"]}  # type: ignore[attr-defined]
    assert set(tasks) == {"dc01", "ad", "ehr"}
    assert (tasks["ad"]["start"], tasks["ad"]["end"], tasks["ad"]["team"]) == (2.0, 3.0, "infra")
    assert tasks["ehr"]["start"] == 3.0 and tasks["dc01"]["start"] >= 2.5
    assert document["at"] == 2.5


def test_done_with_the_hour_it_came_back(map_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(map_file), *DOWN, "--done", "san=2", "--done", "dc02=2", "--done", "ad=3", "--done", "ehr=6"]
    document = run_json(capsys, *args, "--at", "7")
    assert [t["node"] for t in document["tasks"]] == ["dc01"]  # type: ignore[attr-defined]
    assert document["processes"]["admissions"] == {"priority": 2, "eta_hours": 6.0}  # type: ignore[index]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Plan de restauration", "Équipe infra", "Retour des processus"]),
        ("en", ["Restoration plan", "Team infra", "When care processes"]),
    ],
)
def test_tables_in_both_languages(
    map_file: Path, capsys: pytest.CaptureFixture[str], lang: str, words: list[str]
) -> None:
    assert main(["plan", str(map_file), *DOWN, "--lang", lang, "--time-limit", "1"]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out
    assert "Records" in out and "H+6" in out


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_gantt_files(map_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    target = tmp_path / "out" / f"plan{suffix}"
    assert main(["plan", str(map_file), *DOWN, "--gantt", str(target), "--time-limit", "1"]) == 0
    assert str(target) in capsys.readouterr().out
    if suffix == ".svg":
        root = ET.parse(target).getroot()
        texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
        # Names, not map ids: the bar of "ehr" reads "Records", the marker names the care process.
        assert "Records" in texts and "ehr" not in texts and "6 h: Transfusion +1" in texts
        tooltips = [element.text for element in root.iter("{http://www.w3.org/2000/svg}title")]
        assert any(tip and tip.startswith("Records (ehr): ") for tip in tooltips)
    else:
        with Image.open(target) as image:
            assert image.format == "PNG" and image.width > 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--done", "dc1"], 'which is not in the map (did you mean "dc01"?)'),
        (["--started", "ad"], "--started takes ID=HOURS"),
        (["--done", "ad=soon"], "--done takes ID or ID=HOURS"),
        (["--started", "ad=1@nobody", "--at", "2"], 'no team "nobody"'),
        (["--gantt", "plan.pdf"], "must be a .svg or .png file"),
        (["--time-limit", "0"], "time limit must be a positive number"),
        (["--down", "dc1"], 'did you mean "dc01"'),
    ],
)
def test_mistakes_exit_2_with_one_sentence(
    map_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["plan", str(map_file), *DOWN, *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err and captured.out == ""


def test_a_skill_no_team_has_is_found_by_map_check_before_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.replace("skills: [ehr]}\n", "skills: [sap]}\n", 1), encoding="utf-8")
    for command in (["map", "check", str(path)], ["plan", str(path), "--down", "ehr"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert 'skills: no team has any of the skills "sap", so no team could restore it' in err
        assert "Traceback" not in err


def test_demo_scenario_plan(capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(capsys, "demo", "--scenario", "ransomware")
    assert document["tasks"] and document["objective"] <= document["baseline_objective"]  # type: ignore[operator]


def test_demo_part_writes_the_plan_and_its_chart(tmp_path: Path) -> None:
    hospital_map = load_map("demo")
    console = Console(record=True, width=120)
    demo_part(hospital_map, load_scenario("admissions-locked", hospital_map), tmp_path, "fr", console)
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert document["tasks"] and (tmp_path / "plan-gantt.svg").stat().st_size > 0
    text = console.export_text()
    assert "Plan de restauration" in text and " P1 " in text


def test_names_with_brackets_are_printed_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.replace('name: "Records"', 'name: "Records [bold]EHR[/bold]"'), encoding="utf-8")
    assert main(["plan", str(path), *DOWN, "--time-limit", "1", "--lang", "en"]) == 0
    assert "Records [bold]EHR[/bold]" in capsys.readouterr().out
