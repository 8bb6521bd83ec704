"""The readiness score and findings on small maps, computed by hand (the formula of docs/readiness.md).

W(p) = 1000, 100, 10, 1 for P1..P4. Components: fallback, single_points (share of each P1/P2
process's path whose loss alone does not take it down), skills, stations, kits; the score is their
weighted mean (3, 3, 2, 1, 1) over the components checked, rounded down.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from bascule.hospital.loading import load_map_text
from bascule.readiness import KitFacts, StationFacts, Upkeep, assess_readiness

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

# transfusion (P1, fallback) needs lims (supplier lab, skill lab: one person) and pcs (segment lan),
# pcs needs ad, ad needs any of dc1, dc2; admissions (P2, no fallback) and billing (P4, no fallback)
# need ehr.
GAPS = """
bascule: 1
hospital: {id: h, name: Gaps, lang: en}
segments: [{id: lan}]
suppliers: [{id: lab}]
assets:
  - {id: dc1, skills: [windows]}
  - {id: dc2, skills: [windows]}
  - {id: ad, needs: [{any: [dc1, dc2]}], skills: [windows]}
  - {id: pcs, segment: lan, needs: [ad], skills: [workstations]}
applications:
  - {id: lims, supplier: lab, skills: [lab]}
  - {id: ehr, needs: [ad], skills: [ehr]}
processes:
  - {id: transfusion, priority: 1, needs: [lims, pcs], fallback: paper}
  - {id: admissions, priority: 2, needs: [ehr]}
  - {id: billing, priority: 4, needs: [ehr]}
procedures: [{id: paper}]
teams:
  - {id: infra, members: 2, skills: [windows, workstations]}
  - {id: apps, members: 1, skills: [lab]}
  - {id: records, members: 2, skills: [ehr]}
"""

# One vital process on redundant nodes, with a fallback, that two people can restore.
SOUND = """
bascule: 1
hospital: {id: h, name: Sound, lang: en}
assets: [{id: a1}, {id: a2}]
processes:
  - {id: icu, priority: 1, needs: [{any: [a1, a2]}], fallback: paper}
