"""What happened during one run of an exercise, as the after-action report reads it: frozen values,
times in minutes of the exercise clock, ids only (plus the cell's own decision texts, which are
matched against expected words and never journaled).

The application layer (`bascule.incident.exercise`) builds an `ExerciseRecord` from the incident's
repository and journal; `bascule.exercise.after_action` turns it into the report. Nothing here does
I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bascule.exercise.model import CRITERIA, ExerciseScript


@dataclass(frozen=True, slots=True)
class Pause:
    """The exercise clock stood still from `start` to `end` (None: it still does)."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("a pause ends after it starts")


@dataclass(frozen=True, slots=True)
class ExerciseClock:
    """The exercise's clock: `speed` exercise minutes pass per wall-clock minute from `started_at`,
    except during pauses; it stops at `ended_at`."""

    started_at: datetime
    speed: float = 1.0
    pauses: tuple[Pause, ...] = ()
    ended_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.started_at.tzinfo is None:
            raise ValueError("the exercise clock is aware")
        if not math.isfinite(self.speed) or not 0 < self.speed <= 600:
            raise ValueError("the exercise clock runs between 0 and 600 times the wall clock")
        if any(b.start < a.start for a, b in zip(self.pauses, self.pauses[1:], strict=False)):
            raise ValueError("pauses are in order")
        if any(p.end is None for p in self.pauses[:-1]):
            raise ValueError("only the last pause may still run")

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def minute_at(self, moment: datetime) -> float:
        """The exercise minute at wall-clock `moment` (0 before the start; frozen during pauses and
        after the end)."""
        if self.ended_at is not None:
            moment = min(moment, self.ended_at)
        if moment <= self.started_at:
            return 0.0
        still = timedelta()
        for pause in self.pauses:
            if pause.start >= moment:
                break
            still += min(pause.end or moment, moment) - pause.start
        running = (moment - self.started_at - still).total_seconds()
        return max(0.0, running) * self.speed / 60

    def moment_of(self, minute: float, now: datetime) -> datetime | None:
        """When (wall clock) the clock reaches `minute`, given no pause other than those known at
        `now`; None when it never will (paused now, or ended before)."""
        if minute <= self.minute_at(now):
            # Already reached: find it in the past by bisection over the wall clock.
            low, high = self.started_at, now
            for _ in range(60):
                middle = low + (high - low) / 2
                if self.minute_at(middle) < minute:
                    low = middle
                else:
                    high = middle
            return high
        if self.paused or self.ended_at is not None:
            return None
        return now + timedelta(minutes=(minute - self.minute_at(now)) / self.speed)


@dataclass(frozen=True, slots=True)
class Release:
    """An inject handed to the players at `minute`, by the facilitator or by the clock."""

    inject_id: str
    minute: float
    released_by: str
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class CellAct:
    """Something the crisis cell did that an expected decision may be waiting for: `kind` is one of
    the criteria (`bascule.exercise.model.CRITERIA`), `target` the id (a node, segment, supplier,
    process, the triage decision), or for `decision` the decision's text."""

    minute: float
    kind: str
    target: str
    actor: str

    def __post_init__(self) -> None:
        if self.kind not in CRITERIA:
            raise ValueError(f"a cell act is one of {', '.join(CRITERIA)}")


@dataclass(frozen=True, slots=True)
class Mark:
    """The facilitator's word on an expected decision: met at `minute` (or, `met` False, not met:
    it overrides what was recognised automatically)."""

    decision_id: str
    minute: float
    marked_by: str
    met: bool = True


@dataclass(frozen=True, slots=True)
class HitSpan:
    """A hit (`kind` node, segment or supplier) active from `start` to `end` (None: still active)."""

    kind: str
    target: str
    start: float
    end: float | None = None
    # Declared by the exercise (the starting scenario or an inject's effects) rather than by a player.
    scripted: bool = False


@dataclass(frozen=True, slots=True)
class ProcedureStart:
    """The fallback procedure of care process `process` started at `minute`."""

    process: str
    minute: float
    actor: str


@dataclass(frozen=True, slots=True)
class Improvement:
    """An improvement action written during or after the exercise (the cell's own words), owned by
    a role; it becomes an action of the next exercise on the same map."""

    id: int
    text: str
    owner_role: str
    done: bool = False


@dataclass(frozen=True, slots=True)
class ExerciseRecord:
    """One run of `script` as incident `incident_id`, up to `end_minute` of its clock."""

    incident_id: int
    script: ExerciseScript
    clock: ExerciseClock
    end_minute: float
    releases: tuple[Release, ...] = ()
    acts: tuple[CellAct, ...] = ()
    marks: tuple[Mark, ...] = ()
    hits: tuple[HitSpan, ...] = ()
    procedures: tuple[ProcedureStart, ...] = ()
    improvements: tuple[Improvement, ...] = ()
    title: str = ""
    participants: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not math.isfinite(self.end_minute) or self.end_minute < 0:
            raise ValueError("an exercise ends at a minute not negative")
