"""What an incident is made of, as the use-cases see it: frozen values, ids and times only.

The repositories (the Django adapter, the in-memory twin) build these; nothing here knows where
they are kept. Free texts of notes and actions are the crisis cell's own words ("no patient data").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from bascule.exercise.record import ExerciseClock
from bascule.impact import Hits
from bascule.scenario import Scenario

HitKind = Literal["node", "segment", "supplier"]
NODE: Final = "node"
SEGMENT: Final = "segment"
SUPPLIER: Final = "supplier"
HIT_KINDS: tuple[HitKind, ...] = (NODE, SEGMENT, SUPPLIER)

STARTED: Final = "started"
DONE: Final = "done"
TASK_STATES = (STARTED, DONE)

NOTE: Final = "note"
DECISION: Final = "decision"
NOTE_KINDS = (NOTE, DECISION)

ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")


@dataclass(frozen=True, slots=True)
class IncidentDraft:
    """An incident about to be opened: its title and the map it is played on."""

    title: str
    map_source: str
    map_text: str
    map_sha256: str
    lang: str
    reconnect: Mapping[str, float] = field(default_factory=dict)
    supplier_back: Mapping[str, float] = field(default_factory=dict)
    # An exercise: played on purpose, marked as such on every page, report and message.
    exercise: bool = False

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("an incident has a title")
        if len(self.map_sha256) != 64:
            raise ValueError("an incident keeps the SHA-256 of its map")


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    title: str
    map_source: str
    map_text: str
    map_sha256: str
    lang: str
    opened_at: datetime
    opened_by: str
    version: int
    reconnect: Mapping[str, float]
    supplier_back: Mapping[str, float]
    changed_at: datetime
    closed_at: datetime | None = None
    exercise: bool = False

    def hours_at(self, moment: datetime) -> float:
        """Hours since the incident opened (never negative)."""
        return max(0.0, self.hours_since_opening(moment))

    def hours_since_opening(self, moment: datetime) -> float:
        """Hours from the opening to `moment` (negative before it)."""
        return (moment - self.opened_at).total_seconds() / 3600

    def changed_after(self, moment: datetime) -> bool:
        """Whether the situation changed after `moment` (a plan or a report made then is out of date)."""
        return moment < self.changed_at


@dataclass(frozen=True, slots=True)
class Hit:
    """Something declared hit: a node compromised, a segment isolated or a supplier down."""

    id: int
    kind: HitKind
    target: str
    declared_at: datetime
    declared_by: str
    lifted_at: datetime | None = None
    lifted_by: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in HIT_KINDS:
            raise ValueError(f"a hit is a node, a segment or a supplier, not {self.kind!r}")

    @property
    def active(self) -> bool:
        return self.lifted_at is None


@dataclass(frozen=True, slots=True)
class TaskProgress:
    """A restoration task marked started or done by the IT teams."""

    node: str
    state: str
    team: str
    hours: float
    marked_at: datetime
    marked_by: str

    def __post_init__(self) -> None:
        if self.state not in TASK_STATES:
            raise ValueError(f"a task is started or done, not {self.state!r}")


@dataclass(frozen=True, slots=True)
class StoredPlan:
    id: int
    at_hours: float
    plan_json: Mapping[str, Any]
    incident_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CellNote:
    """A note or a decision of the crisis cell."""

    id: int
    kind: str
    text: str
    created_at: datetime
    author: str


@dataclass(frozen=True, slots=True)
class CellAction:
    """A task of the crisis cell, owned by a person or a role, due at a time."""

    id: int
    title: str
    owner_user: str | None
    owner_role: str
    due_at: datetime | None
    status: str
    created_by: str


@dataclass(frozen=True, slots=True)
class Sitrep:
    id: int
    lang: str
    content: Mapping[str, Any]
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class JournalCheckpoint:
    """How many entries the journal held and its last seal (shortened), signed and kept outside
    the database at `time`: printed on situation reports."""

    count: int
    head: str
    time: datetime


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One journal entry as the use-cases read it back (ids only)."""

    name: str
    actor: str
    payload: Mapping[str, Any]
    created: datetime | None = None
    # Its place in the whole journal (1, 2, ...), as the journal page and `journal verify` number it.
    seq: int = 0


@dataclass(frozen=True, slots=True)
class IncidentsVersion:
    """Every incident together, as the list of incidents polls it: one change anywhere changes `key`."""

    count: int
    versions: int
    changed_at: datetime | None

    @property
    def key(self) -> str:
        return f"all.{self.count}.{self.versions}"


@dataclass(frozen=True, slots=True)
class StartedProcedure:
    """The fallback procedure of care process `process` started by the cell."""

    process: str
    procedure: str
    started_at: datetime
    started_by: str


@dataclass(frozen=True, slots=True)
class ExerciseRun:
    """The exercise an incident plays: its script (as the document the database keeps, see
    `bascule.exercise.loading.to_document`), the clock, and whether the clock releases injects by
    itself (`automatic`) or the facilitator does."""

    incident_id: int
    script_id: str
    document: Mapping[str, Any]
    script_sha256: str
    clock: ExerciseClock
    automatic: bool = True


def hits_of(active: tuple[Hit, ...] | list[Hit]) -> Hits:
    """The declared hits as the impact engine takes them, in declaration order."""
    ordered = sorted(active, key=lambda h: h.id)
    return Hits(
        tuple(h.target for h in ordered if h.kind == NODE),
        tuple(h.target for h in ordered if h.kind == SEGMENT),
        tuple(h.target for h in ordered if h.kind == SUPPLIER),
    )


def scenario_of(incident: Incident, hits: Hits) -> Scenario:
    """What is hit now and when isolated segments and hit suppliers are expected back."""
    return Scenario(
        name=f"incident-{incident.id}",
        hits=hits,
        reconnect={k: float(v) for k, v in incident.reconnect.items() if k in hits.isolate},
        supplier_back={k: float(v) for k, v in incident.supplier_back.items() if k in hits.suppliers},
    )
