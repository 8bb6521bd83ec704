"""The after-action report of one exercise run, as figures: `after_action(record, hospital)`. Pure.

Times are minutes of the exercise clock. What it holds:

- the timeline: the releases of injects and the crisis cell's acts, merged in minute order (on the
  same minute an inject comes before the acts it provoked);
- each expected decision: released at (the release of its `after` inject, or 0), due at (released
  + within), met at (the earliest act of the cell at or after the release whose kind is the
  criterion's and whose target is one of its targets; for `decision`, whose text holds one of the
  words, case and accents ignored; a `sitrep` criterion without targets takes any situation
  report), how (auto, or facilitator: the facilitator's last mark on it wins, met at its minute
  when met, missed when not), outcome (on time when met at or before due, late, missed) and delay
  (minutes past due). A decision whose inject was never released is *not played*: left out of the
  score;
- uncovered-process minutes by priority over [0, end]. ACTUAL: a care process counts its minutes
  down (`bascule.impact.assess` on every hit span active then) while it has no fallback procedure
  or its procedure has not started yet. REFERENCE, what the optimal order would have given: only
  the scripted hit spans, plus each segment the script expects isolated (criterion `isolate`) from
  the release of its inject to the end; a node of the starting scenario comes back when its task
  of the optimal restoration plan (`bascule.plan` on the starting scenario) ends (hours x 60
  exercise minutes); fallbacks start the moment a process goes down, so only processes without
  one count. Excess = actual - reference (negative: fewer minutes than the reference);
- procedures started (with the minutes since their process first went down), the processes that
  went down with a fallback never started, and those that went down with none at all;
- the improvement actions and the readiness score.

Readiness score (0-100), computable by hand:

    score = round_half_up(100 x (0.5 D + 0.3 C + 0.2 P))

    D (decisions)  = sum(weight x s) / sum(weight) over played expected decisions,
                     s = 1 on time, 0.5 late, 0 missed; D = 1 when none was played.
    C (continuity) = reference / actual weighted uncovered minutes, capped at 1; C = 1 when actual
                     is 0; weighted minutes = sum over processes of minutes x {1: 1000, 2: 100,
                     3: 10, 4: 1}[priority].
    P (procedures) = sum(w) over processes that went down with a fallback whose procedure was
                     started / sum(w) over processes that went down with a fallback (same w);
                     P = 1 when none.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from bascule.clinical.allergy_conflicts import plain
from bascule.exercise.model import ExpectedDecision
from bascule.exercise.record import CellAct, ExerciseRecord, HitSpan, Improvement
from bascule.hospital.model import PRIORITY_WEIGHTS, HospitalMap
from bascule.impact import Hits, Impact, assess
from bascule.recovery import Plan, plan

Outcome = Literal["on_time", "late", "missed", "not_played"]
How = Literal["auto", "facilitator"]
ON_TIME: Final = "on_time"
LATE: Final = "late"
MISSED: Final = "missed"
NOT_PLAYED: Final = "not_played"
DECISION_SHARE, CONTINUITY_SHARE, PROCEDURE_SHARE = 0.5, 0.3, 0.2
CREDIT: Mapping[str, float] = {ON_TIME: 1.0, LATE: 0.5, MISSED: 0.0}
PLAN_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An inject released (`inject_id`, `channel`, by `actor`) or an act of the cell (`act_kind`,
    `target`, by `actor`) at `minute`."""

    minute: float
    actor: str
    inject_id: str | None = None
    channel: str | None = None
    automatic: bool = False
    act_kind: str | None = None
    target: str | None = None

    @property
    def is_inject(self) -> bool:
        return self.inject_id is not None


@dataclass(frozen=True, slots=True)
class DecisionResult:
    """How the cell answered one expected decision (minutes of the exercise clock)."""

    decision: ExpectedDecision
    outcome: Outcome
    released_at: float | None  # None: not played
    due_at: float | None
    met_at: float | None = None
    how: How | None = None
    delay: float | None = None  # minutes past due (0 on time), None when not met

    @property
    def minutes_to_decide(self) -> float | None:
        if self.met_at is None or self.released_at is None:
            return None
        return self.met_at - self.released_at


