"""The exercise page: the injects received, for every player; the clock, the injects to come, the
decisions expected and the improvement actions, for the facilitator only. The players never see
what is coming nor what is expected of them."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, Role, allowed, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse, render_live, text
from bascule.errors import UserError
from bascule.exercise.after_action import decision_results
from bascule.exercise.model import clock_label, text_in
from bascule.exercise.report_html import report_html as report_page
from bascule.exercise.report_pdf import report_pdf as report_document
from bascule.incident import exercise as exercises


def _exercise(incident_id: int) -> exercises.Exercise:
    try:
        return exercises.exercise_of(STORE, incident_id)
    except UserError:
        raise Http404("not an exercise") from None


def exercise_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    if not incident.exercise:
        raise Http404("not an exercise")
    lang = lang_of(request)
    facilitator = allowed(getattr(request.user, "role", ""), Action.RUN_EXERCISE)

    def build() -> dict[str, Any]:
        exercise = _exercise(incident_id)
        script = exercise.script
        released = {r.inject_id: r for r in STORE.exercises.releases(incident_id)}
        received = [
            {
                "inject": inject,
                "minute": clock_label(released[inject.id].minute),
                "sender": text_in(inject.sender, lang),
                "text": text_in(inject.text, lang),
            }
            for inject in sorted(
                (i for i in script.injects if i.id in released),
                key=lambda i: released[i.id].minute,
                reverse=True,
            )
        ]
        context: dict[str, Any] = {
            "script_title": script.title_in(lang),
            "briefing": text_in(script.briefing, lang),
            "minute": clock_label(exercises.minute_now(STORE, exercise)),
            "duration": clock_label(script.duration_minutes),
            "paused": exercise.clock.paused,
            "ended": exercise.ended,
            "speed": exercise.clock.speed,
            "automatic": exercise.run.automatic,
            "received": received,
        }
        if facilitator:
            record = exercises.exercise_record(STORE, incident_id)
            outcomes = decision_results(record)
            context |= {
                "coming": [
                    {
                        "inject": i,
                        "minute": clock_label(i.minute),
                        "text": text_in(i.text, lang),
                        "notes": text_in(i.facilitator_notes, lang),
                    }
                    for i in script.injects
                    if i.id not in released
                ],
                "expected": [
                    {
                        "outcome": outcome,
                        # Not met yet, and not yet due: still to play, not missed.
                        "state": "pending"
                        if outcome.outcome == "not_played" and outcome.released_at is not None
                        else outcome.outcome,
                        "text": text_in(outcome.decision.text, lang),
                        "due": clock_label(outcome.due_at) if outcome.due_at is not None else "",
                        "met": clock_label(outcome.met_at) if outcome.met_at is not None else "",
                    }
                    for outcome in outcomes
                ],
                "improvements": list(STORE.exercises.improvements(incident_id)),
            }
        return context

    extra = {"facilitator": facilitator, "roles": [r.value for r in Role if r not in (Role.ADMIN,)]}
    return render_live(request, incident, "crisis/exercise.html", "crisis/exercise_live.html", build, extra)


def _run(request: HttpRequest, incident_id: int, change: Any) -> HttpResponse:
    """Do one facilitator's change; a refusal is one sentence in the reader's language (400)."""
    get_incident(incident_id)
    try:
        change()
    except UserError as error:
        return refuse(request, error.in_lang(lang_of(request)), 400)
    return redirect("crisis:exercise", incident_id=incident_id)


@requires(Action.RUN_EXERCISE)
def release(request: HttpRequest, incident_id: int) -> HttpResponse:
    inject = request.POST.get("inject", "")[:128]
    return _run(
        request, incident_id, lambda: exercises.release_inject(STORE, incident_id, actor(request), inject)
    )


@requires(Action.RUN_EXERCISE)
def clock(request: HttpRequest, incident_id: int) -> HttpResponse:
    moves = {
        "pause": exercises.pause_exercise,
        "resume": exercises.resume_exercise,
        "end": exercises.end_exercise,
    }
    move = moves.get(request.POST.get("move", ""))
    if move is None:
        return refuse(request, text(request, "ex_move_unknown"))
    return _run(request, incident_id, lambda: move(STORE, incident_id, actor(request)))


@requires(Action.RUN_EXERCISE)
def mark(request: HttpRequest, incident_id: int) -> HttpResponse:
    decision = request.POST.get("decision", "")[:128]
    met = request.POST.get("met") == "1"
    return _run(
        request,
        incident_id,
        lambda: exercises.mark_decision(STORE, incident_id, actor(request), decision, met),
    )


@requires(Action.RUN_EXERCISE)
def improve(request: HttpRequest, incident_id: int) -> HttpResponse:
    roles = tuple(r.value for r in Role if r is not Role.ADMIN)
    return _run(
        request,
        incident_id,
        lambda: exercises.add_improvement(
            STORE,
            incident_id,
            actor(request),
            request.POST.get("text", "")[:2000],
            request.POST.get("owner_role", ""),
            roles,
        ),
    )


# Who may read the after-action report: the cell and the facilitator (not the accounts'
# administrator, who never sees an incident's content).
_REPORT_READERS = frozenset(r.value for r in Role if r is not Role.ADMIN)


def _report(request: HttpRequest, incident_id: int) -> tuple[Any, Any] | HttpResponse:
    if getattr(request.user, "role", "") not in _REPORT_READERS:
        return render(request, "crisis/forbidden.html", status=403)
    get_incident(incident_id)
    _exercise(incident_id)
    return exercises.after_action_report(STORE, incident_id)


def report_html(request: HttpRequest, incident_id: int) -> HttpResponse:
    made = _report(request, incident_id)
    if isinstance(made, HttpResponse):
        return made
    figures, hospital = made
    return HttpResponse(
        report_page(figures, hospital, lang_of(request)), content_type="text/html; charset=utf-8"
    )


def report_pdf(request: HttpRequest, incident_id: int) -> HttpResponse:
    made = _report(request, incident_id)
    if isinstance(made, HttpResponse):
        return made
    figures, hospital = made
    response = HttpResponse(
        report_document(figures, hospital, lang_of(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="exercise-{incident_id}-report.pdf"'
    return response
