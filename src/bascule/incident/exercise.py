"""Running an exercise: an incident opened in exercise mode, its clock, the injects the facilitator
(or the clock) releases with their effects, the facilitator's marks and the improvement actions; and
the record of the run the after-action report is made from.

What the exercise does by itself (the starting scenario, the effects of injects) is signed by the
system account EXERCISE_ACTOR, never by a person: the report tells the script's hits from the
players' decisions by it. Each change and its journal entries are one unit of work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bascule.errors import ScriptError
from bascule.exercise.after_action import AfterAction, after_action
from bascule.exercise.loading import from_document, to_document
from bascule.exercise.map_checks import check_against_map
from bascule.exercise.model import ExerciseScript, Inject, text_in
from bascule.exercise.record import (
    CellAct,
    ExerciseClock,
    ExerciseRecord,
    HitSpan,
    Improvement,
    Mark,
    Pause,
    ProcedureStart,
    Release,
)
from bascule.hospital.model import HospitalMap
from bascule.hospital.validation import render_path
from bascule.i18n import Lang
from bascule.incident.cell import MAX_ACTION_TITLE
from bascule.incident.hits import incident_of, open_incident
from bascule.incident.maps import incident_map, parse_map
from bascule.incident.model import NODE, SEGMENT, SUPPLIER, ExerciseRun, Hit, HitKind, Incident
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import (
    AlreadyReleased,
    ClockState,
    ExerciseOver,
    MissingField,
    NotAnExercise,
    UnknownTarget,
)
from bascule.incident.triage import GROUP_ENTRY

# The account that signs what the exercise does by itself (it cannot sign in nor be given work).
EXERCISE_ACTOR = "exercise"
MAX_IMPROVEMENT = 300


@dataclass(frozen=True, slots=True)
class Exercise:
    """An incident that plays an exercise, its run and its script."""

    incident: Incident
    run: ExerciseRun
    script: ExerciseScript

    @property
    def clock(self) -> ExerciseClock:
        return self.run.clock

    @property
    def ended(self) -> bool:
        return self.run.clock.ended_at is not None


def script_digest(document: object) -> str:
    """The SHA-256 of the script as the database keeps it (canonical JSON)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def start_exercise(
    store: IncidentStore,
    actor: str,
    script: ExerciseScript,
    map_source: str,
    map_text: str,
    *,
    speed: float = 1.0,
    automatic: bool = True,
    title: str = "",
) -> Exercise:
    """Open an incident in exercise mode on the script's map, declare its starting scenario in the
    exercise's name, start the clock and give the open improvement actions of earlier exercises on
    the same map to the cell as actions. The injects at minute 0 are released by `release_due`."""
    # The script was checked against its own map when loaded; it is played on this one.
    hospital = parse_map(map_text, map_source)
    problems = check_against_map(script, hospital, inline_scenario=True)
    if problems:
        raise ScriptError(
            script.source,
            [f"{render_path(p.path)}: {p.message}" for p in problems],
            fr_problems=[f"{render_path(p.path)} : {p.fr}" for p in problems],
        )
    document = to_document(script)
    digest = script_digest(document)
    # The incident's words are the hospital's (its map's language), as its journal and reports are.
    lang: Lang = hospital.hospital.lang
    heading = title.strip() or f"{'EXERCICE' if lang == 'fr' else 'EXERCISE'} — {text_in(script.title, lang)}"
    with store.unit_of_work():
        store.exercises.ensure_actor(EXERCISE_ACTOR)
        incident = open_incident(store, actor, heading, map_source, map_text, exercise=True)
        clock = ExerciseClock(store.now(), speed)
        run = store.exercises.add_exercise(incident.id, script.id, document, digest, clock, automatic)
        store.journal.append(
            "exercise.started",
            actor,
            incident.id,
            {"script": script.id, "sha256": digest, "speed": speed, "automatic": automatic},
        )
        scenario = script.scenario
        targets: list[tuple[HitKind, str]] = [(NODE, n) for n in scenario.down]
        targets += [(SEGMENT, s) for s in scenario.isolate]
        targets += [(SUPPLIER, s) for s in scenario.suppliers]
        for kind, target in targets:
            _declare(store, incident, kind, target, None)
        for segment, hours in scenario.reconnect.items():
            _return_time(store, incident, SEGMENT, segment, hours, None)
        for supplier, hours in scenario.supplier_back.items():
            _return_time(store, incident, SUPPLIER, supplier, hours, None)
        for earlier, improvement in store.exercises.uncarried_improvements(incident.map_sha256):
            if earlier == incident.id:
                continue
            prefix = (
                f"Amélioration (exercice {earlier}) : "
                if lang == "fr"
                else f"Improvement (exercise {earlier}): "
            )
            action = store.repository.add_action(
                incident.id,
                (prefix + improvement.text)[:MAX_ACTION_TITLE],
                None,
                improvement.owner_role,
                None,
                actor,
            )
            store.exercises.carry_improvement(improvement.id, incident.id)
            store.journal.append(
                "action.created",
                actor,
                incident.id,
                {
                    "action": action.id,
                    "owner": None,
                    "role": improvement.owner_role,
                    "improvement": improvement.id,
                },
            )
        incident = store.repository.bump(incident.id)
    return Exercise(incident, run, script)