@dataclass(frozen=True, slots=True)
class UncoveredMinutes:
    """Minutes care processes of one priority spent down and uncovered, summed over processes."""

    priority: int
    actual: float
    reference: float

    @property
    def excess(self) -> float:
        return self.actual - self.reference


@dataclass(frozen=True, slots=True)
class ProcedureResult:
    """The fallback procedure of `process` started at `minute`, `delay` minutes after the process
    first went down (None: it never went down during the exercise)."""

    process: str
    procedure: str | None
    minute: float
    delay: float | None


@dataclass(frozen=True, slots=True)
class Readiness:
    """The score and its components (each 0..1), with the weighted minutes C comes from."""

    score: int
    decisions: float
    continuity: float
    procedures: float
    actual_weighted: float
    reference_weighted: float


@dataclass(frozen=True, slots=True)
class AfterAction:
    record: ExerciseRecord
    timeline: tuple[TimelineEntry, ...]
    decisions: tuple[DecisionResult, ...]
    uncovered: tuple[UncoveredMinutes, ...]  # one per priority present in the map, 1 first
    procedures_started: tuple[ProcedureResult, ...]
    not_started: tuple[str, ...]  # went down with a fallback that was never started
    had_none: tuple[str, ...]  # went down with no fallback procedure at all
    improvements: tuple[Improvement, ...]
    readiness: Readiness

    @property
    def score(self) -> int:
        return self.readiness.score


def after_action(
    record: ExerciseRecord, hospital: HospitalMap, *, restoration: Plan | None = None
) -> AfterAction:
    """The figures of the after-action report. `restoration` is the optimal plan of the starting
    scenario when the caller has it already; else it is computed (`bascule.plan`)."""
    script = record.script
    end = record.end_minute
    released = _first_releases(record)
    decisions = tuple(_decision_result(d, released, record) for d in script.expected)

    actual = _Run(hospital, end, [_clipped(s, end) for s in record.hits])
    started_at: dict[str, float] = {}
    for start in sorted(record.procedures, key=lambda p: p.minute):
        started_at.setdefault(start.process, start.minute)
    actual_minutes = actual.uncovered_minutes(started_at)

    if restoration is None:
        restoration = plan(hospital, script.scenario, time_limit=PLAN_SECONDS)
    reference = _Run(hospital, end, _reference_spans(record, restoration, decisions))
    reference_minutes = reference.uncovered_minutes(None)

    priorities = sorted({p.priority for p in hospital.processes})
    uncovered = tuple(
        UncoveredMinutes(
            priority,
            sum((m for pid, m in actual_minutes.items() if _priority(hospital, pid) == priority), 0.0),
            sum((m for pid, m in reference_minutes.items() if _priority(hospital, pid) == priority), 0.0),
        )
        for priority in priorities
    )

    went_down = actual.first_down()
    processes = {p.id: p for p in hospital.processes}
    procedures_started = tuple(
        ProcedureResult(
            pid,
            processes[pid].fallback if pid in processes else None,
            minute,
            None if pid not in went_down else minute - went_down[pid],
        )
        for pid, minute in sorted(started_at.items(), key=lambda item: (item[1], item[0]))
    )
    with_fallback = [pid for pid in went_down if processes[pid].fallback is not None]
    not_started = tuple(pid for pid in with_fallback if pid not in started_at)
    had_none = tuple(pid for pid in went_down if processes[pid].fallback is None)

    readiness = _readiness(
        decisions,
        _weighted(hospital, actual_minutes),
        _weighted(hospital, reference_minutes),
        with_fallback,
        started_at,
        hospital,
    )
    return AfterAction(
        record=record,
        timeline=_timeline(record),
        decisions=decisions,
        uncovered=uncovered,
        procedures_started=procedures_started,
        not_started=not_started,
        had_none=had_none,
        improvements=record.improvements,
        readiness=readiness,
    )


def round_half_up(value: float) -> int:
    """12.5 -> 13, as by hand (Python's round() gives 12); immune to float noise like 72.49999999."""
    return math.floor(value + 0.5 + 1e-9)


