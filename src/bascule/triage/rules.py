"""Triage rules: scheduled activities x impact -> one proposal each (pure, no I/O).

For each activity, the map's first activity type that covers its kind (and unit, when the type
names units) says which care processes it needs. The worst of them decides:

- all up: maintain (unaffected). No activity type: maintain (unmapped), to be looked at by hand.
- otherwise the type's policy for the activity's urgency applies:
  - maintain: on the degraded process, or on the process's fallback procedure when it is down;
    an uncovered process (down, no fallback) cannot be maintained: the activity is diverted.
  - divert: to the nearest facility (map `facilities`, by distance_km) with the type's capability;
    with none, maintained on the fallback when there is one, else postponed (reason no-facility).
  - postpone or cancel, as the policy says; an exception approved by two different people, the
    responsible doctor and the director, maintains it instead.
- cross-matching (issue 19): a routine activity that needs cross-matched red cells
  (`cross_matched_units` > 0) while the map's cross-match test (`laboratory.blood_bank.
  cross_match_test`) is off the reduced menu is postponed (reason no-cross-match) when it would
  otherwise go on here, even by an approved exception: the exception lifts the policy, it does
  not make blood available (an operation that cannot wait is urgent). Urgent and emergency ones
  keep their policy: they go on with group O emergency blood. A postponement, a cancellation or
  a diversion (the other facility cross-matches) stays as it is.
Every proposal that is not "unaffected" carries the reason: the process and its `via` chain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Any, Literal

from bascule.clinical.records import Activity
from bascule.hospital.model import ActivityType, CareProcess, Facility, HospitalMap
from bascule.impact import Impact
from bascule.laboratory.menu import reduced_menu
from bascule.triage.diversion import facilities_with

Decision = Literal["maintain", "postpone", "cancel", "divert"]
Reason = Literal[
    "unaffected",
    "unmapped",
    "degraded",
    "fallback",
    "uncovered",
    "policy",
    "exception",
    "no-facility",
    "no-cross-match",
]
ApprovalRole = Literal["doctor", "director"]
DECISIONS: tuple[Decision, ...] = ("maintain", "postpone", "cancel", "divert")
APPROVAL_ROLES: tuple[ApprovalRole, ...] = ("doctor", "director")
# Decisions that change something for the patient, and so are told to them.
NOTIFIED: frozenset[str] = frozenset({"postpone", "cancel", "divert"})
_SEVERITY = {"up": 0, "degraded": 1, "down": 2}


@dataclass(frozen=True, slots=True)
class Approval:
    """One approval of an exception (keep an activity the policy would postpone or cancel)."""

    activity_id: str
    role: ApprovalRole
    actor: str

    def __post_init__(self) -> None:
        if not self.activity_id or not self.actor:
            raise ValueError("an approval names an activity and who approved it")
        if self.role not in APPROVAL_ROLES:
            raise ValueError(f"an approval comes from the doctor or the director, not {self.role!r}")


def approved_exceptions(approvals: Iterable[Approval]) -> dict[str, tuple[str, str]]:
    """Activity id -> (doctor, director) for every activity approved by both, by two different people."""
    by_activity: dict[str, dict[str, set[str]]] = {}
    for approval in approvals:
        by_activity.setdefault(approval.activity_id, {}).setdefault(approval.role, set()).add(approval.actor)
    exceptions: dict[str, tuple[str, str]] = {}
    for activity_id, roles in by_activity.items():
        for doctor in sorted(roles.get("doctor", ())):
            director = next((d for d in sorted(roles.get("director", ())) if d != doctor), None)
            if director is not None:
                exceptions[activity_id] = (doctor, director)
                break
    return exceptions


@dataclass(frozen=True, slots=True)
class Proposal:
    """What to do with one activity, and why. Ids only: safe to log and to journal."""

    activity_id: str
    patient_id: str
    kind: str
    unit_id: str | None
    start: datetime
    urgency: str
    activity_type: str | None
    decision: Decision
    reason: Reason
    process: str | None = None
    status: str = "up"
    via: tuple[str, ...] = ()
    fallback: str | None = None
    facility: str | None = None
    approved_by: tuple[str, ...] = ()
    cross_matched_units: int = 0

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"activity {self.activity_id}: unknown decision {self.decision!r}")
        if (self.decision == "divert") != (self.facility is not None):
            raise ValueError(f"activity {self.activity_id}: a diversion, and only it, names a facility")
        if self.reason == "exception" and len(self.approved_by) != 2:
            raise ValueError(f"activity {self.activity_id}: an exception needs two approvals")

    @property
    def notified(self) -> bool:
        return self.decision in NOTIFIED

    @property
    def by_exception(self) -> bool:
        return self.reason == "exception"

    @property
    def may_be_excepted(self) -> bool:
        """Whether an approved exception could keep it: a postponement or cancellation by policy,
        never one for want of cross-matched blood (an exception does not make blood available)."""
        return self.decision in ("postpone", "cancel") and self.reason != "no-cross-match"

    def day(self, zone: tzinfo) -> date:
        return self.start.astimezone(zone).date()

    def to_json(self) -> dict[str, Any]:
        return {
            "activity": self.activity_id,
            "patient": self.patient_id,
            "kind": self.kind,
            "unit": self.unit_id,
            "start": self.start.isoformat(),
            "urgency": self.urgency,
            "activity_type": self.activity_type,
            "decision": self.decision,
            "reason": self.reason,
            "process": self.process,
            "status": self.status,
            "via": list(self.via),
            "fallback": self.fallback,
            "facility": self.facility,
            "approved_by": list(self.approved_by),
            "cross_matched_units": self.cross_matched_units,
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Proposal:
        return cls(
            activity_id=document["activity"],
            patient_id=document["patient"],
            kind=document["kind"],
            unit_id=document.get("unit"),
            start=datetime.fromisoformat(document["start"]),
            urgency=document["urgency"],
            activity_type=document.get("activity_type"),
            decision=document["decision"],
            reason=document["reason"],
            process=document.get("process"),
            status=document.get("status", "up"),
            via=tuple(document.get("via") or ()),
            fallback=document.get("fallback"),
            facility=document.get("facility"),
            approved_by=tuple(document.get("approved_by") or ()),
            cross_matched_units=int(document.get("cross_matched_units") or 0),
        )


@dataclass(frozen=True, slots=True)
class _TypeState:
    """How an activity type stands under the impact (computed once per type)."""

    process: CareProcess | None
    status: str
    via: tuple[str, ...]
    uncovered: bool
    facility: Facility | None


class Triage:
    """Applies the rules of the module docstring; build once per (map, impact), call per activity."""

    def __init__(self, hospital_map: HospitalMap, impact: Impact, approvals: Iterable[Approval] = ()) -> None:
        self.map = hospital_map
        self.impact = impact
        self.exceptions = approved_exceptions(approvals)
        processes = {p.id: p for p in hospital_map.processes}
        self._states = {t.id: self._state(t, processes) for t in hospital_map.activities}
        self._type_for: dict[tuple[str, str | None], ActivityType | None] = {}
        self.cross_match_down = _cross_match_down(hospital_map, impact)

    def _state(self, activity_type: ActivityType, processes: Mapping[str, CareProcess]) -> _TypeState:
        worst: CareProcess | None = None
        worst_status = "up"
        for process_id in activity_type.processes:
            status = self.impact.status(process_id)
            if _SEVERITY[status] > _SEVERITY[worst_status]:
                worst, worst_status = processes[process_id], status
        nearest = next(iter(facilities_with(self.map, activity_type.capability)), None)
        return _TypeState(
            process=worst,
            status=worst_status,
            via=self.impact.via(worst.id) if worst is not None else (),
            uncovered=worst is not None and self.impact.is_uncovered(worst.id),
            facility=nearest,
        )

    def activity_type(self, kind: str, unit_id: str | None) -> ActivityType | None:
        key = (kind, unit_id)
        if key not in self._type_for:
            self._type_for[key] = next((t for t in self.map.activities if t.covers(kind, unit_id)), None)
        return self._type_for[key]

    def propose(self, activity: Activity) -> Proposal:
        proposal = self._by_policy(activity)
        if (
            self.cross_match_down
            and activity.cross_matched_units > 0
            and activity.urgency == "routine"
            and proposal.decision == "maintain"
        ):
            # An exception lifts the policy; it does not make cross-matched blood available.
            return replace(
                proposal, decision="postpone", reason="no-cross-match", fallback=None, approved_by=()
            )
        return proposal

    def _by_policy(self, activity: Activity) -> Proposal:
        activity_type = self.activity_type(activity.kind, activity.unit_id)
        base = Proposal(
            activity_id=activity.id,
            patient_id=activity.patient_id,
            kind=activity.kind,
            unit_id=activity.unit_id,
            start=activity.start,
            urgency=activity.urgency,
            activity_type=None if activity_type is None else activity_type.id,
            decision="maintain",
            reason="unmapped" if activity_type is None else "unaffected",
            cross_matched_units=activity.cross_matched_units,
        )
        if activity_type is None:
            return base
        state = self._states[activity_type.id]
        if state.process is None:
            return base
        why = replace(base, process=state.process.id, status=state.status, via=state.via)
        down = state.status == "down"
        fallback = state.process.fallback if down else None
        wanted = activity_type.decision_for(activity.urgency)
        if wanted in ("postpone", "cancel"):
            approved = self.exceptions.get(activity.id)
            if approved is not None:
                return replace(why, reason="exception", fallback=fallback, approved_by=approved)
            return replace(why, decision="cancel" if wanted == "cancel" else "postpone", reason="policy")
        if wanted == "maintain":
            if not down:
                return replace(why, reason="degraded")
            if not state.uncovered:
                return replace(why, reason="fallback", fallback=fallback)
        if state.facility is not None:
            return replace(
                why,
                decision="divert",
                reason="uncovered" if wanted == "maintain" else "policy",
                facility=state.facility.id,
            )
        if not state.uncovered:
            return replace(why, reason="no-facility", fallback=fallback)
        return replace(why, decision="postpone", reason="no-facility")


def _cross_match_down(hospital_map: HospitalMap, impact: Impact) -> bool:
    """Whether the map's cross-match test is off the reduced menu (False when the map names none)."""
    test_id = hospital_map.laboratory.blood_bank.cross_match_test
    if test_id is None:
        return False
    line = reduced_menu(hospital_map, impact).line(test_id)
    return line is None or line.state == "off"


