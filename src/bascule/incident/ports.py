"""The ports of the incident use-cases: where incidents are kept and where the journal is written.

An `IncidentStore` gives a repository, a journal and a clock, and `unit_of_work()`: everything
written inside it (a change and its journal entries) is kept together or not at all. An exception
raised inside undoes every write made since it was entered. Two adapters implement these ports:
`bascule.crisis.repository.DjangoStore` (the crisis database, `transaction.atomic`) and
`bascule.incident.memory.MemoryStore` (an in-memory twin for tests, the MockTransport pattern).

Actors are account names (ASCII, no patient data). Payloads of the journal hold ids only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, tzinfo
from typing import Any, Protocol

from bascule.clinical.views import ScheduledActivity
from bascule.exercise.record import ExerciseClock, Improvement, Mark, Release
from bascule.i18n import Lang
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
from bascule.journal import PayloadValue


class IncidentRepository(Protocol):
    """Incidents and what the crisis cell records about them."""

    def add_incident(self, draft: IncidentDraft, actor: str) -> Incident: ...

    def incident(self, incident_id: int) -> Incident | None: ...

    def all_incidents(self) -> list[Incident]:
        """Every incident, the most recently opened first."""
        ...

    def incidents_version(self) -> IncidentsVersion:
        """How many incidents, the sum of their versions and the last change: one small query, what
        the list of incidents polls every 2 s."""
        ...

    def bump(self, incident_id: int, situation: bool = True) -> Incident:
        """Mark a change (version + 1) so that every open screen refreshes. A change of the situation
        (hits, tasks, return times, notes, actions) also moves `changed_at`: a plan or a report made
        before it is out of date. Making a plan or a report is not one (`situation=False`)."""
        ...

    def set_return_time(self, incident_id: int, kind: HitKind, target: str, hours: float) -> Incident:
        """When an isolated segment (`reconnect`) or a hit supplier (`supplier_back`) is expected back,
        in hours after the incident opened."""
        ...

    def active_hits(self, incident_id: int) -> list[Hit]: ...

    def all_hits(self, incident_id: int) -> list[Hit]:
        """Every hit of the incident, lifted or not, in id order."""
        ...

    def hits_changed_since(self, incident_id: int, moment: datetime) -> tuple[list[Hit], list[Hit]]:
        """The hits declared after `moment`, and those lifted after it, in id order."""
        ...

    def add_hit(self, incident_id: int, kind: HitKind, target: str, actor: str) -> Hit | None:
        """The new active hit, or None when the same one is already active."""
        ...

    def lift_hit(self, incident_id: int, hit_id: int, actor: str) -> Hit | None:
        """The hit now lifted, or None when there is no such active hit."""
        ...

    def progress(self, incident_id: int) -> list[TaskProgress]: ...

    def mark_task(
        self, incident_id: int, node: str, state: str, team: str, hours: float, actor: str
    ) -> TaskProgress: ...

    def add_plan(
        self, incident_id: int, at_hours: float, plan_json: Mapping[str, Any], incident_version: int
    ) -> StoredPlan: ...

    def latest_plan(self, incident_id: int) -> StoredPlan | None: ...

    def add_note(self, incident_id: int, kind: str, text: str, actor: str) -> CellNote: ...

    def notes(self, incident_id: int, kind: str, since: datetime | None = None) -> list[CellNote]: ...

    def latest_notes(self, incident_id: int, limit: int) -> list[CellNote]:
        """The last `limit` notes and decisions together, the newest first."""
        ...

    def active_account(self, name: str) -> bool:
        """Whether `name` is an account that may be given work."""
        ...

    def add_action(
        self,
        incident_id: int,
        title: str,
        owner_user: str | None,
        owner_role: str,
        due_at: datetime | None,
        actor: str,
    ) -> CellAction: ...

    def set_action_status(self, incident_id: int, action_id: int, status: str) -> bool: ...

    def open_actions(self, incident_id: int) -> list[CellAction]: ...

    def actions(self, incident_id: int) -> list[CellAction]:
        """Every action of the incident, by status, then due date (none first), then id."""
        ...

    def add_sitrep(self, incident_id: int, lang: str, content: Mapping[str, Any], actor: str) -> Sitrep: ...

    def start_procedure(
        self, incident_id: int, process: str, procedure: str, actor: str
    ) -> StartedProcedure | None:
        """Record that a care process runs on its fallback procedure; None when it already does."""
        ...

    def started_procedures(self, incident_id: int) -> list[StartedProcedure]: ...

    def latest_sitrep(self, incident_id: int) -> Sitrep | None: ...

    def sitreps(self, incident_id: int) -> list[Sitrep]:
        """Every report of the incident, the newest first."""
        ...

    def sitrep(self, incident_id: int, report_id: int) -> Sitrep | None:
        """The report `report_id` when it belongs to the incident."""
        ...


class Journal(Protocol):
    """The crisis journal: append one entry (ids only), read entries of one name back."""

    def append(
        self, name: str, actor: str, incident_id: int | None, payload: Mapping[str, PayloadValue]
    ) -> None: ...

    def entries(self, incident_id: int, name: str) -> Sequence[JournalLine]:
        """The incident's entries called `name`, in journal order."""
        ...

    def incident_entries(self, incident_id: int) -> Sequence[JournalLine]:
        """Every entry of the incident, in journal order, with its time."""
        ...

    def latest_incident_entries(self, incident_id: int, limit: int) -> Sequence[JournalLine]:
        """The last `limit` entries of the incident, the newest first, each with its `seq`."""
        ...

    def count(self) -> int:
        """How many entries the whole journal holds."""
        ...

    def head(self) -> str:
        """`seq:hash` of the last entry ("0" for an empty journal), printed on situation reports."""
        ...

    def checkpoint(self) -> JournalCheckpoint:
        """A checkpoint of the journal as it stands, signed and kept outside the database once the
        unit of work commits."""
        ...