procedures: [{id: paper}]
teams: [{id: it, members: 2}]
units: [{id: u1}, {id: u2}]
"""

DEFERRABLE_ONLY = """
bascule: 1
hospital: {id: h, name: Deferrable, lang: en}
assets: [{id: a1}]
processes: [{id: billing, priority: 4, needs: [a1]}]
teams: [{id: it, members: 1}]
"""


def test_a_map_with_gaps_scores_as_computed_by_hand() -> None:
    readiness = assess_readiness(load_map_text(GAPS))
    # fallback: only transfusion has one: 100 × 1000 / 1101.
    # single_points: transfusion's path is lims, pcs, ad, dc1, dc2, lan, lab (7), of which lims, pcs,
    # ad, lan and lab alone take it down: 2/7; admissions' path is ehr, ad, dc1, dc2: 2/4.
    # skills: lims, on transfusion's path, rests on one person: transfusion fails.
    assert readiness.components == {
        "fallback": Fraction(100 * 1000, 1101),
        "single_points": Fraction(100 * (1000 * Fraction(2, 7) + 100 * Fraction(1, 2)), 1100),
        "skills": Fraction(100 * 101, 1101),
    }
    # (3 × 90.83 + 3 × 30.52 + 2 × 9.17) / 8 = 47.80
    assert readiness.score == 47


def test_a_map_with_gaps_lists_each_gap_most_serious_first() -> None:
    readiness = assess_readiness(load_map_text(GAPS))
    found = [(f.severity, f.kind, f.subject) for f in readiness.findings]
    assert found == [
        ("critical", "single_point", "ad"),
        ("critical", "single_point", "lab"),
        ("critical", "single_point", "lan"),
        ("critical", "single_point", "lims"),
        ("critical", "single_point", "pcs"),
        ("high", "no_fallback", "admissions"),
        ("high", "single_point", "ehr"),
        ("high", "single_person", "lims"),
        ("low", "no_fallback", "billing"),
    ]
    by_subject = {(f.kind, f.subject): f for f in readiness.findings}
    assert by_subject["single_point", "ad"].facts == {
        "what": "node",
        "priority": 1,
        "processes": ("transfusion", "admissions"),
    }
    assert by_subject["single_point", "lab"].facts["what"] == "supplier"
    assert by_subject["single_point", "lan"].facts["what"] == "segment"
    assert by_subject["single_person", "lims"].facts == {"skills": ("lab",), "teams": ("apps",)}


def test_a_map_without_teams_cannot_restore_anything() -> None:
    without_teams = GAPS.split("teams:")[0]
    readiness = assess_readiness(load_map_text(without_teams))
    assert readiness.components["skills"] == 0
    assert [(f.kind, f.subject, f.facts) for f in readiness.findings if f.severity == "critical"][-1] == (
        "no_teams",
        "h",
        {"nodes": 6},
    )
    assert all(f.kind != "no_team" for f in readiness.findings)


def test_a_sound_map_scores_100_with_no_finding() -> None:
    readiness = assess_readiness(load_map_text(SOUND))
    assert readiness.findings == ()
    assert readiness.score == 100


def test_without_vital_processes_single_points_count_100() -> None:
    readiness = assess_readiness(load_map_text(DEFERRABLE_ONLY))
    assert readiness.components == {"fallback": 0, "single_points": 100, "skills": 100}
    assert readiness.score == 62  # (0 + 300 + 200) / 8 = 62.5


def test_one_vital_process_without_fallback_weighs_more_than_ten_deferrable_ones() -> None:
    processes = "\n".join(f"  - {{id: d{i}, priority: 4, needs: [{{any: [a1, a2]}}]}}" for i in range(10))
    ten_deferrable = SOUND.replace("processes:\n", "processes:\n" + processes + "\n")
    one_vital = SOUND.replace(
        "processes:\n", "processes:\n  - {id: stroke, priority: 1, needs: [{any: [a1, a2]}]}\n"
    )
    deferrable = assess_readiness(load_map_text(ten_deferrable)).components["fallback"]
    vital = assess_readiness(load_map_text(one_vital)).components["fallback"]
    assert deferrable == Fraction(100 * 1000, 1010)
    assert vital == Fraction(100 * 1000, 2000)
    assert vital < deferrable


STATIONS_AND_KITS = [
    # stations (data time: hours ago, or None), kits (file: days ago), components, score
    pytest.param(
        [1.0, 3.0],
        {"kit-u1.pdf": 1, "kit-u2.pdf": 8},
        {"stations": 50, "kits": 50},
        90,  # (300 + 300 + 200 + 50 + 50) / 10
        [("high", "station_stale", "st-1"), ("medium", "kit_old", "kit-u2.pdf")],
        id="one stale station, one old kit",
    ),
    pytest.param(
        [None],
        {"kit-u1.pdf": 0.5},
        {"stations": 0, "kits": 50},
        85,  # (800 + 0 + 50) / 10
        [("high", "station_no_bundle", "st-0"), ("medium", "kit_missing", "u2")],
        id="a station with no bundle, a unit with no kit",
    ),
    pytest.param(
        [0.5],
        {"kit-u1.pdf": 6.9, "kit-u2.pdf": 0},
        {"stations": 100, "kits": 100},
        100,
        [],
        id="everything fresh",
    ),
]


@pytest.mark.parametrize(("stations", "kits", "components", "score", "findings"), STATIONS_AND_KITS)
def test_stations_and_kits(
    stations: list[float | None],
    kits: dict[str, float],
    components: dict[str, int],
    score: int,
    findings: list[tuple[str, str, str]],
) -> None:
    upkeep = Upkeep(
        now=NOW,
        stations=[
            StationFacts(f"st-{i}", None if hours is None else NOW - timedelta(hours=hours))
            for i, hours in enumerate(stations)
        ],
        kits=[KitFacts(name, NOW - timedelta(days=days)) for name, days in kits.items()],
    )
    readiness = assess_readiness(load_map_text(SOUND), upkeep)
    assert {name: readiness.components[name] for name in components} == components
    assert readiness.score == score
    assert [(f.severity, f.kind, f.subject) for f in readiness.findings] == findings


def test_a_quarantined_bundle_newer_than_the_one_in_use_is_a_finding() -> None:
    station = StationFacts("st", NOW - timedelta(minutes=5), quarantined=("bascule-000009.tar.age",))
    readiness = assess_readiness(load_map_text(SOUND), Upkeep(now=NOW, stations=[station]))
    assert [(f.kind, f.facts) for f in readiness.findings] == [
        ("station_quarantined", {"bundles": ("bascule-000009.tar.age",)})
    ]
    assert readiness.components["stations"] == 0


def test_the_age_limits_are_the_ones_given() -> None:
    station = StationFacts("st", NOW - timedelta(hours=3))
    upkeep = Upkeep(now=NOW, stations=[station], station_max_age=timedelta(hours=4))
    assert assess_readiness(load_map_text(SOUND), upkeep).findings == ()
    kit = KitFacts("kit-u1.pdf", NOW - timedelta(days=2))
    upkeep = Upkeep(now=NOW, kits=[kit], kit_max_age=timedelta(days=1))
    assert [f.kind for f in assess_readiness(load_map_text(SOUND), upkeep).findings] == [
        "kit_missing",
        "kit_old",
    ]
