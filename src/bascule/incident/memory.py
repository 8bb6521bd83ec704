"""The in-memory twin of the incident ports (as httpx's MockTransport stands in for a network):
the same contract as the crisis database, for tests and for trying use-cases without Django.

`unit_of_work()` copies the state on entry and puts it back when the block raises, so a failed
use-case changes nothing here either. A clock can be injected; by default it is the real one.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bascule.exercise.record import ExerciseClock, Improvement, Mark, Release
from bascule.incident.model import (
    CellAction,
    CellNote,
    ExerciseRun,
    Hit,
    HitKind,
    Incident,
    IncidentDraft,
    IncidentsVersion,
    JournalCheckpoint,
    JournalLine,
    Sitrep,
    StartedProcedure,
    StoredPlan,
    TaskProgress,
)
from bascule.incident.refusals import ExerciseOver
from bascule.journal import JournalEntry, PayloadValue


@dataclass
class _State:
    incidents: dict[int, Incident] = field(default_factory=dict)
    hits: dict[int, tuple[int, Hit]] = field(default_factory=dict)
    progress: dict[tuple[int, str], TaskProgress] = field(default_factory=dict)
    plans: list[tuple[int, StoredPlan]] = field(default_factory=list)
    notes: list[tuple[int, CellNote]] = field(default_factory=list)
    actions: dict[int, tuple[int, CellAction]] = field(default_factory=dict)
    sitreps: list[tuple[int, Sitrep]] = field(default_factory=list)
    journal: list[tuple[int | None, JournalLine]] = field(default_factory=list)
    accounts: set[str] = field(default_factory=set)
    # Accounts that sign what an exercise does itself: they exist, but may not be given work.
    system_accounts: set[str] = field(default_factory=set)
    procedures: list[tuple[int, StartedProcedure]] = field(default_factory=list)
    exercises: dict[int, ExerciseRun] = field(default_factory=dict)
    releases: list[tuple[int, Release]] = field(default_factory=list)
    marks: list[tuple[int, Mark]] = field(default_factory=list)
    improvements: list[tuple[int, Improvement, int | None]] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class MemoryStore:
    """Incidents, their records and the journal in memory (see the module docstring)."""

    def __init__(self, clock: Callable[[], datetime] | None = None, accounts: Sequence[str] = ()) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self.state = _State(accounts=set(accounts))
        self._depth = 0

    @property
    def repository(self) -> MemoryStore:
        return self

    @property
    def journal(self) -> MemoryStore:
        return self

    @property
    def exercises(self) -> MemoryStore:
        return self

    def now(self) -> datetime:
        return self._clock()

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        saved = copy.deepcopy(self.state)
        self._depth += 1
        try:
            yield
        except BaseException:
            self.state = saved
            raise
        finally:
            self._depth -= 1

    # The repository.

    def add_incident(self, draft: IncidentDraft, actor: str) -> Incident:
        now = self.now()
        incident = Incident(
            id=self.state.new_id(),
            title=draft.title,
            map_source=draft.map_source,
            map_text=draft.map_text,
            map_sha256=draft.map_sha256,
            lang=draft.lang,
            opened_at=now,
            opened_by=actor,
            version=1,
            reconnect=dict(draft.reconnect),
            supplier_back=dict(draft.supplier_back),
            changed_at=now,
            exercise=draft.exercise,
        )
        self.state.incidents[incident.id] = incident
        return incident

    def incident(self, incident_id: int) -> Incident | None:
        return self.state.incidents.get(incident_id)

    def all_incidents(self) -> list[Incident]:
        return sorted(self.state.incidents.values(), key=lambda i: (i.opened_at, i.id), reverse=True)

    def incidents_version(self) -> IncidentsVersion:
        incidents = self.state.incidents.values()
        return IncidentsVersion(
            len(incidents),
            sum(i.version for i in incidents),
            max((i.changed_at for i in incidents), default=None),
        )

    def bump(self, incident_id: int, situation: bool = True) -> Incident:
        incident = self.state.incidents[incident_id]
        changed_at = self.now() if situation else incident.changed_at
        bumped = dataclasses.replace(incident, version=incident.version + 1, changed_at=changed_at)
        self.state.incidents[incident_id] = bumped
        return bumped

    def set_return_time(self, incident_id: int, kind: HitKind, target: str, hours: float) -> Incident:
        incident = self.state.incidents[incident_id]
        if kind == "segment":
            changed = dataclasses.replace(incident, reconnect={**incident.reconnect, target: hours})
        else:
            changed = dataclasses.replace(incident, supplier_back={**incident.supplier_back, target: hours})
        self.state.incidents[incident_id] = changed
        return changed

    def _hits(self, incident_id: int) -> list[Hit]:
        return sorted((h for i, h in self.state.hits.values() if i == incident_id), key=lambda h: h.id)

    def active_hits(self, incident_id: int) -> list[Hit]:
        return [h for h in self._hits(incident_id) if h.active]

    def all_hits(self, incident_id: int) -> list[Hit]:
        return self._hits(incident_id)

    def hits_changed_since(self, incident_id: int, moment: datetime) -> tuple[list[Hit], list[Hit]]:
        hits = self._hits(incident_id)
        declared = [h for h in hits if h.declared_at > moment]
        lifted = [h for h in hits if h.lifted_at is not None and h.lifted_at > moment]
        return declared, lifted

    def add_hit(self, incident_id: int, kind: HitKind, target: str, actor: str) -> Hit | None:
        if any(h.kind == kind and h.target == target for h in self.active_hits(incident_id)):
            return None
        hit = Hit(self.state.new_id(), kind, target, self.now(), actor)
        self.state.hits[hit.id] = (incident_id, hit)
        return hit

    def lift_hit(self, incident_id: int, hit_id: int, actor: str) -> Hit | None:
        owner, hit = self.state.hits.get(hit_id, (None, None))
        if owner != incident_id or hit is None or not hit.active:
            return None
        lifted = dataclasses.replace(hit, lifted_at=self.now(), lifted_by=actor)
        self.state.hits[hit_id] = (incident_id, lifted)
        return lifted

    def progress(self, incident_id: int) -> list[TaskProgress]:
        return [p for (i, _), p in self.state.progress.items() if i == incident_id]

    def mark_task(
        self, incident_id: int, node: str, state: str, team: str, hours: float, actor: str
    ) -> TaskProgress:
        mark = TaskProgress(node, state, team, hours, self.now(), actor)
        self.state.progress[(incident_id, node)] = mark
        return mark

    def add_plan(
        self, incident_id: int, at_hours: float, plan_json: Mapping[str, Any], incident_version: int
    ) -> StoredPlan:
        stored = StoredPlan(self.state.new_id(), at_hours, plan_json, incident_version, self.now())
        self.state.plans.append((incident_id, stored))
        return stored

    def latest_plan(self, incident_id: int) -> StoredPlan | None:
        plans = [p for i, p in self.state.plans if i == incident_id]
        return plans[-1] if plans else None

    def add_note(self, incident_id: int, kind: str, text: str, actor: str) -> CellNote:
        note = CellNote(self.state.new_id(), kind, text, self.now(), actor)
        self.state.notes.append((incident_id, note))
        return note

    def notes(self, incident_id: int, kind: str, since: datetime | None = None) -> list[CellNote]:
        return [
            n
            for i, n in self.state.notes
            if i == incident_id and n.kind == kind and (since is None or n.created_at > since)
        ]

    def latest_notes(self, incident_id: int, limit: int) -> list[CellNote]:
        return [n for i, n in reversed(self.state.notes) if i == incident_id][:limit]

    def active_account(self, name: str) -> bool:
        return name in self.state.accounts

    def add_action(
        self,
        incident_id: int,
        title: str,
        owner_user: str | None,
        owner_role: str,
        due_at: datetime | None,
        actor: str,
    ) -> CellAction:
        action = CellAction(self.state.new_id(), title, owner_user, owner_role, due_at, "open", actor)
        self.state.actions[action.id] = (incident_id, action)
        return action

    def set_action_status(self, incident_id: int, action_id: int, status: str) -> bool:
        owner, action = self.state.actions.get(action_id, (None, None))
        if owner != incident_id or action is None:
            return False
        self.state.actions[action_id] = (incident_id, dataclasses.replace(action, status=status))
        return True

    def open_actions(self, incident_id: int) -> list[CellAction]:
        return [
            a
            for i, a in self.state.actions.values()
            if i == incident_id and a.status in ("open", "in_progress")
        ]

    def actions(self, incident_id: int) -> list[CellAction]:
        mine = [a for i, a in self.state.actions.values() if i == incident_id]
        return sorted(mine, key=lambda a: (a.status, a.due_at is not None, a.due_at or self.now(), a.id))

    def add_sitrep(self, incident_id: int, lang: str, content: Mapping[str, Any], actor: str) -> Sitrep:
        report = Sitrep(self.state.new_id(), lang, content, self.now(), actor)
        self.state.sitreps.append((incident_id, report))
        return report

    def latest_sitrep(self, incident_id: int) -> Sitrep | None:
        reports = [r for i, r in self.state.sitreps if i == incident_id]
        return reports[-1] if reports else None

    def sitreps(self, incident_id: int) -> list[Sitrep]:
        return [r for i, r in reversed(self.state.sitreps) if i == incident_id]

    def sitrep(self, incident_id: int, report_id: int) -> Sitrep | None:
        return next((r for i, r in self.state.sitreps if i == incident_id and r.id == report_id), None)

    def start_procedure(
        self, incident_id: int, process: str, procedure: str, actor: str
    ) -> StartedProcedure | None:
        if any(p.process == process for p in self.started_procedures(incident_id)):
            return None
        started = StartedProcedure(process, procedure, self.now(), actor)
        self.state.procedures.append((incident_id, started))
        return started

    def started_procedures(self, incident_id: int) -> list[StartedProcedure]:
        return [p for i, p in self.state.procedures if i == incident_id]

    # The exercises.

    def ensure_actor(self, name: str) -> None:
        self.state.system_accounts.add(name)

    def add_exercise(
        self,
        incident_id: int,
        script_id: str,
        document: Mapping[str, Any],
        script_sha256: str,
        clock: ExerciseClock,
        automatic: bool,
    ) -> ExerciseRun:
        run = ExerciseRun(
            incident_id, script_id, copy.deepcopy(dict(document)), script_sha256, clock, automatic
        )
        self.state.exercises[incident_id] = run
        return run

    def exercise(self, incident_id: int) -> ExerciseRun | None:
        return self.state.exercises.get(incident_id)

    def set_clock(self, incident_id: int, clock: ExerciseClock) -> ExerciseRun:
        if self.state.exercises[incident_id].clock.ended_at is not None:
            raise ExerciseOver(incident_id)
        run = dataclasses.replace(self.state.exercises[incident_id], clock=clock)
        self.state.exercises[incident_id] = run
        return run

    def add_release(
        self, incident_id: int, inject_id: str, minute: float, actor: str, automatic: bool
    ) -> Release | None:
        if any(r.inject_id == inject_id for r in self.releases(incident_id)):
            return None
        release = Release(inject_id, minute, actor, automatic)
        self.state.releases.append((incident_id, release))
        return release

    def releases(self, incident_id: int) -> list[Release]:
        return [r for i, r in self.state.releases if i == incident_id]

    def add_mark(self, incident_id: int, decision_id: str, minute: float, actor: str, met: bool) -> Mark:
        mark = Mark(decision_id, minute, actor, met)
        self.state.marks.append((incident_id, mark))
        return mark

    def marks(self, incident_id: int) -> list[Mark]:
        return [m for i, m in self.state.marks if i == incident_id]

    def add_improvement(self, incident_id: int, text: str, owner_role: str, actor: str) -> Improvement:
        improvement = Improvement(self.state.new_id(), text, owner_role)
        self.state.improvements.append((incident_id, improvement, None))
        return improvement

    def improvements(self, incident_id: int) -> list[Improvement]:
        return [m for i, m, _ in self.state.improvements if i == incident_id]

    def carry_improvement(self, improvement_id: int, to_incident_id: int) -> None:
        self.state.improvements = [
            (i, m, to_incident_id if m.id == improvement_id else carried)
            for i, m, carried in self.state.improvements
        ]

    def uncarried_improvements(self, map_sha256: str) -> list[tuple[int, Improvement]]:
        return [
            (i, m)
            for i, m, carried in self.state.improvements
            if carried is None and self.state.incidents[i].map_sha256 == map_sha256
        ]

    # The journal.

    def append(
        self, name: str, actor: str, incident_id: int | None, payload: Mapping[str, PayloadValue]
    ) -> None:
        # The same refusals as the real journal (ids only), so the twin fails where it would.
        entry = JournalEntry(len(self.state.journal) + 1, name, self.now(), actor, incident_id, payload)
        line = JournalLine(name, actor, dict(entry.payload), entry.created, entry.seq)
        self.state.journal.append((incident_id, line))

    def entries(self, incident_id: int, name: str) -> Sequence[JournalLine]:
        return [line for i, line in self.state.journal if i == incident_id and line.name == name]

    def incident_entries(self, incident_id: int) -> Sequence[JournalLine]:
        return [line for i, line in self.state.journal if i == incident_id]

    def latest_incident_entries(self, incident_id: int, limit: int) -> Sequence[JournalLine]:
        return [line for i, line in reversed(self.state.journal) if i == incident_id][:limit]

    def count(self) -> int:
        return len(self.state.journal)

    def head(self) -> str:
        return f"{len(self.state.journal)}:memory" if self.state.journal else "0"

    def checkpoint(self) -> JournalCheckpoint:
        return JournalCheckpoint(len(self.state.journal), "memory", self.now())

    def names(self, incident_id: int | None = None) -> list[str]:
        """The journal's entry names (of one incident when given), for tests."""
        return [line.name for i, line in self.state.journal if incident_id is None or i == incident_id]