def triage(
    hospital_map: HospitalMap,
    impact: Impact,
    activities: Iterable[Activity],
    approvals: Iterable[Approval] = (),
) -> list[Proposal]:
    """One proposal per activity, in the order given."""
    rules = Triage(hospital_map, impact, approvals)
    return [rules.propose(activity) for activity in activities]


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of proposals, by decision and kind, with the maintained-by-exception ones apart."""

    by_decision_kind: Mapping[tuple[str, str], int]
    by_exception: int
    total: int

    def count(self, decision: str, kind: str | None = None) -> int:
        return sum(n for (d, k), n in self.by_decision_kind.items() if d == decision and kind in (None, k))


def tally(proposals: Sequence[Proposal]) -> Tally:
    counter: Counter[tuple[str, str]] = Counter((p.decision, p.kind) for p in proposals)
    return Tally(dict(counter), sum(p.by_exception for p in proposals), len(proposals))


GroupKey = tuple[date, str, str]


def by_day_unit_kind(proposals: Sequence[Proposal], zone: tzinfo) -> dict[GroupKey, list[Proposal]]:
    """Proposals grouped by local day, unit (or "") and kind, in that order."""
    groups: dict[GroupKey, list[Proposal]] = {}
    for proposal in proposals:
        groups.setdefault((proposal.day(zone), proposal.unit_id or "", proposal.kind), []).append(proposal)
    return dict(sorted(groups.items()))
