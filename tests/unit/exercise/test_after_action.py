"""The after-action figures of a hand-built run on a hand-made map, every one computed by hand.

The run (see after_action_cases.py), minutes of the exercise clock, end at 120:
  srv-a (admission P1, fallback) declared down 0 -> 90 (scripted; the optimal plan restores it in
  1 h, so by minute 60 in the reference); lab-co (lab P2, fallback) down from 10 (inject i1,
  scripted) to the end; segment lan (imaging P3, NO fallback) isolated by the cell 45 -> 100.
  Procedures started: admission at 5, lab at 25. Injects released: i1 at 10, i2 at 30; i3 never.
"""

from __future__ import annotations

import pytest
from tests.unit.exercise.after_action_cases import SCRIPT, SMALL_MAP, small_record

from bascule.exercise.after_action import (
    AfterAction,
    DecisionResult,
    ProcedureResult,
    UncoveredMinutes,
    act_meets,
    after_action,
    folded,
    round_half_up,
)
from bascule.exercise.model import Criterion, ExpectedDecision
from bascule.exercise.record import CellAct, Mark
from bascule.recovery import plan

RESTORATION = plan(SMALL_MAP, SCRIPT.scenario, time_limit=5)


def _report(**changes: object) -> AfterAction:
    return after_action(small_record(**changes), SMALL_MAP, restoration=RESTORATION)  # type: ignore[arg-type]


def _decision(report: AfterAction, decision_id: str) -> DecisionResult:
    return next(d for d in report.decisions if d.decision.id == decision_id)


def test_the_optimal_plan_restores_srv_a_in_its_hour() -> None:
    assert [(t.node, t.start, t.end) for t in RESTORATION.tasks] == [("srv-a", 0.0, 1.0)]
    # Computed by after_action itself when not given: the same figures.
    assert after_action(small_record(), SMALL_MAP).readiness == _report().readiness


def test_each_expected_decision_due_met_and_outcome() -> None:
    report = _report()
    rows = {
        d.decision.id: (d.outcome, d.released_at, d.due_at, d.met_at, d.how, d.delay)
        for d in report.decisions
    }
    assert rows == {
        # after the start (0), within 15: the procedure act at 5 -> on time.
        "e1": ("on_time", 0.0, 15.0, 5, "auto", 0.0),
        # i1 released at 10, within 20 -> due 30; "DÉRIVATION ..." at 40 holds "dérivation": 10 min late.
        "e2": ("late", 10, 30, 40, "auto", 10),
        # i2 released at 30, within 20 -> due 50; lan isolated at 45 -> on time.
        "e3": ("on_time", 30, 50, 45, "auto", 0.0),
        # i3 never released: not played.
        "e4": ("not_played", None, None, None, None, None),
        # no criterion; i1 at 10 + 30 -> due 40; the facilitator marked it met at 35 -> on time.
        "e5": ("on_time", 10, 40, 35, "facilitator", 0.0),
    }
    assert _decision(report, "e2").minutes_to_decide == 30


def test_uncovered_minutes_actual_and_reference_by_priority() -> None:
    # ACTUAL: admission down 0-90, procedure from 5 -> 5 min; lab down 10-120, procedure from 25 ->
    # 15 min; imaging down while lan isolated 45-100, no fallback -> 55 min.
    # REFERENCE: procedures start at once, so only imaging counts: lan expected isolated from the
    # release of i2 (30) to the end (120) -> 90 min. Excess = actual - reference.
    assert _report().uncovered == (
        UncoveredMinutes(1, 5.0, 0.0),
        UncoveredMinutes(2, 15.0, 0.0),
        UncoveredMinutes(3, 55.0, 90.0),
    )
    assert [u.excess for u in _report().uncovered] == [5.0, 15.0, -35.0]


def test_procedures_started_and_processes_with_none() -> None:
    report = _report()
    # admission went down at 0, procedure at 5; lab went down at 10 (i1), procedure at 25.
    assert report.procedures_started == (
        ProcedureResult("admission", "proc-adm", 5, 5.0),
        ProcedureResult("lab", "proc-lab", 25, 15.0),
    )
    assert report.not_started == ()
    assert report.had_none == ("imaging",)


def test_the_readiness_score_and_its_components() -> None:
    readiness = _report().readiness
    # D: played e1 (weight 2, on time), e2 (late: 0.5), e3 (on time), e5 (on time); e4 left out.
    #    (2x1 + 0.5 + 1 + 1) / (2 + 1 + 1 + 1) = 4.5 / 5 = 0.9
    assert readiness.decisions == pytest.approx(0.9)
    # C: actual weighted 5x1000 + 15x100 + 55x10 = 7050; reference 90x10 = 900; 900/7050 = 0.12766
    assert (readiness.actual_weighted, readiness.reference_weighted) == (7050.0, 900.0)
    assert readiness.continuity == pytest.approx(900 / 7050)
    # P: admission (1000) and lab (100) went down with a fallback, both started -> 1.
    assert readiness.procedures == 1.0
    # 100 x (0.5x0.9 + 0.3x0.12766 + 0.2x1) = 100 x 0.68830 = 68.83 -> 69
    assert readiness.score == 69 == _report().score


def test_a_facilitator_mark_overrides_what_was_recognised_both_ways() -> None:
    report = _report(marks=(Mark("e3", 46, "facilitator", met=False), Mark("e2", 28, "facilitator")))
    # e3 was isolated on time, the facilitator says it was not met: missed.
    assert (_decision(report, "e3").outcome, _decision(report, "e3").how) == ("missed", "facilitator")
    # e2 was recognised late (40); the facilitator saw it taken at 28, before due 30: on time.
    assert (_decision(report, "e2").outcome, _decision(report, "e2").met_at) == ("on_time", 28)
    # D = (2 + 1 + 0 + 1) / 5 = 0.8; score = 100 x (0.4 + 0.3 x 900/7050 + 0.2) = 63.83 -> 64
    assert report.readiness.decisions == pytest.approx(0.8)
    assert report.score == 64


