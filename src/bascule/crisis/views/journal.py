"""The crisis journal page, notes and decisions, and the CSV and PDF exports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bascule.crisis import forms, journal_store, reports
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse, render_live, text
from bascule.incident import cell, reading
from bascule.incident.model import DECISION, NOTE
from bascule.incident.refusals import MissingField

_MAX_NOTE = 4000


def journal_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        page = reading.journal_page(STORE, incident.id)
        broken = journal_store.verify_chain()
        return {
            "entries": page.entries,
            "notes": page.notes,
            "broken": broken,
            "broken_reason": broken.reason_in(lang_of(request)) if broken else "",
            "count": page.count,
        }

    role = getattr(request.user, "role", "")
    extra = {
        "may_note": allowed(role, Action.WRITE_NOTE),
        "may_decide": allowed(role, Action.RECORD_DECISION),
    }
    return render_live(request, incident, "crisis/journal.html", "crisis/journal_live.html", build, extra)


def add_note(request: HttpRequest, incident_id: int) -> HttpResponse:
    """A note (any member of the cell) or a decision (director, medical lead)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    kind = DECISION if request.POST.get("kind") == DECISION else NOTE
    action = Action.RECORD_DECISION if kind == DECISION else Action.WRITE_NOTE
    if not allowed(getattr(request.user, "role", ""), action):
        return refuse(request, text(request, "forbidden"), 403)
    incident = get_incident(incident_id)
    try:
        body = forms.bounded(request.POST.get("text", ""), _MAX_NOTE)
    except forms.Refused as refused:
        return refuse(request, text(request, refused.key, **refused.params), 400)
    try:
        cell.record_note(STORE, incident.id, actor(request), kind, body)
    except MissingField:
        return refuse(request, text(request, "text_missing"), 400)
    return redirect("crisis:journal", incident_id=incident.id)


add_note.crisis_action = Action.WRITE_NOTE  # type: ignore[attr-defined]


def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(reports.journal_csv(reports.whole_journal()), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="journal.csv"'
    return response


def export_pdf(request: HttpRequest) -> HttpResponse:
    data = reports.journal_pdf(reports.whole_journal(), journal_store.verify_chain(), lang_of(request))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="journal.pdf"'
    return response
