"""The five embedded exercise scripts: each loads, checks against the demo map, speaks French and
English, has the shape the library promises, and survives the crisis database's document."""

from __future__ import annotations

import json

import pytest

from bascule.exercise.loading import embedded_script_names, from_document, load_script, to_document
from bascule.exercise.model import CHANNELS, ExerciseScript
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap

NAMES = ("containment", "group-pcs-blocked", "pathology-supplier", "ransomware-night", "triage-supplier")


@pytest.fixture(scope="module")
def demo() -> HospitalMap:
    return load_map("demo")


def test_the_five_scripts_are_embedded() -> None:
    assert tuple(embedded_script_names()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_a_script_is_an_exercise_of_two_to_four_hours_on_every_channel(demo: HospitalMap, name: str) -> None:
    script = load_script(name, demo)
    assert script.map_ref == "demo"
    assert 120 <= script.duration_minutes <= 240
    assert 8 <= len(script.injects) <= 14
    assert {inject.channel for inject in script.injects} == set(CHANNELS)
    assert any(not inject.effects.empty for inject in script.injects)
    assert 4 <= len(script.expected) <= 7
    criteria = [decision.criterion for decision in script.expected]
    assert sum(c is not None for c in criteria) > len(criteria) / 2
    assert any(c is not None and c.kind == "decision" for c in criteria)
    assert None in criteria  # one the facilitator judges


@pytest.mark.parametrize("name", NAMES)
def test_every_text_of_a_script_is_in_french_and_english(demo: HospitalMap, name: str) -> None:
    script = load_script(name, demo)
    texts = [script.title, script.briefing]
    texts += [i.text for i in script.injects] + [i.sender for i in script.injects]
    texts += [i.facilitator_notes for i in script.injects if i.facilitator_notes]
    texts += [d.text for d in script.expected]
    for text in texts:
        assert set(text) == {"fr", "en"}, text
        assert all(value.strip() for value in text.values())


@pytest.mark.parametrize("name", NAMES)
def test_a_script_survives_the_crisis_database(demo: HospitalMap, name: str) -> None:
    script = load_script(name, demo)
    document = json.loads(json.dumps(to_document(script)))
    again = from_document(document)
    assert again == script
    assert isinstance(document["scenario"], dict)  # inlined: the run needs no scenario file either
    assert document["map"] == "demo"


def test_a_document_is_a_script_file_too(demo: HospitalMap, tmp_path: object) -> None:
    """What the database keeps can be written out and checked as a script (bar its `source`)."""
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    document = to_document(load_script("pathology-supplier", demo))
    document.pop("source")
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    reread: ExerciseScript = load_script(str(path), demo)
    assert reread.scenario.supplier_back == {"biolab": 336.0}
    assert [i.id for i in reread.injects] == [i.id for i in load_script("pathology-supplier", demo).injects]
