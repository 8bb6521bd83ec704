"""The crisis cell's own records: notes and decisions (the journal keeps their number and digest,
never their text), and actions (who does what by when)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from bascule.incident.hits import incident_of
from bascule.incident.model import ACTION_STATUSES, DECISION, NOTE_KINDS, CellAction, CellNote
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import InvalidField, MissingField, UnknownTarget

MAX_NOTE = 4000
MAX_ACTION_TITLE = 300
# Years a due time may be set in, around now: a due date of year 1 is a typing slip, not a plan.
_DUE_YEARS = 10


def record_note(store: IncidentStore, incident_id: int, actor: str, kind: str, text: str) -> CellNote:
    """Keep a note or a decision (cut at MAX_NOTE characters); refuses an empty one."""
    if kind not in NOTE_KINDS:
        raise UnknownTarget(kind)
    body = text.strip()[:MAX_NOTE]
    if not body:
        raise MissingField("text")
    incident = incident_of(store, incident_id)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    with store.unit_of_work():
        note = store.repository.add_note(incident.id, kind, body, actor)
        store.repository.bump(incident.id)
        store.journal.append(f"{kind}.added", actor, incident.id, {"note": note.id, "sha256": digest})
    return note


def record_decision(store: IncidentStore, incident_id: int, actor: str, text: str) -> CellNote:
    return record_note(store, incident_id, actor, DECISION, text)


def add_action(
    store: IncidentStore,
    incident_id: int,
    actor: str,
    title: str,
    owner_user: str = "",
    owner_role: str = "",
    due_at: datetime | None = None,
    roles: tuple[str, ...] = (),
) -> CellAction:
    """Give the cell an action owned by an active account or a role (one of `roles`)."""
    title = title.strip()[:MAX_ACTION_TITLE]
    owner = owner_user if owner_user and store.repository.active_account(owner_user) else None
    role = owner_role if owner_role in roles else ""
    if not title:
        raise MissingField("text")
    if owner is None and not role:
        raise MissingField("owner")
    now = store.now()
    if due_at is not None and (due_at.tzinfo is None or abs(due_at.year - now.year) > _DUE_YEARS):
        raise InvalidField("due")
    incident = incident_of(store, incident_id)
    with store.unit_of_work():
        action = store.repository.add_action(incident.id, title, owner, role, due_at, actor)
        store.repository.bump(incident.id)
        store.journal.append(
            "action.created", actor, incident.id, {"action": action.id, "owner": owner, "role": role or None}
        )
    return action


def set_action_status(
    store: IncidentStore, incident_id: int, actor: str, action_id: int, status: str
) -> bool:
    """Move an action to `status`; False (nothing changed) when the incident has no such action."""
    if status not in ACTION_STATUSES:
        raise UnknownTarget(status)
    incident = incident_of(store, incident_id)
    with store.unit_of_work():
        changed = store.repository.set_action_status(incident.id, action_id, status)
        if changed:
            store.repository.bump(incident.id)
            store.journal.append("action.status", actor, incident.id, {"action": action_id, "status": status})
    return changed
