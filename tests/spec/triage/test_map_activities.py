"""The map's `activities:` section: checked like every other section, mistakes located."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.clinical.records import ACTIVITY_KINDS
from bascule.errors import MapError
from bascule.hospital.loading import load_map

HEAD = """bascule: 1
hospital: {id: h}
units: [{id: consult}]
applications: [{id: booking}]
processes: [{id: outpatient-consultations, priority: 3, needs: [booking]}]
activities:
"""

CASES = [
    ("unknown process", "  - {id: a, kinds: [consultation], processes: [outpatient-consultation]}",
     'map.yaml:7 activities[0].processes[0]: unknown id "outpatient-consultation" '
     '(did you mean "outpatient-consultations"?)'),
    ("a unit where a process is wanted", "  - {id: a, kinds: [consultation], processes: [consult]}",
     'map.yaml:7 activities[0].processes[0]: "consult" is a care unit, but processes must name a care process'),
    ("unknown unit", "  - {id: a, kinds: [consultation], units: [consul]}",
     'map.yaml:7 activities[0].units[0]: unknown id "consul" (did you mean "consult"?)'),
    ("unknown kind", "  - {id: a, kinds: [consultaton]}",
     'map.yaml:7 activities[0].kinds: unknown kind of activity "consultaton" (did you mean '
     '"consultation"?); kinds are consultation, imaging, surgery, blood-test'),
    ("no kind", "  - {id: a, kinds: []}",
     "map.yaml:7 activities[0].kinds: must name at least one kind of activity: consultation, imaging, surgery, blood-test"),
    ("kinds missing", "  - {id: a}", 'map.yaml:7 activities[0]: "kinds" is required'),
    ("bad decision", "  - {id: a, kinds: [surgery], policy: {routine: cancell}}",
     'map.yaml:7 activities[0].policy: routine: unknown decision "cancell" (did you mean "cancel"?); '
     "decisions are maintain, postpone, cancel, divert"),
    ("bad urgency", "  - {id: a, kinds: [surgery], policy: {urgnt: maintain}}",
     'map.yaml:7 activities[0].policy: unknown urgency "urgnt" (did you mean "urgent"?); '
     "urgencies are routine, urgent, emergency"),
    ("duplicate id across sections", "  - {id: booking, kinds: [surgery]}",
     'map.yaml:7 activities[0].id: duplicate id "booking" (first defined at line 4, applications[0].id)'),
]  # fmt: skip


@pytest.mark.parametrize(("mistake", "entry", "expected"), CASES, ids=[c[0] for c in CASES])
def test_mistakes_are_located(tmp_path: Path, mistake: str, entry: str, expected: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(HEAD + entry + "\n", encoding="utf-8")
    with pytest.raises(MapError) as caught:
        load_map(path)
    assert [p.replace(str(tmp_path) + "/", "") for p in caught.value.problems] == [expected]


def test_policy_defaults_fill_what_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(HEAD + "  - {id: a, kinds: [surgery], policy: {routine: cancel}}\n", encoding="utf-8")
    (activity_type,) = load_map(path).activities
    assert [activity_type.decision_for(u) for u in ("routine", "urgent", "emergency")] == [
        "cancel",
        "maintain",
        "divert",
    ]


def test_a_misspelt_section_suggests_activities(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(HEAD.replace("activities:", "activites:") + "  - {id: a, kinds: [surgery]}\n")
    with pytest.raises(MapError, match='did you mean "activities"'):
        load_map(path)


def test_the_demo_map_covers_every_kind_of_activity() -> None:
    kinds = {kind for activity_type in load_map("demo").activities for kind in activity_type.kinds}
    assert kinds == set(ACTIVITY_KINDS)
