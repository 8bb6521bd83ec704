"""Opening incidents, declaring what is hit (search as you type), the isolation what-if, lifting."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bascule.crisis import forms
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse, render_live, text
from bascule.crisis.views.exercise_start import embedded_scripts
from bascule.errors import UserError
from bascule.hospital.loading import demo_map_path
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of
from bascule.incident import hits as declarations
from bascule.incident import reading
from bascule.incident.maps import parse_map
from bascule.incident.model import NODE, SEGMENT, SUPPLIER, Incident
from bascule.incident.refusals import AlreadyHit, ConfirmationNeeded, NotAnId, UnknownTarget

_MAX_MAP_BYTES = 20 * 1024 * 1024


def _incidents_with_summaries() -> list[tuple[Incident, dict[str, int]]]:
    return reading.incidents_with_summaries(STORE)


def home(request: HttpRequest) -> HttpResponse:
    def build() -> dict[str, Any]:
        return {"incidents": _incidents_with_summaries()}

    may_open = allowed(getattr(request.user, "role", ""), Action.OPEN_INCIDENT)
    may_exercise = allowed(getattr(request.user, "role", ""), Action.RUN_EXERCISE)
    extra = {
        "errors": [],
        "may_open": may_open,
        "may_exercise": may_exercise,
        "scripts": embedded_scripts(lang_of(request)) if may_exercise else [],
    }
    return render_live(request, None, "crisis/home.html", "crisis/home_live.html", build, extra)


def impact_json(request: HttpRequest, incident_id: int) -> JsonResponse:
    """The incident's current impact as contract 2's document, for other tools of the cell."""
    incident = get_incident(incident_id)
    response = JsonResponse(reading.current_impact(STORE, incident).to_json())
    response["Cache-Control"] = "no-store"
    return response


@requires(Action.OPEN_INCIDENT)
def open_incident(request: HttpRequest) -> HttpResponse:
    title = request.POST.get("title", "").strip()
    errors: list[str] = []
    upload = request.FILES.get("map_file")
    if not title:
        errors.append(text(request, "title_missing"))
    elif len(title) > 200:
        errors.append(text(request, "field_too_long", limit=200))
    source, map_text = "", ""
    if upload is not None:
        try:
            source, map_text = (upload.name or "map.yaml")[:200], forms.uploaded_text(upload, _MAX_MAP_BYTES)
        except forms.Refused as refused:
            errors.append(text(request, refused.key, **refused.params))
    elif request.POST.get("demo") == "1":
        source, map_text = "demo", demo_map_path().read_text(encoding="utf-8")
    else:
        errors.append(text(request, "map_missing"))
    if upload is not None and not map_text.strip() and not errors:
        errors.append(text(request, "map_missing"))
    if map_text:
        try:
            parse_map(map_text, source)
        except UserError as error:
            errors.append(text(request, "map_refused") + " " + error.in_lang(lang_of(request)))
    if errors:
        may_open = allowed(getattr(request.user, "role", ""), Action.OPEN_INCIDENT)

        def build() -> dict[str, Any]:
            return {"incidents": _incidents_with_summaries()}

        response = render_live(
            request,
            None,
            "crisis/home.html",
            "crisis/home_live.html",
            build,
            {"errors": errors, "may_open": may_open},
        )
        response.status_code = 400
        return response
    incident = declarations.open_incident(STORE, actor(request), title, source, map_text)
    return redirect("crisis:board", incident_id=incident.id)


def _kind_label(request: HttpRequest, kind: str) -> str:
    return text(request, f"kind_{kind}")


def _labels(hospital: HospitalMap) -> dict[str, str]:
    labels = {node.id: node.label for node in hospital.nodes.values()}
    labels.update({s.id: s.name or s.id for s in hospital.segments})
    labels.update({s.id: s.name or s.id for s in hospital.suppliers})
    return labels


def hits_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        hits = reading.active_hits(STORE, incident.id)
        names = _labels(reading.incident_map(incident))
        return {
            "hits": [(hit, _kind_label(request, hit.kind), names.get(hit.target, hit.target)) for hit in hits]
        }

    role = getattr(request.user, "role", "")
    extra = {"may_declare": allowed(role, Action.DECLARE_HIT), "may_lift": allowed(role, Action.LIFT_HIT)}
    return render_live(request, incident, "crisis/hits.html", "crisis/hits_live.html", build, extra)


def search(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Nodes, segments and suppliers whose id or name contains what was typed (htmx fragment)."""
    incident = get_incident(incident_id)
    hospital = reading.incident_map(incident)
    query = request.GET.get("q", "").strip().lower()
    active = {(hit.kind, hit.target) for hit in reading.active_hits(STORE, incident.id)}
    candidates: list[tuple[str, str, str]] = []
    if query:
        for node in hospital.nodes.values():
            if not hasattr(node, "priority"):
                candidates.append((NODE, node.id, node.label))
        candidates += [(SEGMENT, s.id, s.name or s.id) for s in hospital.segments]
        candidates += [(SUPPLIER, s.id, s.name or s.id) for s in hospital.suppliers]
    matches = [
        {
            "kind": kind,
            "id": ident,
            "label": label,
            "kind_label": _kind_label(request, kind),
            "active": (kind, ident) in active,
        }
        for kind, ident, label in candidates
        if query in ident.lower() or query in label.lower()
    ][:20]
    role = getattr(request.user, "role", "")
    return render(
        request,
        "crisis/search_results.html",
        {
            "incident": incident,
            "matches": matches,
            "query": query,
            "may_declare": allowed(role, Action.DECLARE_HIT),
        },
    )


