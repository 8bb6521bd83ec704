"""Issue 19, triage hook: an elective operation that needs cross-matched blood is postponed while
cross-matching is off the laboratory's reduced menu; urgent and emergency ones keep their policy
(they go on with group O emergency blood).

Read each row as: with `hit` down, a `urgency` activity needing `units` cross-matched units
becomes `decision` because of `reason`. In the map below the blood bank's analyser `an-xm` is the
only runner of the cross-match test, and surgery does not need the laboratory system, so the
rule is seen alone.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bascule import assess
from bascule.cli import main
from bascule.clinical.records import Activity, version_stamp
from bascule.errors import MapError
from bascule.hospital.loading import load_map, load_map_text
from bascule.scenario import load_scenario
from bascule.snapshot.schema import SCHEMA_VERSION, migrate
from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_codes import CROSS_MATCHED_UNITS_EXTENSION
from bascule.sources.fhir_export import to_resource
from bascule.sources.fhir_fields import MalformedResource
from bascule.sources.fhir_records import to_record
from bascule.triage import Approval, Proposal, triage
from bascule.triage.texts import reason_text

MAP = """
bascule: 1
hospital: {id: h, name: Cross-match hospital}
units: [{id: theatre}, {id: day-surgery}, {id: consult}]
assets:
  - {id: lims-db}
  - {id: theatre-db}
  - {id: an-xm}
applications:
  - {id: lims, needs: [lims-db]}
  - {id: theatre-planning, needs: [theatre-db]}
processes:
  - {id: lab-results, priority: 1, needs: [lims]}
  - {id: surgery, priority: 3, needs: [theatre-planning], fallback: printed-list}
  - {id: consultations, priority: 3, needs: [theatre-planning]}
procedures:
  - {id: printed-list}
facilities:
  - {id: far-chu, distance_km: 40, capabilities: [surgery, laboratory]}
activities:
  - {id: act-day-surgery, kinds: [surgery], units: [day-surgery], processes: [surgery], capability: surgery,
     policy: {routine: divert, urgent: maintain, emergency: divert}}
  - {id: act-surgery, kinds: [surgery], processes: [surgery], capability: surgery,
     policy: {routine: cancel, urgent: maintain, emergency: divert}}
  - {id: act-consultation, kinds: [consultation], processes: [consultations], capability: surgery}
laboratory:
  process: lab-results
  tests:
    - {id: test-group-screen, runners: [an-xm, far-chu], daily: 40}
    - {id: test-xm, runners: [an-xm], daily: 20}
  blood_bank:
    cross_match_test: test-xm
