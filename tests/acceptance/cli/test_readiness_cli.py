"""`bascule readiness` as a user runs it: the demo map's findings, the JSON document, exit codes, real
station folders (fresh, stale, never checked, quarantined) and real printed kits (fresh, old)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from tests.stations import init_station, sealed_station

from bascule.cli import main
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units
from bascule.station.state import Layout

# Read from the demo map: the care processes without a fallback, with their priorities.
DEMO_WITHOUT_FALLBACK = {
    "stroke-care": "critical",
    "samu-coordination": "critical",
    "chemotherapy": "high",
    "scheduled-imaging": "low",
    "billing": "low",
}


def run(args: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args], environ={})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def document(args: list[str | Path], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = run(["readiness", *args, "--json"], capsys)
    assert code == 0, err
    answer: dict[str, object] = json.loads(out)
    return answer


def findings(answer: dict[str, object], *kinds: str) -> list[dict[str, object]]:
    listed = answer["findings"]
    assert isinstance(listed, list)
    return [f for f in listed if f["kind"] in kinds]


def test_the_demo_maps_findings_are_what_the_map_says(capsys: pytest.CaptureFixture[str]) -> None:
    answer = document(["demo"], capsys)
    without = {f["subject"]: f["severity"] for f in findings(answer, "no_fallback")}
    assert without == DEMO_WITHOUT_FALLBACK
    single = {f["subject"]: f for f in findings(answer, "single_point")}
    # efs-link is transfusion's only way to the blood bank; the EFS supplier runs it.
    assert single["efs-link"]["processes"] == ["transfusion"]
    assert single["efs"]["what"] == "supplier"
    # Redundant: either domain controller, 10 of 16 hypervisors, 3 of 6 EHR servers, either IPBX.
    for redundant in ("dc01", "dc02", "esx-tl-01", "srv-dpi-app01", "ipbx-01", "ipbx-02"):
        assert redundant not in single
    # Every team has the skills the map needs and more than one member.
    assert findings(answer, "no_team", "no_teams", "single_person") == []
    # P1 weighs 1000 (11 processes), P2 100 (8), P3 10 (4), P4 1 (3): 2,102 of 11,843 without fallback.
    assert answer["components"] == {
        "fallback": round(float(Fraction(100 * (11843 - 2102), 11843)), 1),
        "single_points": pytest.approx(answer["components"]["single_points"]),  # type: ignore[index]
        "skills": 100.0,
    }


def test_the_json_document_is_stable_and_most_serious_first(capsys: pytest.CaptureFixture[str]) -> None:
    answer = document(["demo", "--lang", "en"], capsys)
    assert set(answer) == {"score", "components", "findings"}
    assert isinstance(answer["score"], int) and 0 <= answer["score"] <= 100
    listed = answer["findings"]
    assert isinstance(listed, list) and listed
    order = ["critical", "high", "medium", "low"]
    ranks = [order.index(f["severity"]) for f in listed]
    assert ranks == sorted(ranks)
    for finding in listed:
        assert {"kind", "severity", "subject", "detail"} <= set(finding)
        assert finding["detail"].endswith(".")


def test_the_table_ends_with_the_score_in_the_language_asked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["readiness", "demo", "--lang", "fr"], capsys)
    assert code == 0
    assert "sans procédure dégradée" in out and "point unique de défaillance" in out
    score = document(["demo"], capsys)["score"]
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"Score de préparation : {score}/100 \(procédures 82, points uniques \d+, compétences 100\) ; \d+ constat\(s\)\.",
        last,
    )
    code, out, _ = run(["readiness", "demo", "--lang", "en"], capsys)
    assert out.strip().splitlines()[-1].startswith(f"Readiness score: {score}/100 (fallbacks 82")


def test_fail_under_exits_4_below_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    score = document(["demo"], capsys)["score"]
    assert isinstance(score, int)
    assert run(["readiness", "demo", "--fail-under", str(score + 1)], capsys)[0] == 4
    assert run(["readiness", "demo", "--fail-under", str(score)], capsys)[0] == 0
    assert run(["readiness", "demo", "--json", "--fail-under", "100"], capsys)[0] == 4


@dataclass(frozen=True)
class World:
    fresh: Path  # a station whose last verified bundle holds data from 10 minutes ago
    stale: Path  # ... from 5 hours ago
    unchecked: Path  # a station that never accepted a bundle
    store: Path


def _station(cell: Path, data_time: datetime, check_exit: int) -> tuple[Path, Path]:
    units = [unit for unit in map_units("demo") if unit.id == "cardiologie"]
    store = cell / "store.sqlite"
    store_hospital(generate(7, "fr", units, data_time.replace(microsecond=0)), store, "chvo")
    root = sealed_station(cell, store, {})
    assert main(["station", "check", str(root), "--no-self-test"], environ={}) == check_exit
    return root, store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    now = datetime.now(UTC)
    fresh, store = _station(tmp_path_factory.mktemp("fresh"), now - timedelta(minutes=10), 0)
    stale, _ = _station(tmp_path_factory.mktemp("stale"), now - timedelta(hours=5), 4)  # accepted, but stale
    cell = fresh.parent
    unchecked = init_station(cell, tmp_path_factory.mktemp("unchecked") / "station", {})
    return World(fresh, stale, unchecked, store)


def test_a_fresh_station_has_no_finding(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    answer = document(["demo", "--station", world.fresh], capsys)
    assert findings(answer, "station_stale", "station_no_bundle", "station_quarantined") == []
    assert answer["components"]["stations"] == 100.0  # type: ignore[index]


def test_a_stale_and_an_unchecked_station_are_findings(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = document(
        ["demo", "--station", world.fresh, "--station", world.stale, "--station", world.unchecked], capsys
    )
    stale = findings(answer, "station_stale")
    assert [f["subject"] for f in stale] == [str(world.stale)]
    assert 5 * 3600 - 120 < stale[0]["age_seconds"] < 5 * 3600 + 600  # type: ignore[operator]
    assert stale[0]["max_age_seconds"] == 7200
    assert [f["subject"] for f in findings(answer, "station_no_bundle")] == [str(world.unchecked)]
    assert answer["components"]["stations"] == pytest.approx(100 / 3, abs=0.1)  # type: ignore[index]
    # A longer maximum age makes the 5-hour-old one acceptable.
    answer = document(["demo", "--station", world.stale, "--max-age", "6h"], capsys)
    assert findings(answer, "station_stale") == []


def test_a_quarantined_newer_bundle_is_a_finding(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    station = tmp_path / "station"
    shutil.copytree(world.fresh, station)
    state_file = Layout(station).state_file
    state = json.loads(state_file.read_text())
    # What `station check` records when the guard quarantined the newest bundle offered.
    state["quarantine"].append({"bundle": "bascule-chvo-000099.tar.age", "sequence": 99})
    state_file.write_text(json.dumps(state))
    answer = document(["demo", "--station", station], capsys)
    quarantined = findings(answer, "station_quarantined")
    assert [(f["subject"], f["bundles"]) for f in quarantined] == [
        (str(station), ["bascule-chvo-000099.tar.age"])
    ]


def _print_kit(store: Path, out: Path) -> Path:
    assert main(["kits", "--store", str(store), "--unit", "cardiologie", "--out", str(out)], environ={}) == 0
    return out / "kit-cardiologie.pdf"


def test_kits_fresh_old_and_missing(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kit = _print_kit(world.store, tmp_path / "kits")
    capsys.readouterr()  # what `bascule kits` printed
    answer = document(["demo", "--kits", tmp_path / "kits"], capsys)
    assert findings(answer, "kit_old") == []
    missing = {f["subject"] for f in findings(answer, "kit_missing")}
    assert "cardiologie" not in missing and "urgences" in missing and len(missing) == 28
    assert answer["components"]["kits"] == pytest.approx(100 / 29, abs=0.1)  # type: ignore[index]
    # The kit's own printing time counts, not the file's: backdate what the PDF records by 10 days.
    pdf = kit.read_bytes()
    recorded = re.search(rb"/CreationDate \(D:(\d{14})", pdf)
    assert recorded is not None
    # ReportLab writes local wall-clock digits and the offset after them (the process's TZ, which
    # Django sets in tests that ran before): backdate the digits in that same local time.
    old = (datetime.now() - timedelta(days=10)).strftime("%Y%m%d%H%M%S").encode()
    kit.write_bytes(pdf.replace(recorded[1], old))
    answer = document(["demo", "--kits", tmp_path / "kits", "--lang", "en"], capsys)
    [finding] = findings(answer, "kit_old")
    assert finding["subject"] == "kit-cardiologie.pdf"
    # Within two hours: a change of summer time in the last ten days moves the local digits by one.
    assert 10 * 86400 - 7200 < finding["age_seconds"] < 10 * 86400 + 7200  # type: ignore[operator]
    assert finding["detail"].startswith("Printed at ") and "maximum 7d00h" in finding["detail"]
    assert answer["components"]["kits"] == 0.0  # type: ignore[index]
    assert (
        findings(document(["demo", "--kits", tmp_path / "kits", "--kits-max-age", "11d"], capsys), "kit_old")
        == []
    )


def test_a_kit_without_a_recorded_date_is_dated_by_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit = tmp_path / "kit-urgences.pdf"
    kit.write_bytes(b"%PDF-1.4\n% no information dictionary\n%%EOF\n")
    ten_days_ago = (datetime.now(UTC) - timedelta(days=10)).timestamp()
    os.utime(kit, (ten_days_ago, ten_days_ago))
    assert [f["subject"] for f in findings(document(["demo", "--kits", tmp_path], capsys), "kit_old")] == [
        "kit-urgences.pdf"
    ]
    os.utime(kit)  # now
    assert findings(document(["demo", "--kits", tmp_path], capsys), "kit_old") == []


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (["no-such-map.yaml"], "no-such-map.yaml"),
        (["demo", "--station", "{tmp}/nowhere"], "does not exist"),
        (["demo", "--station", "{tmp}"], "it is not a station"),
        (["demo", "--kits", "{tmp}/nowhere"], "The kits folder"),
        (["demo", "--max-age", "soon"], "--max-age"),
        (["demo", "--kits-max-age", "0d"], "--kits-max-age"),
    ],
)
def test_errors_are_one_sentence_and_exit_2(
    arguments: list[str], sentence: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["readiness", *(a.replace("{tmp}", str(tmp_path)) for a in arguments)], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("Error: ") and sentence in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_map_with_problems_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("bascule: 1\nhospital: {id: h, name: H}\nprocesses: [{id: p, priority: 7}]\n")
    code, _, err = run(["readiness", bad], capsys)
    assert code == 2 and "priority" in err and "Traceback" not in err


def test_errors_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["readiness", "demo", "--lang", "fr", "--kits", tmp_path / "nowhere"], capsys)
    assert code == 2 and err.startswith("Erreur : Le dossier de kits")
