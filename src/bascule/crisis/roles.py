"""Who may do what in the crisis cell: one table, checked by every mutating view."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class Role(StrEnum):
    DIRECTOR = "director"
    IT = "it"
    MEDICAL = "medical"
    COMMUNICATIONS = "communications"
    OBSERVER = "observer"
    ADMIN = "admin"
    # Identity vigilance (identitovigilance): who a downtime number turned out to be is decided by
    # a person trained for it, not by whoever runs the cell: a wrong link is a patient-safety incident.
    IDENTITY = "identity"
    # The clerk (saisie) types the wards' paper forms by downtime number after the outage: patient
    # data goes in, so it is a role of its own, not one more thing any member of the cell may do.
    CLERK = "saisie"
    # The facilitator (animateur) of an exercise releases injects, pauses the clock and judges the
    # decisions expected of the players: never a player, and never anyone in a real incident.
    FACILITATOR = "facilitator"
    # Laboratory staff (technicians, biologists) scan samples and enter results at the bench: the
    # second person confirming a critical value is a laboratory person too, never whoever entered it.
    LABORATORY = "laboratory"


class Action(StrEnum):
    OPEN_INCIDENT = "open_incident"
    DECLARE_HIT = "declare_hit"
    LIFT_HIT = "lift_hit"
    CONFIRM_ISOLATION = "confirm_isolation"
    MARK_TASK = "mark_task"
    WRITE_NOTE = "write_note"
    RECORD_DECISION = "record_decision"
    MANAGE_ACTIONS = "manage_actions"
    MAKE_SITREP = "make_sitrep"
    MANAGE_USERS = "manage_users"
    DECIDE_IDENTITY = "decide_identity"
    TYPE_PAPER_FORMS = "type_paper_forms"
    START_PROCEDURE = "start_procedure"
    RUN_EXERCISE = "run_exercise"
    PUBLISH_LAB_MENU = "publish_lab_menu"
    SCAN_SAMPLES = "scan_samples"
    ENTER_RESULTS = "enter_results"


_ALL_CELL = frozenset({Role.DIRECTOR, Role.IT, Role.MEDICAL, Role.COMMUNICATIONS})

PERMISSIONS: Mapping[Action, frozenset[Role]] = {
    Action.OPEN_INCIDENT: frozenset({Role.DIRECTOR, Role.IT}),
    Action.DECLARE_HIT: frozenset({Role.DIRECTOR, Role.IT}),
    Action.LIFT_HIT: frozenset({Role.DIRECTOR, Role.IT}),
    Action.CONFIRM_ISOLATION: frozenset({Role.DIRECTOR, Role.IT}),
    Action.MARK_TASK: frozenset({Role.DIRECTOR, Role.IT}),
    Action.WRITE_NOTE: _ALL_CELL,
    Action.RECORD_DECISION: frozenset({Role.DIRECTOR, Role.MEDICAL}),
    Action.MANAGE_ACTIONS: _ALL_CELL,
    Action.MAKE_SITREP: frozenset({Role.DIRECTOR, Role.COMMUNICATIONS, Role.MEDICAL}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    # Also who may read the reconciliation worklist: it shows names, birth dates and MRNs.
    Action.DECIDE_IDENTITY: frozenset({Role.IDENTITY}),
    # Also who may open the typing page: what was typed comes back on it (names, birth dates).
    Action.TYPE_PAPER_FORMS: frozenset({Role.CLERK}),
    # Switching a care process to paper is the medical lead's call, or the director's.
    Action.START_PROCEDURE: frozenset({Role.DIRECTOR, Role.MEDICAL}),
    # Also who may see the exercise's script ahead of the players (injects to come, expected decisions).
    Action.RUN_EXERCISE: frozenset({Role.FACILITATOR}),
    # Telling every ward which tests it may still request: the laboratory's call, the medical
    # lead's or the director's.
    Action.PUBLISH_LAB_MENU: frozenset({Role.DIRECTOR, Role.MEDICAL, Role.LABORATORY}),
    # Also who may open the bench page (Paillasse): scanning and results are the laboratory's own acts.
    Action.SCAN_SAMPLES: frozenset({Role.LABORATORY}),
    # Entering a result and confirming a critical one (as the second person) alike.
    Action.ENTER_RESULTS: frozenset({Role.LABORATORY}),
}


def allowed(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]


View = TypeVar("View", bound=Callable[..., HttpResponse])


def requires(action: Action, *, form: bool = False) -> Callable[[View], View]:
    """Refuse the view with 403 unless the signed-in user's role may do `action`.

    The view also only accepts POST: every mutation is a form post protected by CSRF. A `form`
    view also answers GET with its form, which only the same roles may see (it may show what they
    typed); its POST is the mutation.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            role = getattr(request.user, "role", "")
            if not allowed(role, action):
                return render(request, "crisis/forbidden.html", status=403)
            if request.method != "POST" and not (form and request.method in ("GET", "HEAD")):
                return HttpResponse(status=405, headers={"Allow": "GET, POST" if form else "POST"})
            return view(request, *args, **kwargs)

        guarded.crisis_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
