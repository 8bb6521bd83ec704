"""Properties of the drawing on random maps: every node drawn once, every dependency drawn, no overlap."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bascule.diagram import draw_svg
from bascule.hospital.model import (
    Application,
    Asset,
    CareProcess,
    Hospital,
    HospitalMap,
    Node,
    Requirement,
    Segment,
)
from bascule.impact import assess

SVG = "{http://www.w3.org/2000/svg}"
KINDS = ("server", "vm", "service", "storage")
RANK = {"up": 0, "degraded": 1, "down": 2}


@st.composite
def hospital_maps(draw: st.DrawFn) -> HospitalMap:
    """A random acyclic map: each node needs only earlier nodes (never a process)."""
    count = draw(st.integers(min_value=1, max_value=28))
    nodes: list[Node] = []
    for i in range(count):
        earlier = [n.id for n in nodes if not isinstance(n, CareProcess)]
        picked = draw(st.lists(st.sampled_from(earlier), max_size=4, unique=True)) if earlier else []
        needs: list[Requirement] = []
        rest = list(picked)
        if len(rest) >= 2 and draw(st.booleans()):
            size = draw(st.integers(min_value=2, max_value=len(rest)))
            group, rest = rest[:size], rest[size:]
            needs.append(Requirement(tuple(group), draw(st.integers(1, len(group))), grouped=True))
        optional: tuple[str, ...] = ()
        if rest and draw(st.booleans()):
            optional, rest = (rest[0],), rest[1:]
        needs += [Requirement.of(r) for r in rest]
        role = draw(st.sampled_from(["asset", "asset", "application", "process"])) if i else "asset"
        common = {
            "id": f"n{i}",
            "needs": tuple(needs),
            "optional": optional,
            "segment": draw(st.sampled_from([None, "s1", "s2"])),
        }
        if role == "asset":
            nodes.append(Asset(kind=draw(st.sampled_from(KINDS)), **common))  # type: ignore[arg-type]
        elif role == "application":
            nodes.append(Application(**common))  # type: ignore[arg-type]
        else:
            nodes.append(CareProcess(priority=draw(st.integers(1, 4)), **common))  # type: ignore[arg-type]
    return HospitalMap(
        hospital=Hospital(id="h", name="Random"),
        segments=(Segment(id="s1"), Segment(id="s2")),
        assets=tuple(n for n in nodes if isinstance(n, Asset)),
        applications=tuple(n for n in nodes if isinstance(n, Application)),
        processes=tuple(n for n in nodes if isinstance(n, CareProcess)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hospital_map=hospital_maps(), data=st.data())
def test_every_node_and_dependency_is_drawn_without_overlap(
    hospital_map: HospitalMap, data: st.DataObject
) -> None:
    ids = list(hospital_map.nodes)
    down = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    isolate = data.draw(st.lists(st.sampled_from(["s1", "s2"]), max_size=1))
    impact = assess(hospital_map, down=down, isolate=isolate)
    svg = draw_svg(hospital_map, impact)
    root = ET.fromstring(svg)
    box_of: dict[str, str] = {}
    rects = []
    for group in root.iter(f"{SVG}g"):
        if "node" not in group.get("class", "").split():
            continue
        key = group.get("data-node", "")
        members = json.loads(group.get("data-members") or json.dumps([key]))
        folded = json.loads(group.get("data-folded") or "[]")
        for member in (*members, *folded):
            assert member not in box_of, "a node is drawn twice"
            box_of[member] = key
        rect = next(r for r in group.iter(f"{SVG}rect") if r.get("class") == "node-box")
        rects.append(tuple(float(rect.get(a, "0")) for a in ("x", "y", "width", "height")))
        # a box has its members' status; a server folded into it can only be better off
        assert {impact.status(m) for m in members} == {group.get("data-status")}
        for member in folded:
            assert RANK[impact.status(member)] <= RANK[group.get("data-status") or ""]
    assert set(box_of) == set(ids)
    for i, (x, y, w, h) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1 :]:
            assert not (x < x2 + w2 and x2 < x + w and y < y2 + h2 and y2 < y + h), "boxes overlap"
    drawn = {
        (p.get("data-source"), p.get("data-target")) for p in root.iter(f"{SVG}path") if p.get("data-source")
    }
    for node in hospital_map.nodes.values():
        for needed in [*node.required_ids(), *node.optional]:
            source, target = box_of[needed], box_of[node.id]
            assert source == target or (source, target) in drawn, f"{needed} -> {node.id} not drawn"


@settings(max_examples=25, deadline=None)
@given(hospital_map=hospital_maps())
def test_drawing_is_deterministic(hospital_map: HospitalMap) -> None:
    assert draw_svg(hospital_map) == draw_svg(hospital_map)


def drawn_nodes(svg: str) -> set[str]:
    found: set[str] = set()
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" in group.get("class", "").split():
            key = group.get("data-node", "")
            found |= set(json.loads(group.get("data-members") or json.dumps([key])))
            found |= set(json.loads(group.get("data-folded") or "[]"))
    return found


def reachable(hospital_map: HospitalMap, start: str, upward: bool) -> set[str]:
    edges: dict[str, set[str]] = {n: set() for n in hospital_map.nodes}
    for node in hospital_map.nodes.values():
        for needed in [*node.required_ids(), *node.optional]:
            if upward:
                edges[node.id].add(needed)
            else:
                edges[needed].add(node.id)
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges[stack.pop()] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return seen


@settings(max_examples=40, deadline=None)
@given(hospital_map=hospital_maps(), data=st.data())
def test_focus_draws_exactly_what_the_node_needs_and_what_needs_it(
    hospital_map: HospitalMap, data: st.DataObject
) -> None:
    focus = data.draw(st.sampled_from(list(hospital_map.nodes)))
    expected = reachable(hospital_map, focus, upward=True) | reachable(hospital_map, focus, upward=False)
    assert drawn_nodes(draw_svg(hospital_map, focus=[focus])) == expected


@settings(max_examples=40, deadline=None)
@given(hospital_map=hospital_maps(), data=st.data())
def test_affected_only_draws_exactly_what_is_not_up(hospital_map: HospitalMap, data: st.DataObject) -> None:
    down = data.draw(st.lists(st.sampled_from(list(hospital_map.nodes)), min_size=1, max_size=3, unique=True))
    impact = assess(hospital_map, down=down)
    expected = {n for n in hospital_map.nodes if impact.status(n) != "up"}
    assert drawn_nodes(draw_svg(hospital_map, impact, affected_only=True)) == expected