def exercise_of(store: IncidentStore, incident_id: int) -> Exercise:
    """The exercise incident `incident_id` plays; refused for a real incident."""
    incident = incident_of(store, incident_id)
    run = store.exercises.exercise(incident.id)
    if run is None or not incident.exercise:
        raise NotAnExercise(incident.id)
    return Exercise(incident, run, _script_of(run))


# Scripts as built from the documents the database keeps, by digest: every page of an exercise asks
# for its script at every poll (every 2 s per screen), and a script never changes once started.
_SCRIPTS: dict[tuple[str, str], ExerciseScript] = {}
_SCRIPTS_KEPT = 32


def _script_of(run: ExerciseRun) -> ExerciseScript:
    key = (run.script_id, run.script_sha256)
    script = _SCRIPTS.get(key)
    if script is None:
        script = from_document(run.document)
        if len(_SCRIPTS) >= _SCRIPTS_KEPT:
            _SCRIPTS.clear()
        _SCRIPTS[key] = script
    return script


def is_exercise(store: IncidentStore, incident_id: int) -> bool:
    incident = store.repository.incident(incident_id)
    return incident is not None and incident.exercise


def minute_now(store: IncidentStore, exercise: Exercise) -> float:
    return exercise.clock.minute_at(store.now())


def _declare(
    store: IncidentStore, incident: Incident, kind: HitKind, target: str, inject: str | None
) -> None:
    hit = store.repository.add_hit(incident.id, kind, target, EXERCISE_ACTOR)
    if hit is None:
        return  # the players declared it already: the effect is there
    name = "isolation.confirmed" if kind == SEGMENT else "hit.declared"
    payload: dict[str, str | None] = {"kind": kind, "target": target}
    if inject is not None:
        payload["inject"] = inject
    store.journal.append(name, EXERCISE_ACTOR, incident.id, payload)


def _return_time(
    store: IncidentStore, incident: Incident, kind: HitKind, target: str, hours: float, inject: str | None
) -> None:
    store.repository.set_return_time(incident.id, kind, target, hours)
    payload: dict[str, str | float | None] = {"kind": kind, "target": target, "hours": hours}
    if inject is not None:
        payload["inject"] = inject
    store.journal.append("return.set", EXERCISE_ACTOR, incident.id, payload)


def _apply(store: IncidentStore, incident: Incident, inject: Inject) -> None:
    effects = inject.effects
    declared: tuple[tuple[HitKind, tuple[str, ...]], ...] = (
        (NODE, effects.down),
        (SEGMENT, effects.isolate),
        (SUPPLIER, effects.suppliers),
    )
    for kind, targets in declared:
        for target in targets:
            _declare(store, incident, kind, target, inject.id)
    for segment, hours in effects.reconnect.items():
        _return_time(store, incident, SEGMENT, segment, hours, inject.id)
    for supplier, hours in effects.supplier_back.items():
        _return_time(store, incident, SUPPLIER, supplier, hours, inject.id)
    lifted = set(effects.lift)
    for hit in store.repository.active_hits(incident.id):
        if (
            hit.target in lifted
            and store.repository.lift_hit(incident.id, hit.id, EXERCISE_ACTOR) is not None
        ):
            store.journal.append(
                "hit.lifted",
                EXERCISE_ACTOR,
                incident.id,
                {"kind": hit.kind, "target": hit.target, "inject": inject.id},
            )


