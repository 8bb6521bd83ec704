"""The drawing's small parts: least-squares placement, crossing count, labels, escaping, curves."""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET

import pytest

from bascule.diagram.boxes import Box, DrawingGraph, Link, _common_label, build
from bascule.diagram.impact_view import group_status
from bascule.diagram.layout import MAX_ROWS, Rect, _crossings, _isotonic, _order, _transpose, place
from bascule.diagram.svg import curve, escape, fit, number, text_width
from bascule.hospital.model import Application, Asset, CareProcess, Hospital, HospitalMap, Requirement


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        ([1.0, 2.0, 3.0], [1, 1, 1], [1.0, 2.0, 3.0]),
        ([3.0, 1.0], [1, 1], [2.0, 2.0]),
        ([3.0, 1.0], [1, 3], [1.5, 1.5]),
        ([5.0, 1.0, 6.0, 2.0], [1, 1, 1, 1], [3.0, 3.0, 4.0, 4.0]),
        ([], [], []),
    ],
)
def test_isotonic_regression_pools_adjacent_violators(
    values: list[float], weights: list[float], expected: list[float]
) -> None:
    assert _isotonic(values, weights) == pytest.approx(expected)


def test_isotonic_regression_is_monotone_and_no_worse_than_any_sorted_guess() -> None:
    rng = random.Random(7)
    for _ in range(200):
        values = [rng.uniform(-50, 50) for _ in range(rng.randint(1, 12))]
        fitted = _isotonic(values, [1.0] * len(values))
        assert all(a <= b + 1e-9 for a, b in itertools.pairwise(fitted))
        cost = sum((f - v) ** 2 for f, v in zip(fitted, values, strict=True))
        assert cost <= sum((g - v) ** 2 for g, v in zip(sorted(values), values, strict=True)) + 1e-9


def brute_crossings(columns: list[list[str]], segments: list[tuple[str, str]]) -> int:
    position = {key: i for column in columns for i, key in enumerate(column)}
    count = 0
    for i, (a, b) in enumerate(segments):
        for c, d in segments[i + 1 :]:
            if (position[a] - position[c]) * (position[b] - position[d]) < 0:
                count += 1
    return count


def test_crossing_count_matches_counting_every_pair() -> None:
    rng = random.Random(3)
    for _ in range(100):
        left = [f"l{i}" for i in range(rng.randint(1, 7))]
        right = [f"r{i}" for i in range(rng.randint(1, 7))]
        rng.shuffle(left)
        rng.shuffle(right)
        segments = sorted({(rng.choice(left), rng.choice(right)) for _ in range(rng.randint(0, 15))})
        layer = {**{k: 0 for k in left}, **{k: 1 for k in right}}
        assert _crossings([left, right], segments, layer) == brute_crossings([left, right], segments)


def test_barycentre_sweeps_untangle_a_crossed_ladder() -> None:
    left = ["a", "b", "c", "d"]
    right = ["w", "x", "y", "z"]
    segments = [("a", "z"), ("b", "y"), ("c", "x"), ("d", "w")]
    layer = {**{k: 0 for k in left}, **{k: 1 for k in right}}
    assert _crossings([left, right], segments, layer) == 6
    ordered = _order([left, right], segments, layer, fixed_last=True)
    assert ordered[1] == right  # the fixed column keeps its order
    assert _crossings(ordered, segments, layer) == 0


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["ESXi host 01", "ESXi host 02"], "ESXi host"),
        (["Citrix VDA 01", "Citrix VDA 24"], "Citrix VDA"),
        (["Logiciel des urgences, application", "Logiciel des urgences, base"], "Logiciel des urgences"),
        (["Serveur (principal)", "Serveur (secours)"], "Serveur"),
        (["Alpha", "Beta"], ""),
    ],
)
def test_collapsed_boxes_are_named_by_what_their_members_share(labels: list[str], expected: str) -> None:
    assert _common_label(labels) == expected


@pytest.mark.parametrize(
    ("members", "at_least", "expected"),
    [
        (["up", "up"], 1, "up"),
        (["down", "up"], 1, "degraded"),
        (["down", "down"], 1, "down"),
        (["degraded", "up", "up"], 3, "degraded"),
        (["down", "up", "up"], 3, "down"),
    ],
)
def test_group_status_follows_contract_2(members: list[str], at_least: int, expected: str) -> None:
    assert group_status(members, at_least) == expected


def test_escape_makes_any_text_safe_inside_xml() -> None:
    nasty = '<a href="x">&amp;\'</a>\x00\x1f end'
    parsed = ET.fromstring(f'<t v="{escape(nasty)}">{escape(nasty)}</t>')
    assert parsed.text == parsed.get("v") == '<a href="x">&amp;\'</a>\ufffd\ufffd end'


def test_numbers_are_short_and_stable() -> None:
    assert [number(v) for v in (3.0, 2.04, 2.06, -0.04, 1234.56)] == ["3", "2", "2.1", "0", "1234.6"]


def test_fit_cuts_with_an_ellipsis_only_when_needed() -> None:
    assert fit("short", 200, 12) == "short"
    cut = fit("a rather long name for a box that is narrow", 120, 12)
    assert cut.endswith("…") and text_width(cut, 12) <= 120 + 12


