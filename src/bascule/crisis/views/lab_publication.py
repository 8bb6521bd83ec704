"""Publishing the laboratory's menu to the wards from the crisis application (issue 19). The wards'
stations do not know the incident's hits: they show the menu the cell last published, carried by
the next bundle. The Laboratory tab says when it was published and whether it still matches the
hits; publishing records a decision in the cell's log (counts only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse
from bascule.crisis.views.triage import store_path
from bascule.errors import UserError
from bascule.i18n import t
from bascule.incident import cell, reading
from bascule.laboratory.menu import Menu, reduced_menu
from bascule.laboratory.publication import latest_menu, publish_menu


@dataclass(frozen=True, slots=True)
class PublicationShown:
    """What the Laboratory tab says of the menu the wards see."""

    at: str | None  # the day and time, in the hospital's time zone
    by: str
    current: bool
    problem: str = ""


def publication_shown(store: Path, menu: Menu, lang: str, zone: tzinfo) -> PublicationShown:
    try:
        published = latest_menu(store)
    except UserError as error:  # a store missing, unreadable or damaged: said on the page
        return PublicationShown(None, "", False, error.in_lang(lang))
    if published is None:
        return PublicationShown(None, "", False)
    at = published.at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    return PublicationShown(at, published.by, published.matches(menu))


@requires(Action.PUBLISH_LAB_MENU)
def publish_lab_menu(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    lang = lang_of(request)
    store = store_path()
    if store is None:
        return refuse(request, t("crisis.lab_publish_no_store", lang), 400)
    situation = reading.situation(STORE, incident)
    menu = reduced_menu(situation.hospital, situation.impact)
    try:
        publish_menu(store, menu, by=actor(request), at=datetime.now().astimezone())
    except UserError as error:
        return refuse(request, error.in_lang(lang), 400)
    decision = t(
        "crisis.lab_published_decision",
        situation.hospital.hospital.lang,
        on=len(menu.on_menu),
        off=len(menu.off_menu),
    )
    cell.record_decision(STORE, incident.id, actor(request), decision)
    return redirect("crisis:laboratory", incident_id=incident.id)