def _release(
    store: IncidentStore, exercise: Exercise, inject: Inject, actor: str, minute: float, automatic: bool
) -> Release | None:
    release = store.exercises.add_release(exercise.incident.id, inject.id, minute, actor, automatic)
    if release is None:
        return None
    _apply(store, exercise.incident, inject)
    store.journal.append(
        "inject.released",
        actor,
        exercise.incident.id,
        {"inject": inject.id, "minute": round(minute, 2), "automatic": automatic},
    )
    return release


def release_inject(store: IncidentStore, incident_id: int, actor: str, inject_id: str) -> Release:
    """The facilitator hands an inject to the players now (ahead of its time or in a manual
    exercise); its effects take hold at once."""
    exercise = exercise_of(store, incident_id)
    inject = exercise.script.inject(inject_id)
    if inject is None:
        raise UnknownTarget(inject_id)
    if exercise.ended:
        raise ExerciseOver(exercise.incident.id)
    with store.unit_of_work():
        release = _release(store, exercise, inject, actor, minute_now(store, exercise), automatic=False)
        if release is None:
            raise AlreadyReleased(inject.id)
        store.repository.bump(exercise.incident.id)
    return release


def release_due(store: IncidentStore, incident_id: int) -> list[Release]:
    """Release, in the clock's name, every inject whose minute has come (an automatic exercise,
    running); each is recorded at its own minute, whenever it is noticed. Once the clock has reached
    the script's duration, the exercise ends there on its own (manual or not). Called by every reader
    of the exercise (pages polling, the CLI), so nothing needs a timer; two readers at once release once."""
    exercise = exercise_of(store, incident_id)
    if exercise.ended or exercise.clock.paused:
        return []
    now = minute_now(store, exercise)
    done = _release_on_time(store, exercise, now) if exercise.run.automatic else []
    if now >= exercise.script.duration_minutes:
        _end_on_time(store, incident_id)
    return done


def _release_on_time(store: IncidentStore, exercise: Exercise, now: float) -> list[Release]:
    released = {r.inject_id for r in store.exercises.releases(exercise.incident.id)}
    due = [i for i in exercise.script.injects if i.minute <= now and i.id not in released]
    if not due:
        return []
    done: list[Release] = []
    with store.unit_of_work():
        store.exercises.ensure_actor(EXERCISE_ACTOR)
        for inject in due:
            release = _release(store, exercise, inject, EXERCISE_ACTOR, inject.minute, automatic=True)
            if release is not None:
                done.append(release)
        if done:
            store.repository.bump(exercise.incident.id)
    return done


def _end_on_time(store: IncidentStore, incident_id: int) -> None:
    """End the exercise at the moment its clock reached the script's duration, in the clock's name
    (not when someone happened to look: the minutes after it are not played)."""
    with store.unit_of_work():
        exercise = exercise_of(store, incident_id)
        if exercise.ended:
            return  # another reader ended it first
        ended_at = exercise.clock.moment_of(exercise.script.duration_minutes, store.now())
        if ended_at is None:
            return
        store.exercises.ensure_actor(EXERCISE_ACTOR)
        try:
            _set_clock(
                store, exercise, replace(exercise.clock, ended_at=ended_at), EXERCISE_ACTOR, "exercise.ended"
            )
        except ExerciseOver:
            return  # another process ended it between our reading and our writing: one end only


def _set_clock(
    store: IncidentStore, exercise: Exercise, clock: ExerciseClock, actor: str, name: str
) -> Exercise:
    with store.unit_of_work():
        run = store.exercises.set_clock(exercise.incident.id, clock)
        store.journal.append(
            name, actor, exercise.incident.id, {"minute": round(clock.minute_at(store.now()), 2)}
        )
        incident = store.repository.bump(exercise.incident.id)
    return Exercise(incident, run, exercise.script)


