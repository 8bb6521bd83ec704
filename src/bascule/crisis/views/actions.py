"""The crisis cell's actions: who does what by when, and where it stands."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from bascule.crisis import forms
from bascule.crisis.models import Account, CellAction
from bascule.crisis.roles import Action, Role, allowed, requires
from bascule.crisis.views.common import get_incident, record, refuse, render_live, text


def actions_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        rows = incident.actions.select_related("owner_user").order_by("status", "due_at", "id")
        now = timezone.now()
        return {
            "rows": [
                (a, a.due_at is not None and a.due_at < now and a.status in ("open", "in_progress"))
                for a in rows
            ]
        }

    extra = {
        "may_manage": allowed(getattr(request.user, "role", ""), Action.MANAGE_ACTIONS),
        "accounts": Account.objects.filter(is_active=True).order_by("username"),
        "roles": [r.value for r in Role],
        "statuses": [s for s, _ in CellAction.STATUSES],
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
    owner = Account.objects.filter(username=request.POST.get("owner_user", ""), is_active=True).first()
    role = request.POST.get("owner_role", "")
    if role not in {r.value for r in Role}:
        role = ""
    if not title:
        return refuse(request, text(request, "text_missing"), 400)
    if owner is None and not role:
        return refuse(request, text(request, "owner_missing"), 400)
    action = CellAction.objects.create(
        incident=incident, title=title, owner_user=owner, owner_role=role, due_at=due, created_by=request.user
    )
    incident.bump()
    record(
        request,
        "action.created",
        incident,
        {"action": action.pk, "owner": owner.username if owner else None, "role": role or None},
    )
    return redirect("crisis:actions", incident_id=incident.pk)


@requires(Action.MANAGE_ACTIONS)
def set_action_status(request: HttpRequest, incident_id: int, action_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    status = request.POST.get("status", "")
    if status not in {s for s, _ in CellAction.STATUSES}:
        return refuse(request, text(request, "unknown_target", target=status[:30]), 400)
    if incident.actions.filter(pk=action_id).update(status=status):
        incident.bump()
        record(request, "action.status", incident, {"action": action_id, "status": status})
    return redirect("crisis:actions", incident_id=incident.pk)
