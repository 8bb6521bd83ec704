"""What the pages share: finding the incident, live regions that poll cheaply, the journal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bascule.crisis import journal_store
from bascule.crisis.repository import STORE
from bascule.errors import UserError
from bascule.i18n import Lang, t
from bascule.incident import reading
from bascule.incident.model import Incident
from bascule.incident.restoration import Planning
from bascule.journal import PayloadValue


def actor(request: HttpRequest) -> str:
    """The signed-in user's name, as the use-cases and the journal know them."""
    return str(request.user.get_username())


def planning() -> Planning:
    """How long re-planning may take while the user waits (settings.CRISIS_REPLAN_SECONDS)."""
    return Planning(time_limit=float(settings.CRISIS_REPLAN_SECONDS))


def lang_of(request: HttpRequest) -> Lang:
    lang: Lang = getattr(request, "crisis_lang", "fr")
    return lang


def text(request: HttpRequest, key: str, **params: object) -> str:
    return t(f"crisis.{key}", lang_of(request), **params)


def get_incident(incident_id: int) -> Incident:
    incident = reading.find_incident(STORE, incident_id)
    if incident is None:
        raise Http404("no such incident")
    return incident


def made_before_change(incident: Incident, made_at: datetime) -> datetime | None:
    """The last change of the situation when it came after `made_at` (a plan, a report): the page
    says it is out of date; None when it is current."""
    return reading.made_before_change(incident, made_at)


def render_live(
    request: HttpRequest,
    incident: Incident | None,
    page: str,
    live: str,
    build: Any,
    extra: Mapping[str, Any] | None = None,
    also: str = "",
) -> HttpResponse:
    """A page whose `live` fragment polls every 2 s; an unchanged poll answers 204 at once.

    `build()` computes the fragment's context only when something changed. Without an incident
    (the list of incidents) the version is that of every incident together. `also`: the version of
    what else the page shows (the continuity store's, for the laboratory's page).
    """
    strip: dict[str, Any] | None = None
    changed_at: datetime | None
    if incident is not None and incident.exercise:
        incident, strip = exercise_tick(incident, lang_of(request))
    if incident is not None:
        key, changed_at = reading.live_key(incident), incident.changed_at
    else:
        every = reading.incidents_version(STORE)
        key, changed_at = every.key, every.changed_at
    if also:
        key = f"{key}.{also}"
    polling = request.GET.get("live") == "1"
    if polling and request.GET.get("since") == key:
        return HttpResponse(status=204, headers={"ETag": f'"{key}"', "Cache-Control": "no-store"})
    query = request.GET.copy()
    for name in ("live", "since"):
        query.pop(name, None)
    context = {
        "live_url": request.path + (f"?{query.urlencode()}" if query else ""),
        "incident": incident,
        "changed_at": changed_at,
        "live_key": key,
        "live_template_inner": live,
        "exercise_strip": strip,
        **build(),
        **(extra or {}),
    }
    response = render(request, "crisis/live_frame.html" if polling else page, context)
    response["ETag"] = f'"{key}"'
    response["Cache-Control"] = "no-store"
    return response


def exercise_tick(incident: Incident, lang: Lang) -> tuple[Incident, dict[str, Any] | None]:
    """Release the injects whose minute has come (every page of an exercise polls: no timer is
    needed), and what the strip on every live region shows: the clock and the last message."""
    from bascule.exercise.model import clock_label, text_in
    from bascule.incident import exercise as exercises

    try:
        if exercises.release_due(STORE, incident.id):
            incident = reading.find_incident(STORE, incident.id) or incident
        exercise = exercises.exercise_of(STORE, incident.id)
    except UserError:
        return incident, None
    releases = STORE.exercises.releases(incident.id)
    last = max(releases, key=lambda r: r.minute, default=None)
    inject = exercise.script.inject(last.inject_id) if last is not None else None
    minute = exercises.minute_now(STORE, exercise)
    return incident, {
        "minute": clock_label(minute),
        "minute_value": minute,
        "speed": exercise.clock.speed,
        "running": not (exercise.clock.paused or exercise.ended),
        "paused": exercise.clock.paused,
        "ended": exercise.ended,
        "last": inject is not None,
        "last_minute": clock_label(last.minute) if last is not None else "",
        "last_channel": t(f"crisis.ch_{inject.channel}", lang) if inject is not None else "",
        "last_sender": text_in(inject.sender, lang) if inject is not None else "",
    }


def refuse(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A refused request as a page: the one sentence (escaped: it may quote what was typed) and a way back."""
    referer = urlsplit(request.headers.get("Referer", ""))
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    context = {
        "message": message,
        "back": back if back.startswith("/") and not back.startswith("//") else "/",
    }
    return render(request, "crisis/refused.html", context, status=status)


def record(
    request: HttpRequest, name: str, incident: Incident | None, payload: Mapping[str, PayloadValue]
) -> None:
    """Write one journal entry in the name of the signed-in user."""
    journal_store.append(name, request.user.get_username(), incident.id if incident else None, payload)
