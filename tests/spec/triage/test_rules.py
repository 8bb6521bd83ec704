"""Triage rules, case by case: what is hit, one activity, and the proposal it gets.

Read each row as: with `hit` down, a `urgency` `kind` in `unit` becomes `decision` because of `reason`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bascule import assess
from bascule.clinical.records import Activity
from bascule.hospital.loading import load_map_text
from bascule.hospital.model import HospitalMap
from bascule.triage import Approval, Proposal, tally, triage
from bascule.triage.texts import count_sentence, reason_text

MAP = """
bascule: 1
hospital: {id: h, name: Spec hospital}
units: [{id: consult}, {id: theatre}, {id: radio}, {id: dialysis-unit}]
assets:
  - {id: booking-db}
  - {id: pacs-store}
  - {id: theatre-db}
  - {id: dialysis-db}
applications:
  - {id: booking, needs: [booking-db]}
  - {id: pacs, needs: [pacs-store]}
  - {id: theatre-planning, needs: [theatre-db]}
  - {id: dialysis-app, needs: [dialysis-db]}
processes:
  - {id: consultations, priority: 3, needs: [booking], optional: [pacs], fallback: printed-agendas}
  - {id: scheduled-imaging, priority: 4, needs: [pacs]}
  - {id: surgery, priority: 3, needs: [theatre-planning], fallback: printed-list}
  - {id: dialysis, priority: 2, needs: [dialysis-app]}
procedures:
  - {id: printed-agendas}
  - {id: printed-list}
facilities:
  - {id: far-chu, distance_km: 40, capabilities: [imaging, surgery, emergency]}
  - {id: near-clinic, distance_km: 9, capabilities: [imaging]}
activities:
  - {id: act-dialysis, kinds: [consultation], units: [dialysis-unit], processes: [dialysis],
     capability: dialysis, policy: {routine: maintain, urgent: maintain, emergency: maintain}}
  - {id: act-consultation, kinds: [consultation], processes: [consultations], capability: emergency}
  - {id: act-imaging, kinds: [imaging], processes: [scheduled-imaging], capability: imaging,
     policy: {routine: postpone, urgent: divert}}
  - {id: act-surgery, kinds: [surgery], processes: [surgery], capability: surgery,
     policy: {routine: cancel, urgent: maintain, emergency: divert}}