def pause_exercise(store: IncidentStore, incident_id: int, actor: str) -> Exercise:
    """Stop the exercise clock (the injects due wait); the players may go on working."""
    exercise = exercise_of(store, incident_id)
    if exercise.ended:
        raise ExerciseOver(exercise.incident.id)
    if exercise.clock.paused:
        raise ClockState(paused=True)
    release_due(store, incident_id)
    exercise = exercise_of(store, incident_id)  # it may have just reached its end
    if exercise.ended:
        raise ExerciseOver(exercise.incident.id)
    clock = replace(exercise.clock, pauses=(*exercise.clock.pauses, Pause(store.now())))
    return _set_clock(store, exercise, clock, actor, "exercise.paused")


def resume_exercise(store: IncidentStore, incident_id: int, actor: str) -> Exercise:
    exercise = exercise_of(store, incident_id)
    if exercise.ended:
        raise ExerciseOver(exercise.incident.id)
    if not exercise.clock.paused:
        raise ClockState(paused=False)
    *earlier, last = exercise.clock.pauses
    clock = replace(exercise.clock, pauses=(*earlier, Pause(last.start, store.now())))
    return _set_clock(store, exercise, clock, actor, "exercise.resumed")


def end_exercise(store: IncidentStore, incident_id: int, actor: str) -> Exercise:
    """Stop the clock for good: the report is made up to now."""
    exercise = exercise_of(store, incident_id)
    if exercise.ended:
        raise ExerciseOver(exercise.incident.id)
    release_due(store, incident_id)
    exercise = exercise_of(store, incident_id)
    if exercise.ended:
        return exercise  # the clock reached the script's duration: it ended there on its own
    now = store.now()
    pauses = exercise.clock.pauses
    if exercise.clock.paused:
        *earlier, last = pauses
        pauses = (*earlier, Pause(last.start, now))
    clock = replace(exercise.clock, pauses=tuple(pauses), ended_at=now)
    return _set_clock(store, exercise, clock, actor, "exercise.ended")


def mark_decision(store: IncidentStore, incident_id: int, actor: str, decision_id: str, met: bool) -> Mark:
    """The facilitator's word on an expected decision, at the clock's minute now."""
    exercise = exercise_of(store, incident_id)
    if not any(d.id == decision_id for d in exercise.script.expected):
        raise UnknownTarget(decision_id)
    with store.unit_of_work():
        mark = store.exercises.add_mark(
            exercise.incident.id, decision_id, minute_now(store, exercise), actor, met
        )
        store.journal.append(
            "exercise.marked", actor, exercise.incident.id, {"decision": decision_id, "met": met}
        )
        store.repository.bump(exercise.incident.id)
    return mark


def add_improvement(
    store: IncidentStore, incident_id: int, actor: str, text: str, owner_role: str, roles: Sequence[str]
) -> Improvement:
    """An improvement action of the exercise (the cell's words, no patient data), owned by a role:
    the next exercise on the same map starts with it as an action."""
    exercise = exercise_of(store, incident_id)
    body = text.strip()[:MAX_IMPROVEMENT]
    if not body:
        raise MissingField("text")
    if owner_role not in roles:
        raise MissingField("owner")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    with store.unit_of_work():
        improvement = store.exercises.add_improvement(exercise.incident.id, body, owner_role, actor)
        store.journal.append(
            "improvement.added",
            actor,
            exercise.incident.id,
            {"improvement": improvement.id, "role": owner_role, "sha256": digest},
        )
        store.repository.bump(exercise.incident.id)
    return improvement


# What the players did, as expected decisions are recognised in it: journal entry -> criterion.
_HIT_ACTS = {"node": "down", "segment": "isolate", "supplier": "supplier"}


