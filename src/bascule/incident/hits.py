"""Opening an incident, declaring and lifting what is hit, and the isolation what-if.

Each change and its journal entry are one unit of work: both are kept, or neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from bascule.hospital.model import HospitalMap
from bascule.impact import ContainmentWhatIf, Impact, what_if_isolate
from bascule.incident.maps import impact_of, incident_map, parse_map
from bascule.incident.model import (
    NODE,
    SEGMENT,
    SUPPLIER,
    Hit,
    HitKind,
    Incident,
    IncidentDraft,
    hits_of,
    scenario_of,
)
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import (
    AlreadyHit,
    ConfirmationNeeded,
    MissingField,
    NoSuchIncident,
    NotAnId,
    UnknownTarget,
)
from bascule.journal import JournalEntry
from bascule.scenario import Scenario


def incident_of(store: IncidentStore, incident_id: int) -> Incident:
    incident = store.repository.incident(incident_id)
    if incident is None:
        raise NoSuchIncident(incident_id)
    return incident


def open_incident(
    store: IncidentStore,
    actor: str,
    title: str,
    map_source: str,
    map_text: str,
    scenario: Scenario | None = None,
    *,
    exercise: bool = False,
) -> Incident:
    """Open an incident on the map in `map_text` (a MapError lists its problems); a scenario,
    when given, is declared at once in the name of `actor`. An `exercise` is marked as such on
    every page, report and message."""
    if not title.strip():
        raise MissingField("title")
    hospital = parse_map(map_text, map_source)
    if scenario is not None:
        scenario.check_against(hospital)
    draft = IncidentDraft(
        title=title.strip()[:200],
        map_source=map_source[:200],
        map_text=map_text,
        map_sha256=hashlib.sha256(map_text.encode("utf-8")).hexdigest(),
        lang=hospital.hospital.lang,
        reconnect=dict(scenario.reconnect) if scenario else {},
        supplier_back=dict(scenario.supplier_back) if scenario else {},
        exercise=exercise,
    )
    with store.unit_of_work():
        incident = store.repository.add_incident(draft, actor)
        opened: dict[str, str | bool] = {"map_sha256": incident.map_sha256}
        if exercise:
            opened["exercise"] = True
        store.journal.append("incident.opened", actor, incident.id, opened)
        if scenario is not None:
            targets: list[tuple[HitKind, str]] = [(NODE, n) for n in scenario.down]
            targets += [(SEGMENT, s) for s in scenario.isolate]
            targets += [(SUPPLIER, s) for s in scenario.suppliers]
            for kind, target in targets:
                _add_hit(store, incident, kind, target, actor)
            incident = store.repository.bump(incident.id)
    return incident


def hospital_map(store: IncidentStore, incident_id: int) -> HospitalMap:
    return incident_map(incident_of(store, incident_id))


def current_scenario(store: IncidentStore, incident: Incident) -> Scenario:
    return scenario_of(incident, hits_of(store.repository.active_hits(incident.id)))


def current_impact(store: IncidentStore, incident: Incident) -> Impact:
    hits = hits_of(store.repository.active_hits(incident.id))
    return impact_of(incident_map(incident), hits, incident.map_sha256)


def is_known(hospital: HospitalMap, kind: str, target: str) -> bool:
    """Whether the map has this node (not a care process), segment or supplier."""
    if kind == NODE:
        return target in hospital.nodes and not hasattr(hospital.nodes[target], "priority")
    if kind == SEGMENT:
        return target in hospital.segment_ids
    return kind == SUPPLIER and target in hospital.supplier_ids


def journal_id(value: str) -> bool:
    """Whether the journal can hold `value` as an id (a map may have ids it cannot)."""
    try:
        JournalEntry(1, "check", datetime.now(UTC), "check", None, {"id": value})
    except ValueError:
        return False
    return True


def declare_hit(
    store: IncidentStore, incident_id: int, actor: str, kind: str, target: str, *, confirmed: bool = False
) -> Hit:
    """Declare a node compromised, a segment isolated (after its what-if: `confirmed`) or a
    supplier down. Refuses an unknown target, an unconfirmed isolation and a hit already active."""
    incident = incident_of(store, incident_id)
    if not is_known(incident_map(incident), kind, target):
        raise UnknownTarget(target)
    if not journal_id(target):
        raise NotAnId(target)
    if kind == SEGMENT and not confirmed:
        raise ConfirmationNeeded(target)
    checked: HitKind = NODE if kind == NODE else SEGMENT if kind == SEGMENT else SUPPLIER
    with store.unit_of_work():
        hit = _add_hit(store, incident, checked, target, actor)
        store.repository.bump(incident.id)
    return hit


def _add_hit(store: IncidentStore, incident: Incident, kind: HitKind, target: str, actor: str) -> Hit:
    hit = store.repository.add_hit(incident.id, kind, target, actor)
    if hit is None:
        raise AlreadyHit(target)
    name = "isolation.confirmed" if kind == SEGMENT else "hit.declared"
    store.journal.append(name, actor, incident.id, {"kind": kind, "target": target})
    return hit


def lift_hit(store: IncidentStore, incident_id: int, hit_id: int, actor: str) -> Hit | None:
    """Lift an active hit; None (nothing changed) when it is not active."""
    incident = incident_of(store, incident_id)
    with store.unit_of_work():
        hit = store.repository.lift_hit(incident.id, hit_id, actor)
        if hit is not None:
            store.repository.bump(incident.id)
            store.journal.append("hit.lifted", actor, incident.id, {"kind": hit.kind, "target": hit.target})
    return hit


def isolation_what_if(store: IncidentStore, incident_id: int, segment: str) -> ContainmentWhatIf:
    """What isolating `segment` would cut, compared with what is hit now."""
    incident = incident_of(store, incident_id)
    hospital = incident_map(incident)
    if not is_known(hospital, SEGMENT, segment):
        raise UnknownTarget(segment)
    return what_if_isolate(hospital, hits_of(store.repository.active_hits(incident.id)), [segment])


def summaries(store: IncidentStore) -> list[tuple[Incident, Mapping[str, int]]]:
    """Every incident with the counts of its care processes by status."""
    return [(i, current_impact(store, i).summary()) for i in store.repository.all_incidents()]
