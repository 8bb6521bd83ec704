"""The live board: care processes by what the cell must do first, infrastructure, suppliers and
the dependency drawing. Every part polls and refreshes within a few seconds of a change."""

from __future__ import annotations

import importlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse, render_live
from bascule.crisis.views.laboratory import laboratory_version, samples_summary
from bascule.crisis.views.triage import store_path
from bascule.errors import UserError
from bascule.hospital.model import CareProcess, HospitalMap
from bascule.i18n import Lang
from bascule.impact import Impact
from bascule.incident import procedures, reading
from bascule.triage.diversion import what_to_do_now

SECTIONS = ("uncovered", "fallback", "degraded", "up")


def process_rows(
    hospital: HospitalMap, impact: Impact, etas: dict[str, float | None]
) -> dict[str, list[Any]]:
    """Care processes sorted into the board's four sections, each row with its explanation."""
    sections: dict[str, list[Any]] = {name: [] for name in SECTIONS}
    for process in impact.process_order:
        status = impact.status(process.id)
        if status == "down":
            section = "uncovered" if impact.is_uncovered(process.id) else "fallback"
        else:
            section = status
        sections[section].append(
            {
                "process": process,
                "section": section,
                "via": impact.via(process.id),
                "cause": impact.cause(process.id),
                "procedure": hospital.procedures_by_id.get(process.fallback or "")
                if section == "fallback"
                else None,
                # An uncovered process: where its patients can go, and whom to call.
                "now": what_to_do_now(hospital, process) if section == "uncovered" else None,
                "eta": etas.get(process.id, 0.0) if status == "down" else None,
                "has_eta": status == "down" and process.id in etas,
            }
        )
    return sections


def node_rows(hospital: HospitalMap, impact: Impact) -> list[dict[str, Any]]:
    rank = {"down": 0, "degraded": 1, "up": 2}
    rows = [
        {
            "node": node,
            "status": impact.status(node.id),
            "cause": impact.cause(node.id),
            "via": impact.via(node.id),
            "kind": "application" if node in hospital.applications else getattr(node, "kind", ""),
        }
        for node in hospital.nodes.values()
        if not isinstance(node, CareProcess)
    ]
    return sorted(rows, key=lambda r: (rank[r["status"]], r["node"].id))


def board(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    store = store_path()

    def build() -> dict[str, Any]:
        now = reading.situation(STORE, incident)
        hospital, impact = now.hospital, now.impact
        latest = reading.latest_plan(STORE, incident)
        etas = dict(latest.etas) if latest is not None else {}
        etas_stale = latest.stale_since if latest is not None else None
        sections = process_rows(hospital, impact, etas)
        return {
            "sections": sections,
            "summary": impact.summary(),
            "hospital": hospital,
            "started_procedures": {p.process: p for p in STORE.repository.started_procedures(incident.id)},
            # Always on the board once the laboratory tracks samples: none goes untracked.
            "lab_samples": samples_summary(store, hospital, listed=False)
            if store is not None and hospital.laboratory.tests
            else None,
            # Only worth saying when an ETA is shown.
            "etas_stale": etas_stale
            if any(r["has_eta"] for rows in sections.values() for r in rows)
            else None,
        }

    extra = {"may_start": allowed(getattr(request.user, "role", ""), Action.START_PROCEDURE)}
    return render_live(
        request,
        incident,
        "crisis/board.html",
        "crisis/board_live.html",
        build,
        extra,
        laboratory_version(store),
    )


@requires(Action.START_PROCEDURE)
def start_procedure(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The cell switches a care process that is down to its fallback procedure (paper)."""
    incident = get_incident(incident_id)
    try:
        procedures.start_procedure(STORE, incident.id, actor(request), request.POST.get("process", "")[:128])
    except UserError as error:
        return refuse(request, error.in_lang(lang_of(request)), 400)
    return redirect("crisis:board", incident_id=incident.id)


def infrastructure(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        now = reading.situation(STORE, incident)
        return {"rows": node_rows(now.hospital, now.impact), "hospital": now.hospital}

    return render_live(
        request, incident, "crisis/infrastructure.html", "crisis/infrastructure_live.html", build
    )


def suppliers(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        now = reading.situation(STORE, incident)
        hospital, impact = now.hospital, now.impact
        hit = set(impact.hits.suppliers)
        rows = [
            {
                "supplier": s,
                "down": s.id in hit,
                "runs": [(n, impact.status(n.id)) for n in hospital.nodes.values() if n.supplier == s.id],
            }
            for s in hospital.suppliers
        ]
        rows.sort(key=lambda r: (not r["down"], str(getattr(r["supplier"], "id", ""))))
        return {"rows": rows}

    return render_live(request, incident, "crisis/suppliers.html", "crisis/suppliers_live.html", build)


def drawing(hospital: HospitalMap, impact: Impact, lang: Lang) -> str | None:
    """The dependency drawing as SVG, when the diagram engine is installed."""
    try:
        module = importlib.import_module("bascule.diagram")
    except ImportError:
        return None
    draw = getattr(module, "draw_svg", None)
    if draw is None:
        return None
    return str(draw(hospital, impact=impact, lang=lang))


def diagram(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)

    def build() -> dict[str, Any]:
        now = reading.situation(STORE, incident)
        return {"svg": drawing(now.hospital, now.impact, lang_of(request))}

    return render_live(request, incident, "crisis/diagram.html", "crisis/diagram_live.html", build)
