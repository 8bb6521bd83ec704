"""Starting an exercise from the crisis app: the facilitator picks one of the embedded scripts (a
hospital's own scripts, on its own map, are started with `bascule exercise start SCRIPT`)."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, requires
from bascule.crisis.views.common import actor, lang_of, refuse
from bascule.errors import UserError
from bascule.exercise.loading import embedded_script_names, load_script, script_map_path
from bascule.i18n import Lang
from bascule.incident import exercise as exercises


@functools.cache
def embedded_scripts(lang: Lang) -> tuple[tuple[str, str], ...]:
    """(name, title) of every embedded script, for the facilitator's choice: read once per process
    (they ship with Bascule and never change), not at every poll of the home page."""
    return tuple((name, load_script(name).title_in(lang)) for name in embedded_script_names())


@requires(Action.RUN_EXERCISE)
def start_exercise(request: HttpRequest) -> HttpResponse:
    lang = lang_of(request)
    name = request.POST.get("script", "")
    try:
        speed = float(request.POST.get("speed", "1") or "1")
    except ValueError:
        speed = -1.0
    if not 0 < speed <= 600:
        return refuse(
            request,
            UserError(
                "The speed is between 1 and 600 exercise minutes per real minute.",
                fr="La vitesse est entre 1 et 600 minutes d'exercice par minute réelle.",
            ).in_lang(lang),
        )
    if name not in embedded_script_names():
        return refuse(
            request,
            UserError(
                "Choose one of the exercise scripts.", fr="Choisissez l'un des scripts d'exercice."
            ).in_lang(lang),
        )
    script = load_script(name)
    path = script_map_path(script)
    try:
        started = exercises.start_exercise(
            STORE,
            actor(request),
            script,
            script.map_ref,
            path.read_text(encoding="utf-8"),
            speed=speed,
            automatic=request.POST.get("manual") != "1",
        )
        exercises.release_due(STORE, started.incident.id)
    except UserError as error:
        return refuse(request, error.in_lang(lang), 400)
    return redirect("crisis:exercise", incident_id=started.incident.id)
