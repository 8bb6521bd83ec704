"""The laboratory's page (issue 19): the reduced menu under the incident's hits, as `bascule lab
menu` prints it, so the cell and the wards' coordinators see which tests still run, by whom and how
many a day, and why the others do not. It polls and follows every hit declared or lifted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from bascule.crisis.repository import STORE
from bascule.crisis.views.common import get_incident, lang_of, render_live
from bascule.hospital.naming import label_of
from bascule.incident import reading
from bascule.laboratory.menu import reduced_menu


def laboratory(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    lang = lang_of(request)

    def build() -> dict[str, Any]:
        now = reading.situation(STORE, incident)
        menu = reduced_menu(now.hospital, now.impact)

        def row(line: Any) -> dict[str, Any]:
            return {
                "line": line,
                "runners": [label_of(now.hospital, runner) for runner in line.runners_up],
                "why": line.why(lang),
            }

        return {
            "described": bool(menu.lines),
            "restricted": menu.restricted,
            "on_menu": [row(line) for line in menu.on_menu],
            "off_menu": [row(line) for line in menu.off_menu],
        }

    return render_live(request, incident, "crisis/laboratory.html", "crisis/laboratory_live.html", build)
