"""The map's laboratory section: loaded as written, and each mistake refused at its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule import load_map
from bascule.errors import MapError
from bascule.hospital.laboratory import DowntimeTest

GOOD = """\
bascule: 1
hospital: {id: h, name: Test}
suppliers: [{id: pathlab}, {id: efs}]
assets:
  - {id: an-gas}
applications:
  - {id: lims, supplier: pathlab}
processes:
  - {id: lab-results, priority: 1, needs: [lims]}
facilities:
  - {id: chu, capabilities: [laboratory]}
laboratory:
  process: lab-results
  late_after_hours: 3
  tests:
    - {id: test-k, name: Potassium, priority: critical, runners: [an-gas, chu], daily: 40, tube: green}
    - {id: test-crp, runners: [chu], daily: 0}
  blood_bank:
    supplier: efs
    o_positive_women_from_age: 55
    thresholds: {"red_cells O-": 8, plasma: 10}
"""


def problems_of(tmp_path: Path, text: str, lang: str = "en") -> list[str]:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    said = caught.value.french_problems if lang == "fr" else caught.value.problems
    return [p.replace(str(tmp_path) + "/", "") for p in said]


def test_the_section_loads_as_written(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(GOOD, encoding="utf-8")
    laboratory = load_map(path).laboratory
    assert laboratory.process == "lab-results"
    assert laboratory.late_after_hours == 3.0
    assert laboratory.tests == (
        DowntimeTest("test-k", "Potassium", "critical", ("an-gas", "chu"), 40, "green"),
        DowntimeTest("test-crp", "", "routine", ("chu",), 0, ""),
    )
    assert laboratory.blood_bank.supplier == "efs"
    assert laboratory.blood_bank.o_positive_women_from_age == 55
    assert laboratory.blood_bank.threshold("red_cells", "O-") == 8
    assert laboratory.blood_bank.threshold("plasma", "A+") == 10


def test_a_map_without_the_section_has_an_empty_laboratory(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(GOOD.split("laboratory:")[0], encoding="utf-8")
    laboratory = load_map(path).laboratory
    assert laboratory.tests == () and laboratory.process is None


CASES = [
    (
        "unknown key in the section",
        GOOD.replace("  late_after_hours: 3", "  late_after_hour: 3"),
        'map.yaml:14 laboratory.late_after_hour: unknown key "late_after_hour" (did you mean "late_after_hours"?); '
        "allowed: process, late_after_hours, tests, blood_bank",
    ),
    (
        "unknown key in a test",
        GOOD.replace("daily: 40,", "dayly: 40,"),
        'map.yaml:16 laboratory.tests[0].dayly: unknown key "dayly" (did you mean "daily"?); '
        "allowed: id, name, priority, runners, daily, tube",
    ),
    (
        "unknown key in the blood bank",
        GOOD.replace("    supplier: efs", "    suplier: efs"),
        'map.yaml:19 laboratory.blood_bank.suplier: unknown key "suplier" (did you mean "supplier"?); '
        "allowed: supplier, o_positive_women_from_age, thresholds, cross_match_test",
    ),
    (
        "priority outside the three",
        GOOD.replace("priority: critical", "priority: critcal"),
        "map.yaml:16 laboratory.tests[0].priority: must be one of critical, urgent, routine, "
        "not 'critcal' (did you mean \"critical\"?)",
    ),
    (
        "negative daily cap",
        GOOD.replace("daily: 0}", "daily: -1}"),
        "map.yaml:17 laboratory.tests[1].daily: must be at least 0, not -1",
    ),
    (
        "daily cap not a whole number",
        GOOD.replace("daily: 0}", "daily: 2.5}"),
        "map.yaml:17 laboratory.tests[1].daily: must be a whole number, not a number",
    ),
    (
        "late_after_hours zero",
        GOOD.replace("late_after_hours: 3", "late_after_hours: 0"),
        "map.yaml:14 laboratory.late_after_hours: must be more than 0 hours, not 0",
    ),
    (
        "runner unknown",
        GOOD.replace("runners: [an-gas, chu]", "runners: [an-gaz, chu]"),
        'map.yaml:16 laboratory.tests[0].runners[0]: unknown id "an-gaz" (did you mean "an-gas"?)',
    ),
    (
        "runner that is an application",
        GOOD.replace("runners: [chu]", "runners: [lims]"),
        'map.yaml:17 laboratory.tests[1].runners[0]: "lims" is an application, '
        "but runners must name an asset or facility",
    ),
    (
        "test id already used by another section",
        GOOD.replace("id: test-crp", "id: chu"),
        'map.yaml:17 laboratory.tests[1].id: duplicate id "chu" (first defined at line 11, facilities[0].id)',
    ),
    (
        "supplier unknown",
        GOOD.replace("    supplier: efs", "    supplier: efss"),
        'map.yaml:19 laboratory.blood_bank.supplier: unknown id "efss" (did you mean "efs"?)',
    ),
    (
        "process that is an asset",
        GOOD.replace("  process: lab-results", "  process: an-gas"),
        'map.yaml:13 laboratory.process: "an-gas" is an asset, but process must name a care process',
    ),
    (
        "threshold key not a stock line",
        GOOD.replace('"red_cells O-": 8', '"red_cells 0-": 8'),
        'map.yaml:21 laboratory.blood_bank.thresholds: unknown stock line "red_cells 0-" '
        '(did you mean "red_cells O-"?); write a component (red_cells, plasma, platelets) alone '
        'or with an ABO/RhD group, as "red_cells O-"',
    ),
    (
        "negative threshold",
        GOOD.replace("plasma: 10", "plasma: -2"),
        "map.yaml:21 laboratory.blood_bank.thresholds: plasma: must be at least 0, not -2",
    ),
    (
        "age out of range",
        GOOD.replace("o_positive_women_from_age: 55", "o_positive_women_from_age: 90"),
        "map.yaml:20 laboratory.blood_bank.o_positive_women_from_age: must be an age in whole years "
        "from 12 to 80, not 90",
    ),
    (
        "section not a mapping",
        GOOD.split("laboratory:")[0] + "laboratory: [tests]\n",
        "map.yaml:12 laboratory: must be a mapping (tests, blood_bank, ...), not a list",
    ),
    (
        "tests not a list",
        GOOD.split("  tests:")[0] + "  tests: {id: test-k}\n",
        "map.yaml:15 laboratory.tests: must be a list of tests, not a mapping",
    ),
    (
        "test without an id",
        GOOD.replace("{id: test-crp, runners", "{runners"),
        'map.yaml:17 laboratory.tests[1]: "id" is required',
    ),
    (
        "blood bank not a mapping",
        GOOD.split("  blood_bank:")[0] + "  blood_bank: efs\n",
        "map.yaml:18 laboratory.blood_bank: must be a mapping (supplier, thresholds, ...), not text",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_mistake_is_located_and_said(tmp_path: Path, text: str, expected: str) -> None:
    assert problems_of(tmp_path, text) == [expected]


def test_mistakes_are_said_in_french_too(tmp_path: Path) -> None:
    text = GOOD.replace("priority: critical", "priority: vital")
    assert problems_of(tmp_path, text, "fr") == [
        "map.yaml:16 laboratory.tests[0].priority : doit être l'une de critical, urgent, routine, pas 'vital' (vouliez-vous dire « critical » ?)"
    ]
