"""Restoration: marking tasks started or done, saying when isolated segments and hit suppliers are
expected back, and re-planning from what is declared and reported.

Marking a task (or setting a return time), lifting a restored node, the new plan and their journal
entries are one unit of work: when re-planning fails, the mark is not kept either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bascule.incident.hits import current_scenario, incident_of
from bascule.incident.maps import incident_map
from bascule.incident.model import DONE, NODE, SEGMENT, SUPPLIER, TASK_STATES, HitKind, Incident, StoredPlan
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import MissingField, ReturnTimeOutOfRange, UnknownTarget
from bascule.recovery.plan import plan
from bascule.recovery.problem import StartedWork

DEFAULT_REPLAN_SECONDS = 3.0
# A return time further away than a year is a typing slip (hours for days, a wrong year), never a plan.
LONGEST_RETURN_HOURS = 24.0 * 366


@dataclass(frozen=True, slots=True)
class Planning:
    """How long re-planning may take while the user waits (seconds of solver time)."""

    time_limit: float = DEFAULT_REPLAN_SECONDS

    def __post_init__(self) -> None:
        if not self.time_limit > 0:
            raise ValueError("re-planning needs a positive time limit")


def _replan(store: IncidentStore, incident: Incident, planning: Planning) -> StoredPlan:
    hospital = incident_map(incident)
    scenario = current_scenario(store, incident)
    declared = set(scenario.down)
    started: dict[str, StartedWork] = {
        p.node: (p.hours, p.team) if p.team else p.hours
        for p in store.repository.progress(incident.id)
        if p.state != DONE and p.node in declared
    }
    at = incident.hours_at(store.now())
    result = plan(hospital, scenario, started=started, at=at, time_limit=planning.time_limit)
    stored = store.repository.add_plan(incident.id, at, result.to_json(), incident.version)
    store.repository.bump(incident.id, situation=False)
    return stored


def replan(store: IncidentStore, incident_id: int, actor: str, planning: Planning = Planning()) -> StoredPlan:
    """Plan again from what is declared and what the teams reported; store and journal the plan."""
    incident = incident_of(store, incident_id)
    with store.unit_of_work():
        stored = _replan(store, incident, planning)
        store.journal.append(
            "plan.made", actor, incident.id, {"plan": stored.id, "objective": stored.plan_json["objective"]}
        )
    return stored


def mark_task(
    store: IncidentStore,
    incident_id: int,
    actor: str,
    node: str,
    state: str,
    team: str = "",
    planning: Planning = Planning(),
) -> StoredPlan:
    """Mark the restoration of a declared node started or done (done lifts its declaration), then
    re-plan; the new plan is returned. Nothing is kept when any step fails."""
    incident = incident_of(store, incident_id)
    active = [h for h in store.repository.active_hits(incident.id) if h.kind == NODE and h.target == node]
    if state not in TASK_STATES or not active:
        raise UnknownTarget(node)
    if team and team not in {t.id for t in incident_map(incident).teams}:
        raise UnknownTarget(team)
    with store.unit_of_work():
        store.repository.mark_task(incident.id, node, state, team, incident.hours_at(store.now()), actor)
        store.journal.append(f"task.{state}", actor, incident.id, {"node": node, "team": team or None})
        if state == DONE:
            # A restored node is back: lift its declaration so the board and the plan see it.
            for hit in active:
                store.repository.lift_hit(incident.id, hit.id, actor)
            store.journal.append("hit.lifted", actor, incident.id, {"kind": NODE, "target": node})
        incident = store.repository.bump(incident.id)
        stored = _replan(store, incident, planning)
        store.journal.append(
            "plan.made", actor, incident.id, {"plan": stored.id, "objective": stored.plan_json["objective"]}
        )
    return stored


def prepared_plan(
    store: IncidentStore, incident_id: int, actor: str, planning: Planning = Planning()
) -> StoredPlan:
    """The incident's latest plan, made (and journaled) first if there is none."""
    existing = store.repository.latest_plan(incident_id)
    return existing if existing is not None else replan(store, incident_id, actor, planning)


def return_hours(incident: Incident, hours: float | None = None, at: datetime | None = None) -> float:
    """A return time as hours after the incident opened, given as hours or as a moment (aware);
    refused when missing, before the opening or absurdly far."""
    if hours is not None:
        value = hours
    elif at is not None:
        value = incident.hours_since_opening(at)
    else:
        raise MissingField("return time")
    if not math.isfinite(value) or not 0 <= value <= LONGEST_RETURN_HOURS:
        raise ReturnTimeOutOfRange(value if math.isfinite(value) else -1.0, LONGEST_RETURN_HOURS)
    return round(value, 2)


def set_return_time(
    store: IncidentStore,
    incident_id: int,
    actor: str,
    kind: str,
    target: str,
    hours: float | None = None,
    at: datetime | None = None,
    planning: Planning = Planning(),
) -> StoredPlan:
    """Say when an isolated segment is expected to be reconnected, or a hit supplier back (hours
    after the opening, or a moment), journal it (ids and numbers) and re-plan with it; the new plan
    is returned. Only what is hit now has a return time; nothing is kept when any step fails."""
    incident = incident_of(store, incident_id)
    wanted: HitKind = SEGMENT if kind == SEGMENT else SUPPLIER
    hit_now = {h.target for h in store.repository.active_hits(incident.id) if h.kind == wanted}
    if kind not in (SEGMENT, SUPPLIER) or target not in hit_now:
        raise UnknownTarget(target)
    value = return_hours(incident, hours, at)
    with store.unit_of_work():
        store.repository.set_return_time(incident.id, wanted, target, value)
        store.journal.append(
            "return.set", actor, incident.id, {"kind": wanted, "target": target, "hours": value}
        )
        incident = store.repository.bump(incident.id)
        stored = _replan(store, incident, planning)
        store.journal.append(
            "plan.made", actor, incident.id, {"plan": stored.id, "objective": stored.plan_json["objective"]}
        )
    return stored
