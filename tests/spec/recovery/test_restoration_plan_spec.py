"""The restoration plan on small hand-made hospitals: the expected plan, read as a table.

Each case: the map (nodes with hours and needs, teams), what is hit, and the plan expected:
tasks as (node, team, start, end) and care processes as {id: eta}. Every case has one optimal
plan, so any correct solver finds exactly this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bascule.errors import UserError
from bascule.hospital.model import (
    Asset,
    CareProcess,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
    Supplier,
    Team,
)
from bascule.recovery import plan


def need(*members: str, at_least: int = 1) -> Requirement:
    if len(members) == 1:
        return Requirement.of(members[0])
    return Requirement(members, at_least, grouped=True)


def hospital(
    assets: list[tuple[str, float, tuple[Requirement, ...]]],
    processes: list[tuple[str, int, tuple[Requirement, ...]]],
    teams: list[tuple[str, int, tuple[str, ...]]] = [("it", 1, ())],  # noqa: B006 (never mutated)
    *,
    skills: dict[str, tuple[str, ...]] | None = None,
    segment: dict[str, str] | None = None,
    supplier: dict[str, str] | None = None,
) -> HospitalMap:
    skills, segment, supplier = skills or {}, segment or {}, supplier or {}
    return HospitalMap(
        hospital=Hospital("spec", "Spec hospital"),
        segments=(Segment("dmz"),),
        suppliers=(Supplier("lab"),),
        assets=tuple(
            Asset(
                id=i,
                restore_hours=h,
                needs=n,
                skills=skills.get(i, ()),
                segment=segment.get(i),
                supplier=supplier.get(i),
            )
            for i, h, n in assets
        ),
        processes=tuple(CareProcess(id=i, priority=p, needs=n) for i, p, n in processes),
        teams=tuple(Team(i, m, s) for i, m, s in teams),
    )


@dataclass
class Case:
    name: str
    hospital_map: HospitalMap
    hits: dict[str, Any]
    tasks: list[tuple[str, str, float, float]]
    etas: dict[str, float | None]
    objective: float
    blocked: list[str] = field(default_factory=list)


CHAIN = hospital(
    [("san", 2, ()), ("db", 3, (need("san"),)), ("ehr", 1, (need("db"),))], [("records", 1, (need("ehr"),))]
)
TWO_PRIORITIES = hospital(
    [("a", 4, ()), ("b", 1, ())], [("vital", 1, (need("a"),)), ("billing", 4, (need("b"),))]
)
SAME_PRIORITY = hospital(
    [("long", 6, ()), ("short", 1, ())], [("x", 2, (need("long"),)), ("y", 2, (need("short"),))]
)
ANY_OF = hospital(
    [("dc01", 6, ()), ("dc02", 2, ()), ("ad", 1, (need("dc01", "dc02"),))], [("login", 1, (need("ad"),))]
)
TWO_OF_THREE = hospital(
    [("n1", 2, ()), ("n2", 3, ()), ("n3", 4, ())], [("cluster", 1, (need("n1", "n2", "n3", at_least=2),))]
)
PARALLEL = hospital([("a", 3, ()), ("b", 3, ())], [("both", 1, (need("a"), need("b")))], [("it", 2, ())])
SKILLED = hospital(
    [("db", 2, ()), ("pc", 1, ())],
    [("care", 1, (need("db"), need("pc")))],
    [("infra", 1, ("windows",)), ("dba", 1, ("oracle",))],
    skills={"db": ("oracle",), "pc": ("windows",)},
)
ISOLATED = hospital(
    [("web", 1, ()), ("portal", 2, (need("web"),))],
    [("booking", 3, (need("portal"),))],
    segment={"web": "dmz"},
)
SUPPLIED = hospital(
    [("lims", 1, ()), ("ward-pc", 2, ())],
    [("lab-results", 1, (need("lims"), need("ward-pc")))],
    supplier={"lims": "lab"},
)

CASES = [
    Case(
        "a chain is restored in dependency order",
        CHAIN,
        {"down": ["san", "db", "ehr"]},
        [("san", "it", 0, 2), ("db", "it", 2, 5), ("ehr", "it", 5, 6)],
        {"records": 6},
        6000,
    ),
    Case(
        "priority 1 before priority 4",
        TWO_PRIORITIES,
        {"down": ["a", "b"]},
        [("a", "it", 0, 4), ("b", "it", 4, 5)],
        {"vital": 4, "billing": 5},
        4005,
    ),
    Case(
        "same priority: the quicker win first",
        SAME_PRIORITY,
        {"down": ["long", "short"]},
        [("short", "it", 0, 1), ("long", "it", 1, 7)],
        {"x": 7, "y": 1},
        800,
    ),
    Case(
        "any of two: the quicker member first",
        ANY_OF,
        {"down": ["dc01", "dc02", "ad"]},
        [("dc02", "it", 0, 2), ("ad", "it", 2, 3), ("dc01", "it", 3, 9)],
        {"login": 3},
        3000,
    ),
    Case(
        "two of three: the two quickest",
        TWO_OF_THREE,
        {"down": ["n1", "n2", "n3"]},
        [("n1", "it", 0, 2), ("n2", "it", 2, 5), ("n3", "it", 5, 9)],
        {"cluster": 5},
        5000,
    ),
    Case(
        "two members work in parallel",
        PARALLEL,
        {"down": ["a", "b"]},
        [("a", "it", 0, 3), ("b", "it", 0, 3)],
        {"both": 3},
        3000,
    ),
    Case(
        "each node goes to a team with its skill",
        SKILLED,
        {"down": ["db", "pc"]},
        [("db", "dba", 0, 2), ("pc", "infra", 0, 1)],
        {"care": 2},
        2000,
    ),
    Case(
        "an isolated segment reconnected later",
        ISOLATED,
        {"down": ["portal"], "isolate": ["dmz"], "reconnect": {"dmz": 10}},
        [("portal", "it", 10, 12)],
        {"booking": 12},
        120,
    ),
    Case(
        "a segment never reconnected: never, and the task waits forever",
        ISOLATED,
        {"down": ["portal"], "isolate": ["dmz"]},
        [],
        {"booking": None},
        0,
        ["portal"],
    ),
    Case(
        "a supplier back later",
        SUPPLIED,
        {"down": ["ward-pc"], "suppliers": ["lab"], "supplier_back": {"lab": 5}},
        [("ward-pc", "it", 0, 2)],
        {"lab-results": 5},
        5000,
    ),
    Case(
        "a process not hit is back at 0",
        TWO_PRIORITIES,
        {"down": ["b"]},
        [("b", "it", 0, 1)],
        {"vital": 0, "billing": 1},
        1,
    ),
    Case(
        "re-planning: done work is gone, the rest starts from now",
        CHAIN,
        {"down": ["san", "db", "ehr"], "done": ["san"], "at": 3},
        [("db", "it", 3, 6), ("ehr", "it", 6, 7)],
        {"records": 7},
        7000,
    ),
    Case(
        "re-planning: done work said when keeps its time",
        CHAIN,
        {"down": ["san", "db", "ehr"], "done": {"san": 2.0, "db": 5.0, "ehr": 6.0}, "at": 8},
        [],
        {"records": 6},
        6000,
    ),
    Case(
        "re-planning: work under way keeps its member until it ends",
        CHAIN,
        {"down": ["san", "db", "ehr"], "done": ["san"], "started": {"db": (2.5, "it")}, "at": 4},
        [("db", "it", 2.5, 5.5), ("ehr", "it", 5.5, 6.5)],
        {"records": 6.5},
        6500,
    ),
    Case(
        "re-planning: work under way with no team named goes to a qualified team",
        SKILLED,
        {"down": ["db", "pc"], "started": {"db": 1.0}, "at": 1.5},
        [("db", "dba", 1.0, 3.0), ("pc", "infra", 1.5, 2.5)],
        {"care": 3},
        3000,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_plan(case: Case) -> None:
    result = plan(case.hospital_map, time_limit=2.0, **case.hits).to_json()
    assert [(t["node"], t["team"], t["start"], t["end"]) for t in result["tasks"]] == case.tasks
    assert {p: v["eta_hours"] for p, v in result["processes"].items()} == case.etas
    assert result["objective"] == case.objective
    assert result["blocked"] == case.blocked
    assert result["status"] == "optimal"


def test_the_json_has_contract_3s_fields() -> None:
    result = plan(CHAIN, down=["san", "db", "ehr"], time_limit=1.0).to_json()
    assert set(result) >= {"tasks", "processes", "objective", "lower_bound", "solver", "status"}
    assert set(result["tasks"][0]) >= {"node", "team", "start", "end"}
    assert result["processes"]["records"] == {"priority": 1, "eta_hours": 6.0}
    assert result["tasks"][-1]["brings_back"] == ["records"]


ERRORS = [
    (
        "no team has the skill",
        SKILLED,
        {"down": ["db"]},
        [("infra", 1, ("windows",))],
        "No team can restore db: it needs one of the skills oracle",
    ),
    (
        "unknown done id",
        CHAIN,
        {"down": ["san"], "done": ["sna"]},
        None,
        '"sna", which is not in the map (did you mean "san"?)',
    ),
    ("done but never declared down", CHAIN, {"down": ["san"], "done": ["db"]}, None, "not declared down"),
    (
        "unknown started id",
        CHAIN,
        {"down": ["db"], "started": {"dbb": 1.0}, "at": 2},
        None,
        'did you mean "db"',
    ),
    (
        "started after now",
        CHAIN,
        {"down": ["db"], "started": {"db": 3.0}, "at": 2},
        None,
        "after the plan's time",
    ),
    (
        "started on an unknown team",
        CHAIN,
        {"down": ["db"], "started": {"db": (1.0, "itt")}, "at": 2},
        None,
        'no team "itt" (did you mean "it"?)',
    ),
    (
        "done and started",
        CHAIN,
        {"down": ["db"], "done": ["db"], "started": {"db": 1.0}, "at": 2},
        None,
        "both done and started",
    ),
    ("unknown node down", CHAIN, {"down": ["dbb"]}, None, 'no node "dbb" (did you mean "db"?)'),
    ("negative now", CHAIN, {"down": ["db"], "at": -1}, None, "--at"),
    ("done after now", CHAIN, {"down": ["db"], "done": {"db": 3.0}, "at": 2}, None, "between 0 and now"),
]


@pytest.mark.parametrize(
    ("name", "hospital_map", "hits", "teams", "message"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_mistakes_are_one_clear_sentence(
    name: str,
    hospital_map: HospitalMap,
    hits: dict[str, Any],
    teams: list[tuple[str, int, tuple[str, ...]]] | None,
    message: str,
) -> None:
    if teams is not None:
        hospital_map = HospitalMap(
            hospital=hospital_map.hospital,
            assets=hospital_map.assets,
            processes=hospital_map.processes,
            teams=tuple(Team(i, m, s) for i, m, s in teams),
        )
    with pytest.raises(UserError) as raised:
        plan(hospital_map, time_limit=1.0, **hits)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_map_without_teams_says_so() -> None:
    bare = HospitalMap(hospital=CHAIN.hospital, assets=CHAIN.assets, processes=CHAIN.processes)
    with pytest.raises(UserError, match="No team can restore san: the map has no teams"):
        plan(bare, down=["san"], time_limit=1.0)


def test_work_under_way_that_overlapped_in_the_past_keeps_two_members() -> None:
    result = plan(PARALLEL, down=["a", "b"], started={"a": 0.0, "b": 1.0}, at=5.0, time_limit=1.0).to_json()
    assert [(t["node"], t["start"], t["end"]) for t in result["tasks"]] == [("a", 0.0, 3.0), ("b", 1.0, 4.0)]
    assert {t["member"] for t in result["tasks"]} == {0, 1}
    assert result["processes"]["both"]["eta_hours"] == 4.0


def test_more_work_under_way_than_members_is_refused() -> None:
    with pytest.raises(UserError, match="fully busy; name its team"):
        plan(TWO_PRIORITIES, down=["a", "b"], started={"a": 0.0, "b": 0.5}, at=0.5, time_limit=1.0)
    with pytest.raises(UserError, match="Team it would have more work under way than members"):
        plan(
            TWO_PRIORITIES,
            down=["a", "b"],
            started={"a": (0.0, "it"), "b": (0.5, "it")},
            at=0.5,
            time_limit=1.0,
        )
