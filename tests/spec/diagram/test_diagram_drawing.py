"""What the dependency drawing shows, read back from the SVG as a crisis cell would read it."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from diagram_maps import any_of, hit, need, sixty_node_hospital
from drawing_reading import SVG, boxes, elements_with_class, overlapping, parse

from bascule.diagram import draw_svg, draw_to_file
from bascule.errors import UserError
from bascule.hospital.model import Application, Asset, CareProcess, Hospital, HospitalMap

RED, AMBER, GREEN = "#fbd7d4", "#fff0c4", "#e2f3e5"


@pytest.fixture(scope="module")
def ransomware_svg() -> str:
    hospital_map = sixty_node_hospital()
    return draw_svg(hospital_map, hit(hospital_map, down=["dc01", "dc02", "vmware"], suppliers=["pathlab"]))


@pytest.mark.parametrize(
    ("box", "status_class", "fill", "words"),
    [
        # declared down: red, thick outline, says why
        ("vmware", "status-down", RED, "DOWN · compromised"),
        ("dc01+1", "status-down", RED, "DOWN · compromised"),
        # run by a supplier that is down
        ("lims", "status-down", RED, "DOWN · supplier down"),
        # down through a dependency: names the next hop and the hit node
        ("ad", "status-down", RED, "DOWN · via dc01"),
        ("pcs-wards", "status-down", RED, "DOWN · via ad → dc01"),
        ("ehr", "status-down", RED, "DOWN · via vm-ehr-01"),
        # an `any` group with one member left up keeps the process going, degraded
        ("emergency", "status-degraded", AMBER, "DEGRADED"),
        ("ipbx", "status-up", GREEN, "UP"),
        ("triage-111", "status-up", GREEN, "UP"),
    ],
)
def test_each_box_says_its_status_in_words_and_colour(
    ransomware_svg: str, box: str, status_class: str, fill: str, words: str
) -> None:
    drawn = boxes(ransomware_svg)[box]
    assert status_class in drawn.classes
    assert drawn.fill == fill
    assert any(text.startswith(words) for text in drawn.texts), drawn.texts


@pytest.mark.parametrize(
    ("scenario", "box", "cause_words"),
    [
        ({"down": ["vmware"]}, "vmware", "compromised"),
        ({"suppliers": ["pathlab"]}, "lims", "supplier down"),
        ({"isolate": ["voice"]}, "ipbx", "segment isolated"),
    ],
)
def test_hit_nodes_have_a_thick_dark_outline_and_their_cause(
    scenario: dict[str, list[str]], box: str, cause_words: str
) -> None:
    hospital_map = sixty_node_hospital()
    drawn = boxes(draw_svg(hospital_map, hit(hospital_map, **scenario)))
    assert "hit" in drawn[box].classes
    assert drawn[box].stroke == "#111111"
    assert drawn[box].stroke_width >= 4
    assert cause_words in drawn[box].words
    not_hit = [b for b in drawn.values() if "hit" not in b.classes]
    assert not_hit and all(b.stroke_width < 2 for b in not_hit)


def test_uncovered_processes_carry_a_marker_in_words(ransomware_svg: str) -> None:
    drawn = boxes(ransomware_svg)
    uncovered = {key for key, box in drawn.items() if "uncovered" in box.classes}
    # down with no fallback: outpatients, patient-sms, staff-mail; emergency is only degraded
    assert uncovered == {"outpatients", "patient-sms", "staff-mail"}
    for key in uncovered:
        assert "UNCOVERED: NO FALLBACK" in drawn[key].texts
    assert "fallback: Paper transfusion" in drawn["transfusion"].texts
    assert "fallback: Paper transfusion (paper-transfusion)" in drawn["transfusion"].tooltip


def test_uncovered_processes_are_listed_first_then_by_priority(ransomware_svg: str) -> None:
    drawn = boxes(ransomware_svg)
    processes = sorted((b for b in drawn.values() if "node-process" in b.classes), key=lambda b: b.y)
    order = [b.key for b in processes]
    assert order[:3] == ["outpatients", "patient-sms", "staff-mail"]
    priorities = [sixty_node_hospital().nodes[k].priority for k in order[3:]]  # type: ignore[attr-defined]
    assert priorities == sorted(priorities)


def test_processes_show_their_priority(ransomware_svg: str) -> None:
    drawn = boxes(ransomware_svg)
    for process in sixty_node_hospital().processes:
        assert f"P{process.priority}" in drawn[process.id].texts


def test_groups_are_junctions_labelled_k_of_n(ransomware_svg: str) -> None:
    labels = sorted("".join(e.itertext()) for e in elements_with_class(ransomware_svg, "group-label"))
    # ad and dns need any of the two controllers; storage any SAN; vmware 10 of 14 hosts;
    # ehr 4 of 6 VMs; transfusion and emergency any of the two workstation pools
    assert labels == ["1 of 2"] * 5 + ["10 of 14", "4 of 6"]
    junctions = {
        j.get("data-target"): j.get("data-status") for j in elements_with_class(ransomware_svg, "junction")
    }
    assert junctions["ad"] == "down"  # both controllers down
    assert junctions["emergency"] == "degraded"  # ward PCs down, downtime stations up
    assert junctions["vmware"] == "up"  # hosts are fine, the cluster itself is hit


def test_optional_dependencies_are_dashed(ransomware_svg: str) -> None:
    links = parse(ransomware_svg).iter(f"{SVG}path")
    optional = [p for p in links if "link-optional" in p.get("class", "")]
    assert {(p.get("data-source"), p.get("data-target")) for p in optional} >= {
        ("ehr", "transfusion"),
        ("ehr", "theatres"),
        ("adt", "emergency"),
        ("ipbx", "staff-mail"),
    }
    assert all(p.get("stroke-dasharray") for p in optional)
    needs = [p for p in parse(ransomware_svg).iter(f"{SVG}path") if "link-need" in p.get("class", "")]
    assert needs and not any(p.get("stroke-dasharray") for p in needs)


def test_alike_assets_collapse_into_one_counted_box(ransomware_svg: str) -> None:
    drawn = boxes(ransomware_svg)
    hosts = [b for b in drawn.values() if b.texts[0] == "14 × ESXi host"]
    assert len(hosts) == 1 and "collapsed" in hosts[0].classes
    assert all(f"esx{i:02d}" in hosts[0].tooltip for i in range(1, 15))
    assert drawn["dc01+1"].texts[0] == "2 × Domain controller"
    assert drawn["vm-ehr-01+5"].texts[0] == "6 × EHR VM"
    # what differs is never merged: different status, kind, or a declared hit
    assert {"vmware", "ehr-db", "ad", "dns"} <= set(drawn)


def test_without_collapsing_every_node_has_its_box() -> None:
    hospital_map = sixty_node_hospital()
    drawn = boxes(draw_svg(hospital_map, collapse=False))
    assert set(drawn) == set(hospital_map.nodes)


def test_collapsing_keeps_nodes_whose_status_differs() -> None:
    hospital_map = sixty_node_hospital()
    drawn = boxes(draw_svg(hospital_map, hit(hospital_map, down=["esx03"])))
    assert "esx03" in drawn and "hit" in drawn["esx03"].classes
    assert [b.texts[0] for b in drawn.values() if b.texts[0].startswith("13 ×")] == ["13 × ESXi host"]


def test_focus_keeps_what_the_nodes_need_and_what_needs_them() -> None:
    hospital_map = sixty_node_hospital()
    drawn = boxes(draw_svg(hospital_map, focus=["lims"], collapse=False))
    assert set(drawn) == {"lims", "wan", "firewall", "transfusion", "critical-results"}
    text = "".join(parse(draw_svg(hospital_map, focus=["lims"])).itertext())
    assert "Focus on lims" in text


def test_focus_on_an_unknown_node_is_a_user_error() -> None:
    with pytest.raises(UserError, match=r'no such node \(did you mean "lims"\?\)'):
        draw_svg(sixty_node_hospital(), focus=["lism"])


def test_tooltips_give_id_status_and_via_chain(ransomware_svg: str) -> None:
    drawn = boxes(ransomware_svg)
    assert (
        "pcs-wards · status: DOWN · cause: dependency · via: pcs-wards → ad → dc01"
        in drawn["pcs-wards"].tooltip
    )
    assert "priority P1" in drawn["transfusion"].tooltip
    assert all(b.tooltip for b in drawn.values())


def test_title_names_the_hospital_and_summarises_the_scenario(ransomware_svg: str) -> None:
    root = parse(ransomware_svg)
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    assert texts[0] == "Centre hospitalier de Test: dependency map"
    assert "Scenario: compromised dc01, dc02, vmware; suppliers down pathlab." in texts
    assert "Care processes: 9 down (3 with no fallback), 1 degraded, 1 up." in texts
    legend = "".join(next(e for e in root.iter(f"{SVG}g") if e.get("class") == "legend").itertext())
    for words in ("UP", "DEGRADED", "DOWN", "HIT", "no fallback", "optional", "K of N", "P1 vital"):
        assert words in legend


def test_the_drawing_speaks_french() -> None:
    hospital_map = sixty_node_hospital()
    svg = draw_svg(hospital_map, hit(hospital_map, down=["vmware"]), lang="fr", scenario="rançongiciel")
    text = " ".join(parse(svg).itertext())
    for words in (
        "carte des dépendances",
        "Scénario « rançongiciel »",
        "ARRÊT",
        "compromis",
        "PROCESSUS DE SOINS",
        "NON COUVERT",
    ):
        assert words in text


def test_text_is_escaped_and_the_svg_stays_valid_xml() -> None:
    nasty = "R&D <lab> \"quoted\" 'single' \x07bell"
    hospital_map = HospitalMap(
        hospital=Hospital(id="h", name='St <Mary> & "Co"'),
        assets=(Asset(id="a<&>b", name=nasty, kind="server"),),
        applications=(Application(id="app&1", name="<script>alert(1)</script>", needs=need("a<&>b")),),
        processes=(CareProcess(id='p"1', name="Care & <cure>", priority=1, needs=need("app&1")),),
    )
    svg = draw_svg(hospital_map, hit(hospital_map, down=["a<&>b"]))
    drawn = boxes(svg)
    assert set(drawn) == {"a<&>b", "app&1", 'p"1'}
    assert drawn["a<&>b"].texts[0].startswith("R&D <lab>")
    assert drawn["app&1"].texts[0].startswith("<script>")
    assert "<script" not in svg.replace("&lt;script", "")
    assert 'St <Mary> & "Co": dependency map' in "".join(parse(svg).itertext())


def test_the_svg_is_self_contained_with_a_viewbox(ransomware_svg: str) -> None:
    root = parse(ransomware_svg)
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 \d+(\.\d)? \d+(\.\d)?", root.get("viewBox", ""))
    assert not any(e.tag in (f"{SVG}script", f"{SVG}image", f"{SVG}foreignObject") for e in root.iter())
    for element in root.iter():
        for name, value in element.attrib.items():
            if "href" in name:
                assert value.startswith("#")
            assert "url(" not in value or re.fullmatch(r"url\(#[\w-]+\)", value), value
    assert "@import" not in ransomware_svg and "@font-face" not in ransomware_svg
    assert ransomware_svg.count("http") == 1  # the SVG namespace only


def test_fonts_are_at_least_11_px(ransomware_svg: str) -> None:
    sizes = [float(e.get("font-size", "0")) for e in parse(ransomware_svg).iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 11


@pytest.mark.parametrize("collapse", [True, False])
def test_no_two_boxes_overlap(ransomware_svg: str, collapse: bool) -> None:
    hospital_map = sixty_node_hospital()
    svg = draw_svg(hospital_map, hit(hospital_map, down=["dc01"]), collapse=collapse)
    assert overlapping(boxes(svg)) == []
    assert overlapping(boxes(ransomware_svg)) == []


def test_the_same_input_gives_the_same_bytes_whatever_the_hash_seed() -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from diagram_maps import sixty_node_hospital, hit; from bascule.diagram import draw_svg;"
        "m = sixty_node_hospital(); sys.stdout.write(draw_svg(m, hit(m, down=['dc01', 'vmware'])))"
    )
    here = str(Path(__file__).parent)
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, here],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
    hospital_map = sixty_node_hospital()
    assert outputs == {draw_svg(hospital_map, hit(hospital_map, down=["dc01", "vmware"]))}


def test_an_empty_map_still_draws_a_titled_page() -> None:
    svg = draw_svg(HospitalMap(hospital=Hospital(id="empty", name="Empty")))
    assert boxes(svg) == {}
    assert "Empty: dependency map" in "".join(parse(svg).itertext())


def test_a_small_map_with_a_group_and_an_optional_need() -> None:
    hospital_map = HospitalMap(
        hospital=Hospital(id="h", name="Small"),
        assets=(
            Asset(id="s1", kind="server"),
            Asset(id="s2", kind="server"),
            Asset(id="nas", kind="storage"),
        ),
        applications=(Application(id="app", needs=(any_of("s1", "s2"),), optional=("nas",)),),
        processes=(CareProcess(id="care", priority=2, needs=need("app")),),
    )
    svg = draw_svg(hospital_map, hit(hospital_map, down=["nas"]), collapse=False)
    drawn = boxes(svg)
    assert "status-degraded" in drawn["app"].classes
    assert "status-degraded" in drawn["care"].classes and "uncovered" not in drawn["care"].classes
    columns = sorted({b.x for b in drawn.values()})
    assert drawn["s1"].x == drawn["s2"].x == columns[0] < drawn["app"].x < drawn["care"].x


def test_draw_to_file_writes_atomically(tmp_path: Path) -> None:
    hospital_map = sixty_node_hospital()
    target = tmp_path / "out" / "map.svg"
    written = draw_to_file(hospital_map, hit(hospital_map, down=["vmware"]), target, "en")
    assert written == target
    assert target.read_text(encoding="utf-8") == draw_svg(hospital_map, hit(hospital_map, down=["vmware"]))
    assert [p.name for p in target.parent.iterdir()] == ["map.svg"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # like any file the user writes


def test_draw_to_file_keeps_the_old_file_when_it_cannot_write(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(UserError, match="Cannot write the drawing"):
        draw_to_file(sixty_node_hospital(), None, blocked / "map.svg", "en")
    assert blocked.read_text(encoding="utf-8") == "a file where a folder should be"


def folding_map() -> HospitalMap:
    return HospitalMap(
        hospital=Hospital(id="h", name="Folding"),
        assets=(
            Asset(id="cluster", kind="service"),
            Asset(id="app-srv", name="App server", kind="server", needs=need("cluster")),
            Asset(id="app-db", name="App database", kind="server", needs=need("app-srv")),
            Asset(id="shared-db", name="Shared database", kind="server", needs=need("cluster")),
            Asset(id="node1", kind="server", needs=need("cluster")),
            Asset(id="node2", kind="server", needs=need("cluster")),
        ),
        applications=(
            Application(id="app", needs=need("app-db", "shared-db")),
            Application(id="other", needs=(*need("shared-db"), any_of("node1", "node2"))),
        ),
        processes=(CareProcess(id="care", priority=1, needs=need("app", "other")),),
    )


def test_servers_serving_one_application_fold_into_it() -> None:
    hospital_map = folding_map()
    drawn = boxes(draw_svg(hospital_map, hit(hospital_map, down=["cluster"])))
    # app-srv and app-db serve only `app`: folded, counted, listed in the tooltip
    assert set(drawn) == {"cluster", "shared-db", "node1+1", "app", "other", "care"}
    assert "+2 own servers" in drawn["app"].texts[1]
    assert "app-db · status: DOWN" in drawn["app"].tooltip and "app-srv" in drawn["app"].tooltip
    # what they needed now points at the application itself
    links = {
        (p.get("data-source"), p.get("data-target")) for p in parse(draw_svg(hospital_map)).iter(f"{SVG}path")
    }
    assert ("cluster", "app") in links


def test_a_hit_server_or_a_group_member_is_never_folded() -> None:
    hospital_map = folding_map()
    drawn = boxes(draw_svg(hospital_map, hit(hospital_map, down=["app-db"])))
    assert {"app-db", "node1+1"} <= set(drawn)
    assert "hit" in drawn["app-db"].classes
    assert "app-srv" not in drawn  # still folded: into the hit database it serves alone
    assert "+1 own server ·" in drawn["app-db"].texts[1]


def test_focus_shows_every_server_unfolded() -> None:
    drawn = boxes(draw_svg(folding_map(), focus=["app"]))
    assert {"app-srv", "app-db"} <= set(drawn)


@pytest.mark.parametrize("scenario", [None, "ransomware", "containment", "pathology-supplier"])
def test_the_demo_hospital_is_drawn_readably(scenario: str | None) -> None:
    from bascule.hospital.loading import load_map
    from bascule.impact import assess
    from bascule.scenario import load_scenario

    hospital_map = load_map("demo")
    impact = None
    if scenario is not None:
        chosen = load_scenario(scenario, hospital_map)
        impact = assess(hospital_map, chosen.down, chosen.isolate, chosen.suppliers)
    svg = draw_svg(hospital_map, impact, lang="fr")
    drawn = boxes(svg)
    assert overlapping(drawn) == []
    assert min(float(e.get("font-size", "0")) for e in parse(svg).iter(f"{SVG}text")) >= 11
    # collapsing and folding keep the ~300-node hospital to about half as many boxes
    assert len(drawn) < 0.6 * len(hospital_map.nodes)
    # every node is in exactly one box
    members = [m for b in drawn.values() for m in (*b.members, *b.folded)]
    assert sorted(members) == sorted(hospital_map.nodes)


def test_affected_only_draws_just_what_the_scenario_degrades_or_stops() -> None:
    hospital_map = sixty_node_hospital()
    impact = hit(hospital_map, suppliers=["pathlab"])
    svg = draw_svg(hospital_map, impact, affected_only=True)
    drawn = boxes(svg)
    assert set(drawn) == {n for n in hospital_map.nodes if impact.status(n) != "up"}
    assert set(drawn) == {"lims", "transfusion", "critical-results"}
    assert "Only what the scenario affects: 54 nodes still up are left out." in "".join(parse(svg).itertext())


def test_affected_only_needs_a_scenario() -> None:
    with pytest.raises(UserError, match="needs a scenario or hits"):
        draw_svg(sixty_node_hospital(), None, affected_only=True)


def test_a_drawing_too_big_to_read_is_refused_with_a_way_out() -> None:
    hospital_map = sixty_node_hospital()
    with pytest.raises(UserError, match=r"would have \d+ boxes, too many to read \(at most 10\); .*--focus"):
        draw_svg(hospital_map, max_boxes=10)
    assert boxes(draw_svg(hospital_map, focus=["lims"], max_boxes=10))


def test_the_public_api_is_what_all_says() -> None:
    import bascule.diagram

    assert sorted(bascule.diagram.__all__) == ["ImpactView", "draw_svg", "draw_to_file"]
    assert all(hasattr(bascule.diagram, name) for name in bascule.diagram.__all__)


def test_ids_that_look_like_drawing_keys_do_not_confuse_it() -> None:
    hospital_map = HospitalMap(
        hospital=Hospital(id="h", name="Odd ids"),
        assets=(
            Asset(id="a|b", kind="server"),
            Asset(id="a|c", kind="server"),
            Asset(id="a|b+1", kind="storage"),
        ),
        applications=(Application(id="x#0.1.2", needs=(any_of("a|b", "a|c"), *need("a|b+1"))),),
        processes=(CareProcess(id="p|1", priority=1, needs=need("x#0.1.2")),),
    )
    drawn = boxes(draw_svg(hospital_map))
    assert set(drawn) == {"a|b+1+", "a|b+1", "x#0.1.2", "p|1"}
    assert drawn["a|b+1+"].members == ("a|b", "a|c")
    assert overlapping(drawn) == []


def test_an_id_shaped_like_a_trunk_point_is_still_a_box() -> None:
    hospital_map = HospitalMap(
        hospital=Hospital(id="h", name="Odd ids"),
        assets=(Asset(id="hub", kind="network"), Asset(id="~hub@1", kind="server", needs=need("hub"))),
        applications=(Application(id="app", needs=need("~hub@1")),),
        processes=(CareProcess(id="care", priority=1, needs=need("hub", "app")),),
    )
    drawn = boxes(draw_svg(hospital_map, collapse=False))
    assert set(drawn) == {"hub", "~hub@1", "app", "care"}
    assert overlapping(drawn) == []
