"""Typing the wards' paper forms (Reconciliation area, "Saisie des fiches papier"): the clerk picks
the kind of form, types the downtime number from its label and the fields, and the entry is stored
in the continuity store as SAISIE:<n> by bascule.downtime.clerk, checked exactly like a station's.

The form is drawn from the entry kind's fields (bascule.downtime.entries.FIELDS) with the station's
own labels, so the page asks for exactly what the entry checks. Times are typed in the hospital's
zone (settings.TIME_ZONE) and never prefilled: a form typed hours later must say when the act
happened, not when it was typed. A refusal shows its one sentence with what was typed kept. Each
entry is journaled with ids only: the entry key, the downtime number, the kind, who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bascule import i18n
from bascule.crisis.roles import Action, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, record, refuse, text
from bascule.crisis.views.triage import store_path
from bascule.downtime import clerk
from bascule.downtime.entries import FIELDS, KINDS
from bascule.errors import UserError
from bascule.i18n import Lang, t
from bascule.station.viewer import texts as _station_texts  # noqa: F401  (the field labels)

# Longer than this is no one's typing of a downtime number.
_NUMBER_LIMIT = 100

i18n.register(
    "crisis_paper",
    {
        "nav": {"fr": "Saisie des fiches papier", "en": "Typing paper forms"},
        "title": {"fr": "Saisie des fiches papier", "en": "Typing paper forms"},
        "intro": {
            "fr": "Une fiche par saisie, sous le numéro dégradé de son étiquette (lettre de contrôle comprise).",
            "en": "One form per entry, under the downtime number on its label (check character included).",
        },
        "no_store": {
            "fr": "Aucun magasin de continuité n'est configuré (BASCULE_CRISIS_STORE) : rien ne peut être saisi.",
            "en": "No continuity store is configured (BASCULE_CRISIS_STORE): nothing can be typed.",
        },
        "kind": {"fr": "Type de fiche", "en": "Kind of form"},
        "downtime_id": {"fr": "Numéro dégradé", "en": "Downtime number"},
        "local_times": {
            "fr": "Heures en heure locale de l'hôpital ({zone}).",
            "en": "Times in the hospital's local time ({zone}).",
        },
        "required": {"fr": "obligatoire", "en": "required"},
        "record": {"fr": "Enregistrer la saisie", "en": "Record the entry"},
        "recorded": {"fr": "Saisie {entry} enregistrée.", "en": "Entry {entry} recorded."},
        "disagrees": {
            "fr": "Attention : le numéro {number} a déjà un enregistrement avec d'autres informations. "
            "Les deux sont conservés ; l'identitovigilance les comparera avant tout rapprochement.",
            "en": "Note: number {number} already has a registration with other details. Both are kept; "
            "the identity officer will compare them before any match.",
        },
        "mine": {"fr": "Vos dernières saisies", "en": "Your last entries"},
        "mine_empty": {"fr": "Aucune saisie pour l'instant.", "en": "No entry yet."},
        "entry": {"fr": "Saisie", "en": "Entry"},
        "typed_at": {"fr": "Saisie à", "en": "Typed at"},
    },
)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str  # input type: text, number, datetime-local, date, select
    required: bool
    choices: tuple[tuple[str, str], ...]  # (value, label) for a select
    value: str


def _texts(lang: Lang) -> dict[str, str]:
    return {key: t(f"crisis_paper.{key}", lang) for key in i18n.catalogues()["crisis_paper"]}


def _kind_label(kind: str, lang: Lang) -> str:
    return t(f"station_view.kind_{kind}", lang)


def form_fields(kind: str, values: dict[str, str], lang: Lang) -> list[FormField]:
    fields = []
    for spec in FIELDS[kind]:  # type: ignore[index]
        choices: tuple[tuple[str, str], ...] = ()
        kind_of_input = {"number": "number", "datetime": "datetime-local", "date": "date"}.get(
            spec.type, "text"
        )
        if spec.type in ("code", "yes_no"):
            kind_of_input = "select"
            codes = spec.codes if spec.type == "code" else ("yes", "no")
            choices = (("", "—"), *((code, t(f"station_view.code_{code}", lang)) for code in codes))
        label = t(f"station_view.field_{spec.name}", lang)
        fields.append(
            FormField(spec.name, label, kind_of_input, spec.required, choices, values.get(spec.name, ""))
        )
    return fields


def _aware(value: str, zone: tzinfo) -> str:
    """A datetime-local value (no offset) read in the hospital's zone, as ISO 8601 with its offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the entry's own check says it in one sentence
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def _typed(form: QueryDict, kind: str, zone: tzinfo) -> tuple[dict[str, str], dict[str, str]]:
    """What the entry is made of, and what the form shows again (the times as typed)."""
    shown, data = {}, {}
    for spec in FIELDS[kind]:  # type: ignore[index]
        value = str(form.get(spec.name, "")).strip()
        shown[spec.name] = value
        data[spec.name] = _aware(value, zone) if spec.type == "datetime" and value else value
    return data, shown


