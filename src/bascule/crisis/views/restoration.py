"""Restoration: the current plan as a Gantt chart, per-team task lists, ETAs; marking tasks
started or done re-plans with a short time limit and stores the plan."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from bascule.crisis import engine
from bascule.crisis.models import Hit, Incident, StoredPlan, TaskProgress
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import get_incident, lang_of, record, refuse, render_live, text
from bascule.errors import UserError
from bascule.gantt import gantt_svg
from bascule.recovery.plan import Plan


def hours_since_opening(incident: Incident) -> float:
    elapsed: float = (timezone.now() - incident.opened_at).total_seconds()
    return max(0.0, elapsed / 3600)


def replan(incident: Incident) -> StoredPlan:
    """Plan again from what is declared and what the teams reported, and store the plan."""
    from bascule.recovery.plan import plan

    hospital = engine.hospital_map(incident)
    hits = engine.active_hits(incident)
    declared = set(hits.down)
    started = {
        p.node: (p.hours, p.team) if p.team else p.hours
        for p in incident.progress.filter(state=TaskProgress.STARTED)
        if p.node in declared
    }
    at = hours_since_opening(incident)
    result = plan(
        hospital,
        down=hits.down,
        isolate=hits.isolate,
        suppliers=hits.suppliers,
        reconnect={k: float(v) for k, v in incident.reconnect.items() if k in hits.isolate},
        supplier_back={k: float(v) for k, v in incident.supplier_back.items() if k in hits.suppliers},
        started=started,
        at=at,
        time_limit=settings.CRISIS_REPLAN_SECONDS,
    )
    stored: StoredPlan = StoredPlan.objects.create(
        incident=incident, at_hours=at, plan_json=result.to_json(), incident_version=incident.version
    )
    incident.bump()
    return stored


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
        stored = replan(incident)
    except UserError as error:
        return refuse(request, str(error))
    record(request, "plan.made", incident, {"plan": stored.pk, "objective": stored.plan_json["objective"]})
    return redirect("crisis:restoration", incident_id=incident.pk)


@requires(Action.MARK_TASK)
def mark_task(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    node = request.POST.get("node", "")
    state = request.POST.get("state", "")
    team = request.POST.get("team", "")
    declared = incident.hits.filter(kind=Hit.NODE, target=node, lifted_at__isnull=True)
    if state not in (TaskProgress.STARTED, TaskProgress.DONE) or not declared.exists():
        return refuse(request, text(request, "unknown_target", target=node[:128]), 400)
    hospital = engine.hospital_map(incident)
    if team and team not in {t.id for t in hospital.teams}:
        return refuse(request, text(request, "unknown_target", target=team[:128]), 400)
    TaskProgress.objects.update_or_create(
        incident=incident,
        node=node,
        defaults={
            "state": state,
            "team": team,
            "hours": hours_since_opening(incident),
            "marked_by": request.user,
        },
    )
    record(request, f"task.{state}", incident, {"node": node, "team": team or None})
    if state == TaskProgress.DONE:
        # A restored node is back: lift its declaration so the board and the plan see it.
        declared.update(lifted_at=timezone.now(), lifted_by=request.user)
        record(request, "hit.lifted", incident, {"kind": Hit.NODE, "target": node})
    incident.bump()
    stored = replan(incident)
    record(request, "plan.made", incident, {"plan": stored.pk, "objective": stored.plan_json["objective"]})
    return redirect("crisis:restoration", incident_id=incident.pk)
