"""A scripted run of each of the five seed exercises, its after-action report checked against
figures computed BY HAND in the comments.

Each run plays on the in-memory twin with a wall clock the test moves (the exercise clock runs at
×1, so an exercise minute is a wall minute except during the pause). The clock releases the
injects (`release_due`, as every page does when it polls); the "participants" (director1,
medical1, it1, com1) work through the use-cases: decisions, fallback procedures, isolations,
declarations, lifts, situation reports, triage approvals; the facilitator pauses, marks and ends.

What is hand-computed: every due minute (release of the inject + `within`), met minute and outcome;
the uncovered minutes of every priority; D, P, C and the score (docs/exercise-report.md).
What is read from elsewhere, as data, once:
- which care processes each set of hits takes down: `bascule impact demo --scenario NAME --json`
  (with `-d/-i/-s` for the hits added during the run); the lists are written below, by priority;
- the restoration plan of the starting scenario (`bascule.plan`, the reference's node returns): it
  is computed here and passed to `after_action(restoration=)`; only the property the hand figures
  rely on is asserted (no node comes back before the end of the exercise in a way that brings a
  process back up), which the impact lists above confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bascule.clinical.records import Activity
from bascule.exercise.after_action import AfterAction, after_action
from bascule.exercise.loading import load_script
from bascule.hospital.loading import demo_map_path, load_map_text
from bascule.incident import cell, procedures, sitrep
from bascule.incident import exercise as exercises
from bascule.incident import hits as hit_cases
from bascule.incident import triage as pipeline
from bascule.incident.memory import MemoryStore
from bascule.recovery import plan
from bascule.triage import triage

ACCOUNTS = ("facilitator1", "director1", "medical1", "it1", "com1")
MAP_TEXT = demo_map_path().read_text(encoding="utf-8")
HOSPITAL = load_map_text(MAP_TEXT, source="hospital.yaml")
TOMORROW = date(2026, 12, 7)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


class Play:
    """One run of a seed script: the facilitator starts it, the clock moves, the cell acts."""

    def __init__(self, name: str) -> None:
        self.clock = Clock()
        self.store = MemoryStore(clock=self.clock, accounts=ACCOUNTS)
        self.script = load_script(name)
        started = exercises.start_exercise(self.store, "facilitator1", self.script, "hospital.yaml", MAP_TEXT)
        self.incident = started.incident.id
        self.minute = 0.0
        exercises.release_due(self.store, self.incident)

    def now(self) -> float:
        return exercises.minute_now(self.store, exercises.exercise_of(self.store, self.incident))

    def at(self, minute: float) -> None:
        """Move the clock on to exercise `minute` (it runs at ×1) and let it release what is due."""
        self.clock.advance(minute - self.minute)
        self.minute = minute
        exercises.release_due(self.store, self.incident)
        assert self.now() == pytest.approx(minute)

    def pause(self, wall_minutes: float) -> None:
        """The facilitator stops the clock for `wall_minutes`: the exercise minute stands still."""
        exercises.pause_exercise(self.store, self.incident, "facilitator1")
        self.clock.advance(wall_minutes)
        assert exercises.release_due(self.store, self.incident) == []
        exercises.resume_exercise(self.store, self.incident, "facilitator1")
        assert self.now() == pytest.approx(self.minute)

    def decide(self, actor: str, text: str) -> None:
        cell.record_decision(self.store, self.incident, actor, text)

    def procedure(self, actor: str, *processes: str) -> None:
        for process in processes:
            procedures.start_procedure(self.store, self.incident, actor, process)

    def isolate(self, actor: str, segment: str) -> None:
        hit_cases.isolation_what_if(self.store, self.incident, segment)  # looked at first, as on the page
        hit_cases.declare_hit(self.store, self.incident, actor, "segment", segment, confirmed=True)

    def down(self, actor: str, node: str) -> None:
        hit_cases.declare_hit(self.store, self.incident, actor, "node", node)

    def lift(self, actor: str, target: str) -> None:
        (hit,) = [h for h in self.store.repository.active_hits(self.incident) if h.target == target]
        assert hit_cases.lift_hit(self.store, self.incident, hit.id, actor) is not None

    def sitrep(self, actor: str) -> None:
        sitrep.make_sitrep(self.store, self.incident, actor, "fr", UTC)

    def approve(self, actor: str, kind: str, urgency: str, decision: str) -> None:
        """Approve the triage group of tomorrow's `kind` activities of `urgency`: the proposals come
        from the triage rules under the incident's impact now, and must propose `decision`."""
        incident = hit_cases.incident_of(self.store, self.incident)
        hospital = hit_cases.hospital_map(self.store, self.incident)
        start = datetime.combine(TOMORROW, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
        activities = [
            Activity(
                id=f"{kind}-{n}",
                version="1",
                patient_id=f"p{n}",
                kind=kind,  # type: ignore[arg-type]
                start=start + timedelta(hours=n),
                urgency=urgency,  # type: ignore[arg-type]
            )
            for n in range(3)
        ]
        proposals = triage(hospital, hit_cases.current_impact(self.store, incident), activities)
        assert {p.decision for p in proposals} == {decision}
        window = pipeline.TriageWindow(hospital, proposals, {}, {}, UTC, TOMORROW, 1, None)
        approved = pipeline.approve_group(
            self.store, self.incident, actor, window, TOMORROW.isoformat(), "", kind, decision
        )
        assert approved == 3

    def mark(self, decision: str, met: bool = True) -> None:
        exercises.mark_decision(self.store, self.incident, "facilitator1", decision, met)

    def report(self, end: float) -> AfterAction:
        self.at(end)
        # At the script's duration the clock has ended the exercise on its own; else the facilitator does.
        if not exercises.exercise_of(self.store, self.incident).ended:
            exercises.end_exercise(self.store, self.incident, "facilitator1")
        self.clock.advance(30)  # read later: the clock stopped at the end
        record = exercises.exercise_record(self.store, self.incident)
        assert record.end_minute == pytest.approx(end) == self.script.duration_minutes
        # Every inject was released by the clock, at its own minute, whenever it was noticed.
        assert [(r.inject_id, r.minute, r.released_by, r.automatic) for r in record.releases] == [
            (i.id, i.minute, exercises.EXERCISE_ACTOR, True) for i in self.script.injects
        ]
        assert len(record.clock.pauses) == 1
        # The reference's node returns: the plan of the starting scenario (a short time limit).
        restoration = plan(HOSPITAL, self.script.scenario, time_limit=2)
        early = {t.node for t in restoration.tasks if t.end * 60 < end}
        assert early <= NODES_BACK_EARLY_BUT_NOTHING_WITH_THEM.get(self.script.id, set())
        assert not any(t.brings_back for t in restoration.tasks if t.end * 60 < end)
        return after_action(record, HOSPITAL, restoration=restoration)


# Nodes of a starting scenario whose restoration ends before the exercise does, in the plan, and
# whose return brings no care process back (`bascule impact` with and without them: the same
# processes are down). Only admissions-locked has one: srv-teletrans01, back at 3 h.
NODES_BACK_EARLY_BUT_NOTHING_WITH_THEM = {"ransomware-night": {"srv-teletrans01"}}


@dataclass(frozen=True)
class Expected:
    """The hand-computed report: per expected decision (outcome, due, met, how); per priority
    (actual, reference) uncovered minutes; procedures started (process, minute, delay); the
    processes never switched to their fallback and those without one; D, P, weighted minutes, score."""

    decisions: dict[str, tuple[str, float | None, float | None, str | None]]
    uncovered: dict[int, tuple[float, float]]
    started: list[tuple[str, float, float]]
    not_started: tuple[str, ...]
    had_none: tuple[str, ...]
    d: float
    p: float
    actual_weighted: float
    reference_weighted: float
    score: int


# ---------------------------------------------------------------------------------------------
# pathology-supplier, 150 min. Scenario pathology-supplier: biolab down from 0 (scripted).
# Down from 0 (`bascule impact demo --scenario pathology-supplier`):
#   P1 transfusion (fallback), critical-lab-results (fallback)
#   P2 lab-sampling (fallback), chemotherapy (NO fallback)
#   P3 scheduled-surgery (fallback)
# Inject cut-link (115) declares lab-link down: `-d lab-link` takes down nothing more.
# No node down at the start: the plan has no task.


def play_pathology(p: Play) -> AfterAction:
    p.at(8)
    p.decide("director1", "Panne Biolab confirmée : cellule de crise activée, procédures du laboratoire")
    p.at(22)
    p.procedure("medical1", "transfusion")  # O-negative, 22 min after the lab went down
    p.at(30)
    p.procedure("medical1", "lab-sampling")
    p.at(40)
    p.pause(10)
    p.at(58)
    p.procedure("medical1", "critical-lab-results")
    p.at(85)
    p.approve("director1", "surgery", "routine", "cancel")
    p.at(110)
    p.mark("chemotherapy")
    p.at(120)
    p.sitrep("director1")
    return p.report(150)


PATHOLOGY = Expected(
    decisions={
        # (outcome, due = release + within, met, how)
        "declare-biolab": ("on_time", 0 + 15, 8, "auto"),
        "o-negative": ("on_time", 10 + 20, 22, "auto"),
        "results-by-phone": ("late", 0 + 45, 58, "auto"),  # 13 min late
        "postpone-surgery": ("on_time", 60 + 40, 85, "auto"),
        "press-statement": ("missed", 50 + 30, None, None),  # nobody wrote a communiqué
        "chemotherapy": ("on_time", 75 + 45, 110, "facilitator"),
        "situation-report": ("on_time", 90 + 45, 120, "auto"),
    },
    uncovered={
        # actual: transfusion 0-22 = 22, critical-lab-results 0-58 = 58; reference: fallbacks at once
        1: (22 + 58, 0),
        # actual: lab-sampling 0-30 = 30, chemotherapy 0-150 = 150; reference: chemotherapy 150
        2: (30 + 150, 150),
        3: (150, 0),  # scheduled-surgery never switched to the printed theatre list
        4: (0, 0),
    },
    started=[("transfusion", 22, 22), ("lab-sampling", 30, 30), ("critical-lab-results", 58, 58)],
    not_started=("scheduled-surgery",),
    had_none=("chemotherapy",),
    # D = (1 + 2×1 + 0.5 + 1 + 0 + 1 + 1) / (1 + 2 + 1 + 1 + 1 + 1 + 1) = 6.5 / 8
    d=6.5 / 8,
    # P = (1000 + 1000 + 100) / (1000 + 1000 + 100 + 10)
    p=2100 / 2110,
    # actual 80×1000 + 180×100 + 150×10 = 99 500; reference 150×100 = 15 000; C = 0.1508
    actual_weighted=99_500,
    reference_weighted=15_000,
    # 100 × (0.5×0.8125 + 0.3×0.15075 + 0.2×0.99526) = 40.625 + 4.523 + 19.905 = 65.05
    score=65,
)


# ---------------------------------------------------------------------------------------------
# triage-supplier, 180 min. Scenario triage-supplier: orientis down from 0 (scripted).
# Down from 0: P2 out-of-hours-triage (fallback) only. The node vpn-gw declared down by it1
# (`-d vpn-gw`) takes down nothing more. No node down at the start: the plan has no task.


def play_triage(p: Play) -> AfterAction:
    p.at(5)
    p.decide("director1", "Panne Orientis actée : la régulation passe en mode dégradé")
    p.at(18)
    p.procedure("medical1", "out-of-hours-triage")
    p.at(80)
    p.decide("medical1", "Renfort des urgences : un médecin senior et deux infirmiers de plus ce soir")
    p.at(84)
    p.mark("public-message")
    p.at(100)
    p.pause(5)
    p.at(150)
    p.down("it1", "vpn-gw")
    return p.report(180)


TRIAGE = Expected(
    decisions={
        "declare-orientis": ("on_time", 0 + 15, 5, "auto"),
        "paper-triage": ("on_time", 10 + 20, 18, "auto"),
        "ed-surge": ("late", 25 + 45, 80, "auto"),  # 10 min late
        "public-message": ("on_time", 55 + 30, 84, "facilitator"),
        "situation-report": ("missed", 90 + 40, None, None),
        "cut-vpn": ("on_time", 140 + 20, 150, "auto"),
    },
    # actual: out-of-hours-triage 0-18; reference: its fallback at once, nothing else down
    uncovered={1: (0, 0), 2: (18, 0), 3: (0, 0), 4: (0, 0)},
    started=[("out-of-hours-triage", 18, 18)],
    not_started=(),
    had_none=(),
    d=(1 + 2 + 0.5 + 1 + 0 + 1) / (1 + 2 + 1 + 1 + 1 + 1),  # 5.5 / 7
    p=1.0,
    # actual 18×100 = 1 800; reference 0: C = 0
    actual_weighted=1_800,
    reference_weighted=0,
    # 100 × (0.5×0.785714 + 0 + 0.2×1) = 59.29
    score=59,
)


# ---------------------------------------------------------------------------------------------
# ransomware-night, 240 min. Scenario admissions-locked: 16 nodes down from 0 (scripted).
# Down (`bascule impact demo --scenario admissions-locked`, then with the hits added):
#   from 0:   P1 emergency-admission (fb), P2 bed-management (fb), P3 discharge-transfers (fb),
#             P4 billing (NO fb)
#   + tl-admin-lan (it1 at 20; the reference from 0): nothing more
#   + srv-courrier01, srv-rdv-app01 (inject spread, 45): P3 outpatient-consultations (fb),
#             P4 patient-communication (fb), P4 scheduled-imaging (NO fb)
#   + tl-dmz (it1 at 145; the reference from the cert-email inject, 100): P2 out-of-hours-triage (fb)
# The plan (taken from the planner): srv-teletrans01 back at 3 h, which brings nothing back
# (`bascule impact` without it: the same processes down); every other task ends at 4 h or later.


def play_ransomware(p: Play) -> AfterAction:
    p.at(20)
    p.isolate("it1", "tl-admin-lan")
    p.at(30)
    p.decide(
        "director1", "Décision de la cellule : ne pas payer la rançon, aucun contact avec les attaquants"
    )
    p.at(35)
    p.procedure("medical1", "emergency-admission")  # provisional identities, 35 min after
    p.at(50)  # the clock notices the spread inject (45) only now: its hits count from 45
    p.pause(15)
    p.at(55)
    p.procedure("medical1", "bed-management")
    p.at(70)
    p.procedure("com1", "patient-communication")  # down since the spread at 45
    p.at(90)
    p.approve("director1", "surgery", "emergency", "divert")
    p.at(145)
    p.isolate("it1", "tl-dmz")
    p.at(150)
    p.mark("complaint")
    p.at(160)
    p.procedure("medical1", "out-of-hours-triage")  # down since the DMZ cut at 145
    return p.report(240)


RANSOMWARE = Expected(
    decisions={
        "isolate-admin-lan": ("on_time", 0 + 30, 20, "auto"),
        "no-ransom": ("on_time", 15 + 60, 30, "auto"),
        "provisional-identities": ("on_time", 25 + 20, 35, "auto"),
        "divert-heavy": ("on_time", 60 + 40, 90, "auto"),
        "cut-internet": ("late", 100 + 30, 145, "auto"),  # 15 min late
        "complaint": ("on_time", 120 + 60, 150, "facilitator"),
        # due at 240, the very end: missed, not "not played" (it was due when the exercise stopped)
        "situation-report": ("missed", 220 + 20, None, None),
    },
    uncovered={
        1: (35, 0),  # emergency-admission 0-35
        2: (55 + 15, 0),  # bed-management 0-55, out-of-hours-triage 145-160
        # discharge-transfers 0-240, outpatient-consultations 45-240, never switched
        3: (240 + 195, 0),
        # actual: billing 0-240, scheduled-imaging 45-240, patient-communication 45-70
        # reference: billing 240 + scheduled-imaging 195 (no fallback)
        4: (240 + 195 + 25, 240 + 195),
    },
    started=[
        ("emergency-admission", 35, 35),
        ("bed-management", 55, 55),
        ("patient-communication", 70, 25),
        ("out-of-hours-triage", 160, 15),
    ],
    not_started=("outpatient-consultations", "discharge-transfers"),
    had_none=("scheduled-imaging", "billing"),
    # D = (2 + 1 + 2 + 1 + 0.5 + 1 + 0) / (2 + 1 + 2 + 1 + 1 + 1 + 1) = 7.5 / 9
    d=7.5 / 9,
    # P = (1000 + 100 + 1 + 100) / (1000 + 100 + 100 + 10 + 10 + 1)
    p=1201 / 1221,
    # actual 35×1000 + 70×100 + 435×10 + 460 = 46 810; reference 435; C = 0.00929
    actual_weighted=46_810,
    reference_weighted=435,
    # 100 × (0.5×0.83333 + 0.3×0.00929 + 0.2×0.98362) = 41.667 + 0.279 + 19.672 = 61.62
    score=62,
)


# ---------------------------------------------------------------------------------------------
# containment, 180 min. Scenario containment: 19 segments isolated from 0 (scripted).
# Down from 0 (`bascule impact demo --scenario containment`), fb = with a fallback:
#   P1 emergency-admission, transfusion, medication-administration, critical-lab-results,
#      emergency-imaging, urgent-surgery, maternity, intensive-care (fb); stroke-care (NO fb)
#   P2 lab-sampling, dialysis, out-of-hours-triage, pharmacy-dispensing, ward-care,
#      psychiatric-care, bed-management (fb); chemotherapy (NO fb)
#   P3 scheduled-surgery, outpatient-consultations, discharge-transfers, rehabilitation-care (fb)
#   P4 patient-communication (fb); scheduled-imaging, billing (NO fb)
# dc01 + srv-jump01 (inject, 80), tl-biomed lifted (inject, 100), tl-downtime lifted (it1, 140):
# none changes the list (the core stays isolated). No node down at the start: the plan has no task.


def play_containment(p: Play) -> AfterAction:
    p.at(5)
    p.procedure("medical1", "emergency-admission")
    p.at(8)
    p.procedure("medical1", "intensive-care")
    p.at(12)
    p.procedure("medical1", "medication-administration")
    p.at(15)
    p.procedure("medical1", "urgent-surgery", "maternity")
    p.at(25)
    p.procedure("medical1", "transfusion", "critical-lab-results")
    p.at(30)
    p.procedure("medical1", "ward-care")
    p.at(45)
    p.sitrep("director1")
    p.at(60)
    p.pause(10)
    p.at(90)
    p.approve("director1", "surgery", "routine", "cancel")
    p.at(100)
    p.mark("press-line")
    p.at(120)
    p.procedure("medical1", "pharmacy-dispensing")
    p.at(140)
    p.lift("it1", "tl-downtime")
    return p.report(180)


CONTAINMENT = Expected(
    decisions={
        "paper-mar": ("on_time", 10 + 20, 12, "auto"),
        "first-sitrep": ("on_time", 20 + 60, 45, "auto"),
        "cancel-third": ("late", 35 + 45, 90, "auto"),  # 10 min late
        "samu-coordination": ("missed", 50 + 30, None, None),
        "press-line": ("on_time", 65 + 45, 100, "facilitator"),
        "reconnect-downtime": ("on_time", 130 + 30, 140, "auto"),
    },
    uncovered={
        # actual: 5 + 8 + 12 + 15 + 15 + 25 + 25 before their procedures, emergency-imaging 180
        # (never switched), stroke-care 180 (none); reference: stroke-care 180
        1: (5 + 8 + 12 + 15 + 15 + 25 + 25 + 180 + 180, 180),
        # actual: ward-care 30, pharmacy-dispensing 120, five never switched 5×180, chemotherapy 180
        2: (30 + 120 + 5 * 180 + 180, 180),
        3: (4 * 180, 0),
        4: (3 * 180, 2 * 180),  # reference: scheduled-imaging and billing
    },
    started=[
        ("emergency-admission", 5, 5),
        ("intensive-care", 8, 8),
        ("medication-administration", 12, 12),
        ("maternity", 15, 15),
        ("urgent-surgery", 15, 15),
        ("critical-lab-results", 25, 25),
        ("transfusion", 25, 25),
        ("ward-care", 30, 30),
        ("pharmacy-dispensing", 120, 120),
    ],
    not_started=(
        "emergency-imaging",
        "lab-sampling",
        "dialysis",
        "out-of-hours-triage",
        "psychiatric-care",
        "bed-management",
        "scheduled-surgery",
        "outpatient-consultations",
        "discharge-transfers",
        "rehabilitation-care",
        "patient-communication",
    ),
    had_none=("stroke-care", "chemotherapy", "scheduled-imaging", "billing"),
    d=(2 + 1 + 0.5 + 0 + 1 + 1) / (2 + 1 + 1 + 1 + 1 + 1),  # 5.5 / 7
    # P = (7×1000 + 2×100) / (8×1000 + 7×100 + 4×10 + 1)
    p=7200 / 8741,
    # actual 465×1000 + 1230×100 + 720×10 + 540 = 595 740; reference 180 000 + 18 000 + 360
    actual_weighted=595_740,
    reference_weighted=198_360,
    # 100 × (0.5×0.785714 + 0.3×0.332964 + 0.2×0.823704) = 39.286 + 9.989 + 16.474 = 65.75
    score=66,
)


# ---------------------------------------------------------------------------------------------
# group-pcs-blocked, 240 min. Scenario ransomware: 34 nodes down, tl-dmz and tl-partners isolated.
# Down from 0 (`bascule impact demo --scenario ransomware`): the same 24 processes as containment.
# tl-clinical-lan (it1, 20) and srv-sql01/02 (inject, 110) take down nothing more; the inject
# partners-cleared lifts tl-partners at 150: critical-lab-results (P1) comes back up then
# (`bascule impact` without tl-partners), in the run and in the reference.
# The plan (taken from the planner): no task ends before 4 h.


def play_group(p: Play) -> AfterAction:
    p.at(10)
    p.procedure("medical1", "emergency-admission")
    p.at(20)
    p.isolate("it1", "tl-clinical-lan")
    p.procedure("medical1", "intensive-care")
    p.at(25)
    p.procedure("medical1", "medication-administration")  # the Coteaux noon round, inject at 15
    p.at(30)
    p.procedure("medical1", "maternity", "urgent-surgery")
    p.at(40)
    p.procedure("medical1", "transfusion")
    p.at(45)
    p.procedure("medical1", "ward-care")
    p.at(60)
    p.procedure("medical1", "emergency-imaging", "pharmacy-dispensing")
    p.at(70)
    p.procedure("com1", "patient-communication")
    p.at(80)
    p.decide("com1", "Feu vert à l'agrégateur : SMS d'annulation à tous les patients de lundi")
    p.at(90)
    p.procedure("medical1", "psychiatric-care")
    p.at(100)
    p.pause(20)
    p.at(140)
    p.approve("director1", "imaging", "routine", "postpone")
    p.at(150)
    p.mark("families")
    return p.report(240)


GROUP = Expected(
    decisions={
        "isolate-clinical": ("on_time", 0 + 30, 20, "auto"),
        "paper-mar": ("on_time", 15 + 30, 25, "auto"),
        "sms-cancel": ("on_time", 60 + 60, 80, "auto"),
        "cancel-imaging": ("late", 90 + 40, 140, "auto"),  # 10 min late
        "families": ("on_time", 130 + 30, 150, "facilitator"),
        "situation-report": ("missed", 190 + 40, None, None),
    },
    uncovered={
        # actual: 10 + 20 + 25 + 30 + 30 + 40 + 60 before their procedures, critical-lab-results
        # 0-150 (never switched, back when the partners' links reopen), stroke-care 240 (none);
        # reference: stroke-care 240 (critical-lab-results has a fallback: covered at once)
        1: (10 + 20 + 25 + 30 + 30 + 40 + 60 + 150 + 240, 240),
        # actual: ward-care 45, pharmacy-dispensing 60, psychiatric-care 90, four never switched
        # 4×240, chemotherapy 240; reference: chemotherapy 240
        2: (45 + 60 + 90 + 4 * 240 + 240, 240),
        3: (4 * 240, 0),
        # actual: patient-communication 70, scheduled-imaging 240, billing 240; reference 2×240
        4: (70 + 240 + 240, 2 * 240),
    },
    started=[
        ("emergency-admission", 10, 10),
        ("intensive-care", 20, 20),
        ("medication-administration", 25, 25),
        ("maternity", 30, 30),
        ("urgent-surgery", 30, 30),
        ("transfusion", 40, 40),
        ("ward-care", 45, 45),
        ("emergency-imaging", 60, 60),
        ("pharmacy-dispensing", 60, 60),
        ("patient-communication", 70, 70),
        ("psychiatric-care", 90, 90),
    ],
    not_started=(
        "critical-lab-results",
        "lab-sampling",
        "dialysis",
        "out-of-hours-triage",
        "bed-management",
        "scheduled-surgery",
        "outpatient-consultations",
        "discharge-transfers",
        "rehabilitation-care",
    ),
    had_none=("stroke-care", "chemotherapy", "scheduled-imaging", "billing"),
    d=(2 + 2 + 1 + 0.5 + 1 + 0) / (2 + 2 + 1 + 1 + 1 + 1),  # 6.5 / 8
    # P = (7×1000 + 3×100 + 1) / (8×1000 + 7×100 + 4×10 + 1)
    p=7301 / 8741,
    # actual 605×1000 + 1395×100 + 960×10 + 550 = 754 650; reference 240 000 + 24 000 + 480
    actual_weighted=754_650,
    reference_weighted=264_480,
    # 100 × (0.5×0.8125 + 0.3×0.350467 + 0.2×0.835259) = 40.625 + 10.514 + 16.705 = 67.84
    score=68,
)


RUNS: dict[str, tuple[Callable[[Play], AfterAction], Expected]] = {
    "pathology-supplier": (play_pathology, PATHOLOGY),
    "triage-supplier": (play_triage, TRIAGE),
    "ransomware-night": (play_ransomware, RANSOMWARE),
    "containment": (play_containment, CONTAINMENT),
    "group-pcs-blocked": (play_group, GROUP),
}


def test_every_seed_script_has_a_scripted_run() -> None:
    from bascule.exercise.loading import embedded_script_names

    assert sorted(RUNS) == sorted(embedded_script_names())


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_scripted_run_gives_the_hand_computed_report(name: str) -> None:
    play, expected = RUNS[name]
    report = play(Play(name))

    decisions = {d.decision.id: (d.outcome, d.due_at, d.met_at, d.how) for d in report.decisions}
    assert decisions == expected.decisions
    late = [d for d in report.decisions if d.outcome == "late"]
    assert len(late) == 1 and late[0].delay == late[0].met_at - late[0].due_at  # type: ignore[operator]

    assert {u.priority: (u.actual, u.reference) for u in report.uncovered} == expected.uncovered
    assert [(s.process, s.minute, s.delay) for s in report.procedures_started] == expected.started
    assert report.not_started == expected.not_started
    assert report.had_none == expected.had_none

    readiness = report.readiness
    assert readiness.decisions == pytest.approx(expected.d)
    assert readiness.procedures == pytest.approx(expected.p)
    assert readiness.actual_weighted == pytest.approx(expected.actual_weighted)
    assert readiness.reference_weighted == pytest.approx(expected.reference_weighted)
    continuity = min(1.0, expected.reference_weighted / expected.actual_weighted)
    assert readiness.continuity == pytest.approx(continuity)
    assert readiness.score == expected.score
