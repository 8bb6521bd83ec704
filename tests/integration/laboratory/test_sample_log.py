"""The sample log's use-cases on a real continuity store (issue 19): collection against the menu
and its day cap, scans, runs with samples lost in transport, results and critical confirmation,
and the Synnovis day: 500 samples through their states."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.lab_store import demo_store, known_mrns

from bascule.errors import UserError
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.impact import assess
from bascule.laboratory.menu import Menu, reduced_menu
from bascule.laboratory.samples import log
from bascule.scenario import load_scenario

MORNING = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)
LAB_TABLES = ("lab_samples", "lab_sample_events", "lab_runs", "lab_downtime_results")


def empty_store(folder: Path) -> Path:
    """A store with the demo hospital's patients and nothing yet in the sample log."""
    return demo_store(folder)


def first_mrn(store: Path) -> str:
    return known_mrns(store)[0]


def stored(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the sample log's tables: compared before and after a refused use-case."""
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in LAB_TABLES
        }


def downtime_menu(hospital: HospitalMap) -> Menu:
    return reduced_menu(hospital, assess(hospital, load_scenario("pathology-supplier", hospital).hits))


@pytest.fixture(scope="module")
def demo() -> HospitalMap:
    return load_map("demo")


def _collect(store: Path, hospital: HospitalMap, test: str = "test-kalium", minutes: int = 0) -> str:
    return log.collect(
        store,
        hospital,
        downtime_menu(hospital),
        patient=first_mrn(store),
        test_id=test,
        unit="urgences",
        by="ide1",
        at=MORNING + timedelta(minutes=minutes),
    ).number


def test_collection_is_refused_for_an_unknown_test_or_past_the_day_cap(
    tmp_path: Path, demo: HospitalMap
) -> None:
    store = empty_store(tmp_path)
    crp = demo.laboratory.test("test-crp")
    assert crp is not None
    capped = replace(
        demo,
        laboratory=replace(
            demo.laboratory,
            tests=tuple(replace(t, daily=1) if t.id == "test-crp" else t for t in demo.laboratory.tests),
        ),
    )
    first = _collect(store, capped, "test-crp")
    before = stored(store)
    with pytest.raises(UserError, match="test-crp"):
        _collect(store, capped, "test-crp", minutes=5)
    with pytest.raises(UserError, match="did you mean"):
        _collect(store, capped, "test-kalum")
    assert stored(store) == before
    # The next day the cap starts again.
    assert _collect(store, capped, "test-crp", minutes=24 * 60) != first


def test_scans_answer_already_and_refuse_out_of_order_without_changing_anything(
    tmp_path: Path, demo: HospitalMap
) -> None:
    store = empty_store(tmp_path)
    number = _collect(store, demo)
    sent = log.scan(store, [number], "sent", actor="ide1", place="urgences", at=MORNING)
    assert sent[0].ok and not sent[0].already
    before = stored(store)
    again = log.scan(store, [number.lower()], "sent", actor="ide1", place="urgences", at=MORNING)
    assert again[0].already and again[0].message == f"{number}: already sent."
    assert stored(store) == before
    log.scan(store, [number], "received", actor="tech", place="lab", at=MORNING)
    before = stored(store)
    wrong = log.scan(store, [number, "S000099-X", "nonsense"], "sent", actor="a", place="p", at=MORNING)
    assert [a.ok for a in wrong] == [False, False, False]
    assert "is received" in wrong[0].message
    assert stored(store) == before
    with pytest.raises(UserError, match="step"):
        log.scan(store, [number], "lost", actor="a", place="p", at=MORNING)


def test_results_once_phone_read_back_and_critical_confirmation(tmp_path: Path, demo: HospitalMap) -> None:
    store = empty_store(tmp_path)
    number = _collect(store, demo)
    before = stored(store)
    with pytest.raises(UserError, match="is collected"):
        log.enter_result(store, number, value="6.9", unit="mmol/L", flag="critical", by="bio1", at=MORNING)
    assert stored(store) == before
    log.scan(store, [number], "received", actor="tech", place="chu-bievre", at=MORNING)
    before = stored(store)
    with pytest.raises(UserError, match="read back"):
        log.enter_result(
            store, number, value="6.9", unit="mmol/L", flag="critical", by="bio1", at=MORNING, channel="phone"
        )
    assert stored(store) == before
    log.enter_result(
        store,
        number,
        value="6.9",
        unit="mmol/L",
        flag="critical",
        by="bio1",
        at=MORNING,
        channel="phone",
        read_back=True,
    )
    assert log.results_for_patient(store, first_mrn(store)).awaiting_confirmation == 1
    assert log.results_for_patient(store, first_mrn(store)).released == ()
    before = stored(store)
    with pytest.raises(UserError, match="already has a result"):
        log.enter_result(store, number, value="4.0", unit="mmol/L", flag="normal", by="bio1", at=MORNING)
    with pytest.raises(UserError, match="second person"):
        log.confirm_result(store, number, by="bio1", at=MORNING)
    assert stored(store) == before
    log.confirm_result(store, number, by="bio2", at=MORNING)
    view = log.results_for_patient(store, first_mrn(store))
    assert [r.value for r in view.released] == ["6.9"] and view.awaiting_confirmation == 0
    amended = log.amend_result(
        store,
        number,
        value="7.0",
        unit="mmol/L",
        flag="critical",
        reason="recalibrated",
        by="bio1",
        at=MORNING,
    )
    assert amended.value == "6.9" and amended.current_value == "7.0"
    assert log.results_for_patient(store, first_mrn(store)).awaiting_confirmation == 1