"""
START = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
V1 = version_stamp(START)
CROSS_MATCH_DOWN = ("lims-db", "an-xm")


def operation(
    urgency: str = "routine", units: int = 2, unit: str = "theatre", kind: str = "surgery"
) -> Activity:
    return Activity(
        id=f"op-{urgency}-{units}",
        version=V1,
        patient_id="p1",
        kind=kind,  # type: ignore[arg-type]
        start=START,
        unit_id=unit,
        urgency=urgency,  # type: ignore[arg-type]
        description="Prothèse totale de hanche",
        cross_matched_units=units,
    )


def propose(
    down: tuple[str, ...], activity: Activity, text: str = MAP, approvals: tuple[Approval, ...] = ()
) -> Proposal:
    hospital = load_map_text(text)
    (proposal,) = triage(hospital, assess(hospital, down=down), [activity], approvals)
    return proposal


CASES = [
    # (what, hit, urgency, units, unit, decision, reason)
    (
        "cross-matching off: elective operation needing blood postponed",
        CROSS_MATCH_DOWN,
        "routine",
        2,
        "theatre",
        "postpone",
        "no-cross-match",
    ),
    (
        "the laboratory system down but its analyser cross-matches: maintained",
        ("lims-db",),
        "routine",
        2,
        "theatre",
        "maintain",
        "unaffected",
    ),
    (
        "the analyser down while the laboratory system runs: the full menu, maintained",
        ("an-xm",),
        "routine",
        2,
        "theatre",
        "maintain",
        "unaffected",
    ),
    (
        "urgent operation goes on (group O emergency blood)",
        CROSS_MATCH_DOWN,
        "urgent",
        2,
        "theatre",
        "maintain",
        "unaffected",
    ),
    ("emergency operation goes on", CROSS_MATCH_DOWN, "emergency", 2, "theatre", "maintain", "unaffected"),
    (
        "no cross-matched units: group and screen only, not affected",
        CROSS_MATCH_DOWN,
        "routine",
        0,
        "theatre",
        "maintain",
        "unaffected",
    ),
    (
        "one unit is enough to be postponed",
        CROSS_MATCH_DOWN,
        "routine",
        1,
        "theatre",
        "postpone",
        "no-cross-match",
    ),
    (
        "a cancellation by policy stays a cancellation",
        (*CROSS_MATCH_DOWN, "theatre-db"),
        "routine",
        2,
        "theatre",
        "cancel",
        "policy",
    ),
    (
        "urgent keeps its policy: maintained on the printed list",
        (*CROSS_MATCH_DOWN, "theatre-db"),
        "urgent",
        2,
        "theatre",
        "maintain",
        "fallback",
    ),
    (
        "a diversion stays: the other facility cross-matches",
        (*CROSS_MATCH_DOWN, "theatre-db"),
        "routine",
        2,
        "day-surgery",
        "divert",
        "policy",
    ),
]


@pytest.mark.parametrize(
    ("down", "urgency", "units", "unit", "decision", "reason"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_each_case(
    down: tuple[str, ...], urgency: str, units: int, unit: str, decision: str, reason: str
) -> None:
    proposal = propose(down, operation(urgency, units, unit))
    assert (proposal.decision, proposal.reason) == (decision, reason)
    assert proposal.cross_matched_units == units


def test_the_units_are_the_sources_word_whatever_kind_the_reader_took_the_activity_for() -> None:
    proposal = propose(CROSS_MATCH_DOWN, operation(kind="consultation", unit="consult"))
    assert (proposal.decision, proposal.reason) == ("postpone", "no-cross-match")


def test_a_map_that_names_no_cross_match_test_is_not_looked_at() -> None:
    text = MAP.replace("  blood_bank:\n    cross_match_test: test-xm\n", "")
    assert "cross_match_test" not in text
    proposal = propose(CROSS_MATCH_DOWN, operation())
    assert proposal.decision == "postpone"
    assert propose(CROSS_MATCH_DOWN, operation(), text).decision == "maintain"


def test_an_approved_exception_does_not_make_blood_available() -> None:
    down = (*CROSS_MATCH_DOWN, "theatre-db")
    approvals = (Approval("op-routine-2", "doctor", "dr-a"), Approval("op-routine-2", "director", "dir-b"))
    kept = propose(("theatre-db",), operation(), approvals=approvals)
    assert (kept.decision, kept.reason, kept.approved_by) == ("maintain", "exception", ("dr-a", "dir-b"))
    held = propose(down, operation(), approvals=approvals)
    assert (held.decision, held.reason, held.approved_by) == ("postpone", "no-cross-match", ())
    # so the crisis cell's page offers no exception for it, as it does for a cancellation by policy
    assert not held.may_be_excepted
    assert propose(("theatre-db",), operation()).may_be_excepted


def test_on_the_demo_hospital_the_pathology_supplier_and_the_blood_bank_analyser_hit() -> None:
    """Synnovis: with the supplier hit, the blood bank still cross-matches by hand (an-dds-groupage);
    when that goes too, an elective hip replacement the crisis cell had kept is postponed."""
    hospital = load_map("demo")
    assert hospital.laboratory.blood_bank.cross_match_test == "test-crossmatch"
    hits = load_scenario("pathology-supplier", hospital)
    approvals = (Approval("op-routine-2", "doctor", "dr-a"), Approval("op-routine-2", "director", "dir-b"))
    supplier = assess(hospital, down=hits.down, isolate=hits.isolate, suppliers=hits.suppliers)
    (kept,) = triage(hospital, supplier, [operation()], approvals)
    assert (kept.decision, kept.reason) == ("maintain", "exception")
    analyser = assess(
        hospital, down=(*hits.down, "an-dds-groupage"), isolate=hits.isolate, suppliers=hits.suppliers
    )
    routine, urgent = triage(hospital, analyser, [operation(), operation("urgent")], approvals)
    assert (routine.decision, routine.reason) == ("postpone", "no-cross-match")
    assert (urgent.decision, urgent.reason) == ("maintain", "fallback")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "épreuve de compatibilité indisponible : intervention programmée nécessitant du sang "
               "(2 culot(s) compatibilisé(s)) reportée"),
        ("en", "cross-matching unavailable: elective operation needing blood (2 cross-matched unit(s)) "
               "postponed"),
    ],
)  # fmt: skip
def test_the_reason_reads_in_both_languages(lang: str, expected: str) -> None:
    proposal = propose(CROSS_MATCH_DOWN, operation())
    assert reason_text(proposal, lang) == expected  # type: ignore[arg-type]
    assert reason_text(proposal, lang, load_map_text(MAP)) == expected  # type: ignore[arg-type]


def test_the_proposal_carries_its_units_through_json_and_an_older_document_reads_as_none() -> None:
    proposal = propose(CROSS_MATCH_DOWN, operation(units=3))
    document = proposal.to_json()
    assert document["cross_matched_units"] == 3 and document["reason"] == "no-cross-match"
    assert Proposal.from_json(document) == proposal
    older = {key: value for key, value in document.items() if key != "cross_matched_units"}
    assert Proposal.from_json(older).cross_matched_units == 0


def test_the_csv_of_proposals_has_a_column_for_the_units() -> None:
    from bascule.cli.triage import proposals_csv

    (row,) = csv.DictReader(proposals_csv([propose(CROSS_MATCH_DOWN, operation(units=3))]).splitlines())
    assert (row["reason"], row["cross_matched_units"]) == ("no-cross-match", "3")


@pytest.mark.parametrize("units", [-1, True, "2", 1.5])
def test_an_activity_refuses_units_that_are_not_a_whole_number_of_0_or_more(units: Any) -> None:
    with pytest.raises(ValueError, match="cross-matched units must be a whole number of 0 or more"):
        operation(units=units)


# The continuity store ------------------------------------------------------------------------------


def test_the_store_keeps_the_units(tmp_path: Path) -> None:
    with ContinuityStore.open(tmp_path / "store.sqlite") as store:
        store.write([operation(units=4), operation("urgent", 0)])
        found = {s.activity.id: s.activity for s in store.activities(START, START.replace(hour=23), None, ())}
    assert found["op-routine-4"] == operation(units=4)
    assert found["op-urgent-0"].cross_matched_units == 0


def test_a_store_written_before_the_units_reads_them_as_0(tmp_path: Path) -> None:
    path = tmp_path / "v10.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=10)  # the version before activities said their units
    connection.execute(
        "INSERT INTO activities (id, version, patient_id, kind, start, description, urgency, status) "
        "VALUES ('op1', ?, 'p1', 'surgery', '2026-12-07T08:30:00Z', '', 'routine', 'booked')",
        (V1,),
    )
    connection.close()
    with ContinuityStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 11
        (found,) = store.activities(START, START.replace(hour=23), None, ())
    assert (found.activity.id, found.activity.cross_matched_units) == ("op1", 0)


# FHIR in and out -----------------------------------------------------------------------------------


def appointment(*extension: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "id": "ap1",
        "status": "booked",
        "start": "2026-12-07T08:30:00Z",
        "description": "Prothèse totale de hanche",
        "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
        **({"extension": list(extension)} if extension else {}),
    }


@pytest.mark.parametrize(
    ("extension", "units"),
    [
        ((), 0),
        (({"url": CROSS_MATCHED_UNITS_EXTENSION, "valueUnsignedInt": 2},), 2),
        (({"url": CROSS_MATCHED_UNITS_EXTENSION, "valueInteger": 0},), 0),
        (({"url": "https://example.org/other", "valueString": "x"},), 0),
    ],
)
def test_the_appointment_extension_is_read(extension: tuple[dict[str, Any], ...], units: int) -> None:
    found = to_record(appointment(*extension), V1)
    assert isinstance(found, Activity) and found.cross_matched_units == units


@pytest.mark.parametrize(
    "value",
    [{"valueUnsignedInt": -1}, {"valueInteger": "2"}, {"valueDecimal": 1.5}, {"valueBoolean": True},
     {"valueUnsignedInt": True}, {"valueUnsignedInt": 2.5}, {}],
)  # fmt: skip
def test_a_bad_extension_refuses_the_appointment_naming_the_field_not_the_value(
    value: dict[str, Any],
) -> None:
    with pytest.raises(MalformedResource) as refused:
        to_record(appointment({"url": CROSS_MATCHED_UNITS_EXTENSION, **value}), V1)
    said = str(refused.value)
    assert "cross-matched-units" in said
    assert not any(str(v) in said for v in value.values() if str(v) not in ("True",))


def test_the_export_writes_the_extension_and_reads_back_the_same() -> None:
    needed = operation(units=2)
    resource = to_resource(needed)
    assert resource["extension"] == [{"url": CROSS_MATCHED_UNITS_EXTENSION, "valueUnsignedInt": 2}]
    assert to_record(resource, V1) == needed
    assert "extension" not in to_resource(operation(units=0))


# The map -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("test-xn", 'laboratory.blood_bank.cross_match_test: "test-xn" is not one of the laboratory\'s tests '
                    '(did you mean "test-xm"?)'),
        ("an-xm", 'laboratory.blood_bank.cross_match_test: "an-xm" is not one of the laboratory\'s tests'),
        ("5", "laboratory.blood_bank.cross_match_test: must be a non-empty text id, not a number"),
    ],
)  # fmt: skip
def test_the_cross_match_test_must_be_one_of_the_tests(tmp_path: Path, written: str, expected: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        MAP.replace("cross_match_test: test-xm", f"cross_match_test: {written}"), encoding="utf-8"
    )
    with pytest.raises(MapError) as refused:
        load_map(path)
    assert [p.split(" ", 1)[1] for p in refused.value.problems] == [expected]


def test_map_check_refuses_it_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP.replace("cross_match_test: test-xm", "cross_match_test: test-xn"), encoding="utf-8")
    assert main(["map", "check", str(path), "--lang", "en"], {}) == 2
    err = capsys.readouterr().err
    assert "cross_match_test" in err and "Traceback" not in err