def _acts(store: IncidentStore, exercise: Exercise) -> list[CellAct]:
    clock, incident_id = exercise.clock, exercise.incident.id
    decisions = {n.id: n.text for n in store.repository.notes(incident_id, "decision")}
    acts: list[CellAct] = []
    for line in store.journal.incident_entries(incident_id):
        if line.actor == EXERCISE_ACTOR or line.created is None:
            continue
        minute, payload = clock.minute_at(line.created), line.payload
        if line.name in ("hit.declared", "isolation.confirmed") and payload.get("kind") in _HIT_ACTS:
            acts.append(CellAct(minute, _HIT_ACTS[payload["kind"]], str(payload["target"]), line.actor))
        elif line.name == "hit.lifted":
            acts.append(CellAct(minute, "lift", str(payload["target"]), line.actor))
        elif line.name == "procedure.started":
            acts.append(CellAct(minute, "procedure", str(payload["process"]), line.actor))
        elif line.name == "sitrep.made":
            acts.append(CellAct(minute, "sitrep", "", line.actor))
        elif line.name == GROUP_ENTRY:
            acts.append(CellAct(minute, "triage", str(payload["decision"]), line.actor))
        elif line.name == "decision.added" and payload.get("note") in decisions:
            acts.append(CellAct(minute, "decision", decisions[payload["note"]], line.actor))
    return acts


def _effect_minutes(
    store: IncidentStore, exercise: Exercise, releases: Sequence[Release]
) -> dict[tuple[str, str, str], list[float]]:
    """When the effects of the injects took hold on the exercise clock: ("declared" or "lifted",
    kind, target) -> the minutes of the releases that did it, in journal order. The clock releases
    an inject at its own minute whenever it is noticed; its hits count from that minute too."""
    released = {r.inject_id: r.minute for r in releases}
    minutes: dict[tuple[str, str, str], list[float]] = {}
    for line in store.journal.incident_entries(exercise.incident.id):
        inject = line.payload.get("inject")
        if line.actor != EXERCISE_ACTOR or inject not in released:
            continue
        what = "lifted" if line.name == "hit.lifted" else "declared"
        if line.name in ("hit.declared", "isolation.confirmed", "hit.lifted"):
            key = (what, str(line.payload["kind"]), str(line.payload["target"]))
            minutes.setdefault(key, []).append(released[str(inject)])
    return minutes


def exercise_record(store: IncidentStore, incident_id: int) -> ExerciseRecord:
    """Everything the after-action report needs of the run, up to now (or to its end)."""
    exercise = exercise_of(store, incident_id)
    clock, incident = exercise.clock, exercise.incident
    releases = tuple(store.exercises.releases(incident.id))
    effects = _effect_minutes(store, exercise, releases)

    def minute(what: str, hit: Hit, moment: datetime, by: str | None) -> float:
        pending = effects.get((what, hit.kind, hit.target)) if by == EXERCISE_ACTOR else None
        return pending.pop(0) if pending else clock.minute_at(moment)

    ordered = sorted(store.repository.all_hits(incident.id), key=lambda h: (h.declared_at, h.id))
    hits = tuple(
        HitSpan(
            h.kind,
            h.target,
            minute("declared", h, h.declared_at, h.declared_by),
            minute("lifted", h, h.lifted_at, h.lifted_by) if h.lifted_at is not None else None,
            scripted=h.declared_by == EXERCISE_ACTOR,
        )
        for h in ordered
    )
    procedures = tuple(
        ProcedureStart(p.process, clock.minute_at(p.started_at), p.started_by)
        for p in store.repository.started_procedures(incident.id)
    )
    acts = _acts(store, exercise)
    participants = sorted({a.actor for a in acts} | {p.actor for p in procedures})
    return ExerciseRecord(
        incident_id=incident.id,
        script=exercise.script,
        clock=clock,
        end_minute=minute_now(store, exercise),
        releases=releases,
        acts=tuple(acts),
        marks=tuple(store.exercises.marks(incident.id)),
        hits=hits,
        procedures=procedures,
        improvements=tuple(store.exercises.improvements(incident.id)),
        title=incident.title,
        participants=tuple(participants),
    )


def after_action_report(store: IncidentStore, incident_id: int) -> tuple[AfterAction, HospitalMap]:
    """The after-action figures of the exercise up to now (or its end), and the map they are on."""
    exercise = exercise_of(store, incident_id)
    hospital = incident_map(exercise.incident)
    return after_action(exercise_record(store, incident_id), hospital), hospital
