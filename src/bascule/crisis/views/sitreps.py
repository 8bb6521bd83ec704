"""Situation reports: one click makes the report for the next meeting, in HTML and PDF."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bascule.crisis import forms, reports
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import (
    actor,
    get_incident,
    lang_of,
    made_before_change,
    refuse,
    render_live,
    text,
)
from bascule.i18n import parse_lang
from bascule.incident import reading
from bascule.incident import sitrep as sitrep_cases
from bascule.incident.model import Sitrep


def sitreps_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        reports = reading.sitreps(STORE, incident.id)
        latest_stale = made_before_change(incident, reports[0].created_at) if reports else None
        return {"reports": reports, "latest_stale": latest_stale}

    extra = {"may_make": allowed(getattr(request.user, "role", ""), Action.MAKE_SITREP)}
    return render_live(request, incident, "crisis/sitreps.html", "crisis/sitreps_live.html", build, extra)


@requires(Action.MAKE_SITREP)
def make_sitrep(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    try:
        lang = forms.report_lang(request.POST.get("lang", lang_of(request)))
    except forms.Refused as refused:
        return refuse(request, text(request, refused.key), 400)
    report = sitrep_cases.make_sitrep(
        STORE, incident.id, actor(request), lang, timezone.get_current_timezone()
    )
    return redirect("crisis:sitrep", incident_id=incident.id, report_id=report.id)


def _report(incident_id: int, report_id: int) -> Sitrep:
    report = reading.sitrep(STORE, incident_id, report_id)
    if report is None:
        raise Http404("no such report")
    return report


def sitrep_html(request: HttpRequest, incident_id: int, report_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    report = _report(incident_id, report_id)
    context = {
        "incident": incident,
        "report": report,
        "c": report.content,
        "lang": report.lang,
        "stale": made_before_change(incident, report.created_at),
    }
    return render(request, "crisis/sitrep.html", context)


def sitrep_pdf(request: HttpRequest, incident_id: int, report_id: int) -> HttpResponse:
    report = _report(incident_id, report_id)
    response = HttpResponse(
        reports.sitrep_pdf(report.content, parse_lang(report.lang)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="sitrep-{incident_id}-{report_id}.pdf"'
    return response
