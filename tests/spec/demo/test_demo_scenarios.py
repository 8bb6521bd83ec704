"""The five embedded scenarios tell the story of the incident each is built from.

Each story is a table of `node=status` the impact must show, with the processes that must
run on their paper procedure and those left uncovered; every scenario can also be undone
by the restoration teams of the map.
"""

from __future__ import annotations

import pytest

from bascule import assess, load_map
from bascule.hospital.model import CareProcess, HospitalMap
from bascule.impact import Impact
from bascule.recovery import plan
from bascule.scenario import Scenario, embedded_scenario_names, load_scenario

NAMES = ("admissions-locked", "containment", "pathology-supplier", "ransomware", "triage-supplier")


@pytest.fixture(scope="module")
def demo() -> HospitalMap:
    return load_map("demo")


def _impact(demo: HospitalMap, name: str) -> Impact:
    scenario = load_scenario(name, demo)
    return assess(demo, scenario.down, scenario.isolate, scenario.suppliers)


def _process(demo: HospitalMap, process_id: str) -> CareProcess:
    return next(p for p in demo.processes if p.id == process_id)


def test_the_five_scenarios_are_embedded() -> None:
    assert tuple(embedded_scenario_names()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_speaks_french_and_english(demo: HospitalMap, name: str) -> None:
    scenario = load_scenario(name, demo)
    for text in (scenario.title, scenario.description):
        assert set(text) == {"fr", "en"}
        assert all(value.strip() for value in text.values())


STORIES = {
    "ransomware": [
        "dc01=down", "dc02=down", "ad=down", "dns=down", "vsphere-tl=down", "vsphere-co=down", "backup=down",
        "bkp-tape=up", "srv-bkp-repo01=up", "telephony=up", "monitoring-central=up",
        "emergency-admission=down", "medication-administration=down", "intensive-care=down",
        "vital-emergency-alert=up",
    ],
    "pathology-supplier": [
        "lims=down", "transfusion=down", "critical-lab-results=down", "lab-sampling=down",
        "scheduled-surgery=down", "chemotherapy=down", "ehr=up", "medication-administration=up",
        "emergency-admission=degraded", "intensive-care=degraded",
    ],
    "triage-supplier": ["triage-platform=down", "out-of-hours-triage=down", "telephony=up", "ehr=up"],
    "containment": [
        "telephony=up", "dect-tl=up", "sip-trunk=up", "vital-emergency-alert=up",
        "samu-coordination=degraded", "ehr=down", "ad=down", "internet=down",
        "emergency-admission=down", "downtime-tl=down",
    ],
    "admissions-locked": [
        "adt=down", "emergency-admission=down", "bed-management=down", "discharge-transfers=down",
        "ehr=degraded", "ad=up", "transfusion=degraded", "medication-administration=degraded",
        "outpatient-consultations=degraded",
    ],
}  # fmt: skip

ON_PAPER = {
    "ransomware": {
        "emergency-admission": "proc-provisional-identities",
        "transfusion": "proc-o-negative",
        "medication-administration": "proc-paper-mar",
        "critical-lab-results": "proc-critical-results-phone",
    },
    "pathology-supplier": {
        "transfusion": "proc-o-negative",
        "critical-lab-results": "proc-critical-results-phone",
        "lab-sampling": "proc-paper-lab-requests",
        "scheduled-surgery": "proc-printed-theatre-list",
    },
    "triage-supplier": {"out-of-hours-triage": "proc-paper-triage"},
    "containment": {"intensive-care": "proc-paper-icu-chart", "maternity": "proc-paper-partogram"},
    "admissions-locked": {
        "emergency-admission": "proc-provisional-identities",
        "bed-management": "proc-bed-board",
    },
}

UNCOVERED = {
    "ransomware": {"stroke-care", "chemotherapy", "scheduled-imaging", "billing"},
    "pathology-supplier": {"chemotherapy"},
    "triage-supplier": set(),
    "containment": {"stroke-care", "chemotherapy", "scheduled-imaging", "billing"},
    "admissions-locked": {"billing"},
}


@pytest.mark.parametrize(("name", "expected"), [(n, e) for n, states in STORIES.items() for e in states])
def test_the_story(demo: HospitalMap, name: str, expected: str) -> None:
    node_id, status = expected.split("=")
    assert _impact(demo, name).status(node_id) == status


@pytest.mark.parametrize("name", NAMES)
def test_processes_on_their_paper_procedure(demo: HospitalMap, name: str) -> None:
    document = _impact(demo, name).to_json()["processes"]
    for process_id, procedure in ON_PAPER[name].items():
        assert document[process_id]["status"] == "down"
        assert document[process_id]["fallback"] == procedure
        assert document[process_id]["uncovered"] is False


@pytest.mark.parametrize("name", NAMES)
def test_uncovered_processes(demo: HospitalMap, name: str) -> None:
    impact = _impact(demo, name)
    assert {p.id for p in demo.processes if impact.is_uncovered(p.id)} == UNCOVERED[name]
    assert impact.summary()["uncovered"] == len(UNCOVERED[name])


def test_ransomware_takes_down_most_care_and_leaves_a_vital_process_uncovered(demo: HospitalMap) -> None:
    impact = _impact(demo, "ransomware")
    summary = impact.summary()
    assert summary["down"] >= 0.8 * len(demo.processes)
    assert any(impact.is_uncovered(p) and _process(demo, p).priority <= 2 for p in UNCOVERED["ransomware"])
    assert impact.via("emergency-admission")[:2] == ("emergency-admission", "adt")


def test_pathology_supplier_explains_transfusion_by_the_supplier(demo: HospitalMap) -> None:
    impact = _impact(demo, "pathology-supplier")
    assert impact.via("transfusion") == ("transfusion", "lims")
    assert impact.cause("lims") == "supplier"


def test_triage_supplier_touches_only_the_out_of_hours_triage(demo: HospitalMap) -> None:
    impact = _impact(demo, "triage-supplier")
    assert [p.id for p in demo.processes if impact.status(p.id) != "up"] == ["out-of-hours-triage"]


def test_containment_isolates_every_segment_but_telephony(demo: HospitalMap) -> None:
    scenario = load_scenario("containment", demo)
    kept = demo.segment_ids - set(scenario.isolate)
    assert kept and all("telephony" in segment for segment in kept)


def test_containment_keeps_the_processes_that_need_only_phones(demo: HospitalMap) -> None:
    impact = _impact(demo, "containment")
    still_working = {p.id for p in demo.processes if not impact.is_down(p.id)}
    assert still_working == {"vital-emergency-alert", "samu-coordination"}


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_says_when_outside_things_come_back(demo: HospitalMap, name: str) -> None:
    scenario = load_scenario(name, demo)
    assert set(scenario.reconnect) == set(scenario.isolate)
    assert set(scenario.supplier_back) == set(scenario.suppliers)


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_node_is_restorable_by_a_team(demo: HospitalMap, name: str) -> None:
    for node_id in load_scenario(name, demo).down:
        node = demo.node(node_id)
        assert node.supplier is None, node_id
        assert node.skills, node_id
        assert any(team.can_restore(node) for team in demo.teams), node_id


def _plan(demo: HospitalMap, scenario: Scenario) -> dict[str, dict[str, float | None]]:
    restoration = plan(
        demo,
        scenario.down,
        scenario.isolate,
        scenario.suppliers,
        scenario.reconnect,
        scenario.supplier_back,
        time_limit=1.0,
    )
    document = restoration.to_json()
    assert not document["blocked"]
    assert {task["node"] for task in document["tasks"]} == set(scenario.down)
    return dict(document["processes"])


@pytest.mark.parametrize("name", NAMES)
def test_the_restoration_plan_brings_every_vital_process_back(demo: HospitalMap, name: str) -> None:
    etas = _plan(demo, load_scenario(name, demo))
    vital = [p.id for p in demo.processes if p.priority == 1]
    assert all(etas[p]["eta_hours"] is not None for p in vital)
    assert all(etas[p.id]["eta_hours"] is not None for p in demo.processes)
