"""The Reconciliation tab: what the wards did on paper during the outage, back into the record.

Every signed-in role sees the status panel (counts and downtime numbers, no patient data: the
numbers never seen are listed so the ward can look for the paper). Only the identity officer
(Role.IDENTITY) sees the worklist, which puts each registration beside its best stored candidate
(names, birth dates, sex, MRN), and decides: "this patient" or "a new patient". The page and the
decision call bascule.reconcile.worklist, the use-cases `bascule reconcile worklist|confirm|status`
call too; the store is the one of the Activity tab (settings.CRISIS_STORE). Each decision is
journaled with ids only: the downtime number, the patient id, who.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bascule import i18n
from bascule.crisis.roles import Action, allowed, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, record, refuse, text
from bascule.crisis.views.triage import store_path
from bascule.errors import UserError
from bascule.i18n import Lang, t
from bascule.reconcile import worklist as reconciliation
from bascule.reconcile.decision import REASONS

# A downtime number or a patient id longer than this is no one's typing.
_ID_LIMIT = 200

i18n.register(
    "crisis_reconcile",
    {
        "nav": {"fr": "Rapprochement", "en": "Reconciliation"},
        "title": {"fr": "Rapprochement des dossiers dégradés", "en": "Reconciliation of downtime records"},
        "no_store": {
            "fr": "Aucun magasin de continuité n'est configuré (BASCULE_CRISIS_STORE) : rien à rapprocher.",
            "en": "No continuity store is configured (BASCULE_CRISIS_STORE): nothing to reconcile.",
        },
        "status": {"fr": "Rien de perdu", "en": "Nothing lost"},
        "all_done": {"fr": "Tout est rendu au dossier.", "en": "Everything is back in the record."},
        "not_done": {
            "fr": "Pas encore terminé : tout n'est pas rendu au dossier.",
            "en": "Not finished yet: not everything is back in the record.",
        },
        "numbers": {"fr": "Numéros dégradés", "en": "Downtime numbers"},
        "entries": {"fr": "Saisies des postes", "en": "Entries from the stations"},
        "state": {"fr": "État", "en": "State"},
        "count": {"fr": "Nombre", "en": "Count"},
        "missing": {
            "fr": "Jamais vus : retrouvez le papier dans le service",
            "en": "Never seen: the ward must find the paper",
        },
        "attention": {"fr": "À examiner", "en": "To look at"},
        "worklist": {"fr": "Liste de travail", "en": "Worklist"},
        "paper_forms": {"fr": "Saisie des fiches papier", "en": "Typing paper forms"},
        "worklist_reserved": {
            "fr": "La liste de travail montre l'identité des patients : elle est réservée à l'identitovigilance.",
            "en": "The worklist shows who the patients are: it is for the identity officer only.",
        },
        "worklist_empty": {
            "fr": "Aucun numéro n'attend de décision.",
            "en": "No number waits for a decision.",
        },
        "waiting": {
            "fr": "{count} numéro(s) attendent une décision.",
            "en": "{count} number(s) wait for a decision.",
        },
        "group_review": {"fr": "À revoir", "en": "To review"},
        "group_new": {"fr": "Sans patient connu plausible", "en": "No plausible known patient"},
        "group_auto": {"fr": "Rapprochement sûr, non enregistré", "en": "Sure match, not saved yet"},
        "registration": {"fr": "Fiche dégradée", "en": "Downtime registration"},
        "candidate": {"fr": "Meilleur candidat", "en": "Best candidate"},
        "no_candidate": {"fr": "Aucun candidat", "en": "No candidate"},
        "family": {"fr": "Nom", "en": "Family name"},
        "given": {"fr": "Prénom", "en": "Given name"},
        "birth_date": {"fr": "Né(e) le", "en": "Born"},
        "sex": {"fr": "Sexe", "en": "Sex"},
        "mrn": {"fr": "IPP", "en": "MRN"},
        "patient_id": {"fr": "Identifiant", "en": "Id"},
        "score": {"fr": "Probabilité", "en": "Probability"},
        "why": {"fr": "Pourquoi revoir", "en": "Why a person decides"},
        "this_patient": {"fr": "C'est ce patient", "en": "This is the patient"},
        "new_patient": {"fr": "Nouveau patient", "en": "New patient"},
        "decided": {"fr": "{number} relié à {patient}.", "en": "{number} linked to {patient}."},
        "decided_new": {"fr": "{number} : nouveau patient.", "en": "{number}: a new patient."},
        "sex_female": {"fr": "femme", "en": "female"},
        "sex_male": {"fr": "homme", "en": "male"},
        "sex_other": {"fr": "autre", "en": "other"},
        "sex_unknown": {"fr": "inconnu", "en": "unknown"},
        "state_missing": {"fr": "jamais vu", "en": "missing"},
        "state_registered": {"fr": "enregistré, à rapprocher", "en": "registered, to reconcile"},
        "state_entries-without-registration": {
            "fr": "saisies sans enregistrement",
            "en": "entries without registration",
        },
        "state_reconciled": {"fr": "rapproché", "en": "reconciled"},
        "state_unallocated": {"fr": "jamais attribué", "en": "never handed out"},
        "state_waiting": {"fr": "en attente d'un patient", "en": "waiting for a patient"},
        "state_ready": {"fr": "prête à envoyer", "en": "ready to send"},
        "state_sent": {"fr": "envoyée et acquittée", "en": "sent and acknowledged"},
        "state_refused": {"fr": "refusée par le DPI", "en": "refused by the EHR"},
    },
)


def _texts(lang: Lang) -> dict[str, str]:
    return {key: t(f"crisis_reconcile.{key}", lang) for key in i18n.catalogues()["crisis_reconcile"]}


def _state(state: str, lang: Lang) -> str:
    key = f"state_{state}"
    return t(f"crisis_reconcile.{key}", lang) if key in i18n.catalogues()["crisis_reconcile"] else state


def _day(value: date | None, lang: Lang) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def _side(identity: reconciliation.Identity | None, lang: Lang) -> dict[str, str]:
    if identity is None:
        return {}
    return {
        "family": identity.family or "—",
        "given": identity.given or "—",
        "birth_date": _day(identity.birth_date, lang),
        "sex": t(f"crisis_reconcile.sex_{identity.sex}", lang) if identity.sex else "—",
        "mrn": identity.mrn or "—",
    }


def _percent(score: float, lang: Lang) -> str:
    """Rounded down: a review at 0.99995 must not read "100 %", which looks like a sure match."""
    shown = f"{math.floor(score * 10_000) / 100:.2f}"
    return f"{shown.replace('.', ',')} %" if lang == "fr" else f"{shown}%"


def _folded(value: str) -> str:
    return value.casefold().strip()


def _item(item: reconciliation.WorkItem, lang: Lang) -> dict[str, Any]:
    written, candidate = _side(item.registration, lang), _side(item.candidate, lang)
    rows = [
        (
            key,
            written[key],
            candidate.get(key, ""),
            bool(candidate)
            and "—" not in (written[key], candidate[key])
            and _folded(written[key]) != _folded(candidate[key]),
        )
        for key in ("family", "given", "birth_date", "sex")
    ]
    return {
        "downtime_id": item.downtime_id,
        "decision": item.match.decision,
        "candidate_id": item.candidate_id,
        "score": _percent(item.match.score, lang),
        "reasons": [
            REASONS[code][1 if lang == "fr" else 0] for code in item.match.reasons if code in REASONS
        ],
        "rows": rows,
        "mrn": candidate.get("mrn", ""),
    }


def reconciliation_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    lang = lang_of(request)
    may_decide = allowed(getattr(request.user, "role", ""), Action.DECIDE_IDENTITY)
    context: dict[str, Any] = {
        "incident": incident,
        "txt": _texts(lang),
        "store": None,
        "may_decide": may_decide,
        "may_type": allowed(getattr(request.user, "role", ""), Action.TYPE_PAPER_FORMS),
    }
    store = store_path()
    if store is not None and store.is_file():
        status = reconciliation.status(store)
        context.update(
            store=store,
            status=status,
            number_states=[(_state(s, lang), n) for s, n in sorted(status["numbers"]["by_state"].items())],
            entry_states=[(_state(s, lang), n) for s, n in sorted(status["entries"]["by_state"].items())],
            attention=[
                (a["downtime_id"], _state(a["state"], lang), a["entries"])
                for a in status["numbers"]["attention"]
            ],
        )
        if may_decide:
            items = [_item(item, lang) for item in reconciliation.worklist(store)]
            context.update(
                waiting=t("crisis_reconcile.waiting", lang, count=len(items)),
                groups=[
                    (
                        t(f"crisis_reconcile.group_{decision}", lang),
                        [i for i in items if i["decision"] == decision],
                    )
                    for decision in ("review", "new", "auto")
                    if any(i["decision"] == decision for i in items)
                ],
            )
    response = render(request, "crisis/reconciliation.html", context)
    response["Cache-Control"] = "no-store"  # patient identities: never kept by a browser or a proxy
    return response


@requires(Action.DECIDE_IDENTITY)
def decide(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The identity officer's decision on one downtime number: the candidate shown ("patient") or
    a new patient ("new"). A number already linked otherwise is refused, never changed silently."""
    incident = get_incident(incident_id)
    store = store_path()
    number = request.POST.get("downtime_id", "").strip()
    choice = request.POST.get("decision", "")
    patient = request.POST.get("patient", "").strip() if choice == "patient" else None
    if (
        store is None
        or not store.is_file()
        or choice not in ("patient", "new")
        or not number
        or len(number) > _ID_LIMIT
        or (patient is not None and not 0 < len(patient) <= _ID_LIMIT)
    ):
        return refuse(request, text(request, "bad_request"))
    try:
        link = reconciliation.decide(store, number, patient, actor(request))
    except UserError as refused:
        return refuse(
            request, refused.in_lang(lang_of(request)), status=409 if refused.exit_code == 3 else 400
        )
    record(
        request,
        "identity.decided",
        incident,
        {"downtime_id": link.downtime_id, "patient": link.patient_id, "decision": link.decision},
    )
    return redirect("crisis:reconciliation", incident_id=incident.id)
