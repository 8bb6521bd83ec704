"""One patient's sheet: identity with MRN barcode, allergies and alerts impossible to miss, blood
group, problems, active medications, the 24 h medication chart, the doses of the last 24 h and the
latest lab results (abnormal ones marked with a symbol and in bold, never by colour alone)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from bascule.clinical.records import UNCONFIRMED_ALLERGY, Allergy, Patient
from bascule.i18n import Lang, register, t
from bascule.kits.allergy_warning import chart_conflicts, conflict_box, conflict_mark
from bascule.kits.content import PatientPage, UnitKitContent
from bascule.kits.frame import PatientMark, Styles
from bascule.kits.medication_chart import (
    chart_flowables,
    dose_text,
    line_dose,
    rate_text,
    route_text,
    schedule_text,
    words_markup,
)
from bascule.kits.moments import day, short
from bascule.kits.mrn_label import mrn_flowables
from bascule.kits.results_table import results_table
from bascule.kits.tables import banner, grid_table, text

register(
    "kit_identity",
    {
        "no_mrn": {
            "fr": "PAS D'IPP — identifier par le nom et la date de naissance",
            "en": "NO MRN — identify by name and date of birth",
        },
        "severe_reaction": {"fr": "réaction sévère", "en": "severe reaction"},
        "unconfirmed": {"fr": "non confirmée", "en": "unconfirmed"},
    },
)


def display_name(family: str, given: str) -> str:
    return f"{family.upper()} {given}".strip()


def full_name(patient: Patient) -> str:
    """ "Mr DUPONT Jean Jr": the prefix and suffix with the name (a suffix tells father from son)."""
    return " ".join(
        part for part in (patient.prefix, display_name(patient.family, patient.given), patient.suffix) if part
    )


def age_text(age: int | None, lang: Lang) -> str:
    return t("kits.years", lang, age=age) if age is not None else t("kits.unknown", lang)


def sex_text(sex: str, lang: Lang) -> str:
    return t(f"kits.sex_{sex}", lang) if sex in ("female", "male", "other") else t("kits.sex_unknown", lang)


def bed_text(room: str | None, bed: str | None) -> str:
    if room and bed and not bed.startswith(room):
        return f"{room} / {bed}"
    return bed or room or "—"


def patient_flowables(
    page: PatientPage, content: UnitKitContent, styles: Styles, lang: Lang, width: float
) -> list[Flowable]:
    chart, entry = page.chart, page.entry
    zone = content.zone
    name = display_name(chart.patient.family, chart.patient.given)
    bed = bed_text(entry.room, entry.bed)
    parts: list[Flowable] = [PageBreak(), PatientMark(name, chart.patient.mrn, bed if bed != "—" else None)]
    parts.append(_identity(page, styles, lang, width, zone))
    parts.append(Spacer(0, 2.5 * mm))
    parts.append(_allergies(chart.allergies, styles, lang, width))
    clashes = chart_conflicts(chart)
    if clashes:
        parts.append(Spacer(0, 1.5 * mm))
        parts.append(conflict_box(clashes, styles, lang, width))
    if chart.alerts:
        parts.append(Spacer(0, 1.5 * mm))
        alerts = " · ".join(text(alert.text) for alert in chart.alerts)
        mark = styles.faces.mark("⚠ ", "")
        parts.append(banner(f"{mark}{text(t('kits.alerts', lang))} : {alerts}", styles, width, inverted=True))
    problems = ", ".join(text(problem.label) for problem in chart.problems if problem.status == "active")
    parts.append(Paragraph(text(t("kits.problems", lang)), styles.heading))
    parts.append(Paragraph(problems or text(t("kits.none_recorded", lang)), styles.body))
    flagged = frozenset(clash.order.id for clash in clashes)
    parts.append(_medications(page, styles, lang, width, zone, flagged))
    parts.extend(chart_flowables(page, content.chart_start, zone, styles, lang, width))
    parts.append(_administrations(page, styles, lang, width, zone))
    parts.append(results_table(chart.results, styles, lang, width, zone))
    return parts


def _identity(page: PatientPage, styles: Styles, lang: Lang, width: float, zone: tzinfo) -> Table:
    patient, entry, chart = page.chart.patient, page.entry, page.chart
    born = (
        t("kits.born", lang, date=day(patient.birth_date), age=age_text(entry.age, lang))
        if patient.birth_date
        else f"{t('kits.born', lang, date='?', age=t('kits.unknown', lang))}"
    )
    attending = chart.attending.display_name if chart.attending else (entry.attending or "—")
    admitted = short(entry.admitted_at, zone) if entry.admitted_at else "—"
    left = [
        Paragraph(text(full_name(patient)), styles.title),
        Paragraph(
            f"{text(born)} · {text(t('kits.sex', lang))} <b>{text(sex_text(patient.sex, lang))}</b>",
            styles.body,
        ),
        Paragraph(
            f"{text(t('kits.bed', lang))} <b>{text(bed_text(entry.room, entry.bed))}</b> · "
            f"{text(t('kits.admitted', lang))} {text(admitted)}",
            styles.body,
        ),
        Paragraph(f"{text(t('kits.attending', lang))} : {text(attending)}", styles.body),
    ]
    national_label = t(f"kits.national_{patient.national_system or 'other'}", lang)
    national = patient.national_number or t("kits.national_none", lang)
    right: list[Any]
    if patient.mrn:
        right = mrn_flowables(patient.mrn, styles, lang, width * 0.42 - 12)
    else:  # never a barcode of something else (the FHIR id): a label scanned must be the MRN
        right = [banner(text(t("kit_identity.no_mrn", lang)), styles, width * 0.42 - 12, inverted=True)]
    right.append(Paragraph(f"{text(national_label)} : {text(national)}", styles.body))
    blood = chart.blood_group or entry.blood_group
    blood_markup = (
        f"{text(t('kits.blood_group', lang))} <font size=20>{text(blood)}</font>"
        if blood
        else f"{text(t('kits.blood_group', lang))} : {text(t('kits.blood_unknown', lang))}"
    )
    right.append(Paragraph(blood_markup, styles.blood))
    table = Table([[left, right]], colWidths=[width * 0.58, width * 0.42])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("LINEBEFORE", (1, 0), (1, 0), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _allergy_text(allergy: Allergy, lang: Lang) -> str:
    severe = t("kit_identity.severe_reaction", lang) if allergy.severity == "severe" else None
    doubt = t("kit_identity.unconfirmed", lang) if allergy.verification in UNCONFIRMED_ALLERGY else None
    details = [
        part for part in (doubt, allergy.reaction, severe, _criticality(allergy.criticality, lang)) if part
    ]
    return f"<b>{text(allergy.substance)}</b>" + (f" ({text(', '.join(details))})" if details else "")


def _criticality(value: str | None, lang: Lang) -> str | None:
    if value == "high":
        return "RISQUE ÉLEVÉ" if lang == "fr" else "HIGH RISK"
    return None


def _allergies(allergies: tuple[Allergy, ...], styles: Styles, lang: Lang, width: float) -> Table:
    if not allergies:
        return banner(text(t("kits.no_allergy", lang)), styles, width, inverted=False)
    mark = styles.faces.mark("⚠ ", "")
    listed = " · ".join(_allergy_text(allergy, lang) for allergy in allergies)
    return banner(f"{mark}{text(t('kits.allergies', lang))} : {listed}", styles, width, inverted=True)


def _medications(
    page: PatientPage, styles: Styles, lang: Lang, width: float, zone: tzinfo, flagged: frozenset[str]
) -> Flowable:
    """One row per dose line, each naming its drug: the dose (a range in full), route, when (or
    "schedule: see prescription"), and the prescriber's words under the drug, verbatim."""
    heading = Paragraph(text(t("kits.medications", lang)), styles.heading)
    if not page.chart.orders:
        return KeepTogether([heading, Paragraph(text(t("kits.none_recorded", lang)), styles.body)])
    mark = conflict_mark(styles)
    rows: list[list[object]] = []
    extra: list[tuple[Any, ...]] = []
    for order in page.chart.orders:
        for line in order.dose_lines:
            index = len(rows) + 1
            words = words_markup(line)
            flagged_order = order.id in flagged
            name = f"<b>{text(mark) + ' ' if flagged_order else ''}{text(order.drug)}</b>"
            style = styles.cell_inverted if flagged_order else styles.cell
            schedule = schedule_text(line, lang, zone)
            rows.append(
                [
                    Paragraph(name + (f"<br/>{words}" if words else ""), style),
                    line_dose(line, lang),
                    " · ".join(part for part in (route_text(line.route, lang), line.method or "") if part),
                    Paragraph(f"<b>{text(schedule)}</b>", styles.cell)
                    if line.kind != "scheduled"
                    else schedule,
                    day(order.start.astimezone(zone).date()) if order.start else "",
                ]
            )
            if flagged_order:  # white on black and framed thick, besides its sign
                extra.append(("BACKGROUND", (0, index), (0, index), colors.black))
                extra.append(("BOX", (0, index), (-1, index), 2.5, colors.black))
    widths = [width * 0.34, width * 0.13, width * 0.11, width * 0.27, width * 0.15]
    heading_row = [t(f"kits.col_{c}", lang) for c in ("drug", "dose", "route", "schedule", "since")]
    table = grid_table(heading_row, rows, widths, styles, extra=extra)
    return KeepTogether([heading, table])