def test_the_facilitators_last_word_wins() -> None:
    report = _report(marks=(Mark("e3", 46, "facilitator", met=False), Mark("e3", 47, "facilitator")))
    assert (_decision(report, "e3").outcome, _decision(report, "e3").met_at) == ("on_time", 47)


def test_an_act_before_its_inject_is_released_does_not_count() -> None:
    acts = (
        CellAct(5, "decision", "Dérivation des AVC", "director"),
        CellAct(5, "procedure", "admission", "medical"),
    )
    report = _report(acts=acts)
    # i1 is released at 10: the decision at 5 came before it; lan was never isolated by the cell.
    assert [_decision(report, i).outcome for i in ("e1", "e2", "e3")] == ["on_time", "missed", "missed"]
    # D = (2 + 0 + 0 + 1) / 5 = 0.6; score = 100 x (0.3 + 0.038298 + 0.2) = 53.83 -> 54
    assert report.score == 54


def test_a_run_stopped_at_once_has_full_continuity_and_procedures() -> None:
    record = small_record()
    empty = type(record)(record.incident_id, record.script, record.clock, end_minute=0)
    report = after_action(empty, SMALL_MAP, restoration=RESTORATION)
    # end 0: no minute at all; e1 follows the start but was not yet due: not played, like the others.
    assert [d.outcome for d in report.decisions] == [
        "not_played",
        "not_played",
        "not_played",
        "not_played",
        "not_played",
    ]
    assert (report.readiness.continuity, report.readiness.procedures) == (1.0, 1.0)
    # Nothing played: D = 1, so 100 x (0.5 + 0.3 + 0.2) = 100
    assert report.score == 100


@pytest.mark.parametrize(
    ("words", "said", "met"),
    [
        (("dérivation",), "DERIVATION des AVC", True),
        (("derivation",), "Dérivation des AVC", True),
        (("O négatif",), "passer la transfusion en o NÉGATIF", True),
        (("Divert",), "we divert stroke patients", True),
        (("dérivation",), "déclenchement du plan blanc", False),
    ],
)
def test_decision_words_ignore_case_and_accents(words: tuple[str, ...], said: str, met: bool) -> None:
    expected = ExpectedDecision("x", {"en": "x"}, 10, criterion=Criterion("decision", words))
    assert act_meets(CellAct(1, "decision", said, "director"), expected) is met


def test_other_criteria_match_kind_and_target() -> None:
    isolate = ExpectedDecision("x", {"en": "x"}, 10, criterion=Criterion("isolate", ("lan", "dmz")))
    assert act_meets(CellAct(1, "isolate", "dmz", "it"), isolate)
    assert not act_meets(CellAct(1, "down", "dmz", "it"), isolate)
    assert not act_meets(CellAct(1, "isolate", "wan", "it"), isolate)
    sitrep = ExpectedDecision("y", {"en": "y"}, 10, criterion=Criterion("sitrep"))
    assert act_meets(CellAct(1, "sitrep", "", "director"), sitrep)
    facilitator_only = ExpectedDecision("z", {"en": "z"}, 10)
    assert not act_meets(CellAct(1, "sitrep", "", "director"), facilitator_only)


def test_folding_and_rounding_as_by_hand() -> None:
    assert folded("Œdème ÉPAULE à droite") == "œdeme epaule a droite"
    assert [round_half_up(v) for v in (12.5, 13.5, 68.83, 100 * (0.5 * 0.9 + 0.3 * 0.5 + 0.2 * 0.75))] == [
        13,
        14,
        69,
        75,
    ]


def test_the_timeline_merges_injects_and_acts_in_minute_order() -> None:
    timeline = _report().timeline
    assert [(e.minute, e.inject_id or e.act_kind) for e in timeline] == [
        (5, "procedure"),
        (10, "i1"),
        (30, "i2"),
        (40, "decision"),
        (45, "isolate"),
        (90, "lift"),
        (100, "lift"),
    ]
    assert timeline[2].automatic and timeline[1].channel == "phone"


def test_no_decision_played_counts_as_full_and_a_procedure_never_started_lowers_p() -> None:
    record = small_record()
    # Only the decisions that follow injects, none released; the lab's procedure never started.
    script = type(SCRIPT)(
        SCRIPT.id, SCRIPT.title, SCRIPT.map_ref, SCRIPT.scenario, 120, SCRIPT.injects, SCRIPT.expected[1:4]
    )
    run = type(record)(
        7, script, record.clock, 120, hits=record.hits, procedures=record.procedures[:1], acts=record.acts
    )
    report = after_action(run, SMALL_MAP, restoration=RESTORATION)
    assert {d.outcome for d in report.decisions} == {"not_played"}
    assert report.readiness.decisions == 1.0
    assert report.not_started == ("lab",)
    # P = admission 1000 / (1000 + 100) = 0.90909
    assert report.readiness.procedures == pytest.approx(1000 / 1100)
    # ACTUAL: admission 5 (x1000), lab 10-120 = 110 (x100), imaging 55 (x10) = 5000 + 11000 + 550 = 16550
    # REFERENCE: lab-co spans 10-120 scripted, procedures at once; no isolation expected now -> 0.
    assert (report.readiness.actual_weighted, report.readiness.reference_weighted) == (16550.0, 0.0)
    # score = 100 x (0.5 + 0.3 x 0 + 0.2 x 0.90909) = 68.18 -> 68
    assert report.score == 68