"""
# Imaging has no activity type for unit-less "other" kinds: every kind is covered here except none.

CASES = [
    # (what is hit, kind, urgency, unit, decision, reason, facility or fallback)
    ("nothing hit: everything is maintained", (), "consultation", "routine", "consult",
     "maintain", "unaffected", None),
    ("optional lost: degraded, routine follows the policy", ("pacs-store",), "consultation", "routine",
     "consult", "postpone", "policy", None),
    ("degraded, urgent is maintained on the degraded process", ("pacs-store",), "consultation", "urgent",
     "consult", "maintain", "degraded", None),
    ("down with fallback, urgent maintained on the fallback", ("booking-db",), "consultation", "urgent",
     "consult", "maintain", "fallback", "printed-agendas"),
    ("down, emergency diverted to the nearest capable facility", ("booking-db",), "consultation",
     "emergency", "consult", "divert", "policy", "far-chu"),
    ("routine imaging postponed", ("pacs-store",), "imaging", "routine", "radio",
     "postpone", "policy", None),
    ("urgent imaging diverted to the NEAREST facility with imaging", ("pacs-store",), "imaging", "urgent",
     "radio", "divert", "policy", "near-clinic"),
    ("emergency imaging: default policy (divert)", ("pacs-store",), "imaging", "emergency", "radio",
     "divert", "policy", "near-clinic"),
    ("routine surgery cancelled", ("theatre-db",), "surgery", "routine", "theatre",
     "cancel", "policy", None),
    ("urgent surgery maintained on the printed list", ("theatre-db",), "surgery", "urgent", "theatre",
     "maintain", "fallback", "printed-list"),
    ("the unit picks the activity type: dialysis, uncovered, no facility: postponed", ("dialysis-db",),
     "consultation", "urgent", "dialysis-unit", "postpone", "no-facility", None),
    ("another unit's consultation does not need dialysis", ("dialysis-db",), "consultation", "routine",
     "consult", "maintain", "unaffected", None),
]  # fmt: skip


@pytest.fixture(scope="module")
def hospital() -> HospitalMap:
    return load_map_text(MAP, source="spec.yaml")


def activity(kind: str, urgency: str, unit: str | None, activity_id: str = "a1") -> Activity:
    return Activity(
        id=activity_id,
        version="v1",
        patient_id="p1",
        kind=kind,  # type: ignore[arg-type]
        start=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        unit_id=unit,
        urgency=urgency,  # type: ignore[arg-type]
    )


def propose(hospital: HospitalMap, hit: tuple[str, ...], item: Activity, approvals=()) -> Proposal:  # type: ignore[no-untyped-def]
    (proposal,) = triage(hospital, assess(hospital, down=hit), [item], approvals)
    return proposal


@pytest.mark.parametrize(
    ("case", "hit", "kind", "urgency", "unit", "decision", "reason", "where"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_rule(
    hospital: HospitalMap,
    case: str,
    hit: tuple[str, ...],
    kind: str,
    urgency: str,
    unit: str,
    decision: str,
    reason: str,
    where: str | None,
) -> None:
    proposal = propose(hospital, hit, activity(kind, urgency, unit))
    assert (proposal.decision, proposal.reason) == (decision, reason)
    assert where in (proposal.facility, proposal.fallback)
    if reason != "unaffected":
        assert proposal.via and proposal.via[-1] in hit  # the chain ends at what is hit
        assert proposal.process == proposal.via[0]


def test_the_reason_names_the_chain(hospital: HospitalMap) -> None:
    proposal = propose(hospital, ("booking-db",), activity("consultation", "routine", "consult"))
    assert proposal.via == ("consultations", "booking", "booking-db")
    assert reason_text(proposal, "en") == "consultations down (consultations ← booking ← booking-db)"
    assert reason_text(proposal, "fr") == "consultations à l'arrêt (consultations ← booking ← booking-db)"


APPROVALS = [
    # (approvals, maintained by exception?)
    ((), False),
    ((("doctor", "dr-martin"),), False),
    ((("director", "dir-leroy"),), False),
    ((("doctor", "dr-martin"), ("director", "dir-leroy")), True),
    ((("doctor", "x"), ("director", "x")), False),  # one person cannot be both
    ((("doctor", "dr-martin"), ("doctor", "dr-other")), False),
]


@pytest.mark.parametrize(("given", "kept"), APPROVALS)
def test_routine_surgery_is_kept_only_with_the_doctor_and_the_director(
    hospital: HospitalMap, given: tuple[tuple[str, str], ...], kept: bool
) -> None:
    approvals = [Approval("a1", role, actor) for role, actor in given]  # type: ignore[arg-type]
    proposal = propose(hospital, ("theatre-db",), activity("surgery", "routine", "theatre"), approvals)
    assert proposal.decision == ("maintain" if kept else "cancel")
    assert proposal.by_exception == kept
    if kept:
        assert proposal.approved_by == ("dr-martin", "dir-leroy")
        assert proposal.fallback == "printed-list"


def test_an_approval_for_another_activity_changes_nothing(hospital: HospitalMap) -> None:
    approvals = [Approval("other", "doctor", "d1"), Approval("other", "director", "d2")]
    proposal = propose(hospital, ("theatre-db",), activity("surgery", "routine", "theatre"), approvals)
    assert proposal.decision == "cancel"


def test_unmapped_kind_is_left_for_a_person(hospital: HospitalMap) -> None:
    bare = load_map_text("bascule: 1\nhospital: {id: h}\n")
    (proposal,) = triage(bare, assess(bare), [activity("surgery", "routine", None)])
    assert (proposal.decision, proposal.reason, proposal.activity_type) == ("maintain", "unmapped", None)


def test_counts_read_as_a_sentence(hospital: HospitalMap) -> None:
    hit = assess(hospital, down=("booking-db", "theatre-db", "pacs-store"))
    items = [activity("consultation", "routine", "consult", f"c{i}") for i in range(3)]
    items += [activity("surgery", "routine", "theatre", f"s{i}") for i in range(2)]
    items += [activity("imaging", "routine", "radio", "i0")]
    approvals = [Approval("s0", "doctor", "dr"), Approval("s0", "director", "dir")]
    counts = tally(triage(hospital, hit, items, approvals))
    assert count_sentence(counts, "en") == (
        "3 consultations to postpone, 1 imaging exam to postpone, 1 operation to cancel, "
        "1 maintained by exception"
    )
    assert count_sentence(counts, "fr") == (
        "3 consultations à reporter, 1 examen d'imagerie à reporter, 1 intervention à annuler, "
        "1 maintenue(s) par exception"
    )


def test_proposals_round_trip_through_json(hospital: HospitalMap) -> None:
    proposal = propose(hospital, ("booking-db",), activity("consultation", "emergency", "consult"))
    assert Proposal.from_json(proposal.to_json()) == proposal


def test_a_diversion_always_names_its_facility() -> None:
    with pytest.raises(ValueError, match="facility"):
        Proposal(
            activity_id="a",
            patient_id="p",
            kind="surgery",
            unit_id=None,
            start=datetime(2026, 1, 1, tzinfo=UTC),
            urgency="routine",
            activity_type=None,
            decision="divert",
            reason="policy",
        )
