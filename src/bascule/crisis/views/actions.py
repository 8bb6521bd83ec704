"""The crisis cell's actions: who does what by when, and where it stands."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from bascule.crisis import forms
from bascule.crisis.account_book import BOOK
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, Role, allowed, requires
from bascule.crisis.views.common import actor, get_incident, refuse, render_live, text
from bascule.incident import cell, reading
from bascule.incident.model import ACTION_STATUSES
from bascule.incident.refusals import InvalidField, MissingField, UnknownTarget


def actions_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        rows = reading.actions(STORE, incident.id)
        now = timezone.now()
        return {
            "rows": [
                (a, a.due_at is not None and a.due_at < now and a.status in ("open", "in_progress"))
                for a in rows
            ]
        }

    extra = {
        "may_manage": allowed(getattr(request.user, "role", ""), Action.MANAGE_ACTIONS),
        "accounts": [name for name, _role, active in BOOK.listing() if active],
        "roles": [r.value for r in Role],
        "statuses": list(ACTION_STATUSES),
    }
    return render_live(request, incident, "crisis/actions.html", "crisis/actions_live.html", build, extra)


@requires(Action.MANAGE_ACTIONS)
def add_action(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    try:
        title = forms.bounded(request.POST.get("title", ""), 300)
        due = forms.due_time(request.POST.get("due_at", ""))
    except forms.Refused as refused:
        return refuse(request, text(request, refused.key, **refused.params), 400)
    try:
        cell.add_action(
            STORE,
            incident.id,
            actor(request),
            title,
            request.POST.get("owner_user", ""),
            request.POST.get("owner_role", ""),
            due,
            roles=tuple(r.value for r in Role),
        )
    except MissingField as refusal:
        return refuse(request, text(request, f"{refusal.field}_missing"), 400)
    except InvalidField:
        return refuse(request, text(request, "due_invalid"), 400)
    return redirect("crisis:actions", incident_id=incident.id)


@requires(Action.MANAGE_ACTIONS)
def set_action_status(request: HttpRequest, incident_id: int, action_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    try:
        cell.set_action_status(STORE, incident.id, actor(request), action_id, request.POST.get("status", ""))
    except UnknownTarget as refusal:
        return refuse(request, text(request, "unknown_target", target=refusal.target[:30]), 400)
    return redirect("crisis:actions", incident_id=incident.id)
