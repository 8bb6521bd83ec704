"""The triage board: scheduled activity by day, unit and type under the incident's current impact,
with counts, bulk approval of a group's proposals and the two approvals of an exception.

Activities come from the continuity store named by BASCULE_CRISIS_STORE (settings.CRISIS_STORE
when the settings define it). Approvals are journal entries (ids only): see triage_approvals.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bascule import i18n
from bascule.crisis import engine, triage_approvals
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import get_incident, lang_of, refuse, text
from bascule.i18n import Lang, t
from bascule.triage import DECISIONS, Proposal, Triage, by_day_unit_kind, tally
from bascule.triage.texts import count_sentence, decision_text, kind_text, reason_text

DAYS = 7

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


def store_path() -> Path | None:
    configured = getattr(settings, "CRISIS_STORE", "") or os.environ.get("BASCULE_CRISIS_STORE", "")
    return Path(configured) if configured else None


def store_data_time(store: Path) -> datetime | None:
    from bascule.snapshot.store import ContinuityStore

    with ContinuityStore.open(store, readonly=True) as continuity:
        return continuity.data_time


def proposals_for(incident_id: int, store: Path) -> tuple[list[Proposal], dict[str, str], Any, datetime]:
    """The proposals for the next days under the incident's current impact, with the store's units."""
    from bascule.snapshot.store import ContinuityStore

    incident = get_incident(incident_id)
    hospital = engine.hospital_map(incident)
    impact = engine.current_impact(incident)
    with ContinuityStore.open(store, readonly=True) as continuity:
        zone = continuity.timezone
        first_day = (continuity.data_time or datetime.now(UTC)).astimezone(zone).date()
        start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
        scheduled = continuity.activities(
            start.astimezone(UTC), (start + timedelta(days=DAYS)).astimezone(UTC)
        )
        units = {unit.id: unit.name for unit in continuity.units()}
    rules = Triage(hospital, impact, triage_approvals.approvals(incident_id))
    return [rules.propose(item.activity) for item in scheduled], units, zone, start


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
    proposals, units, zone, start = proposals_for(incident.pk, store)
    wanted = {key: request.GET.get(key, "") for key in ("day", "unit", "kind")}
    approved = triage_approvals.approved_groups(incident.pk)
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
                "reason": reason_text(p, lang),
                "may_except": p.decision in ("postpone", "cancel"),
            }
            for p in proposals
            if p.day(zone).isoformat() == wanted["day"]
            and (p.unit_id or "") == wanted["unit"]
            and p.kind == wanted["kind"]
        ]
    data_time = store_data_time(store)
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
            last=(start + timedelta(days=DAYS - 1)).date().isoformat(),
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
    if store is None or not store.is_file() or decision not in DECISIONS:
        return refuse(request, text(request, "bad_request"))
    proposals, _units, zone, _start = proposals_for(incident.pk, store)
    members = [
        p.activity_id
        for p in proposals
        if p.day(zone).isoformat() == day
        and (p.unit_id or "") == unit
        and p.kind == kind
        and p.decision == decision
    ]
    if not members:
        return refuse(request, text(request, "bad_request"))
    triage_approvals.record_group(
        incident.pk, request.user.get_username(), day, unit, kind, decision, members
    )
    incident.bump()
    return redirect(f"{request.path.rsplit('approve/', 1)[0]}?day={day}&unit={unit}&kind={kind}")


@requires(Action.RECORD_DECISION)
def approve_exception(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One of the two approvals an exception needs: the medical lead as doctor, the director as director."""
    incident = get_incident(incident_id)
    role = {"medical": "doctor", "director": "director"}.get(getattr(request.user, "role", ""), "")
    activity_id = request.POST.get("activity", "")
    store = store_path()
    if not role or store is None or not store.is_file():
        return refuse(request, text(request, "bad_request"))
    proposals, _units, _zone, _start = proposals_for(incident.pk, store)
    if not any(p.activity_id == activity_id for p in proposals):
        return refuse(request, text(request, "bad_request"))
    triage_approvals.record_exception(incident.pk, request.user.get_username(), activity_id, role)
    incident.bump()
    back = request.POST.get("back", "")
    return redirect(f"{request.path.rsplit('exception/', 1)[0]}{back if back.startswith('?') else ''}")
