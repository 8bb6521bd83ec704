"""Restoration: the current plan as a Gantt chart, per-team task lists, ETAs; marking tasks
started or done re-plans with a short time limit and stores the plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bascule.crisis import engine
from bascule.crisis.models import Incident, StoredPlan, TaskProgress
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, planning, refuse, render_live, text
from bascule.errors import UserError
from bascule.gantt import gantt_svg
from bascule.incident import restoration as restoration_cases
from bascule.incident.refusals import UnknownTarget
from bascule.recovery.plan import Plan


def restoration(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        stored = incident.plans.order_by("-id").first()
        progress = {p.node: p for p in incident.progress.all()}
        hospital = engine.hospital_map(incident)
        if stored is None:
            return {"stored": None, "declared": bool(engine.active_hits(incident)), "done": progress}
        plan_json = stored.plan_json
        states = {n: p.state for n, p in progress.items()}
        teams: dict[str, list[dict[str, Any]]] = {}
        for task in plan_json["tasks"]:
            teams.setdefault(task["team"], []).append({**task, "state": states.get(task["node"], "planned")})
        processes = hospital.nodes
        etas = sorted(
            (
                {"process": processes[pid], "eta": p["eta_hours"]}
                for pid, p in plan_json["processes"].items()
                if pid in processes and (p["eta_hours"] is None or p["eta_hours"] > 0)
            ),
            key=lambda e: (getattr(e["process"], "priority", 4), e["eta"] if e["eta"] is not None else 1e9),
        )
        done = [p for p in progress.values() if p.state == TaskProgress.DONE]
        return {
            "stored": stored,
            "svg": gantt_svg(Plan.from_json(plan_json), hospital, lang_of(request)),
            "teams": sorted(teams.items()),
            "etas": etas,
            "done": done,
            "stale": _changed_since(incident, stored),
            "blocked": plan_json.get("blocked", []),
        }

    extra = {"may_mark": allowed(getattr(request.user, "role", ""), Action.MARK_TASK)}
    return render_live(
        request, incident, "crisis/restoration.html", "crisis/restoration_live.html", build, extra
    )


def _changed_since(incident: Incident, stored: StoredPlan) -> bool:
    """Whether hits or task reports changed after the plan was made (it should be re-made)."""
    after = stored.created_at
    hits = (
        incident.hits.filter(declared_at__gt=after).exists()
        or incident.hits.filter(lifted_at__gt=after).exists()
    )
    marked: bool = incident.progress.filter(marked_at__gt=after).exists()
    return bool(hits) or marked


@requires(Action.MARK_TASK)
def replan_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    try:
        restoration_cases.replan(STORE, incident.pk, actor(request), planning())
    except UserError as error:
        return refuse(request, str(error))
    return redirect("crisis:restoration", incident_id=incident.pk)


@requires(Action.MARK_TASK)
def mark_task(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    node = request.POST.get("node", "")
    try:
        restoration_cases.mark_task(
            STORE,
            incident.pk,
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
    return redirect("crisis:restoration", incident_id=incident.pk)
