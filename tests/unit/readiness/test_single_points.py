"""The batched single-failure propagation gives, for every candidate, what `assess` gives."""

from __future__ import annotations

import json

import pytest
from bench.impact import generate

from bascule.hospital.loading import load_map, load_map_text
from bascule.hospital.model import Application, Asset, CareProcess, Hospital, HospitalMap, Requirement, Team
from bascule.impact import Hits, assess
from bascule.readiness import assess_readiness
from bascule.readiness.map_checks import VITAL_PRIORITIES, Candidate, MapReview


def _hits(candidate: Candidate) -> Hits:
    if candidate.what == "segment":
        return Hits(isolate=(candidate.id,))
    if candidate.what == "supplier":
        return Hits(suppliers=(candidate.id,))
    return Hits(down=(candidate.id,))


def _check_against_assess(hospital_map: HospitalMap) -> int:
    review = MapReview(hospital_map)
    vital = [p for p in hospital_map.processes if p.priority in VITAL_PRIORITIES]
    candidates: set[Candidate] = set()
    for process in vital:
        candidates |= review.path(process)
    for candidate in candidates:
        impact = assess(hospital_map, _hits(candidate))
        expected = {p.id for p in vital if impact.is_down(p.id)}
        assert {p.id for p in review.single_points.get(candidate, ())} == expected, candidate
    # Nothing off the vital paths can take a vital process down.
    for node_id in hospital_map.nodes:
        if Candidate("node", node_id) not in candidates and node_id not in {p.id for p in vital}:
            impact = assess(hospital_map, Hits(down=(node_id,)))
            assert not any(impact.is_down(p.id) for p in vital), node_id
    return len(candidates)


def test_on_the_demo_map() -> None:
    assert _check_against_assess(load_map("demo")) > 100


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_on_generated_maps(seed: int) -> None:
    hospital_map = load_map_text(json.dumps(generate(400, seed)), is_json=True)
    assert _check_against_assess(hospital_map) > 50


def test_the_path_of_a_process_holds_what_it_needs_not_what_is_optional() -> None:
    hospital_map = load_map_text(
        """
bascule: 1
hospital: {id: h, name: H}
segments: [{id: lan}]
assets: [{id: a}, {id: b, segment: lan}, {id: c}]
applications: [{id: app, needs: [a, {any: [b, a]}], optional: [c]}]
processes: [{id: p, priority: 1, needs: [app], fallback: f}]
procedures: [{id: f}]
"""
    )
    review = MapReview(hospital_map)
    assert review.chain_ids("p") == {"app", "a", "b"}
    assert review.path(hospital_map.processes[0]) == {
        Candidate("node", "app"),
        Candidate("node", "a"),
        Candidate("node", "b"),
        Candidate("segment", "lan"),
    }


def test_a_node_no_team_can_restore_is_a_finding_in_a_map_built_in_python() -> None:
    # Validation refuses such a map when loaded; one built in Python is not validated.
    hospital_map = HospitalMap(
        Hospital("h", "H"),
        assets=(Asset(id="a", skills=("mainframe",)), Asset(id="b")),
        applications=(Application(id="app", needs=(Requirement(("a", "b"), 1, grouped=True),)),),
        processes=(CareProcess(id="p", priority=2, needs=(Requirement.of("app"),), fallback=None),),
        teams=(Team("it", members=2, skills=("windows",)),),
    )
    readiness = assess_readiness(hospital_map)
    no_team = [f for f in readiness.findings if f.kind == "no_team"]
    assert [(f.subject, f.severity, f.facts) for f in no_team] == [
        ("a", "high", {"skills": ("mainframe",), "priority": 2})
    ]
    assert readiness.components["skills"] == 0