class ExerciseRepository(Protocol):
    """The exercise an incident plays: its run, the injects released, the facilitator's marks and
    the improvement actions. Times of the exercise are minutes of its clock."""

    def ensure_actor(self, name: str) -> None:
        """Make `name` an account that signs what the exercise itself does (no password, cannot sign
        in, cannot be given work), if it is not one already."""
        ...

    def add_exercise(
        self,
        incident_id: int,
        script_id: str,
        document: Mapping[str, Any],
        script_sha256: str,
        clock: ExerciseClock,
        automatic: bool,
    ) -> ExerciseRun: ...

    def exercise(self, incident_id: int) -> ExerciseRun | None: ...

    def set_clock(self, incident_id: int, clock: ExerciseClock) -> ExerciseRun:
        """Keep the clock's pauses and end (its start and speed never change). A clock that has
        ended never changes again: refused with ExerciseOver, read under a lock, so that two
        writers at once (two servers on one PostgreSQL) end an exercise once."""
        ...

    def add_release(
        self, incident_id: int, inject_id: str, minute: float, actor: str, automatic: bool
    ) -> Release | None:
        """The inject released now, or None when it already was (two releases make one)."""
        ...

    def releases(self, incident_id: int) -> list[Release]:
        """In the order they were released."""
        ...

    def add_mark(self, incident_id: int, decision_id: str, minute: float, actor: str, met: bool) -> Mark: ...

    def marks(self, incident_id: int) -> list[Mark]: ...

    def add_improvement(self, incident_id: int, text: str, owner_role: str, actor: str) -> Improvement: ...

    def improvements(self, incident_id: int) -> list[Improvement]: ...

    def carry_improvement(self, improvement_id: int, to_incident_id: int) -> None:
        """Mark an improvement as given to the next exercise (as one of its actions)."""
        ...

    def uncarried_improvements(self, map_sha256: str) -> list[tuple[int, Improvement]]:
        """(incident id, improvement) of earlier exercises on this map not yet carried to a later one."""
        ...


class IncidentStore(Protocol):
    """A repository and a journal that change together (see the module's docstring)."""

    @property
    def repository(self) -> IncidentRepository: ...

    @property
    def exercises(self) -> ExerciseRepository: ...

    @property
    def journal(self) -> Journal: ...

    def unit_of_work(self) -> AbstractContextManager[None]: ...

    def now(self) -> datetime:
        """The time (aware) the store stamps on what it writes."""
        ...


class AccountBook(Protocol):
    """The crisis cell's accounts (names and roles; passwords are only ever set, never read)."""

    def add(self, name: str, role: str, password: str, actor: str) -> None:
        """Create the account, or refuse in one sentence (unknown role, taken name, weak password)."""
        ...

    def listing(self) -> list[tuple[str, str, bool]]:
        """(name, role, active) of every account, by name."""
        ...

    def any_active(self) -> bool: ...

    def set_password(
        self, name: str, role: str, password: str, actor: str, *, provisional: bool = False
    ) -> None:
        """Give the account this password (made with `role` if it does not exist), active again;
        a `provisional` one (printed for someone else to type) must be changed at the next sign-in."""
        ...

    def set_active(self, name: str, active: bool, actor: str, lang: Lang) -> None:
        """Enable or disable the account (its open sessions end); refuse in one sentence."""
        ...

    def reset_password(self, name: str, password: str, actor: str, lang: Lang) -> None:
        """A new password, checked like any other (its open sessions end); refuse in one sentence."""
        ...

    def unlock(self, kind: str, value: str, actor: str, lang: Lang) -> int:
        """Lift the sign-in lockout of an account name (`username`) or an `address`; how many went."""
        ...


class NamedUnit(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class ScheduledActivities(Protocol):
    """Where the scheduled activity to triage is read: the continuity store, opened by the face."""

    @property
    def timezone(self) -> tzinfo:
        """The hospital's wall-clock zone: days are cut at its midnights."""
        ...

    @property
    def data_time(self) -> datetime | None: ...

    def activities(self, start: datetime, end: datetime) -> Sequence[ScheduledActivity]:
        """Activities starting in [start, end)."""
        ...

    def units(self) -> Sequence[NamedUnit]: ...
