"""What the station shows of one patient, in the order a nurse reads it: allergies first, blood
group, alerts, the drugs to give (dose, route, when), the doses of the next 24 hours, the results
of the last 72 hours with their flags and trends, problems, the attending.

Pure: built from the chart the store gives (active allergies and alerts only, active orders only,
nothing entered in error), shared by the HTML page and the JSON API so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bascule.clinical.allergy_conflicts import conflicts
from bascule.clinical.records import UNCONFIRMED_ALLERGY, LabResult, MedicationOrder
from bascule.clinical.views import Chart, DoseDue
from bascule.i18n import Lang
from bascule.kits.allergy_warning import conflict_sentence
from bascule.kits.medication_chart import line_dose, route_text, schedule_text
from bascule.kits.results_table import range_cell, value_text
from bascule.lookup.index import PatientCard

RESULTS_WINDOW = timedelta(hours=72)
DOSES_AHEAD = timedelta(hours=24)


@dataclass(frozen=True)
class AllergyShown:
    substance: str
    criticality: str | None
    reaction: str | None
    unconfirmed: bool
    severe: bool


@dataclass(frozen=True)
class MedicationShown:
    order_id: str
    name: str
    dose: str
    route: str
    schedule: str
    as_needed: bool
    instructions: str | None
    conflict: str | None  # the allergy clash in words, when a recorded allergy rules the drug out


@dataclass(frozen=True)
class DoseShown:
    due_at: datetime
    name: str
    dose: str
    route: str
    given_at: datetime | None


@dataclass(frozen=True)
class ResultShown:
    code: str
    name: str
    value: float | str | None
    shown: str  # the value as the kits print it ("<0.01 mg/L", "Positive (preliminary)")
    unit: str | None
    flag: str | None
    time: datetime
    range: str
    trend: str | None  # "up", "down", "same", against the previous value of the same test
    previous: str | None


@dataclass(frozen=True)
class DowntimeResultShown:
    """A result the laboratory gave while its system was down (issue 19): released ones only."""

    sample: str
    test: str
    value: str
    unit: str
    flag: str
    time: datetime
    by_phone: bool
    confirmed_by: str | None


@dataclass(frozen=True)
class PatientShown:
    card: PatientCard
    sex: str
    age: int | None
    blood_group: str | None
    allergies: tuple[AllergyShown, ...]
    alerts: tuple[str, ...]
    medications: tuple[MedicationShown, ...]
    doses: tuple[DoseShown, ...]
    results: tuple[ResultShown, ...]  # every result of the window, newest first
    latest: tuple[ResultShown, ...]  # the newest of each test, abnormal first, then by name
    problems: tuple[str, ...]
    attending: str | None
    admitted_at: datetime | None
    downtime_results: tuple[DowntimeResultShown, ...] = ()
    awaiting_confirmation: int = 0  # critical values entered, not yet confirmed: not shown


def _current(order: MedicationOrder, at: datetime) -> bool:
    return order.is_to_give and (order.end is None or order.end > at)


def _medications(chart: Chart, at: datetime, lang: Lang, zone: tzinfo) -> tuple[MedicationShown, ...]:
    clashes = {
        clash.order.id: conflict_sentence(clash, lang) for clash in conflicts(chart.allergies, chart.orders)
    }
    shown = []
    for order in sorted(chart.orders, key=lambda o: o.drug.lower()):
        if not _current(order, at):
            continue
        for line in order.dose_lines:
            shown.append(
                MedicationShown(
                    order.id,
                    order.drug,
                    line_dose(line, lang),
                    " · ".join(part for part in (route_text(line.route, lang), line.method or "") if part),
                    schedule_text(line, lang, zone),
                    line.kind == "as_needed",
                    line.text,
                    clashes.get(order.id),
                )
            )
    return tuple(shown)


def _doses(doses: list[DoseDue], lang: Lang) -> tuple[DoseShown, ...]:
    return tuple(
        DoseShown(
            dose.due_at,
            dose.order.drug,
            line_dose(dose.line, lang),
            route_text(dose.line.route, lang),
            dose.given_at,
        )
        for dose in sorted(doses, key=lambda d: (d.due_at, d.order.drug.lower()))
    )


def _trend(newest: LabResult, previous: LabResult | None) -> str | None:
    if previous is None or newest.value is None or previous.value is None or newest.unit != previous.unit:
        return None
    if newest.value > previous.value:
        return "up"
    if newest.value < previous.value:
        return "down"
    return "same"


def _results(
    chart: Chart, at: datetime, lang: Lang
) -> tuple[tuple[ResultShown, ...], tuple[ResultShown, ...]]:
    recent = sorted(
        (r for r in chart.results if r.effective_at >= at - RESULTS_WINDOW),
        key=lambda r: (r.effective_at, r.code),
        reverse=True,
    )
    by_code: dict[str, list[LabResult]] = {}
    for result in recent:
        by_code.setdefault(result.code, []).append(result)
    every: list[ResultShown] = []
    newest: list[ResultShown] = []
    for series in by_code.values():
        for position, result in enumerate(series):
            before = series[position + 1] if position + 1 < len(series) else None
            value: float | str | None = result.value if result.value is not None else result.value_text
            shown = ResultShown(
                result.code,
                result.label,
                value,
                value_text(result, lang),
                result.unit,
                result.flag,
                result.effective_at,
                range_cell(result),
                _trend(result, before),
                value_text(before, lang) if before is not None else None,
            )
            every.append(shown)
            if position == 0:
                newest.append(shown)
    every.sort(key=lambda r: (r.time, r.code), reverse=True)
    newest.sort(key=lambda r: (r.flag in (None, "N"), r.name.lower()))
    return tuple(every), tuple(newest)


def patient_shown(
    card: PatientCard, chart: Chart, doses: list[DoseDue], at: datetime, lang: Lang, zone: tzinfo
) -> PatientShown:
    """`at`: the bundle's data time (what was current then is what the copy knows)."""
    everything, latest = _results(chart, at, lang)
    attending = chart.attending.display_name if chart.attending else None
    if attending is None and chart.stay is not None:
        attending = chart.stay.attending_display
    return PatientShown(
        card=card,
        sex=chart.patient.sex,
        age=chart.patient.age_at(at),
        blood_group=chart.blood_group,
        allergies=tuple(
            AllergyShown(
                a.substance,
                a.criticality,
                a.reaction,
                a.verification in UNCONFIRMED_ALLERGY,
                a.severity == "severe",
            )
            for a in chart.allergies
        ),
        alerts=tuple(alert.text for alert in chart.alerts),
        medications=_medications(chart, at, lang, zone),
        doses=_doses(doses, lang),
        results=everything,
        latest=latest,
        problems=tuple(p.label for p in chart.problems if p.status == "active"),
        attending=attending,
        admitted_at=chart.stay.admitted_at if chart.stay else None,
    )


