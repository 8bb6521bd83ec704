"""The triage board: scheduled activity by day, unit and type under the incident's current impact,
with counts, bulk approval of a group's proposals and the two approvals of an exception.

Activities come from the continuity store of settings.CRISIS_STORE (BASCULE_CRISIS_STORE when the
app starts). The triage and the approvals (journal entries, ids only) are those of
bascule.incident.triage, the pipeline the command line uses too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bascule import i18n
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse, text
from bascule.errors import UserError
from bascule.i18n import Lang, t
from bascule.incident import triage as pipeline
from bascule.triage import DECISIONS, by_day_unit_kind, tally
from bascule.triage.texts import count_sentence, decision_text, kind_text, reason_text

DAYS = pipeline.DEFAULT_DAYS

i18n.register(
    "crisis_triage",
    {
        "title": {"fr": "Activité programmée", "en": "Scheduled activity"},
        "no_store": {
            "fr": "Aucun magasin de continuité n'est configuré (BASCULE_CRISIS_STORE) : pas d'activité à trier.",
            "en": "No continuity store is configured (BASCULE_CRISIS_STORE): no activity to triage.",
        },
        "window": {"fr": "Du {first} au {last}", "en": "From {first} to {last}"},
        "day": {"fr": "Jour", "en": "Day"},
        "unit": {"fr": "Unité", "en": "Unit"},
        "kind": {"fr": "Type", "en": "Type"},
        "all": {"fr": "Tous", "en": "All"},
        "filter": {"fr": "Filtrer", "en": "Filter"},
        "exceptions": {"fr": "Par exception", "en": "By exception"},
        "approved": {"fr": "Approuvé par", "en": "Approved by"},
        "approve": {"fr": "Approuver", "en": "Approve"},
        "activities": {"fr": "Activités", "en": "Activities"},
        "time": {"fr": "Heure", "en": "Time"},
        "urgency": {"fr": "Urgence", "en": "Urgency"},
        "decision": {"fr": "Proposition", "en": "Proposal"},
        "reason": {"fr": "Motif", "en": "Reason"},
        "exception": {"fr": "Exception", "en": "Exception"},
        "keep_doctor": {"fr": "Maintenir (médecin)", "en": "Keep (doctor)"},
        "keep_director": {"fr": "Maintenir (direction)", "en": "Keep (director)"},
        "show": {"fr": "Voir les activités", "en": "Show the activities"},
        "nav": {"fr": "Activité", "en": "Activity"},
        "data_time": {
            "fr": "Activité lue dans le magasin de continuité ; données du {time}.",
            "en": "Activity read from the continuity store; data as of {time}.",
        },
    },
)


def _window(incident_id: int, store: Path) -> pipeline.TriageWindow:
    from bascule.snapshot.store import ContinuityStore

    with ContinuityStore.open(store, readonly=True) as continuity:
        return pipeline.incident_triage(STORE, incident_id, continuity)


def store_path() -> Path | None:
    """The continuity store configured for the crisis app (settings.CRISIS_STORE), if any."""
    configured = str(getattr(settings, "CRISIS_STORE", "") or "")
    return Path(configured) if configured else None


def _texts(lang: Lang) -> dict[str, str]:
    keys = i18n.catalogues()["crisis_triage"]
    return {key: t(f"crisis_triage.{key}", lang) for key in keys}


def triage_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    lang = lang_of(request)
    role = getattr(request.user, "role", "")
    context: dict[str, Any] = {"incident": incident, "txt": _texts(lang), "store": None}
    store = store_path()
    if store is None or not store.is_file():
        return render(request, "crisis/triage.html", context)
    window = _window(incident.id, store)
    proposals, units, zone, start = window.proposals, window.unit_names, window.zone, window.start
    wanted = {key: request.GET.get(key, "") for key in ("day", "unit", "kind")}
    approved = pipeline.approved_groups(STORE, incident.id)
    groups = []
    for (day, unit, kind), members in by_day_unit_kind(proposals, zone).items():
        if (wanted["day"] and wanted["day"] != day.isoformat()) or (
            wanted["unit"] and wanted["unit"] != unit
        ):
            continue
        if wanted["kind"] and wanted["kind"] != kind:
            continue
        counts = {d: sum(p.decision == d for p in members) for d in DECISIONS}
        groups.append(
            {
                "day": day.isoformat(),
                "unit": unit,
                "unit_name": units.get(unit, unit) or "—",
                "kind": kind,
                "kind_name": kind_text(kind, lang, plural=True),
                "counts": [counts[d] for d in DECISIONS],
                "exceptions": sum(p.by_exception for p in members),
                "approvals": [
                    (d, decision_text(d, lang), approved.get((day.isoformat(), unit, kind, d)))
                    for d in DECISIONS
                    if d != "maintain" and counts[d]
                ],
            }
        )
    chosen = []
    if all(wanted.values()):
        chosen = [
            {
                "proposal": p,
                "time": p.start.astimezone(zone).strftime("%H:%M"),
                "decision": decision_text(p.decision, lang),
                "reason": reason_text(p, lang, window.hospital_map),
                "may_except": p.may_be_excepted,
            }
            for p in proposals
            if p.day(zone).isoformat() == wanted["day"]
            and (p.unit_id or "") == wanted["unit"]
            and p.kind == wanted["kind"]
        ]
    data_time = window.data_time
    context.update(
        store=store,
        data_time=t(
            "crisis_triage.data_time",
            lang,
            time=data_time.astimezone(zone).strftime("%d/%m/%Y %H:%M") if data_time else "?",
        ),
        sentence=count_sentence(tally(proposals), lang),
        window=t(
            "crisis_triage.window",
            lang,
            first=start.date().isoformat(),
            last=window.last_day.isoformat(),
        ),
        decisions=[decision_text(d, lang) for d in DECISIONS],
        groups=groups,
        wanted=wanted,
        days=sorted({p.day(zone).isoformat() for p in proposals}),
        units=sorted(
            {(p.unit_id or "", units.get(p.unit_id or "", p.unit_id or "") or "—") for p in proposals}
        ),
        kinds=[(k, kind_text(k, lang, plural=True)) for k in sorted({p.kind for p in proposals})],
        chosen=chosen,
        may_approve=allowed(role, Action.RECORD_DECISION),
        approval_role={"medical": "doctor", "director": "director"}.get(role, ""),
    )
    return render(request, "crisis/triage.html", context)


@requires(Action.RECORD_DECISION)
def approve_group(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Approve the proposals of one decision in one day, unit and type (director or medical lead)."""
    incident = get_incident(incident_id)
    store = store_path()
    day, unit, kind, decision = (request.POST.get(k, "") for k in ("day", "unit", "kind", "decision"))
    if store is None or not store.is_file():
        return refuse(request, text(request, "bad_request"))
    window = _window(incident.id, store)
    try:
        pipeline.approve_group(STORE, incident.id, actor(request), window, day, unit, kind, decision)
    except UserError:
        return refuse(request, text(request, "bad_request"))
    return redirect(
        f"{request.path.rsplit('approve/', 1)[0]}?{urlencode({'day': day, 'unit': unit, 'kind': kind})}"
    )


@requires(Action.RECORD_DECISION)
def approve_exception(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One of the two approvals an exception needs: the medical lead as doctor, the director as director."""
    incident = get_incident(incident_id)
    role = {"medical": "doctor", "director": "director"}.get(getattr(request.user, "role", ""), "")
    store = store_path()
    if not role or store is None or not store.is_file():
        return refuse(request, text(request, "bad_request"))
    window = _window(incident.id, store)
    try:
        pipeline.approve_exception(
            STORE, incident.id, actor(request), role, request.POST.get("activity", ""), window
        )
    except UserError:
        return refuse(request, text(request, "bad_request"))
    back = request.POST.get("back", "")
    return redirect(f"{request.path.rsplit('exception/', 1)[0]}{back if back.startswith('?') else ''}")
