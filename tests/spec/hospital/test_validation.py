"""One case per kind of map mistake: the exact located sentence the user reads."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bascule import load_map
from bascule.errors import MapError

GOOD = """\
bascule: 1
hospital: {id: h, name: Test}
segments: [{id: lan}]
suppliers: [{id: pathlab}]
assets:
  - {id: dc01, segment: lan}
  - {id: ad, needs: [dc01]}
applications:
  - {id: lims, supplier: pathlab, needs: [ad]}
processes:
  - id: transfusion
    priority: 1
    needs: [lims]
    fallback: paper
procedures: [{id: paper, title: Paper, steps: [Call]}]
"""


def problems_of(tmp_path: Path, text: str, name: str = "map.yaml", lang: str = "en") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    said = caught.value.french_problems if lang == "fr" else caught.value.problems
    return [p.replace(str(tmp_path) + "/", "") for p in said]


def test_the_good_map_loads(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert [p.id for p in load_map(path).processes] == ["transfusion"]


CASES = [
    (
        "unknown id with a suggestion",
        GOOD.replace("needs: [lims]", "needs: [lism]"),
        ['map.yaml:13 processes[0].needs[0]: unknown id "lism" (did you mean "lims"?)'],
    ),
    (
        "unknown id inside a group",
        GOOD.replace("needs: [dc01]}", "needs: [{any: [dc01, dc1]}]}"),
        ['map.yaml:7 assets[1].needs[0].any[1]: unknown id "dc1" (did you mean "dc01"?)'],
    ),
    (
        "duplicate id across sections",
        GOOD.replace("{id: paper,", "{id: lims,").replace("fallback: paper", "fallback: lims"),
        [
            'map.yaml:14 processes[0].fallback: "lims" is an application, but fallback must name a procedure',
            'map.yaml:15 procedures[0].id: duplicate id "lims" (first defined at line 9, applications[0].id)',
        ],
    ),
    (
        "cycle shown as its chain",
        GOOD.replace("{id: dc01, segment: lan}", "{id: dc01, segment: lan, needs: [lims]}"),
        ["map.yaml:6 assets[0].needs: dependency cycle: dc01 -> lims -> ad -> dc01"],
    ),
    (
        "self cycle",
        GOOD.replace("{id: ad, needs: [dc01]}", "{id: ad, needs: [dc01, ad]}"),
        ["map.yaml:7 assets[1].needs: dependency cycle: ad -> ad"],
    ),
    (
        "bad priority",
        GOOD.replace("priority: 1", "priority: 7"),
        [
            "map.yaml:12 processes[0].priority: must be 1 (vital), 2 (urgent), 3 (important) or 4 (deferrable), not 7"
        ],
    ),
    (
        "missing priority",
        GOOD.replace("    priority: 1\n", ""),
        ['map.yaml:11 processes[0]: "priority" is required'],
    ),
    (
        "wrong type",
        GOOD.replace("{id: dc01, segment: lan}", "{id: dc01, segment: lan, restore_hours: soon}"),
        ["map.yaml:6 assets[0].restore_hours: must be a number, not text"],
    ),
    (
        "unknown key with a suggestion",
        GOOD.replace("fallback: paper", "fallbak: paper"),
        [
            'map.yaml:14 processes[0].fallbak: unknown key "fallbak" (did you mean "fallback"?); allowed: id, name, '
            "needs, optional, segment, supplier, restore_hours, skills, priority, fallback, units, capability",
        ],
    ),
    (
        "unknown section",
        GOOD + "servers: []\n",
        [
            'map.yaml:16 servers: unknown section "servers"; sections are activities, applications, assets, bascule, '
            "contacts, facilities, guard, hospital, laboratory, procedures, processes, segments, sites, suppliers, teams, units"
        ],
    ),
    (
        "a reference of the wrong kind",
        GOOD.replace("fallback: paper", "fallback: lims"),
        ['map.yaml:14 processes[0].fallback: "lims" is an application, but fallback must name a procedure'],
    ),
    (
        "a process is never needed",
        GOOD.replace("needs: [ad]}", "needs: [ad, transfusion]}"),
        [
            'map.yaml:9 applications[0].needs[1]: "transfusion" is a care process, but needs must name an asset or application'
        ],
    ),
    (
        "at_least larger than the group",
        GOOD.replace("needs: [dc01]}", "needs: [{at_least: 3, of: [dc01]}]}"),
        ["map.yaml:7 assets[1].needs[0].at_least: must be a whole number from 1 to 1, not 3"],
    ),
    (
        "a malformed group",
        GOOD.replace("needs: [dc01]}", "needs: [{some: [dc01]}]}"),
        [
            "map.yaml:7 assets[1].needs[0]: must be {any: [ids]} or {at_least: K, of: [ids]}; found keys ['some']"
        ],
    ),
    (
        "missing format marker",
        GOOD.replace("bascule: 1\n", ""),
        ["map.yaml:1 (top): the format marker is missing: add `bascule: 1` at the top"],
    ),
    (
        "a guard threshold that is not a share",
        GOOD + "guard: {max_shrink: 8, floors: {alerts: 0.9}}\n",
        ["map.yaml:16 guard.max_shrink: must be a share between 0 and 1 (0.3 for 30 %), not 8"],
    ),
    (
        "a guard floor that is not a share",
        GOOD + "guard: {floors: {alerts: high}}\n",
        ["map.yaml:16 guard.floors: alerts: must be a share between 0 and 1 (0.3 for 30 %), not text"],
    ),
    (
        "an unknown guard threshold",
        GOOD + "guard: {max_shrinkage: 0.1}\n",
        [
            'map.yaml:16 guard.max_shrinkage: unknown key "max_shrinkage" (did you mean "max_shrink"?); allowed: '
            "max_change, max_garbled, table_garbled, max_shrink, anchor_change, anchor_shrink, floors, slack"
        ],
    ),
    (
        "a skill no team has (plan would stop on it)",
        GOOD.replace("{id: dc01, segment: lan}", "{id: dc01, segment: lan, skills: [wndows, vmware]}")
        + "teams: [{id: infra, members: 2, skills: [windows, network]}]\n",
        [
            'map.yaml:6 assets[0].skills: no team has any of the skills "wndows" (did you mean "windows"?), '
            '"vmware", so no team could restore it; give one of them to a team in teams'
        ],
    ),
    (
        "malformed YAML",
        GOOD.replace("priority: 1", "priority: [1"),
        ["map.yaml:13: malformed YAML: did not find expected ',' or ']'"],
    ),
]


def test_the_guard_section_sets_the_thresholds(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        GOOD + "guard: {max_shrink: 0.05, anchor_shrink: 0.1, floors: {alerts: 0.99}, slack: 1}\n"
    )
    guard = load_map(path).guard
    assert (guard.max_shrink, guard.anchor_shrink, guard.floors, guard.slack) == (
        0.05,
        0.1,
        (("alerts", 0.99),),
        1,
    )
    assert guard.max_change is None  # the guard's default stays


@pytest.mark.parametrize(("mistake", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_located(tmp_path: Path, mistake: str, text: str, expected: list[str]) -> None:
    assert problems_of(tmp_path, text) == expected


FRENCH = {
    "unknown id with a suggestion": [
        "map.yaml:13 processes[0].needs[0] : id inconnu « lism » (vouliez-vous dire « lims » ?)"
    ],
    "duplicate id across sections": [
        "map.yaml:14 processes[0].fallback : « lims » est une application, mais fallback doit nommer une procédure",
        "map.yaml:15 procedures[0].id : id « lims » en double (défini d'abord à la ligne 9, applications[0].id)",
    ],
    "cycle shown as its chain": [
        "map.yaml:6 assets[0].needs : cycle de dépendances : dc01 -> lims -> ad -> dc01"
    ],
    "bad priority": [
        "map.yaml:12 processes[0].priority : doit valoir 1 (vital), 2 (urgent), 3 (important) ou 4 (différable), pas 7"
    ],
    "missing priority": ["map.yaml:11 processes[0] : « priority » est obligatoire"],
    "wrong type": ["map.yaml:6 assets[0].restore_hours : doit être un nombre, pas du texte"],
    "a process is never needed": [
        "map.yaml:9 applications[0].needs[1] : « transfusion » est un processus de soins, mais needs doit nommer "
        "un équipement ou une application"
    ],
    "missing format marker": [
        "map.yaml:1 (top) : le marqueur de format manque : ajoutez `bascule: 1` en tête"
    ],
    "a guard floor that is not a share": [
        "map.yaml:16 guard.floors : alerts : doit être une part entre 0 et 1 (0.3 pour 30 %), pas du texte"
    ],
    "a skill no team has (plan would stop on it)": [
        "map.yaml:6 assets[0].skills : aucune équipe n'a l'une des compétences « wndows » (vouliez-vous dire "
        "« windows » ?), « vmware », aucune ne pourrait donc le restaurer ; donnez-en une à une équipe dans teams"
    ],
    "malformed YAML": ["map.yaml:13 : YAML mal formé : did not find expected ',' or ']'"],
}
# English words of the sentences the map checks write: none may reach a French reader.
ENGLISH = ("must ", "unknown", "required", "allowed", "duplicate", "did you mean", "first defined", "found")


@pytest.mark.parametrize(("mistake", "expected"), FRENCH.items(), ids=list(FRENCH))
def test_each_mistake_is_located_in_french(tmp_path: Path, mistake: str, expected: list[str]) -> None:
    text = next(text for name, text, _ in CASES if name == mistake)
    assert problems_of(tmp_path, text, lang="fr") == expected


@pytest.mark.parametrize(("mistake", "text", "english"), CASES, ids=[c[0] for c in CASES])
def test_no_located_problem_is_left_in_english(
    tmp_path: Path, mistake: str, text: str, english: list[str]
) -> None:
    french = problems_of(tmp_path, text, lang="fr")
    assert len(french) == len(english)
    for sentence in french:
        # The quoted ids and YAML keys stay as the map writes them; the words around them are French.
        words = sentence.split(": ", 1)[-1].split(" : ", 1)[-1]
        assert not any(word in words for word in ENGLISH), sentence


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("needs: [lims]", "needs: [lism]").replace("priority: 1", "priority: 0")
    problems = problems_of(tmp_path, text)
    assert len(problems) == 2
    assert "priority" in problems[0] and "lism" in problems[1]


def test_json_maps_are_located_too(tmp_path: Path) -> None:
    import yaml

    document = yaml.safe_load(GOOD)
    document["processes"][0]["needs"] = ["lism"]
    text = json.dumps(document, indent=2)
    [problem] = problems_of(tmp_path, text, "map.json")
    assert problem.startswith("map.json:")
    assert problem.endswith('processes[0].needs[0]: unknown id "lism" (did you mean "lims"?)')
    line = int(problem.split(":")[1].split()[0])
    assert '"lism"' in text.splitlines()[line - 1]


def test_malformed_json(tmp_path: Path) -> None:
    assert problems_of(tmp_path, '{"bascule": 1,\n "hospital": }', "map.json") == [
        "map.json:2: malformed JSON: Expecting value"
    ]


def test_the_error_says_how_many_problems(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(GOOD.replace("priority: 1", "priority: 9"), encoding="utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    assert str(caught.value).splitlines()[0] == f"The map {path} has 1 problem; fix them and try again:"


def test_one_skill_a_team_has_is_enough_and_a_map_without_teams_is_not_held_to_it(tmp_path: Path) -> None:
    skilled = GOOD.replace("{id: dc01, segment: lan}", "{id: dc01, segment: lan, skills: [vmware, windows]}")
    path = tmp_path / "map.yaml"
    path.write_text(skilled + "teams: [{id: infra, members: 2, skills: [windows]}]\n", encoding="utf-8")
    assert load_map(path).teams[0].id == "infra"
    path.write_text(skilled, encoding="utf-8")  # impact-only maps have no teams yet
    assert load_map(path).teams == ()


@pytest.mark.parametrize("seed", range(40))
def test_the_small_graph_cycle_check_agrees_with_the_large_one(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below SMALL_GRAPH_EDGES a pure-Python sort (no scipy import at every map load) decides."""
    from bascule.hospital import cycles

    chance = random.Random(seed)
    count = chance.randint(2, 30)
    edges = [(chance.randrange(count), chance.randrange(count)) for _ in range(chance.randint(1, 2 * count))]
    if seed % 2:  # half of them acyclic: edges only from a higher node to a lower one
        edges = [(max(a, b), min(a, b)) for a, b in edges if a != b] or [(1, 0)]
    owners, needed = [a for a, _ in edges], [b for _, b in edges]
    small = cycles.has_cycle(count, owners, needed)
    monkeypatch.setattr(cycles, "SMALL_GRAPH_EDGES", 0)
    assert cycles.has_cycle(count, owners, needed) == small
    if seed % 2:
        assert not small
