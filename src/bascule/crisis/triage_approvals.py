"""Triage decisions kept in the crisis journal (ids only): exception approvals and bulk approvals.

An exception (keep an activity the policy would postpone or cancel) needs two journal entries
`triage.exception_approved`, one with role "doctor" by a medical account, one with role
"director" by a director's account, by two different people. A bulk approval
(`triage.group_approved`) records which proposals of one day, unit and type the cell approved.
"""

from __future__ import annotations

from collections.abc import Sequence

from bascule.crisis import journal_store
from bascule.crisis.models import JournalRecord
from bascule.errors import UserError
from bascule.impact import Hits
from bascule.triage.rules import APPROVAL_ROLES, Approval

EXCEPTION_ENTRY = "triage.exception_approved"
GROUP_ENTRY = "triage.group_approved"


def record_exception(incident_id: int, actor: str, activity_id: str, role: str) -> None:
    if role not in APPROVAL_ROLES:
        raise ValueError(f"an exception is approved by the doctor or the director, not {role!r}")
    journal_store.append(EXCEPTION_ENTRY, actor, incident_id, {"activity": activity_id, "role": role})


def approvals(incident_id: int) -> list[Approval]:
    """Every exception approval recorded for the incident, in journal order."""
    found = []
    for record in JournalRecord.objects.filter(incident_id_ref=incident_id, name=EXCEPTION_ENTRY).order_by(
        "seq"
    ):
        payload = dict(record.payload)
        found.append(Approval(str(payload["activity"]), payload["role"], record.actor))
    return found


def record_group(
    incident_id: int, actor: str, day: str, unit: str, kind: str, decision: str, activity_ids: Sequence[str]
) -> None:
    journal_store.append(
        GROUP_ENTRY,
        actor,
        incident_id,
        {
            "day": day,
            "unit": unit or None,
            "kind": kind,
            "decision": decision,
            "count": len(activity_ids),
            "activities": tuple(activity_ids),
        },
    )


def approved_groups(incident_id: int) -> dict[tuple[str, str, str, str], str]:
    """(day, unit, kind, decision) -> who approved it last."""
    groups: dict[tuple[str, str, str, str], str] = {}
    for record in JournalRecord.objects.filter(incident_id_ref=incident_id, name=GROUP_ENTRY).order_by("seq"):
        payload = dict(record.payload)
        key = (
            str(payload["day"]),
            str(payload.get("unit") or ""),
            str(payload["kind"]),
            str(payload["decision"]),
        )
        groups[key] = record.actor
    return groups


def incident_hits(incident_id: int) -> Hits:
    """What the crisis cell has declared hit in the incident and not lifted."""
    from bascule.crisis import engine
    from bascule.crisis.models import Incident

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise UserError(f"There is no incident {incident_id} in the crisis database; check --incident.")
    return engine.active_hits(incident)
