"""What the crisis pages read about an incident, over the ports: the incident, its map, active hits
and current impact, the latest plan and whether the situation changed since, the journal page, the
reports. The faces show these domain objects; none of them reads the database itself.

The map and the impact come from the caches of `bascule.incident.maps`: fifty screens polling the
board cost one assessment per change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bascule.hospital.model import HospitalMap
from bascule.impact import Impact
from bascule.incident import maps
from bascule.incident.model import (
    CellAction,
    CellNote,
    Hit,
    Incident,
    IncidentsVersion,
    JournalLine,
    Sitrep,
    StoredPlan,
    hits_of,
)
from bascule.incident.ports import IncidentStore

__all__ = [
    "JOURNAL_PAGE_ENTRIES",
    "JOURNAL_PAGE_NOTES",
    "JournalPage",
    "LatestPlan",
    "Situation",
    "actions",
    "active_hits",
    "current_impact",
    "find_incident",
    "incident_map",
    "incidents_version",
    "incidents_with_summaries",
    "journal_page",
    "latest_plan",
    "latest_sitrep_in",
    "live_key",
    "made_before_change",
    "sitrep",
    "sitreps",
    "situation",
]

JOURNAL_PAGE_ENTRIES = 500
JOURNAL_PAGE_NOTES = 200


@dataclass(frozen=True, slots=True)
class Situation:
    """The incident as it stands: its map, what is hit now, and what that does."""

    incident: Incident
    hospital: HospitalMap
    hits: tuple[Hit, ...]
    impact: Impact


@dataclass(frozen=True, slots=True)
class LatestPlan:
    """The latest restoration plan, and the last change of the situation when it came after it."""

    plan: StoredPlan
    stale_since: datetime | None

    @property
    def etas(self) -> Mapping[str, float | None]:
        """Each care process's expected return, in hours after the opening (None: not in this plan)."""
        processes = self.plan.plan_json.get("processes", {})
        return {pid: p.get("eta_hours") for pid, p in processes.items()}


@dataclass(frozen=True, slots=True)
class JournalPage:
    """The incident's last entries and notes, the newest first, and the size of the whole journal."""

    entries: tuple[JournalLine, ...]
    notes: tuple[CellNote, ...]
    count: int


def find_incident(store: IncidentStore, incident_id: int) -> Incident | None:
    return store.repository.incident(incident_id)


def live_key(incident: Incident) -> str:
    """What a live region of one incident polls: it changes with every change of the incident."""
    return f"{incident.id}.{incident.version}"


def incidents_version(store: IncidentStore) -> IncidentsVersion:
    """What the list of incidents polls (its `key`): one small query."""
    return store.repository.incidents_version()


def made_before_change(incident: Incident, made_at: datetime) -> datetime | None:
    """The last change of the situation when it came after `made_at` (a plan, a report): the page
    says it is out of date; None when it is current."""
    return incident.changed_at if incident.changed_after(made_at) else None


def incident_map(incident: Incident) -> HospitalMap:
    return maps.incident_map(incident)


def active_hits(store: IncidentStore, incident_id: int) -> list[Hit]:
    """What is hit now, in the order it was declared."""
    return store.repository.active_hits(incident_id)


def current_impact(store: IncidentStore, incident: Incident) -> Impact:
    return situation(store, incident).impact


def situation(store: IncidentStore, incident: Incident) -> Situation:
    active = tuple(active_hits(store, incident.id))
    hospital = maps.incident_map(incident)
    impact = maps.impact_of(hospital, hits_of(list(active)), incident.map_sha256)
    return Situation(incident, hospital, active, impact)


def incidents_with_summaries(store: IncidentStore) -> list[tuple[Incident, dict[str, int]]]:
    """Every incident, the most recently opened first, with the counts of its current impact."""
    return [(i, current_impact(store, i).summary()) for i in store.repository.all_incidents()]


def latest_plan(store: IncidentStore, incident: Incident) -> LatestPlan | None:
    stored = store.repository.latest_plan(incident.id)
    if stored is None:
        return None
    return LatestPlan(stored, made_before_change(incident, stored.created_at))


def journal_page(store: IncidentStore, incident_id: int) -> JournalPage:
    return JournalPage(
        tuple(store.journal.latest_incident_entries(incident_id, JOURNAL_PAGE_ENTRIES)),
        tuple(store.repository.latest_notes(incident_id, JOURNAL_PAGE_NOTES)),
        store.journal.count(),
    )


def actions(store: IncidentStore, incident_id: int) -> list[CellAction]:
    """The crisis cell's actions, by status, then due date, then id."""
    return store.repository.actions(incident_id)


def sitreps(store: IncidentStore, incident_id: int) -> list[Sitrep]:
    """The incident's reports, the newest first."""
    return store.repository.sitreps(incident_id)


def sitrep(store: IncidentStore, incident_id: int, report_id: int) -> Sitrep | None:
    return store.repository.sitrep(incident_id, report_id)


def latest_sitrep_in(store: IncidentStore, incident_id: int, lang: str) -> Sitrep | None:
    """The newest report written in `lang`, if any."""
    return next((r for r in store.repository.sitreps(incident_id) if r.lang == lang), None)
