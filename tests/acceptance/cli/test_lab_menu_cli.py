"""`bascule lab menu` on the demo hospital as the crisis cell runs it in the Synnovis case: the
pathology supplier (biolab) is hit, so the laboratory system and the critical results process are
down and the downtime menu applies. Facts worked out by hand from src/bascule/demo/hospital.yaml."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from bascule.cli import main

SCENARIO = str(resources.files("bascule.demo").joinpath("scenarios/pathology-supplier.yaml"))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args, environ={})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def menu_tests(out: str) -> dict[str, dict[str, object]]:
    return {test["id"]: test for test in json.loads(out)["tests"]}


def test_the_pathology_supplier_case_gives_the_downtime_menu(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lab", "menu", "demo", "--scenario", SCENARIO, "--json", "--lang", "en"], capsys)
    assert code == 0
    tests = menu_tests(out)
    assert len(tests) == 14
    # No analyser is hit: every test with a runner is on the downtime menu; HbA1c has none.
    assert {i for i, test in tests.items() if test["state"] == "off"} == {"test-hba1c"}
    assert {test["state"] for i, test in tests.items() if i != "test-hba1c"} == {"downtime"}
    assert tests["test-kalium"] == {
        "id": "test-kalium",
        "name": "Ionogramme (sodium, potassium)",
        "priority": "critical",
        "state": "downtime",
        "runners_up": ["an-lab-biochimie", "an-urg-gds", "chu-bievre"],
        "runners_down": [],
        "daily": 150,
        "why": "On the downtime menu: run by an-lab-biochimie, an-urg-gds, chu-bievre, 150 a day.",
    }
    assert (
        tests["test-hba1c"]["why"]
        == "No analyser or partner laboratory runs it without the laboratory system."
    )


def test_an_analyser_down_as_well_takes_off_what_only_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lab", "menu", "demo", "--scenario", SCENARIO, "-d", "an-urg-gds", "--json"], capsys)
    assert code == 0
    tests = menu_tests(out)
    assert tests["test-blood-gas"]["state"] == "off"
    assert tests["test-blood-gas"]["runners_down"] == ["an-urg-gds"]
    assert tests["test-blood-gas"]["why"] == "Tout ce qui le réalise est hors service : an-urg-gds."
    assert tests["test-glucose"]["runners_up"] == ["an-lab-biochimie"]
    assert tests["test-glucose"]["state"] == "downtime"


def test_nothing_hit_is_the_full_menu(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lab", "menu", "demo", "--json"], capsys)
    assert code == 0
    assert {test["state"] for test in menu_tests(out).values()} == {"full"}


def test_the_table_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    code, english, _ = run(["lab", "menu", "demo", "-s", "biolab", "--lang", "en"], capsys)
    assert code == 0
    assert "Laboratory downtime menu" in english
    assert "Off the menu:" in english
    assert "13 test(s) on the menu, 1 off it." in english
    _, french, _ = run(["lab", "menu", "demo", "-s", "biolab"], capsys)
    assert "Menu dégradé du laboratoire" in french
    assert "13 examen(s) au menu, 1 hors menu." in french


def test_an_unknown_hit_is_refused_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["lab", "menu", "demo", "-d", "an-urg-gaz", "--lang", "en"], capsys)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert 'no node "an-urg-gaz"' in err


def test_a_missing_scenario_or_a_bad_map_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["lab", "menu", "demo", "--scenario", str(tmp_path / "none.yaml")], capsys)
    assert code == 2 and "no scenario file" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "bascule: 1\nhospital: {id: h}\nlaboratory: {tests: [{id: t, runners: [x]}]}\n", encoding="utf-8"
    )
    code, _, err = run(["lab", "menu", str(bad)], capsys)
    assert code == 2 and 'unknown id "x"' in err


def test_map_check_counts_the_laboratory_tests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["map", "check", "demo", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["laboratory_tests"] == 14


def test_the_menu_is_published_to_the_wards_through_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bascule.hospital.loading import load_map
    from bascule.laboratory.publication import latest_menu
    from bascule.snapshot.store import ContinuityStore

    store = tmp_path / "store.sqlite"
    ContinuityStore.open(store).close()
    args = ["lab", "menu", "demo", "--scenario", SCENARIO, "--down", "an-dds-groupage"]
    code, out, _ = run([*args, "--publish", str(store), "--as", "dr.costa"], capsys)
    assert code == 0 and "Menu publié aux services par dr.costa" in out
    published = latest_menu(store)
    assert published is not None and published.by == "dr.costa"
    menu = published.as_menu(load_map("demo"))
    assert {line.id for line in menu.off_menu} == {"test-hba1c", "test-crossmatch"}

    # --json keeps standard output the JSON document: the confirmation goes to standard error.
    code, out, err = run([*args, "--json", "--publish", str(store), "--as", "dr.costa"], capsys)
    assert code == 0 and json.loads(out)["tests"] and "dr.costa" in err


def test_publishing_to_a_file_that_is_not_a_store_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("hello\n", encoding="utf-8")
    code, _, err = run(["lab", "menu", "demo", "--scenario", SCENARIO, "--publish", str(not_a_store)], capsys)
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not_a_store.read_text(encoding="utf-8") == "hello\n"