def test_runs_refuse_strangers_and_closed_runs(tmp_path: Path, demo: HospitalMap) -> None:
    store = empty_store(tmp_path)
    with pytest.raises(UserError, match="did you mean"):
        log.start_run(store, demo, "chu-bievr", by="a", at=MORNING)
    one, two = _collect(store, demo), _collect(store, demo)
    run = log.start_run(store, demo, "chu-bievre", by="coursier", at=MORNING)
    with pytest.raises(UserError, match="no sample"):
        log.depart(store, run.id, at=MORNING)
    log.add_to_run(store, run.id, [one], actor="a", at=MORNING)
    before = stored(store)
    with pytest.raises(UserError, match="already in run"):
        log.add_to_run(store, run.id, [two, one], actor="a", at=MORNING)
    assert stored(store) == before
    log.depart(store, run.id, at=MORNING)
    with pytest.raises(UserError, match="departed"):
        log.add_to_run(store, run.id, [two], actor="a", at=MORNING)
    with pytest.raises(UserError, match="not in run"):
        log.receive_run(store, run.id, [two], actor="a", at=MORNING)
    with pytest.raises(UserError, match="no transport run"):
        log.depart(store, "RUN-0099", at=MORNING)
    assert stored(store) == before | {"lab_runs": stored(store)["lab_runs"]}


def test_the_synnovis_day(tmp_path: Path, demo: HospitalMap) -> None:
    """500 samples collected under the pathology supplier's outage, 100 sent to the CHU de la
    Bièvre of which 5 never arrive, 3 rejected, 7 never resulted, critical values phoned back."""
    store = empty_store(tmp_path)
    menu = downtime_menu(demo)
    wanted = []
    for line in menu.on_menu:
        wanted.extend([line.id] * line.test.daily)
    mrns = known_mrns(store)
    numbers = [
        log.collect(
            store,
            demo,
            menu,
            patient=mrns[i % len(mrns)],
            test_id=wanted[i],
            unit="urgences",
            by="ide",
            at=MORNING + timedelta(minutes=i),
        ).number
        for i in range(500)
    ]
    walked, partner = numbers[:400], numbers[400:]
    at = MORNING + timedelta(hours=9)
    assert all(a.ok for a in log.scan(store, walked, "received", actor="tech", place="lab", at=at))
    rejected = walked[:3]
    log.scan(store, rejected, "rejected", actor="tech", place="lab", at=at, reason="haemolysed")
    run = log.start_run(store, demo, "chu-bievre", by="coursier", at=at)
    log.add_to_run(store, run.id, partner, actor="coursier", at=at)
    log.depart(store, run.id, at=at)
    lost = partner[10:15]
    arrived, missing = log.receive_run(
        store, run.id, [n for n in partner if n not in lost], actor="bievre", at=at + timedelta(hours=1)
    )
    assert len(arrived) == 95 and [s.number for s in missing] == lost
    assert [s.number for s in log.lost_in_transport(store)] == lost
    unresulted = walked[3:10]
    later = at + timedelta(hours=2)
    for number in walked[10:]:
        log.enter_result(store, number, value="4.1", unit="mmol/L", flag="normal", by="bio1", at=later)
    phoned = [n for n in partner if n not in lost]
    for number in phoned[:5]:
        with pytest.raises(UserError, match="read back"):
            log.enter_result(
                store,
                number,
                value="7.2",
                unit="mmol/L",
                flag="critical",
                by="bio1",
                at=later,
                channel="phone",
            )
        log.enter_result(
            store,
            number,
            value="7.2",
            unit="mmol/L",
            flag="critical",
            by="bio1",
            at=later,
            channel="phone",
            read_back=True,
        )
    for number in phoned[5:]:
        log.enter_result(
            store,
            number,
            value="1.0",
            unit="g/L",
            flag="abnormal",
            by="bio1",
            at=later,
            channel="phone",
            read_back=True,
        )
    critical_patients = {s.patient for s in log.samples_by_number(store, phoned[:5])}
    assert sum(log.results_for_patient(store, p).awaiting_confirmation for p in critical_patients) == 5
    for number in phoned[:5]:
        with pytest.raises(UserError, match="second person"):
            log.confirm_result(store, number, by="bio1", at=later)
        log.confirm_result(store, number, by="bio2", at=later)
    assert sum(log.results_for_patient(store, p).awaiting_confirmation for p in critical_patients) == 0
    late = log.late_samples(store, demo, MORNING + timedelta(hours=14))
    assert sorted(s.number for s in late) == sorted(unresulted + lost)
    states = [s.state for s in log.all_samples(store)]
    assert states.count("resulted") == 390 + 95 and states.count("rejected") == 3
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM lab_downtime_results").fetchone()[0] == 485