def _page_url(incident_id: int, **query: str) -> str:
    url = reverse("crisis:paper_forms", kwargs={"incident_id": incident_id})
    return f"{url}?{urlencode(query)}" if query else url


@requires(Action.TYPE_PAPER_FORMS, form=True)
def paper_forms(request: HttpRequest, incident_id: int) -> HttpResponse:
    """GET: the form of the kind asked (?kind=) and the clerk's last entries; POST: one entry."""
    incident = get_incident(incident_id)
    lang = lang_of(request)
    zone = timezone.get_current_timezone()
    posted = request.method == "POST"
    kind = (request.POST if posted else request.GET).get("kind", "registration")
    if kind not in KINDS:
        if posted:
            return refuse(request, text(request, "bad_request"))
        kind = "registration"
    store = store_path()
    context: dict[str, Any] = {
        "incident": incident,
        "txt": _texts(lang),
        "store": store if store is not None and store.is_file() else None,
        "kinds": [(k, _kind_label(k, lang)) for k in KINDS],
        "kind": kind,
        "kind_label": _kind_label(kind, lang),
        "zone_note": t("crisis_paper.local_times", lang, zone=str(zone)),
    }
    if context["store"] is None:
        return render(request, "crisis/paper_forms.html", context, status=400 if posted else 200)
    assert store is not None
    number, error = "", None
    shown: dict[str, str] = {}
    if posted:
        number = request.POST.get("downtime_id", "").strip()[:_NUMBER_LIMIT]
        data, shown = _typed(request.POST, kind, zone)
        try:
            entry = clerk.record_typed(store, kind, number, data, actor(request), timezone.now())
        except UserError as refused:
            error = refused.in_lang(lang)
        else:
            record(
                request,
                "paper.typed",
                incident,
                {"entry": entry.key, "downtime_id": entry.patient.downtime_id, "kind": entry.kind},
            )
            return redirect(_page_url(incident.id, kind=kind, done=entry.key))
    mine = clerk.typed_by(store, actor(request))
    done = next((seen for seen in mine if seen.key == request.GET.get("done")), None)
    context.update(
        number=number,
        fields=form_fields(kind, shown, lang),
        error=error,
        done=t("crisis_paper.recorded", lang, entry=done.key) if done and not posted else None,
        disagrees=(
            t("crisis_paper.disagrees", lang, number=done.downtime_id)
            if done
            and not posted
            and done.kind == "registration"
            and clerk.registered_otherwise(store, done.downtime_id)
            else None
        ),
        mine=[
            (
                seen.key,
                _kind_label(seen.kind, lang),
                seen.downtime_id,
                seen.recorded_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
            )
            for seen in mine
        ],
    )
    response = render(request, "crisis/paper_forms.html", context, status=400 if error else 200)
    response["Cache-Control"] = "no-store"  # what was typed comes back: never kept by a browser
    return response
