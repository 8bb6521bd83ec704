"""Every URL of the crisis application. Tests enumerate this list: a page added here is checked
for login, and a mutating one for its role, without anyone having to remember to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from bascule.crisis import messages as _messages  # noqa: F401  (registers the catalogue)
from bascule.crisis.views import (
    accounts,
    actions,
    board,
    exercise,
    exercise_start,
    incidents,
    journal,
    lab_publication,
    laboratory,
    laboratory_bench,
    paper,
    reconciliation,
    restoration,
    sitreps,
)
from bascule.crisis.views import triage as triage_views
from bascule.i18n import t

incident_patterns = [
    path("", board.board, name="board"),
    path("infrastructure/", board.infrastructure, name="infrastructure"),
    path("suppliers/", board.suppliers, name="suppliers"),
    path("diagram/", board.diagram, name="diagram"),
    path("laboratory/", laboratory.laboratory, name="laboratory"),
    path("laboratory/blood-sheet.pdf", laboratory.blood_sheet, name="blood_sheet"),
    path("laboratory/publish-menu", lab_publication.publish_lab_menu, name="publish_lab_menu"),
    path("laboratory/bench/", laboratory_bench.bench, name="lab_bench"),
    path("laboratory/bench/result/", laboratory_bench.enter_result, name="lab_result"),
    path("laboratory/bench/confirm/", laboratory_bench.confirm_result, name="lab_confirm"),
    path("impact.json", incidents.impact_json, name="impact_json"),
    path("hits/", incidents.hits_page, name="hits"),
    path("hits/search/", incidents.search, name="search"),
    path("hits/declare/", incidents.declare, name="declare"),
    path("hits/whatif/", incidents.whatif, name="whatif"),
    path("hits/<int:hit_id>/lift/", incidents.lift, name="lift"),
    path("journal/", journal.journal_page, name="journal"),
    path("journal/notes/", journal.add_note, name="add_note"),
    path("restoration/", restoration.restoration, name="restoration"),
    path("restoration/replan/", restoration.replan_view, name="replan"),
    path("restoration/mark/", restoration.mark_task, name="mark_task"),
    path("restoration/return/", restoration.set_return_time, name="return_time"),
    path("actions/", actions.actions_page, name="actions"),
    path("actions/add/", actions.add_action, name="add_action"),
    path("actions/<int:action_id>/status/", actions.set_action_status, name="action_status"),
    path("sitreps/", sitreps.sitreps_page, name="sitreps"),
    path("sitreps/make/", sitreps.make_sitrep, name="make_sitrep"),
    path("sitreps/<int:report_id>/", sitreps.sitrep_html, name="sitrep"),
    path("sitreps/<int:report_id>/pdf/", sitreps.sitrep_pdf, name="sitrep_pdf"),
    path("triage/", triage_views.triage_page, name="triage"),
    path("triage/approve/", triage_views.approve_group, name="triage_approve"),
    path("triage/exception/", triage_views.approve_exception, name="triage_exception"),
    path("reconciliation/", reconciliation.reconciliation_page, name="reconciliation"),
    path("reconciliation/decide/", reconciliation.decide, name="reconcile_decide"),
    path("reconciliation/paper/", paper.paper_forms, name="paper_forms"),
    path("procedures/start/", board.start_procedure, name="start_procedure"),
    path("exercise/", exercise.exercise_page, name="exercise"),
    path("exercise/release/", exercise.release, name="exercise_release"),
    path("exercise/clock/", exercise.clock, name="exercise_clock"),
    path("exercise/mark/", exercise.mark, name="exercise_mark"),
    path("exercise/improve/", exercise.improve, name="exercise_improve"),
    path("exercise/report/", exercise.report_html, name="exercise_report"),
    path("exercise/report.pdf", exercise.report_pdf, name="exercise_report_pdf"),
]

urlpatterns = [
    path("", incidents.home, name="home"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("language/", accounts.set_language, name="language"),
    path("password/", accounts.change_password, name="change_password"),
    path("users/", accounts.users, name="users"),
    path("users/add/", accounts.add_user, name="add_user"),
    path("users/disable/", accounts.disable_user, name="disable_user"),
    path("users/enable/", accounts.enable_user, name="enable_user"),
    path("users/password/", accounts.reset_password, name="reset_password"),
    path("users/unlock/", accounts.unlock, name="unlock"),
    path("incidents/open/", incidents.open_incident, name="open_incident"),
    path("exercises/start/", exercise_start.start_exercise, name="start_exercise"),
    path("incidents/<int:incident_id>/", include(incident_patterns)),
    path("journal/export.csv", journal.export_csv, name="journal_csv"),
    path("journal/export.pdf", journal.export_pdf, name="journal_pdf"),
]

urlpatterns = [path("", include((urlpatterns, "crisis")))]


def _forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "crisis/forbidden.html", status=403)


def _bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Too many fields, a body too large, a forged host: Django refuses; the reader gets one sentence.
    message = t("crisis.bad_request", getattr(request, "crisis_lang", "fr"))
    return render(request, "crisis/refused.html", {"message": message, "back": "/"}, status=400)


def _not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = t("crisis.not_found", getattr(request, "crisis_lang", "fr"))
    return render(request, "crisis/refused.html", {"message": message, "back": "/"}, status=404)


handler400 = _bad_request
handler403 = _forbidden
handler404 = _not_found
