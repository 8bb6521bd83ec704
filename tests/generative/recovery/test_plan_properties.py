"""Properties of restoration plans over random hospitals and scenarios, judged by plan_checker."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from plan_checker import Scenario, brute_force_optimum, check_plan

from bascule.errors import UserError
from bascule.gantt import gantt_svg
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

SKILLS = ("windows", "linux", "database")
SEGMENTS = ("seg-a", "seg-b")
SUPPLIERS = ("sup-a",)
HOURS = (0.5, 1.0, 2.0, 3.0, 4.0, 6.0)
ODD_HOURS = (0.7, 1.0 / 3.0, 1.25, 2.0)  # no common scale with 1/3 beside it: times rounded up in CP-SAT
SVG = "{http://www.w3.org/2000/svg}"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def requirements(draw: st.DrawFn, candidates: list[str]) -> Requirement:
    members = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3, unique=True))
    return Requirement(tuple(members), draw(st.integers(1, len(members))), grouped=len(members) > 1)


@st.composite
def hospitals(draw: st.DrawFn, max_nodes: int = 8, hours: tuple[float, ...] = HOURS) -> HospitalMap:
    ids = [f"n{i}" for i in range(draw(st.integers(1, max_nodes)))]
    assets = []
    for i, node_id in enumerate(ids):
        needs = draw(st.lists(requirements(ids[:i]), max_size=2)) if i else []
        assets.append(
            Asset(
                id=node_id,
                needs=tuple({r.members: r for r in needs}.values()),
                segment=draw(st.sampled_from((None, *SEGMENTS))),
                supplier=draw(st.sampled_from((None, None, None, *SUPPLIERS))),
                restore_hours=draw(st.sampled_from(hours)),
                skills=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True))),
            )
        )
    processes = []
    for i in range(draw(st.integers(1, 4))):
        needs = draw(st.lists(requirements(ids), min_size=1, max_size=2))
        processes.append(
            CareProcess(
                id=f"care{i}",
                priority=draw(st.integers(1, 4)),
                needs=tuple({r.members: r for r in needs}.values()),
            )
        )
    teams = [
        Team(
            f"team{k}",
            members=draw(st.integers(1, 2)),
            skills=tuple(draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=3, unique=True))),
        )
        for k in range(draw(st.integers(1, 3)))
    ]
    return HospitalMap(
        hospital=Hospital("h", "Test"),
        segments=tuple(Segment(s) for s in SEGMENTS),
        suppliers=tuple(Supplier(s) for s in SUPPLIERS),
        assets=tuple(assets),
        processes=tuple(processes),
        teams=tuple(teams),
    )


@st.composite
def scenarios(draw: st.DrawFn, hospital_map: HospitalMap) -> Scenario:
    ids = [a.id for a in hospital_map.assets]
    isolate = draw(st.lists(st.sampled_from(SEGMENTS), unique=True, max_size=1))
    suppliers = draw(st.lists(st.sampled_from(SUPPLIERS), unique=True, max_size=1))
    back_times = st.one_of(st.none(), st.sampled_from((0.0, 1.0, 2.5, 5.0, 12.0)))
    reconnect = {s: t for s in isolate if (t := draw(back_times)) is not None}
    supplier_back = {s: t for s in suppliers if (t := draw(back_times)) is not None}
    return Scenario(
        down=draw(st.lists(st.sampled_from(ids), unique=True, min_size=1)),
        isolate=isolate,
        suppliers=suppliers,
        reconnect=reconnect,
        supplier_back=supplier_back,
    )


@st.composite
def planning_cases(
    draw: st.DrawFn, max_nodes: int = 8, hours: tuple[float, ...] = HOURS
) -> tuple[HospitalMap, Scenario]:
    hospital_map = draw(hospitals(max_nodes, hours))
    return hospital_map, draw(scenarios(hospital_map))


def unrestorable(hospital_map: HospitalMap, scenario: Scenario) -> list[str]:
    return [
        n
        for n in scenario.down
        if hospital_map.nodes[n].skills
        and not any(set(hospital_map.nodes[n].skills) & set(t.skills) for t in hospital_map.teams)
    ]


@FAST
@given(st.one_of(planning_cases(), planning_cases(hours=ODD_HOURS)))
def test_every_plan_is_valid_true_and_no_worse_than_the_list_schedule(
    case: tuple[HospitalMap, Scenario],
) -> None:
    hospital_map, scenario = case
    if unrestorable(hospital_map, scenario):
        with pytest.raises(UserError, match="No team can restore") as raised:
            plan(hospital_map, time_limit=1.0, **scenario.api_arguments())
        assert any(n in str(raised.value) for n in unrestorable(hospital_map, scenario))
        return
    result = plan(hospital_map, time_limit=1.0, **scenario.api_arguments())
    document = result.to_json()
    check_plan(hospital_map, scenario, document)
    assert document["objective"] <= document["baseline_objective"] + 1e-6
    chart = ET.fromstring(gantt_svg(result, hospital_map, "fr"))
    bars = [r for r in chart.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == len(document["tasks"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_cases(max_nodes=5))
def test_tiny_plans_are_optimal_and_their_bound_holds(case: tuple[HospitalMap, Scenario]) -> None:
    hospital_map, scenario = case
    assume(not unrestorable(hospital_map, scenario) and len(scenario.down) <= 4)
    result = plan(hospital_map, time_limit=2.0, **scenario.api_arguments())
    check_plan(hospital_map, scenario, result.to_json())
    optimum = brute_force_optimum(hospital_map, scenario)
    if math.isinf(optimum):  # nothing restorable: nothing to order
        optimum = result.objective
    assert result.lower_bound <= optimum + 1e-6
    assert result.objective == pytest.approx(optimum)
    assert result.status == "optimal"


@FAST
@given(planning_cases(), st.data())
def test_replanning_keeps_work_done_and_under_way(
    case: tuple[HospitalMap, Scenario], data: st.DataObject
) -> None:
    hospital_map, scenario = case
    assume(not unrestorable(hospital_map, scenario))
    first = plan(hospital_map, time_limit=1.0, **scenario.api_arguments()).to_json()
    assume(first["tasks"])
    now = data.draw(
        st.sampled_from(sorted({t["start"] for t in first["tasks"]} | {t["end"] for t in first["tasks"]}))
    )
    done = [t["node"] for t in first["tasks"] if t["end"] <= now]
    say_when = data.draw(st.booleans())  # --done ID=HOURS, or only ID (then back "by now")
    done_at = {t["node"]: t["end"] for t in first["tasks"] if t["end"] <= now} if say_when else {}
    name_team = data.draw(st.booleans())
    started = {
        t["node"]: (t["start"], t["team"] if name_team else None)
        for t in first["tasks"]
        if t["start"] <= now < t["end"]
    }
    later = Scenario(
        scenario.down,
        scenario.isolate,
        scenario.suppliers,
        scenario.reconnect,
        scenario.supplier_back,
        done=done,
        done_at=done_at,
        started=started,
        at=now,
    )
    second = plan(hospital_map, time_limit=1.0, **later.api_arguments()).to_json()
    check_plan(hospital_map, later, second)
    kept = {t["node"]: t["start"] for t in second["tasks"] if t["node"] in started}
    assert kept == {node: since for node, (since, _) in started.items()}
    assert not {t["node"] for t in second["tasks"]} & set(done)
    if say_when:  # the past is the same in both plans: what was back by now keeps its time
        for process, eta in first["processes"].items():
            if eta["eta_hours"] is not None and eta["eta_hours"] <= now:
                assert second["processes"][process]["eta_hours"] == eta["eta_hours"]
