"""The laboratory's page (issue 19): the reduced menu under the incident's hits, as `bascule lab
menu` prints it, so the cell and the wards' coordinators see which tests still run, by whom and how
many a day, and why the others do not; and, when the crisis app has the continuity store
(BASCULE_CRISIS_STORE), the blood bank's stock against its thresholds, the national supply alert
and the one-page sheet for the cell and the blood supplier. It polls and follows every hit
declared or lifted and every write to the store."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse

from bascule.crisis.repository import STORE
from bascule.crisis.roles import Action, allowed
from bascule.crisis.views.common import get_incident, lang_of, refuse, render_live
from bascule.crisis.views.lab_publication import publication_shown
from bascule.crisis.views.triage import store_path
from bascule.downtime.side_store import store_version
from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of
from bascule.i18n import Lang
from bascule.incident import reading
from bascule.laboratory.blood import bank
from bascule.laboratory.blood.alerts import level_name
from bascule.laboratory.blood.sheet import line_name, write_blood_sheet
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.samples import log as sample_log
from bascule.laboratory.samples.sample import Sample

# What the pages show from the continuity store; each table grows with every change (a change of a
# blood unit's or a sample's state is a new row, a result confirmed a new non-empty confirmation).
LABORATORY_TABLES = (
    "blood_units",
    "blood_movements",
    "blood_alerts",
    "lab_samples",
    "lab_sample_events",
    "lab_runs",
    "lab_runs.departed_at",
    "lab_runs.received_at",
    "lab_downtime_results",
    "lab_downtime_results.confirmed_by",
    "lab_menus",
)


def laboratory_version(store: Path | None) -> str:
    """The live key's part for the continuity store: its laboratory rows, and the minute, since a
    sample becomes late by the clock alone. Empty without a store."""
    if store is None:
        return ""
    return f"{store_version(store, LABORATORY_TABLES)}.{int(time.time() // 60)}"


def samples_summary(store: Path, hospital: HospitalMap, *, listed: bool) -> dict[str, Any]:
    """The samples not resulted `late_after_hours` after collection and those lost in transport
    (counts for the board; `listed`: each of them, by number, for the laboratory's page). Ids only:
    the patient reference is not shown here."""
    try:
        late = sample_log.late_samples(store, hospital, datetime.now(UTC))
        lost = sample_log.lost_in_transport(store)
    except UserError as error:
        return {"problem": str(error)}
    zone = hospital.hospital.zone()

    def row(sample: Sample) -> dict[str, Any]:
        return {
            "number": sample.number,
            "test": hospital.laboratory.test_name(sample.test),
            "unit": sample.unit,
            "state": sample.state,
            "lab": label_of(hospital, sample.lab) if sample.lab else "",
            "collected_at": sample.collected_at.astimezone(zone),
        }

    return {
        "hours": f"{hospital.laboratory.late_after_hours:g}",
        "late_count": len(late),
        "lost_count": len(lost),
        "late": [row(s) for s in sorted(late, key=lambda s: s.collected_at)] if listed else [],
        "lost": [row(s) for s in lost] if listed else [],
    }


def laboratory(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_incident(incident_id)
    lang = lang_of(request)
    store = store_path()

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
            "publication": publication_shown(store, menu, lang, now.hospital.hospital.zone())
            if store is not None
            else None,
            "may_publish": allowed(getattr(request.user, "role", ""), Action.PUBLISH_LAB_MENU),
            "blood": _blood(store, now.hospital, lang) if store is not None else None,
            "samples": samples_summary(store, now.hospital, listed=True) if store is not None else None,
        }

    page, live = "crisis/laboratory.html", "crisis/laboratory_live.html"
    return render_live(request, incident, page, live, build, also=laboratory_version(store))


def _blood(store: Path, hospital: HospitalMap, lang: Lang) -> dict[str, Any]:
    try:
        report = bank.stock_report(store, hospital.laboratory.blood_bank, datetime.now(UTC))
    except UserError as error:  # the store configured is missing or unreadable: said on the page
        return {"problem": str(error)}
    zone = hospital.hospital.zone()
    level = report.alert.level if report.alert else "normal"
    return {
        "level": level,
        "level_name": level_name(level, lang),
        "lines": [
            {
                "key": line.key,
                "name": line_name(line.component, line.group, lang),
                "units": line.units,
                "expiry": line.soonest_expiry.astimezone(zone) if line.soonest_expiry else None,
                "threshold": line.threshold,
                "days": line.days_of_stock,
                "below": line.below_threshold,
            }
            for line in report.lines
        ],
        "shortfalls": [
            {"name": line_name(component, None, lang), "units": units, "threshold": threshold}
            for component, (units, threshold) in report.component_shortfalls.items()
        ],
        "emergency_negative": report.emergency_issues.get("O-", 0),
        "emergency_positive": report.emergency_issues.get("O+", 0),
    }


def blood_sheet(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The blood bank's one-page sheet as PDF (counts only, no patient)."""
    incident = get_incident(incident_id)
    lang = lang_of(request)
    store = store_path()
    if store is None:
        return HttpResponse(status=404)
    hospital = reading.incident_map(incident)
    policy = hospital.laboratory.blood_bank
    try:
        report = bank.stock_report(store, policy, datetime.now(UTC))
    except UserError as error:
        return refuse(request, str(error), status=404)
    supplier = next((s for s in hospital.suppliers if s.id == policy.supplier), None)
    with tempfile.TemporaryDirectory(prefix="bascule-blood-") as folder:
        target = Path(folder) / "blood-sheet.pdf"
        write_blood_sheet(report, supplier, target, lang, hospital.hospital.zone())
        content = target.read_bytes()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="blood-sheet.pdf"'
    response["Cache-Control"] = "no-store"
    return response
