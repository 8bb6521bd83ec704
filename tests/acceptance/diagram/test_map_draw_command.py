"""`bascule map draw`, end to end through the command line: files written, errors in one sentence."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bascule.cli import main

SVG = "{http://www.w3.org/2000/svg}"

MAP = """\
bascule: 1
hospital: {id: small, name: "Small & <Co> hospital", lang: en}
segments: [{id: dc}]
suppliers: [{id: lab}]
assets:
  - {id: s1, kind: server, segment: dc}
  - {id: s2, kind: server, segment: dc}
  - {id: ad, kind: service, needs: [{any: [s1, s2]}]}
applications:
  - {id: lims, name: "Lab system", supplier: lab}
  - {id: ehr, name: "Records", needs: [ad]}
processes:
  - {id: transfusion, name: "Transfusion", priority: 1, needs: [lims], optional: [ehr], fallback: paper}
  - {id: admissions, name: "Admissions", priority: 2, needs: [ehr]}
procedures: [{id: paper, title: "Paper"}]
"""


@pytest.fixture
def map_file(tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(MAP, encoding="utf-8")
    return path


def statuses(svg_path: Path) -> dict[str, str | None]:
    root = ET.parse(svg_path).getroot()
    return {
        g.get("data-node", ""): g.get("data-status")
        for g in root.iter(f"{SVG}g")
        if "node" in g.get("class", "").split()
    }


def test_draws_the_plain_map(map_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "drawing.svg"
    assert main(["map", "draw", str(map_file), "--out", str(out)], {}) == 0
    assert set(statuses(out)) == {"s1+1", "ad", "lims", "ehr", "transfusion", "admissions"}
    assert set(statuses(out).values()) == {None}
    assert f"Dependency map written to {out} (no scenario)." in capsys.readouterr().out


def test_colours_by_the_hits_given_as_options(map_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "hit.svg"
    code = main(
        [
            "map",
            "draw",
            str(map_file),
            "--down",
            "s1",
            "--supplier",
            "lab",
            "--out",
            str(out),
            "--no-collapse",
        ],
        {},
    )
    assert code == 0
    assert statuses(out) == {
        "s1": "down",
        "s2": "up",
        "ad": "degraded",
        "lims": "down",
        "ehr": "degraded",
        "transfusion": "down",
        "admissions": "degraded",
    }


def test_takes_a_scenario_file_as_second_argument(map_file: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "outage.yaml"
    scenario.write_text("title: {en: Lab outage, fr: Panne du labo}\nsuppliers: [lab]\n", encoding="utf-8")
    out = tmp_path / "scenario.svg"
    assert main(["map", "draw", str(map_file), str(scenario), "--out", str(out), "--lang", "fr"], {}) == 0
    assert statuses(out)["lims"] == "down"
    text = " ".join(ET.parse(out).getroot().itertext())
    assert "Scénario « Panne du labo »" in text and "fournisseurs défaillants lab" in text


def test_affected_only_leaves_out_what_is_up(map_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "affected.svg"
    assert main(["map", "draw", str(map_file), "-s", "lab", "--affected-only", "--out", str(out)], {}) == 0
    assert statuses(out) == {"lims": "down", "transfusion": "down"}


def test_focus_keeps_only_the_chain_of_a_node(map_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "focus.svg"
    assert main(["map", "draw", str(map_file), "--focus", "lims", "--out", str(out)], {}) == 0
    assert set(statuses(out)) == {"lims", "transfusion"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--focus", "lism"], 'Cannot focus on "lism": the map has no such node (did you mean "lims"?).'),
        (["--down", "s9"], 'has no node "s9"'),
        (["--out", "drawing.png"], "give --out a file name ending in .svg"),
        (["--scenario", "a.yaml", "b.yaml"], "Give the scenario once"),
        (["--lang", "de"], "Unknown language 'de'; use fr or en."),
        (["--affected-only"], "needs a scenario or hits"),
    ],
)
def test_mistakes_are_one_sentence_and_exit_code_2(
    map_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    out = tmp_path / "never.svg"
    argv = ["map", "draw", str(map_file), *arguments]
    if "--out" not in arguments:
        argv += ["--out", str(out)]
    assert main(argv, {}) == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error
    assert not out.exists()


def test_out_is_required(map_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", "draw", str(map_file)], {}) == 2
    assert "--out" in capsys.readouterr().err


def test_an_unwritable_place_is_a_user_error_and_keeps_what_was_there(
    map_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me", encoding="utf-8")
    assert main(["map", "draw", str(map_file), "--out", str(blocker / "x.svg")], {}) == 2
    assert "Cannot write the drawing" in capsys.readouterr().err
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_draws_the_embedded_demo_hospital(tmp_path: Path) -> None:
    out = tmp_path / "demo.svg"
    assert main(["map", "draw", "demo", "--down", "dc01", "--out", str(out)], {}) == 0
    drawn = statuses(out)
    assert drawn["dc01"] == "down"
    assert len(drawn) > 40
