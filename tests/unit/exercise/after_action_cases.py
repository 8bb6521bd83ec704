"""A small hand-made hospital and one hand-built exercise run on it, shared by the after-action
tests: every figure the report gives for it is computed by hand in test_after_action.py.

The map: `srv-a` (restored in 1 h) carries admission (P1, fallback), the lab supplier `lab-co`
carries the laboratory (P2, fallback), `srv-b` in segment `lan` carries imaging (P3, NO fallback).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bascule.exercise.model import Criterion, Effects, ExerciseScript, ExpectedDecision, Inject
from bascule.exercise.record import (
    CellAct,
    ExerciseClock,
    ExerciseRecord,
    HitSpan,
    Improvement,
    Mark,
    ProcedureStart,
    Release,
)
from bascule.hospital.model import (
    Application,
    Asset,
    CareProcess,
    FallbackProcedure,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
    Supplier,
    Team,
)
from bascule.impact import Hits
from bascule.scenario import Scenario

SMALL_MAP = HospitalMap(
    hospital=Hospital("small", "Petit hôpital", timezone="Europe/Paris"),
    segments=(Segment("lan"),),
    suppliers=(Supplier("lab-co", "LabCo"),),
    assets=(
        Asset(id="srv-a", name="Serveur A", restore_hours=1.0),
        Asset(id="srv-b", name="Serveur B", segment="lan", restore_hours=2.0),
    ),
    applications=(Application(id="lims", name="LIMS", supplier="lab-co"),),
    processes=(
        CareProcess(
            id="admission",
            name="Admissions",
            priority=1,
            needs=(Requirement.of("srv-a"),),
            fallback="proc-adm",
        ),
        CareProcess(
            id="lab", name="Laboratoire", priority=2, needs=(Requirement.of("lims"),), fallback="proc-lab"
        ),
        CareProcess(id="imaging", name="Imagerie", priority=3, needs=(Requirement.of("srv-b"),)),
    ),
    procedures=(
        FallbackProcedure("proc-adm", "Admissions papier"),
        FallbackProcedure("proc-lab", "Bons papier"),
    ),
    teams=(Team("infra", members=1),),
)

STARTED = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)  # 09:00 in Paris

SCRIPT = ExerciseScript(
    id="small-drill",
    title={"fr": "Exercice du petit hôpital", "en": "Small hospital drill"},
    map_ref="small.yaml",
    scenario=Scenario("start", Hits(down=("srv-a",))),
    duration_minutes=120,
    injects=(
        Inject(
            "i1",
            10,
            "phone",
            {"fr": "LabCo ne répond plus", "en": "LabCo is not answering"},
            effects=Effects(suppliers=("lab-co",)),
        ),
        Inject("i2", 30, "email", {"fr": "Le LAN est suspect", "en": "The LAN looks compromised"}),
        Inject("i3", 200, "press", {"fr": "Un journaliste appelle", "en": "A journalist calls"}),
    ),
    expected=(
        ExpectedDecision(
            "e1",
            {"fr": "Lancer les admissions papier", "en": "Start paper admissions"},
            15,
            criterion=Criterion("procedure", ("admission",)),
            weight=2,
        ),
        ExpectedDecision(
            "e2",
            {"fr": "Dériver les AVC", "en": "Divert stroke patients"},
            20,
            after="i1",
            criterion=Criterion("decision", ("dérivation", "divert")),
        ),
        ExpectedDecision(
            "e3",
            {"fr": "Isoler le LAN", "en": "Isolate the LAN"},
            20,
            after="i2",
            criterion=Criterion("isolate", ("lan",)),
        ),
        ExpectedDecision(
            "e4",
            {"fr": "Répondre à la presse", "en": "Answer the press"},
            10,
            after="i3",
            criterion=Criterion("sitrep"),
        ),
        ExpectedDecision("e5", {"fr": "Prévenir l'ARS", "en": "Tell the health agency"}, 30, after="i1"),
    ),
)


def small_record(marks: tuple[Mark, ...] = (), acts: tuple[CellAct, ...] | None = None) -> ExerciseRecord:
    default_acts = (
        CellAct(5, "procedure", "admission", "medical"),
        CellAct(40, "decision", "DÉRIVATION des AVC vers le CHU", "director"),
        CellAct(45, "isolate", "lan", "it"),
        CellAct(90, "lift", "srv-a", "it"),
        CellAct(100, "lift", "lan", "it"),
    )
    return ExerciseRecord(
        incident_id=7,
        script=SCRIPT,
        clock=ExerciseClock(STARTED, speed=2.0, ended_at=STARTED + timedelta(minutes=60)),
        end_minute=120,
        releases=(Release("i1", 10, "facilitator"), Release("i2", 30, "clock", automatic=True)),
        acts=default_acts if acts is None else acts,
        marks=(Mark("e5", 35, "facilitator"), *marks),
        hits=(
            HitSpan("node", "srv-a", 0, 90, scripted=True),
            HitSpan("supplier", "lab-co", 10, None, scripted=True),
            HitSpan("segment", "lan", 45, 100),
        ),
        procedures=(ProcedureStart("admission", 5, "medical"), ProcedureStart("lab", 25, "biology")),
        improvements=(Improvement(1, "Imprimer les fiches de triage à l'avance", "medical"),),
        title="Exercice du petit hôpital",
        participants=("director", "it", "medical"),
    )