def _readiness(
    decisions: Sequence[DecisionResult],
    actual_weighted: float,
    reference_weighted: float,
    with_fallback: Sequence[str],
    started_at: Mapping[str, float],
    hospital: HospitalMap,
) -> Readiness:
    played = [d for d in decisions if d.outcome != NOT_PLAYED]
    total = sum(d.decision.weight for d in played)
    d_value = sum(d.decision.weight * CREDIT[d.outcome] for d in played) / total if played else 1.0
    c_value = 1.0 if actual_weighted <= 0 else min(1.0, reference_weighted / actual_weighted)
    weight_of = {p.id: PRIORITY_WEIGHTS[p.priority] for p in hospital.processes}
    expected = sum(weight_of[pid] for pid in with_fallback)
    done = sum(weight_of[pid] for pid in with_fallback if pid in started_at)
    p_value = done / expected if expected else 1.0
    score = round_half_up(
        100 * (DECISION_SHARE * d_value + CONTINUITY_SHARE * c_value + PROCEDURE_SHARE * p_value)
    )
    return Readiness(score, d_value, c_value, p_value, actual_weighted, reference_weighted)


def _priority(hospital: HospitalMap, process_id: str) -> int:
    return next(p.priority for p in hospital.processes if p.id == process_id)


def _weighted(hospital: HospitalMap, minutes: Mapping[str, float]) -> float:
    weight_of = {p.id: PRIORITY_WEIGHTS[p.priority] for p in hospital.processes}
    return sum(weight_of[pid] * m for pid, m in minutes.items())


# ---- the timeline and the expected decisions ----


def _timeline(record: ExerciseRecord) -> tuple[TimelineEntry, ...]:
    channels = {i.id: i.channel for i in record.script.injects}
    entries = [
        (
            (r.minute, 0, index),
            TimelineEntry(
                r.minute, r.released_by, r.inject_id, channels.get(r.inject_id), automatic=r.automatic
            ),
        )
        for index, r in enumerate(record.releases)
    ] + [
        ((a.minute, 1, index), TimelineEntry(a.minute, a.actor, act_kind=a.kind, target=a.target))
        for index, a in enumerate(record.acts)
    ]
    return tuple(entry for _, entry in sorted(entries, key=lambda pair: pair[0]))


def _first_releases(record: ExerciseRecord) -> dict[str, float]:
    released: dict[str, float] = {}
    for release in record.releases:
        released[release.inject_id] = min(release.minute, released.get(release.inject_id, math.inf))
    return released


# Lower case without accents ("Dérivation AVC" -> "derivation avc"), as allergy substances are read.
folded = plain


def act_meets(act: CellAct, decision: ExpectedDecision) -> bool:
    """Whether this act of the cell is the decision expected (whatever its minute)."""
    criterion = decision.criterion
    if criterion is None or act.kind != criterion.kind:
        return False
    if criterion.kind == "decision":
        text = folded(act.target)
        return any(folded(word) in text for word in criterion.targets if word.strip())
    if criterion.kind == "sitrep" and not criterion.targets:
        return True
    return act.target in criterion.targets


def _decision_result(
    decision: ExpectedDecision, released: Mapping[str, float], record: ExerciseRecord
) -> DecisionResult:
    if decision.after is None:
        start = 0.0
    elif decision.after in released:
        start = released[decision.after]
    else:
        return DecisionResult(decision, NOT_PLAYED, None, None)
    due = start + decision.within_minutes
    met_at: float | None = None
    how: How | None = None
    matching = [a.minute for a in record.acts if a.minute >= start and act_meets(a, decision)]
    if matching:
        met_at, how = min(matching), "auto"
    marks = [m for m in record.marks if m.decision_id == decision.id]
    if marks:
        last = marks[-1]
        met_at, how = (last.minute, "facilitator") if last.met else (None, "facilitator")
    if met_at is None:
        # Not met, and not yet due when the exercise stopped: the players never had the time.
        outcome: Outcome = NOT_PLAYED if due > record.end_minute and how is None else MISSED
        return DecisionResult(decision, outcome, start, due, None, how)
    delay = max(0.0, met_at - due)
    return DecisionResult(decision, ON_TIME if met_at <= due else LATE, start, due, met_at, how, delay)