@requires(Action.DECLARE_HIT)
def declare(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    kind = request.POST.get("kind", "")
    target = request.POST.get("target", "").strip()
    # An isolation is only declared after its what-if was seen and confirmed, by those who may.
    if (
        kind == SEGMENT
        and not allowed(getattr(request.user, "role", ""), Action.CONFIRM_ISOLATION)
        and declarations.is_known(reading.incident_map(incident), kind, target)
    ):
        return render(request, "crisis/forbidden.html", status=403)
    try:
        declarations.declare_hit(
            STORE, incident.id, actor(request), kind, target, confirmed=request.POST.get("confirmed") == "1"
        )
    except UnknownTarget as refusal:
        return refuse(request, text(request, "unknown_target", target=refusal.target), 400)
    except NotAnId as refusal:
        return refuse(request, text(request, "not_an_id", target=refusal.target), 400)
    except ConfirmationNeeded:
        return redirect(reverse("crisis:whatif", args=[incident.id]) + "?" + urlencode({"segment": target}))
    except AlreadyHit:
        return refuse(request, text(request, "already_hit", target=target), 409)
    return redirect("crisis:hits", incident_id=incident.id)


def whatif(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    segment = request.GET.get("segment", "")
    hospital = reading.incident_map(incident)
    if not declarations.is_known(hospital, SEGMENT, segment):
        return refuse(request, text(request, "unknown_target", target=segment[:128]), 400)

    def build() -> dict[str, Any]:
        # Recomputed whenever the incident changes: the comparison is always against what is hit now.
        comparison = declarations.isolation_what_if(STORE, incident.id, segment)
        processes = [
            {
                "process": p,
                "via": comparison.after.via(p.id),
                "uncovered": comparison.after.is_uncovered(p.id),
                "procedure": hospital.procedures_by_id.get(p.fallback or ""),
            }
            for p in comparison.processes_newly_down
        ]
        others = [
            hospital.nodes[i].label
            for i in comparison.newly_down
            if not hasattr(hospital.nodes[i], "priority")
        ]
        degraded = [label_of(hospital, i) for i in comparison.newly_degraded]
        return {"processes": processes, "others": others, "degraded": degraded, "hospital": hospital}

    extra = {
        "segment": segment,
        "may_confirm": allowed(getattr(request.user, "role", ""), Action.CONFIRM_ISOLATION),
    }
    return render_live(request, incident, "crisis/whatif.html", "crisis/whatif_live.html", build, extra)


@requires(Action.LIFT_HIT)
def lift(request: HttpRequest, incident_id: int, hit_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    declarations.lift_hit(STORE, incident.id, hit_id, actor(request))
    return redirect("crisis:hits", incident_id=incident.id)