def _administrations(page: PatientPage, styles: Styles, lang: Lang, width: float, zone: tzinfo) -> Flowable:
    heading = Paragraph(text(t("kits.given_title", lang)), styles.heading)
    given = page.chart.administrations
    if not given:
        return KeepTogether([heading, Paragraph(text(t("kits.given_none", lang)), styles.body)])
    rows = []
    for item in given:
        drug = " · ".join(
            part for part in (item.drug, item.dosage_text and f"« {item.dosage_text} »") if part
        )
        amount = (dose_text(item.dose_value, item.dose_unit), rate_text(item.rate_value, item.rate_unit))
        rows.append(
            [
                short(item.given_at, zone),
                drug,
                " · ".join(part for part in amount if part),
                route_text(item.route, lang),
                _status(item.status, item.status_reason, lang),
            ]
        )
    widths = [width * 0.14, width * 0.40, width * 0.14, width * 0.12, width * 0.20]
    heading_row = [t(f"kits.col_{c}", lang) for c in ("time", "drug", "dose", "route", "status")]
    return KeepTogether([heading, grid_table(heading_row, rows, widths, styles)])


_STATUSES = {
    "completed": {"fr": "donné", "en": "given"},
    "not-done": {"fr": "NON DONNÉ", "en": "NOT GIVEN"},
    "in-progress": {"fr": "en cours", "en": "running"},
    "stopped": {"fr": "arrêté", "en": "stopped"},
    "on-hold": {"fr": "suspendu", "en": "on hold"},
}


def _status(status: str, reason: str | None, lang: Lang) -> str:
    if status == "not-done" and reason:
        return t("kits.not_given_because", lang, reason=reason)
    shown = _STATUSES.get(status, {}).get(lang, status)
    return f"{shown} ({reason})" if reason else shown
