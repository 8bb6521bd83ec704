"""One case per kind of exercise-script mistake: the exact located sentences the user reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.errors import NotFoundError, ScriptError
from bascule.exercise.loading import load_script

GOOD = """\
bascule_exercise: 1
id: lab
title: {fr: "Labo", en: "Lab"}
map: demo
scenario:
  suppliers: [biolab]
duration: 2h
injects:
  - id: call
    at: 0m
    channel: phone
    text: {fr: "Appel", en: "Call"}
  - id: notice
    at: 30m
    channel: supplier
    text: {fr: "Avis", en: "Notice"}
    effects: {down: [lab-link], supplier_back: {biolab: 72}}
expected:
  - id: o-neg
    text: {fr: "O négatif", en: "O-negative"}
    after: call
    within: 20m
    when: {procedure: transfusion}
  - id: declare
    text: {fr: "Isoler", en: "Isolate"}
    within: 1h30
    when: {isolate: tl-partners}
"""


def problems_of(tmp_path: Path, text: str, name: str = "script.yaml", lang: str = "en") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_script(str(path))
    said = caught.value.french_problems if lang == "fr" else caught.value.problems
    return [p.replace(str(tmp_path) + "/", "") for p in said]


def test_the_good_script_loads(tmp_path: Path) -> None:
    path = tmp_path / "script.yaml"
    path.write_text(GOOD, encoding="utf-8")
    script = load_script(str(path))
    assert [i.minute for i in script.injects] == [0.0, 30.0]
    assert [d.within_minutes for d in script.expected] == [20.0, 90.0]
    assert script.scenario.suppliers == ("biolab",)
    assert script.injects[1].effects.supplier_back == {"biolab": 72.0}


CASES = [
    (
        "map id with a suggestion",
        GOOD.replace("down: [lab-link]", "down: [lab-lnk]"),
        [
            'script.yaml:17 injects[1].effects.down[0]: the map has no node "lab-lnk" (did you mean "lab-link"?)'
        ],
    ),
    (
        "criterion supplier with a suggestion",
        GOOD.replace("{isolate: tl-partners}", "{supplier: biolabs}"),
        [
            'script.yaml:27 expected[1].when.supplier[0]: the map has no supplier "biolabs" (did you mean "biolab"?)'
        ],
    ),
    (
        "procedure of a care process without a fallback",
        GOOD.replace("{procedure: transfusion}", "{procedure: chemotherapy}"),
        [
            'script.yaml:23 expected[0].when.procedure[0]: the care process "chemotherapy" has no fallback '
            "procedure: there is none to start"
        ],
    ),
    (
        "down criterion naming a care process",
        GOOD.replace("{isolate: tl-partners}", "{down: transfusion}"),
        [
            'script.yaml:27 expected[1].when.down[0]: "transfusion" is a care process: the cell declares '
            "assets and applications down, processes follow"
        ],
    ),
    (
        "a criterion the cell can never meet: what the scenario hits from the start",
        GOOD.replace("{isolate: tl-partners}", "{supplier: biolab}"),
        [
            "script.yaml:27 expected[1].when.supplier: everything it names is hit by the starting scenario, "
            "and the cell cannot declare it again: this decision can never be met (expect a decision's words "
            "instead)"
        ],
    ),
    (
        "inline scenario segment with a suggestion",
        GOOD.replace("suppliers: [biolab]", "suppliers: [biolab]\n  isolate: [tl-partner]"),
        [
            'script.yaml:7 scenario.isolate[0]: the map has no segment "tl-partner" (did you mean "tl-partners"?)'
        ],
    ),
    (
        "lift of something nothing hit",
        GOOD.replace("supplier_back: {biolab: 72}}", "lift: [efs]}"),
        [
            'script.yaml:17 injects[1].effects.lift[0]: "efs" is not hit by the scenario or an inject released '
            "by then: there is nothing to lift"
        ],
    ),
    (
        "unknown key with a suggestion, and a missing one",
        GOOD.replace("    channel: phone\n", "    chanel: phone\n"),
        [
            "script.yaml:9 injects[0]: missing key channel",
            'script.yaml:11 injects[0].chanel: unknown key "chanel" (did you mean "channel"?); allowed: id, at, '
            "channel, text, from, effects, facilitator",
        ],
    ),
    (
        "unknown channel",
        GOOD.replace("channel: phone", "channel: fax"),
        [
            'script.yaml:11 injects[0].channel: unknown channel "fax"; use one of phone, email, press, ward, supplier'
        ],
    ),
    (
        "time that is not a duration",
        GOOD.replace("at: 30m", "at: half past"),
        [
            'script.yaml:14 injects[1].at: must be minutes (a number) or a duration such as "90m", "1h30" '
            "or \"2h\", not 'half past'"
        ],
    ),
    (
        "injects out of order",
        GOOD.replace("at: 30m", "at: 0m").replace(
            "at: 0m\n    channel: phone", "at: 45m\n    channel: phone"
        ),
        [
            "script.yaml:14 injects[1].at: minute 0 comes before the previous inject's (45); list injects in "
            "the order they are released"
        ],
    ),
    (
        "duplicate id across injects and expected decisions",
        GOOD.replace("id: declare", "id: call"),
        ['script.yaml:24 expected[1].id: duplicate id "call" (first defined at line 9, injects[0].id)'],
    ),
    (
        "after naming an unknown inject",
        GOOD.replace("after: call", "after: cal"),
        ['script.yaml:21 expected[0].after: names no inject "cal" (did you mean "call"?)'],
    ),
    (
        "decision due after the end",
        GOOD.replace("within: 1h30", "within: 3h"),
        [
            "script.yaml:26 expected[1].within: due at minute 180, after the end of the exercise (duration "
            "120 min): it could never be met on time"
        ],
    ),
    (
        "inject after the end",
        GOOD.replace("at: 30m", "at: 2h30"),
        [
            "script.yaml:14 injects[1].at: minute 150 is after the end of the exercise (duration 120 min): it "
            "would never be released"
        ],
    ),
    (
        "wrong types",
        GOOD.replace('title: {fr: "Labo", en: "Lab"}', "title: Lab").replace(
            "injects:\n", "injects: 3\n_:\n"
        ),
        [
            "script.yaml:3 title: must be a text in French and English: {fr: ..., en: ...}",
            "script.yaml:8 injects: must be a list, not a number",
            'script.yaml:9 _: unknown key "_"; allowed: bascule_exercise, id, title, map, scenario, duration, '
            "injects, expected, briefing",
        ],
    ),
    (
        "unknown triage decision and a criterion that is two",
        GOOD.replace("{procedure: transfusion}", "{triage: divrt}").replace(
            "{isolate: tl-partners}", "{supplier: biolab, sitrep: true}"
        ),
        [
            'script.yaml:23 expected[0].when.triage: unknown triage decision "divrt" (did you mean "divert"?); '
            "use one of cancel, postpone, maintain, divert",
            "script.yaml:27 expected[1].when: must be one criterion, such as {isolate: tl-clinical-lan}; one of "
            "down, isolate, supplier, lift, procedure, sitrep, triage, decision",
        ],
    ),
    (
        "format version",
        GOOD.replace("bascule_exercise: 1", "bascule_exercise: 2"),
        ["script.yaml:1 bascule_exercise: this Bascule reads exercise scripts of format 1, not 2"],
    ),
    (
        "malformed YAML",
        GOOD.replace('text: {fr: "Appel", en: "Call"}', 'text: {fr: "Appel", en: "Call"'),
        ["script.yaml:13: malformed YAML: did not find expected ',' or '}'"],
    ),
    (
        "unknown embedded scenario",
        GOOD.replace("scenario:\n  suppliers: [biolab]", "scenario: pathology-suplier"),
        [
            'script.yaml:5 scenario: There is no scenario "pathology-suplier" (did you mean "pathology-supplier"?); '
            "give a scenario file or one of: admissions-locked, containment, pathology-supplier, ransomware, "
            "triage-supplier"
        ],
    ),
    (
        "map file that does not exist",
        GOOD.replace("map: demo", "map: maps/chvo.yaml"),
        [
            "script.yaml:4 map: There is no map at maps/chvo.yaml; give the path of a .yaml or .json map, "
            "or 'demo'"
        ],
    ),
    (
        "not a mapping",
        "- just\n- a list\n",
        [
            "script.yaml:1 (top): an exercise script is a mapping starting with `bascule_exercise: 1`, not a list"
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_located(tmp_path: Path, case: str, text: str, expected: list[str]) -> None:
    assert problems_of(tmp_path, text) == expected


def test_problems_read_in_french(tmp_path: Path) -> None:
    text = GOOD.replace("down: [lab-link]", "down: [lab-lnk]").replace("after: call", "after: cal")
    assert problems_of(tmp_path, text, lang="fr") == [
        "script.yaml:21 expected[0].after : ne nomme aucun inject « cal » (vouliez-vous dire « call » ?)",
    ]
    text = GOOD.replace("down: [lab-link]", "down: [lab-lnk]")
    assert problems_of(tmp_path, text, lang="fr") == [
        "script.yaml:17 injects[1].effects.down[0] : la carte n'a pas de nœud « lab-lnk » "
        "(vouliez-vous dire « lab-link » ?)"
    ]


def test_a_json_script_is_located_too(tmp_path: Path) -> None:
    assert problems_of(tmp_path, '{"bascule_exercise": 1,\n "id": 3}', name="script.json") == [
        "script.json:1 (top): missing key title",
        "script.json:1 (top): missing key map",
        "script.json:1 (top): missing key scenario",
        "script.json:1 (top): missing key duration",
        "script.json:1 (top): missing key injects",
        "script.json:1 (top): missing key expected",
        "script.json:2 id: must be an id (letters, digits, - _ .), not 3",
    ]


def test_a_map_beside_the_script_is_found_from_its_folder(tmp_path: Path) -> None:
    (tmp_path / "maps").mkdir()
    demo = Path(__file__).parents[3] / "src" / "bascule" / "demo" / "hospital.yaml"
    (tmp_path / "maps" / "chvo.yaml").write_text(demo.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "script.yaml"
    path.write_text(GOOD.replace("map: demo", "map: maps/chvo.yaml"), encoding="utf-8")
    assert load_script(str(path)).map_ref == "maps/chvo.yaml"


def test_a_missing_script_file_or_name_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="There is no exercise script file at"):
        load_script(str(tmp_path / "nowhere.yaml"))
    with pytest.raises(NotFoundError, match='did you mean "containment"'):
        load_script("containmnt")
