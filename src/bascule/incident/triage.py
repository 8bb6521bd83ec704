"""One triage pipeline for the web and the command line: the scheduled activities of a window
read from the continuity store, proposed under a scenario's impact with the crisis cell's approved
exceptions, and the approvals themselves (journal entries, ids only).

An exception (keep an activity the policy would postpone or cancel) needs two journal entries
`triage.exception_approved`, one with role "doctor", one with role "director", by two different
people. A bulk approval (`triage.group_approved`) records which proposals of one day, unit and type
the cell approved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bascule.clinical.views import ScheduledActivity
from bascule.hospital.model import HospitalMap
from bascule.impact import assess
from bascule.incident.hits import current_scenario, incident_of
from bascule.incident.maps import incident_map
from bascule.incident.ports import IncidentStore, ScheduledActivities
from bascule.incident.refusals import InvalidField, UnknownTarget
from bascule.scenario import Scenario
from bascule.triage import DECISIONS, Approval, Proposal, triage
from bascule.triage.rules import APPROVAL_ROLES

EXCEPTION_ENTRY = "triage.exception_approved"
GROUP_ENTRY = "triage.group_approved"
DEFAULT_DAYS = 7


@dataclass(frozen=True, slots=True)
class TriageWindow:
    """A triage of the store's activities over `days` days from `first_day` (in the store's zone)."""

    hospital_map: HospitalMap
    proposals: list[Proposal]
    scheduled: dict[str, ScheduledActivity]
    unit_names: dict[str, str]
    zone: tzinfo
    first_day: date
    days: int
    data_time: datetime | None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), tzinfo=self.zone)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)

    def group(self, day: str, unit: str, kind: str) -> list[Proposal]:
        """The proposals of one day (ISO date), unit ("" for none) and type."""
        return [
            p
            for p in self.proposals
            if p.day(self.zone).isoformat() == day and (p.unit_id or "") == unit and p.kind == kind
        ]


def triage_window(
    hospital_map: HospitalMap,
    scenario: Scenario,
    source: ScheduledActivities,
    first: date | None = None,
    days: int = DEFAULT_DAYS,
    approvals: Sequence[Approval] = (),
) -> TriageWindow:
    """Propose, for each activity of the window, to maintain, postpone, cancel or divert it.

    `first` defaults to the day of the source's data (today when it has none)."""
    if days < 1:
        raise InvalidField("number of days")
    zone = source.timezone
    data_time = source.data_time
    first_day = first or (data_time or datetime.now(UTC)).astimezone(zone).date()
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=zone)
    scheduled = source.activities(start, end.astimezone(UTC))
    unit_names = {unit.id: unit.name for unit in source.units()}
    impact = assess(hospital_map, scenario.hits)
    proposals = triage(hospital_map, impact, (item.activity for item in scheduled), approvals)
    return TriageWindow(
        hospital_map,
        proposals,
        {item.activity.id: item for item in scheduled},
        unit_names,
        zone,
        first_day,
        days,
        data_time,
    )


def incident_scenario(
    store: IncidentStore, incident_id: int, scenario: Scenario, hospital_map: HospitalMap
) -> Scenario:
    """`scenario` plus what the incident has declared hit, checked against `hospital_map`."""
    declared = current_scenario(store, incident_of(store, incident_id))
    combined = scenario.plus(down=declared.down, isolate=declared.isolate, suppliers=declared.suppliers)
    combined.check_against(hospital_map)
    return combined


def incident_triage(
    store: IncidentStore,
    incident_id: int,
    source: ScheduledActivities,
    first: date | None = None,
    days: int = DEFAULT_DAYS,
) -> TriageWindow:
    """The triage of the window under the incident's current impact and approved exceptions."""
    incident = incident_of(store, incident_id)
    return triage_window(
        incident_map(incident),
        current_scenario(store, incident),
        source,
        first,
        days,
        approvals(store, incident_id),
    )


def approvals(store: IncidentStore, incident_id: int) -> list[Approval]:
    """Every exception approval recorded for the incident, in journal order."""
    return [
        Approval(str(line.payload["activity"]), line.payload["role"], line.actor)
        for line in store.journal.entries(incident_id, EXCEPTION_ENTRY)
    ]


def approved_groups(store: IncidentStore, incident_id: int) -> dict[tuple[str, str, str, str], str]:
    """(day, unit, kind, decision) -> who approved it last."""
    groups: dict[tuple[str, str, str, str], str] = {}
    for line in store.journal.entries(incident_id, GROUP_ENTRY):
        payload = line.payload
        key = (
            str(payload["day"]),
            str(payload.get("unit") or ""),
            str(payload["kind"]),
            str(payload["decision"]),
        )
        groups[key] = line.actor
    return groups


def approve_group(
    store: IncidentStore,
    incident_id: int,
    actor: str,
    window: TriageWindow,
    day: str,
    unit: str,
    kind: str,
    decision: str,
) -> int:
    """Approve the proposals of one decision in one day, unit and type; how many were approved."""
    if decision not in DECISIONS:
        raise UnknownTarget(decision)
    members = tuple(p.activity_id for p in window.group(day, unit, kind) if p.decision == decision)
    if not members:
        raise UnknownTarget(f"{day} {unit} {kind}")
    incident_of(store, incident_id)
    payload = {
        "day": day,
        "unit": unit or None,
        "kind": kind,
        "decision": decision,
        "count": len(members),
        "activities": members,
    }
    with store.unit_of_work():
        store.journal.append(GROUP_ENTRY, actor, incident_id, payload)
        store.repository.bump(incident_id)
    return len(members)


def approve_exception(
    store: IncidentStore, incident_id: int, actor: str, role: str, activity_id: str, window: TriageWindow
) -> None:
    """One of the two approvals an exception needs: `role` is "doctor" or "director"."""
    if role not in APPROVAL_ROLES:
        raise InvalidField("approval role")
    if not any(p.activity_id == activity_id for p in window.proposals):
        raise UnknownTarget(activity_id)
    incident_of(store, incident_id)
    with store.unit_of_work():
        store.journal.append(EXCEPTION_ENTRY, actor, incident_id, {"activity": activity_id, "role": role})
        store.repository.bump(incident_id)