# ---- uncovered-process minutes ----


@dataclass(frozen=True, slots=True)
class _Span:
    kind: str
    target: str
    start: float
    end: float


def _clipped(span: HitSpan, end: float) -> _Span:
    return _Span(span.kind, span.target, span.start, min(end, math.inf if span.end is None else span.end))


def _reference_spans(
    record: ExerciseRecord, restoration: Plan, decisions: Iterable[DecisionResult]
) -> list[_Span]:
    end = record.end_minute
    restored = {task.node: task.end * 60 for task in restoration.tasks}
    spans = []
    for span in record.hits:
        if not span.scripted:
            continue
        clipped = _clipped(span, end)
        if span.kind == "node" and span.target in restored:
            clipped = _Span(span.kind, span.target, span.start, min(clipped.end, restored[span.target]))
        spans.append(clipped)
    for result in decisions:
        criterion = result.decision.criterion
        if result.released_at is None or criterion is None or criterion.kind != "isolate":
            continue
        spans.extend(_Span("segment", segment, result.released_at, end) for segment in criterion.targets)
    return spans


class _Run:
    """The care processes' statuses over [0, end] given hit spans, interval by interval."""

    def __init__(self, hospital: HospitalMap, end: float, spans: Sequence[_Span]) -> None:
        self.hospital = hospital
        self.end = end
        self.spans = [s for s in spans if s.end > s.start and s.start < end]
        self._impacts: dict[Hits, Impact] = {}

    def _breakpoints(self, extra: Iterable[float] = ()) -> list[float]:
        moments = {0.0, self.end}
        for span in self.spans:
            moments.update((span.start, span.end))
        moments.update(extra)
        return sorted(m for m in moments if 0 <= m <= self.end)

    def _impact_at(self, minute: float) -> Impact:
        active = [s for s in self.spans if s.start <= minute < s.end]

        def ids(kind: str) -> tuple[str, ...]:
            return tuple(sorted({s.target for s in active if s.kind == kind}))

        hits = Hits(ids("node"), ids("segment"), ids("supplier"))
        if hits not in self._impacts:
            self._impacts[hits] = assess(self.hospital, hits)
        return self._impacts[hits]

    def _intervals(self, extra: Iterable[float] = ()) -> Iterable[tuple[float, float, Impact]]:
        points = self._breakpoints(extra)
        for start, stop in itertools.pairwise(points):
            if stop > start:
                yield start, stop, self._impact_at(start)

    def uncovered_minutes(self, started_at: Mapping[str, float] | None) -> dict[str, float]:
        """Minutes each process spent down with no procedure running. `started_at`: when each
        fallback procedure started; None: each started the moment its process went down."""
        minutes: dict[str, float] = {}
        for start, stop, impact in self._intervals((started_at or {}).values()):
            for process in self.hospital.processes:
                if not impact.is_down(process.id):
                    continue
                covered = process.fallback is not None and (
                    started_at is None or started_at.get(process.id, math.inf) <= start
                )
                if not covered:
                    minutes[process.id] = minutes.get(process.id, 0.0) + stop - start
        return minutes

    def first_down(self) -> dict[str, float]:
        """The minute each process that went down first did, in map order."""
        first: dict[str, float] = {}
        for start, _, impact in self._intervals():
            for process in self.hospital.processes:
                if process.id not in first and impact.is_down(process.id):
                    first[process.id] = start
        order = {p.id: i for i, p in enumerate(self.hospital.processes)}
        return dict(sorted(first.items(), key=lambda item: order[item[0]]))


def decision_results(record: ExerciseRecord) -> tuple[DecisionResult, ...]:
    """Where each expected decision stands in the record (no plan needed: the facilitator's page
    asks at every change)."""
    released = _first_releases(record)
    return tuple(_decision_result(d, released, record) for d in record.script.expected)