def test_curves_leave_and_arrive_horizontally() -> None:
    assert curve(((0, 0), (100, 0))) == "M0 0 L100 0"
    assert curve(((0, 0), (100, 50))) == "M0 0 C50 0 50 50 100 50"


def small_map() -> HospitalMap:
    return HospitalMap(
        hospital=Hospital(id="h", name="H"),
        assets=(
            Asset(id="net", kind="network"),
            Asset(id="s1", kind="server", needs=(Requirement.of("net"),)),
            Asset(id="s2", kind="server", needs=(Requirement.of("net"),)),
            Asset(id="pool", kind="workstations", count=300),
        ),
        applications=(
            Application(id="app", needs=(Requirement(("s1", "s2"), 1, grouped=True),)),
            Application(id="portal", needs=(Requirement.of("app"),)),
        ),
        processes=(
            CareProcess(id="care", priority=1, needs=(Requirement.of("portal"), Requirement.of("pool"))),
        ),
    )


def test_columns_run_assets_then_applications_then_processes() -> None:
    graph = build(small_map(), None, collapse=False)
    placement = place(graph, left=0, top=0)
    x = {key: rect.x for key, rect in placement.boxes.items()}
    assert x["net"] < x["s1"] == x["s2"] < x["app"] < x["portal"] < x["care"]
    # an asset that needs nothing sits next to what needs it, within the assets
    assert x["pool"] == x["s1"]


def test_long_links_follow_a_trunk_through_the_columns_they_cross() -> None:
    graph = build(small_map(), None, collapse=False)
    placement = place(graph, left=0, top=0)
    route = next(r for r in placement.routes if r.link.source == "pool")
    assert len(route.points) == 2 + 2 * 2  # crosses the app and portal columns
    for (x1, y1), (x2, y2) in zip(route.points[1::2], route.points[2::2], strict=False):
        assert y1 == y2 and x1 < x2
        for rect in placement.boxes.values():
            assert not (rect.x <= x1 < rect.right and rect.y <= y1 <= rect.bottom)


def test_alike_assets_are_collapsed_and_links_deduplicated() -> None:
    graph = build(small_map(), None)
    assert [b.key for b in graph.boxes] == ["net", "s1+1", "pool", "app", "portal", "care"]
    assert graph.box("s1+1").members == ("s1", "s2")
    assert Link("s1+1", "app", "group", "app#0.1.2") in graph.links
    assert sum(1 for link in graph.links if link.target == "app") == 1
    assert [(j.at_least, j.size) for j in graph.junctions] == [(1, 2)]


def test_a_box_needs_members_and_a_process_box_its_priority() -> None:
    with pytest.raises(ValueError, match="at least one node"):
        Box("x", (), "asset", "x", "server", None, None, None, None)
    with pytest.raises(ValueError, match="priority"):
        Box("x", ("x",), "process", "x", "process", None, None, None, None)
    with pytest.raises(ValueError, match="junction"):
        Link("a", "b", "group")
    assert DrawingGraph((), (), (), 0).boxes == ()


def test_a_tall_column_is_spread_over_several() -> None:
    servers = [Asset(id=f"s{i}", kind="server", needs=(Requirement.of("net"),)) for i in range(60)]
    hospital_map = HospitalMap(
        hospital=Hospital(id="h", name="H"),
        assets=(Asset(id="net", kind="network"), *servers),
        applications=tuple(Application(id=f"a{i}", needs=(Requirement.of(f"s{i}"),)) for i in range(50)),
        processes=(
            CareProcess(id="care", priority=1, needs=tuple(Requirement.of(f"a{i}") for i in range(50))),
        ),
    )
    placement = place(build(hospital_map, None, collapse=False), left=0, top=0)
    columns: dict[float, list[str]] = {}
    for key, rect in placement.boxes.items():
        columns.setdefault(rect.x, []).append(key)
    assert max(len(keys) for keys in columns.values()) <= MAX_ROWS
    x = {key: rect.x for key, rect in placement.boxes.items()}
    assert max(x[f"s{i}"] for i in range(60)) < min(x[f"a{i}"] for i in range(50)) < x["care"]
    # the ten servers nothing needs go first, so no link has to cross them
    assert max(x[f"s{i}"] for i in range(50, 60)) <= min(x[f"s{i}"] for i in range(50))
    assert overlaps_none(list(placement.boxes.values()))


def overlaps_none(rects: list[Rect]) -> bool:
    return not any(a.overlaps(b) for i, a in enumerate(rects) for b in rects[i + 1 :])


def test_transposing_neighbours_removes_crossings() -> None:
    segments = [("a", "y"), ("b", "x"), ("c", "x")]
    layer = {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1}
    columns = [["a", "b", "c"], ["x", "y"]]
    assert _crossings(columns, segments, layer) == 2
    left_of = {"x": ["b", "c"], "y": ["a"]}
    right_of = {"a": ["y"], "b": ["x"], "c": ["x"]}
    _transpose(columns, left_of, right_of, fixed_last=True)
    assert columns == [["b", "c", "a"], ["x", "y"]]
    assert _crossings(columns, segments, layer) == 0
