"""Restoration: the current plan as a Gantt chart, per-team task lists, ETAs; marking tasks
started or done, or saying when an isolated segment or a hit supplier is expected back, re-plans
with a short time limit and stores the plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bascule.crisis import forms
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import (
    actor,
    get_incident,
    lang_of,
    planning,
    refuse,
    render_live,
    text,
)
from bascule.errors import UserError
from bascule.gantt import gantt_svg
from bascule.hospital.naming import label_of
from bascule.incident import reading
from bascule.incident import restoration as restoration_cases
from bascule.incident.model import DONE, SEGMENT, SUPPLIER, Incident
from bascule.incident.refusals import MissingField, ReturnTimeOutOfRange, UnknownTarget
from bascule.recovery.plan import Plan


def restoration(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        latest = reading.latest_plan(STORE, incident)
        progress = {p.node: p for p in STORE.repository.progress(incident.id)}
        hospital = reading.incident_map(incident)
        returns = return_rows(incident, hospital)
        done = [
            {"name": label_of(hospital, p.node), "progress": p} for p in progress.values() if p.state == DONE
        ]
        if latest is None:
            return {
                "stored": None,
                "declared": bool(reading.active_hits(STORE, incident.id)),
                "done": done,
                "returns": returns,
            }
        stored = latest.plan
        plan_json = stored.plan_json
        states = {n: p.state for n, p in progress.items()}
        teams: dict[str, list[dict[str, Any]]] = {}
        for task in plan_json["tasks"]:
            teams.setdefault(task["team"], []).append(
                {
                    **task,
                    "state": states.get(task["node"], "planned"),
                    # The task list is the engineers' view: the name, and the id they look it up by.
                    "name": label_of(hospital, task["node"]),
                    "brings_back_names": [label_of(hospital, p) for p in task["brings_back"]],
                }
            )
        team_names = {team.id: team.name or team.id for team in hospital.teams}
        processes = hospital.nodes
        etas = sorted(
            (
                {"process": processes[pid], "eta": p["eta_hours"]}
                for pid, p in plan_json["processes"].items()
                if pid in processes and (p["eta_hours"] is None or p["eta_hours"] > 0)
            ),
            key=lambda e: (getattr(e["process"], "priority", 4), e["eta"] if e["eta"] is not None else 1e9),
        )
        return {
            "stored": stored,
            "svg": gantt_svg(Plan.from_json(plan_json), hospital, lang_of(request)),
            "teams": [(team_names.get(team, team), tasks) for team, tasks in sorted(teams.items())],
            "etas": etas,
            "done": done,
            "stale": latest.stale_since,
            "blocked": [label_of(hospital, node) for node in plan_json.get("blocked", [])],
            "returns": returns,
        }

    may_mark = allowed(getattr(request.user, "role", ""), Action.MARK_TASK)
    extra = {
        "may_mark": may_mark,
        # The form is outside the live part: polls do not need its choices.
        "return_choices": return_rows(incident, reading.incident_map(incident))
        if may_mark and request.GET.get("live") != "1"
        else [],
    }
    return render_live(
        request, incident, "crisis/restoration.html", "crisis/restoration_live.html", build, extra
    )


def return_rows(incident: Incident, hospital: Any) -> list[dict[str, Any]]:
    """The isolated segments and hit suppliers, each with when it is expected back (hours or None)."""
    names = {s.id: s.name or s.id for s in (*hospital.segments, *hospital.suppliers)}
    expected = {SEGMENT: dict(incident.reconnect), SUPPLIER: dict(incident.supplier_back)}
    hits = [hit for hit in reading.active_hits(STORE, incident.id) if hit.kind in expected]
    return [
        {
            "kind": hit.kind,
            "target": hit.target,
            "name": names.get(hit.target, hit.target),
            "hours": expected[hit.kind].get(hit.target),
        }
        for hit in hits
    ]


@requires(Action.MARK_TASK)
def replan_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    try:
        restoration_cases.replan(STORE, incident.id, actor(request), planning())
    except UserError as error:
        return refuse(request, str(error))
    return redirect("crisis:restoration", incident_id=incident.id)


@requires(Action.MARK_TASK)
def mark_task(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    node = request.POST.get("node", "")
    try:
        restoration_cases.mark_task(
            STORE,
            incident.id,
            actor(request),
            node,
            request.POST.get("state", ""),
            request.POST.get("team", ""),
            planning(),
        )
    except UnknownTarget as refusal:
        return refuse(request, text(request, "unknown_target", target=refusal.target), 400)
    except UserError as error:
        return refuse(request, str(error))
    return redirect("crisis:restoration", incident_id=incident.id)


@requires(Action.MARK_TASK)
def set_return_time(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    kind, _, target = request.POST.get("target", "").partition(":")
    try:
        hours, at = forms.return_time(request.POST.get("hours", ""), request.POST.get("at", ""))
        restoration_cases.set_return_time(
            STORE, incident.id, actor(request), kind, target, hours, at, planning()
        )
    except forms.Refused as refused:
        return refuse(request, text(request, refused.key, **refused.params), 400)
    except UnknownTarget as refusal:
        return refuse(request, text(request, "return_unknown", target=refusal.target), 400)
    except MissingField:
        return refuse(request, text(request, "return_missing"), 400)
    except ReturnTimeOutOfRange as refusal:
        return refuse(request, text(request, "return_out_of_range", days=int(refusal.limit_hours // 24)), 400)
    except UserError as error:
        return refuse(request, str(error))
    return redirect("crisis:restoration", incident_id=incident.id)
