"""Restoration: marking tasks started or done and re-planning from what is declared and reported.

Marking a task, lifting a restored node, the new plan and their journal entries are one unit of
work: when re-planning fails, the mark is not kept either.
"""

from __future__ import annotations

from dataclasses import dataclass

from bascule.incident.hits import current_scenario, incident_of
from bascule.incident.maps import incident_map
from bascule.incident.model import DONE, NODE, TASK_STATES, Incident, StoredPlan
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import UnknownTarget
from bascule.recovery.plan import plan
from bascule.recovery.problem import StartedWork

DEFAULT_REPLAN_SECONDS = 3.0


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
    store.repository.bump(incident.id)
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
