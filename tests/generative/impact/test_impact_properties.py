"""Properties of contract 2 over random maps, against the independent reference evaluator."""

from __future__ import annotations

import itertools

from bench.reference_impact import UP, evaluate, explaining_members
from hypothesis import given, settings
from hypothesis import strategies as st

from bascule import assess
from bascule.hospital.model import (
    Application,
    Asset,
    CareProcess,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
    Supplier,
)

RANK = {"up": 0, "degraded": 1, "down": 2}
SEGMENTS = ("seg-a", "seg-b", "seg-c")
SUPPLIERS = ("sup-a", "sup-b")


@st.composite
def maps(draw: st.DrawFn) -> HospitalMap:
    """A random acyclic map: each node needs only assets or applications drawn before it."""
    count = draw(st.integers(min_value=1, max_value=30))
    kinds = draw(
        st.lists(st.sampled_from(["asset", "application", "process"]), min_size=count, max_size=count)
    )
    assets, applications, processes = [], [], []
    needable: list[str] = []
    for i, kind in enumerate(kinds):
        needs = []
        for _ in range(draw(st.integers(0, 3)) if needable else 0):
            members = draw(st.lists(st.sampled_from(needable), min_size=1, max_size=4, unique=True))
            if len(members) == 1 and draw(st.booleans()):
                needs.append(Requirement.of(members[0]))
            else:
                needs.append(Requirement(tuple(members), draw(st.integers(1, len(members))), grouped=True))
        optional = (
            tuple(draw(st.lists(st.sampled_from(needable), max_size=2, unique=True))) if needable else ()
        )
        common = {
            "id": f"n{i}",
            "needs": tuple(needs),
            "optional": optional,
            "segment": draw(st.none() | st.sampled_from(SEGMENTS)),
            "supplier": draw(st.none() | st.sampled_from(SUPPLIERS)),
        }
        if kind == "process":
            processes.append(CareProcess(**common, priority=draw(st.integers(1, 4))))
            continue
        (assets if kind == "asset" else applications).append(
            Asset(**common) if kind == "asset" else Application(**common)
        )
        needable.append(f"n{i}")
    return HospitalMap(
        hospital=Hospital("h", "Random"),
        segments=tuple(Segment(s) for s in SEGMENTS),
        suppliers=tuple(Supplier(s) for s in SUPPLIERS),
        assets=tuple(assets),
        applications=tuple(applications),
        processes=tuple(processes),
    )


@st.composite
def maps_and_hits(draw: st.DrawFn) -> tuple[HospitalMap, dict[str, list[str]]]:
    hospital_map = draw(maps())
    ids = list(hospital_map.nodes)
    hits = {
        "down": draw(st.lists(st.sampled_from(ids), max_size=4, unique=True)) if ids else [],
        "isolate": draw(st.lists(st.sampled_from(SEGMENTS), max_size=2, unique=True)),
        "suppliers": draw(st.lists(st.sampled_from(SUPPLIERS), max_size=1, unique=True)),
    }
    return hospital_map, hits


@settings(max_examples=300, deadline=None)
@given(maps_and_hits())
def test_statuses_match_the_reference(case: tuple[HospitalMap, dict[str, list[str]]]) -> None:
    hospital_map, hits = case
    expected, _ = evaluate(hospital_map, **hits)
    impact = assess(hospital_map, **hits)
    assert {n: impact.status(n) for n in hospital_map.nodes} == expected


@settings(max_examples=300, deadline=None)
@given(maps_and_hits())
def test_via_is_a_valid_shortest_explanation(case: tuple[HospitalMap, dict[str, list[str]]]) -> None:
    hospital_map, hits = case
    status, distance = evaluate(hospital_map, **hits)
    impact = assess(hospital_map, **hits)
    for node_id in hospital_map.nodes:
        via = impact.via(node_id)
        if status[node_id] == UP:
            assert via == ()
            continue
        assert via[0] == node_id
        assert len(via) == distance[node_id] + 1, "not a shortest chain"
        assert impact.cause(via[-1]) in ("declared", "isolated", "supplier"), "does not end at a hit node"
        for owner, member in itertools.pairwise(via):
            assert member in explaining_members(hospital_map, owner, status), (
                f"{member} does not explain {owner}"
            )


@settings(max_examples=200, deadline=None)
@given(maps_and_hits(), st.data())
def test_more_hits_never_bring_a_node_up(
    case: tuple[HospitalMap, dict[str, list[str]]], data: st.DataObject
) -> None:
    hospital_map, hits = case
    before = assess(hospital_map, **hits)
    extra = (
        data.draw(st.lists(st.sampled_from(list(hospital_map.nodes)), max_size=3))
        if hospital_map.nodes
        else []
    )
    more_isolated = data.draw(st.lists(st.sampled_from(SEGMENTS), max_size=1))
    after = assess(
        hospital_map,
        down=[*hits["down"], *extra],
        isolate=[*hits["isolate"], *more_isolated],
        suppliers=hits["suppliers"],
    )
    for node_id in hospital_map.nodes:
        assert RANK[after.status(node_id)] >= RANK[before.status(node_id)]


@settings(max_examples=200, deadline=None)
@given(maps_and_hits())
def test_a_node_depending_on_nothing_hit_is_up(case: tuple[HospitalMap, dict[str, list[str]]]) -> None:
    hospital_map, hits = case
    impact = assess(hospital_map, **hits)
    hit = {n for n in hospital_map.nodes if impact.cause(n) in ("declared", "isolated", "supplier")}

    def ancestors(node_id: str) -> set[str]:
        node = hospital_map.nodes[node_id]
        found: set[str] = set()
        for member in (*node.required_ids(), *node.optional):
            found |= {member, *ancestors(member)}
        return found

    for node_id in hospital_map.nodes:
        if node_id not in hit and not (ancestors(node_id) & hit):
            assert impact.status(node_id) == "up"
