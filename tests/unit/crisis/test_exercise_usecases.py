"""Running an exercise through the application layer, against the in-memory twin (whose clock the
test moves) and the crisis database (SQLite here; PostgreSQL when the folder is rerun with it):
the incident in exercise mode, the clock with its pauses, injects released by the clock or the
facilitator with their effects, the facilitator's marks, improvement actions carried to the next
exercise, and the record the after-action report reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bascule.crisis.testing import SAMPLE_MAP
from bascule.crisis.testing import sample_script as script
from bascule.errors import ScriptError, UserError
from bascule.exercise.after_action import after_action, decision_results
from bascule.exercise.model import Effects, ExerciseScript, Inject
from bascule.hospital.loading import load_map_text
from bascule.incident import cell, procedures
from bascule.incident import exercise as exercises
from bascule.incident import hits as hit_cases
from bascule.incident.memory import MemoryStore
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import (
    AlreadyReleased,
    AlreadyStarted,
    ClockState,
    ExerciseOver,
    NotAnExercise,
    NotDown,
    UnknownTarget,
)

ACCOUNTS = ("facilitator1", "director1", "medical1")


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture(params=["memory", "django"])
def store(request: pytest.FixtureRequest) -> Iterator[tuple[IncidentStore, Clock | None]]:
    if request.param == "memory":
        clock = Clock()
        yield MemoryStore(clock=clock, accounts=ACCOUNTS), clock
        return
    from django.db import transaction

    from bascule.crisis.models import Account
    from bascule.crisis.repository import DjangoStore

    with transaction.atomic():
        for name in ACCOUNTS:
            Account.objects.create(username=name, role="director")
        yield DjangoStore(), None
        transaction.set_rollback(True)


def start(store: IncidentStore, **options: object) -> exercises.Exercise:
    return exercises.start_exercise(store, "facilitator1", script(), "sample.yaml", SAMPLE_MAP, **options)  # type: ignore[arg-type]


def test_an_exercise_opens_an_incident_in_exercise_mode_with_its_scenario_declared_by_the_exercise(
    store: tuple[IncidentStore, Clock | None],
) -> None:
    crisis, _ = store
    exercise = start(crisis)
    incident = crisis.repository.incident(exercise.incident.id)
    assert incident is not None and incident.exercise
    assert incident.title.startswith("EXERCICE")
    hits = crisis.repository.active_hits(incident.id)
    assert [(h.kind, h.target, h.declared_by) for h in hits] == [
        ("supplier", "pathlab", exercises.EXERCISE_ACTOR)
    ]
    names = [line.name for line in crisis.journal.incident_entries(incident.id)]
    assert names[:3] == ["incident.opened", "exercise.started", "hit.declared"]
    # The system account may not be given work, and a real incident is not an exercise.
    assert not crisis.repository.active_account(exercises.EXERCISE_ACTOR)
    real = hit_cases.open_incident(crisis, "director1", "Réel", "sample.yaml", SAMPLE_MAP)
    assert not real.exercise
    with pytest.raises(NotAnExercise):
        exercises.exercise_of(crisis, real.id)


def test_the_clock_releases_injects_at_their_own_minute_and_applies_their_effects() -> None:
    clock = Clock()
    crisis = MemoryStore(clock=clock, accounts=ACCOUNTS)
    exercise = start(crisis, speed=10.0)
    incident_id = exercise.incident.id
    assert [r.inject_id for r in exercises.release_due(crisis, incident_id)] == ["call"]
    clock.advance(6.5)  # 65 exercise minutes at ×10
    released = exercises.release_due(crisis, incident_id)
    assert [(r.inject_id, r.minute, r.automatic) for r in released] == [("lan", 30, True), ("back", 60, True)]
    assert crisis.repository.incident(incident_id).supplier_back == {"pathlab": 48.0}  # type: ignore[union-attr]
    assert exercises.release_due(crisis, incident_id) == []  # twice is once
    # Paused, the clock stands still and releases nothing.
    exercises.pause_exercise(crisis, incident_id, "facilitator1")
    clock.advance(10)
    assert exercises.release_due(crisis, incident_id) == []
    assert exercises.minute_now(crisis, exercises.exercise_of(crisis, incident_id)) == pytest.approx(65)
    with pytest.raises(ClockState):
        exercises.pause_exercise(crisis, incident_id, "facilitator1")
    exercises.resume_exercise(crisis, incident_id, "facilitator1")
    clock.advance(3)  # minute 95
    assert [r.inject_id for r in exercises.release_due(crisis, incident_id)] == ["dc"]
    assert {h.target for h in crisis.repository.active_hits(incident_id)} == {"pathlab", "san"}
    entries = crisis.journal.incident_entries(incident_id)
    san = [e for e in entries if e.name == "hit.declared" and e.payload.get("target") == "san"]
    assert san[0].payload["inject"] == "dc" and san[0].actor == exercises.EXERCISE_ACTOR


@pytest.mark.parametrize("automatic", [True, False])
def test_the_exercise_ends_on_its_own_when_its_clock_reaches_the_scripts_duration(automatic: bool) -> None:
    clock = Clock()
    crisis = MemoryStore(clock=clock, accounts=ACCOUNTS)
    exercise = start(crisis, speed=10.0, automatic=automatic)
    incident_id = exercise.incident.id
    started = clock.now
    clock.advance(8.5)  # minute 85 of 120: still running
    exercises.release_due(crisis, incident_id)
    assert not exercises.exercise_of(crisis, incident_id).ended
    clock.advance(7.5)  # minute 160 by the wall clock: the exercise stopped at 120
    released = exercises.release_due(crisis, incident_id)
    ended = exercises.exercise_of(crisis, incident_id)
    assert ended.ended and ended.clock.ended_at == started + timedelta(minutes=12)
    assert exercises.minute_now(crisis, ended) == pytest.approx(120)
    assert [r.inject_id for r in released] == ([] if not automatic else ["dc"])
    endings = [e for e in crisis.journal.incident_entries(incident_id) if e.name == "exercise.ended"]
    assert [(e.actor, e.payload["minute"]) for e in endings] == [(exercises.EXERCISE_ACTOR, 120)]
    assert exercises.release_due(crisis, incident_id) == []
    with pytest.raises(ExerciseOver):
        exercises.pause_exercise(crisis, incident_id, "facilitator1")


def test_the_facilitator_ending_after_the_duration_ends_it_at_the_duration() -> None:
    clock = Clock()
    crisis = MemoryStore(clock=clock, accounts=ACCOUNTS)
    exercise = start(crisis, speed=10.0)
    clock.advance(20)  # nobody looked since minute 0
    ended = exercises.end_exercise(crisis, exercise.incident.id, "facilitator1")
    assert ended.ended and exercises.minute_now(crisis, ended) == pytest.approx(120)
    endings = [e for e in crisis.journal.incident_entries(exercise.incident.id) if e.name == "exercise.ended"]
    assert len(endings) == 1


def test_the_facilitator_releases_an_inject_early_once_and_nothing_after_the_end(
    store: tuple[IncidentStore, Clock | None],
) -> None:
    crisis, _ = store
    exercise = start(crisis, automatic=False)
    incident_id = exercise.incident.id
    assert exercises.release_due(crisis, incident_id) == []  # a manual exercise: the clock releases nothing
    release = exercises.release_inject(crisis, incident_id, "facilitator1", "dc")
    assert release.inject_id == "dc" and not release.automatic
    assert "san" in {h.target for h in crisis.repository.active_hits(incident_id)}
    with pytest.raises(AlreadyReleased):
        exercises.release_inject(crisis, incident_id, "facilitator1", "dc")
    with pytest.raises(UnknownTarget):
        exercises.release_inject(crisis, incident_id, "facilitator1", "nope")
    before = len(crisis.journal.incident_entries(incident_id))
    exercises.end_exercise(crisis, incident_id, "facilitator1")
    with pytest.raises(ExerciseOver):
        exercises.release_inject(crisis, incident_id, "facilitator1", "call")
    with pytest.raises(ExerciseOver):
        exercises.pause_exercise(crisis, incident_id, "facilitator1")
    # The refusals changed nothing: only the end was journaled.
    assert len(crisis.journal.incident_entries(incident_id)) == before + 1


def test_a_script_naming_what_the_map_lacks_is_refused_before_anything_is_kept(
    store: tuple[IncidentStore, Clock | None],
) -> None:
    crisis, _ = store
    bad = script()
    broken = ExerciseScript(
        **{
            f: getattr(bad, f) for f in ("id", "title", "map_ref", "scenario", "duration_minutes", "expected")
        },
        injects=(
            *bad.injects[:3],
            Inject("dc", 90, "ward", {"fr": "x"}, effects=Effects(supplier_back={"nowhere": 1.0})),
        ),
    )
    with pytest.raises(ScriptError) as refused:
        exercises.start_exercise(crisis, "facilitator1", broken, "sample.yaml", SAMPLE_MAP)
    assert "nowhere" in " ".join(refused.value.problems)
    assert crisis.repository.all_incidents() == []


def test_procedures_start_once_for_a_process_that_is_down_with_a_fallback(
    store: tuple[IncidentStore, Clock | None],
) -> None:
    crisis, _ = store
    exercise = start(crisis)
    incident_id = exercise.incident.id
    started = procedures.start_procedure(crisis, incident_id, "medical1", "transfusion")
    assert (started.process, started.procedure) == ("transfusion", "paper-transfusion")
    with pytest.raises(AlreadyStarted):
        procedures.start_procedure(crisis, incident_id, "medical1", "transfusion")
    with pytest.raises(NotDown):
        procedures.start_procedure(crisis, incident_id, "medical1", "pharmacy")  # up
    with pytest.raises(NotDown):
        procedures.start_procedure(crisis, incident_id, "medical1", "admissions")  # no fallback
    assert list(procedures.started_procedures(crisis, incident_id)) == ["transfusion"]


def test_the_record_tells_the_players_acts_from_the_scripts_and_the_report_scores_them() -> None:
    clock = Clock()
    crisis = MemoryStore(clock=clock, accounts=ACCOUNTS)
    exercise = start(crisis)
    incident_id = exercise.incident.id
    exercises.release_due(crisis, incident_id)  # minute 0: the call
    clock.advance(10)
    procedures.start_procedure(crisis, incident_id, "medical1", "transfusion")  # due by 20: on time
    clock.advance(25)  # minute 35: the LAN inject
    exercises.release_due(crisis, incident_id)
    clock.advance(20)  # minute 55: isolation, due by 60: on time
    hit_cases.declare_hit(crisis, incident_id, "director1", "segment", "clinical-lan", confirmed=True)
    clock.advance(5)  # minute 60: the decision, due by 45: late
    cell.record_decision(crisis, incident_id, "medical1", "Transfusions en O NEGATIF pour les urgences")
    exercises.mark_decision(crisis, incident_id, "facilitator1", "press", met=False)
    exercises.add_improvement(
        crisis, incident_id, "facilitator1", "Fiche réflexe presse", "communications", ("communications",)
    )
    record = exercises.exercise_record(crisis, incident_id)
    assert record.end_minute == pytest.approx(60)
    assert {(a.kind, a.target, a.actor) for a in record.acts} >= {
        ("procedure", "transfusion", "medical1"),
        ("isolate", "clinical-lan", "director1"),
    }
    spans = {(h.target, h.scripted) for h in record.hits}
    assert spans == {("pathlab", True), ("clinical-lan", False)}
    outcomes = {d.decision.id: (d.outcome, d.met_at) for d in decision_results(record)}
    assert outcomes["paper-blood"] == ("on_time", pytest.approx(10))
    assert outcomes["isolate"] == ("on_time", pytest.approx(55))
    assert outcomes["o-neg"] == ("late", pytest.approx(60))
    assert outcomes["press"][0] == "missed"
    figures = after_action(record, load_map_text(SAMPLE_MAP))
    assert 0 <= figures.score <= 100
    assert [m.text for m in figures.improvements] == ["Fiche réflexe presse"]


def test_improvements_become_actions_of_the_next_exercise_on_the_same_map(
    store: tuple[IncidentStore, Clock | None],
) -> None:
    crisis, _ = store
    first = start(crisis)
    exercises.add_improvement(
        crisis, first.incident.id, "facilitator1", "Tester l'annuaire de crise", "director", ("director",)
    )
    with pytest.raises(UserError):
        exercises.add_improvement(crisis, first.incident.id, "facilitator1", "  ", "director", ("director",))
    second = start(crisis)
    titles = [a.title for a in crisis.repository.open_actions(second.incident.id)]
    assert titles == [f"Amélioration (exercice {first.incident.id}) : Tester l'annuaire de crise"]
    third = start(crisis)
    assert crisis.repository.open_actions(third.incident.id) == []  # given once


def test_an_ended_clock_never_changes_again_in_either_store(
    store: tuple[IncidentStore, Clock | None],
) -> None:
    """What keeps two servers on one database from ending an exercise twice: the store itself
    refuses to change a clock that has ended (read under a lock in the database)."""
    crisis, _ = store
    exercise = start(crisis)
    ended = exercises.end_exercise(crisis, exercise.incident.id, "facilitator1")
    with pytest.raises(ExerciseOver), crisis.unit_of_work():
        crisis.exercises.set_clock(exercise.incident.id, ended.clock)
    names = [line.name for line in crisis.journal.incident_entries(exercise.incident.id)]
    assert names.count("exercise.ended") == 1


def test_an_exercise_speaks_its_hospitals_language() -> None:
    """The incident's title and the improvement actions carried over are in the map's language."""
    crisis = MemoryStore(clock=Clock(), accounts=ACCOUNTS)
    english = SAMPLE_MAP.replace("lang: fr", "lang: en")
    first = exercises.start_exercise(crisis, "facilitator1", script(), "sample.yaml", english)
    assert first.incident.title == "EXERCISE — Laboratory down"
    exercises.add_improvement(
        crisis, first.incident.id, "facilitator1", "Test the phone tree", "director", ("director",)
    )
    second = exercises.start_exercise(crisis, "facilitator1", script(), "sample.yaml", english)
    titles = [a.title for a in crisis.repository.open_actions(second.incident.id)]
    assert titles == [f"Improvement (exercise {first.incident.id}): Test the phone tree"]
