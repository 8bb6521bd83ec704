"""Switching a care process to its fallback procedure: the cell says when paper took over, so the
board shows who runs on paper since when and an exercise can tell how long care went uncovered."""

from __future__ import annotations

from bascule.hospital.model import CareProcess
from bascule.incident.hits import current_impact, incident_of
from bascule.incident.maps import incident_map
from bascule.incident.model import StartedProcedure
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import AlreadyStarted, NotDown


def start_procedure(store: IncidentStore, incident_id: int, actor: str, process_id: str) -> StartedProcedure:
    """Start the fallback procedure of a care process that is down now; refused for a process that
    is up, has no fallback or already runs on it."""
    incident = incident_of(store, incident_id)
    process = incident_map(incident).nodes.get(process_id)
    if not isinstance(process, CareProcess) or not process.fallback:
        raise NotDown(process_id[:128])
    if current_impact(store, incident).status(process.id) != "down":
        raise NotDown(process.id)
    with store.unit_of_work():
        started = store.repository.start_procedure(incident.id, process.id, process.fallback, actor)
        if started is None:
            raise AlreadyStarted(process.fallback)
        store.repository.bump(incident.id)
        store.journal.append(
            "procedure.started", actor, incident.id, {"process": process.id, "procedure": process.fallback}
        )
    return started


def started_procedures(store: IncidentStore, incident_id: int) -> dict[str, StartedProcedure]:
    """The fallback procedures started in the incident, by care process."""
    return {p.process: p for p in store.repository.started_procedures(incident_id)}