def iso(moment: datetime | None, zone: tzinfo) -> str | None:
    """ISO 8601 with the hospital's offset, as the API promises."""
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment is not None else None


def card_json(card: PatientCard, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": card.id,
        "family": card.family,
        "given": card.given,
        "birth_date": card.birth_date.isoformat() if card.birth_date else None,
        "mrn": card.mrn,
        "unit": card.unit_id,
        "bed": card.bed,
        "room": card.room,
        "unit_name": card.unit_name,
        "in_census": card.in_census,
        "discharged_at": iso(card.last_stay_end, zone),
        "last_unit_name": card.last_unit_name,
    }


def patient_json(shown: PatientShown, zone: tzinfo) -> dict[str, Any]:
    data = card_json(shown.card, zone)
    data.update(
        {
            "blood_group": shown.blood_group,
            "allergies": [
                {
                    "substance": a.substance,
                    "criticality": a.criticality,
                    "reaction": a.reaction,
                    "unconfirmed": a.unconfirmed,
                }
                for a in shown.allergies
            ],
            "alerts": list(shown.alerts),
            "medications": [
                {
                    "name": m.name,
                    "dose": m.dose,
                    "route": m.route,
                    "schedule": m.schedule,
                    "as_needed": m.as_needed,
                    "allergy_conflict": m.conflict,
                }
                for m in shown.medications
            ],
            "next_doses": [
                {
                    "time": iso(d.due_at, zone),
                    "name": d.name,
                    "dose": d.dose,
                    "route": d.route,
                    "given_at": iso(d.given_at, zone),
                }
                for d in shown.doses
            ],
            "results": [
                {
                    "name": r.name,
                    "code": r.code,
                    "value": r.value,
                    "unit": r.unit,
                    "flag": r.flag,
                    "time": iso(r.time, zone),
                    "trend": r.trend,
                }
                for r in shown.results
            ],
            "problems": list(shown.problems),
            "attending": shown.attending,
        }
    )
    return data
