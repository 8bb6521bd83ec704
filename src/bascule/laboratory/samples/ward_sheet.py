"""The ward's printed results sheet (issue 19), written atomically and privately: it carries
patient references (the ward's own paper), never a critical value before its second person.

A4, titled with the unit's name and the time printed, numbered "page 1/2" when it needs more than
one page. Per patient reference, each released result: test, value and unit, flag (a critical
value in bold with ✱), when resulted, channel (laboratory, or phone read back), who confirmed it.
Below each patient, and at the foot, the count of critical values awaiting confirmation with the
instruction to call the laboratory. Drawn with the manifests' helpers (labels.py, kits fonts).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bascule.durable import PRIVATE, durable_temp, put_in_place
from bascule.i18n import Lang, register, t
from bascule.kits.fonts import typefaces
from bascule.laboratory.samples.labels import clock, fitted
from bascule.laboratory.samples.results import Result
from bascule.laboratory.samples.ward import PatientResults, WardResults
from bascule.laboratory.texts import channel_name, flag_name

register(
    "ward_sheet",
    {
        "title": {
            "fr": "{unit} : résultats de laboratoire (mode dégradé)",
            "en": "{unit}: laboratory results (downtime)",
        },
        "printed": {"fr": "Imprimé le {time}", "en": "Printed {time}"},
        "page": {"fr": "page {page}/{pages}", "en": "page {page}/{pages}"},
        "head": {
            "fr": "Examen|Valeur|Indicateur|Rendu|Canal|Confirmé par",
            "en": "Test|Value|Flag|Resulted|Channel|Confirmed by",
        },
        "patient": {
            "fr": "Patient (IPP / n° de secours) : {ref}",
            "en": "Patient (MRN / downtime no.): {ref}",
        },
        "patient_named": {
            "fr": "{family} {given}, né(e) le {born} — IPP {ref}",
            "en": "{family} {given}, born {born} — MRN {ref}",
        },
        "amended": {"fr": "{value} (corrigé)", "en": "{value} (amended)"},
        "awaiting_patient": {
            "fr": "{count} valeur(s) critique(s) en attente de confirmation : appelez le laboratoire.",
            "en": "{count} critical value(s) awaiting confirmation: call the laboratory.",
        },
        "awaiting_total": {
            "fr": "En tout, {count} résultat(s) en attente de confirmation : appelez le laboratoire.",
            "en": "In all, {count} result(s) awaiting confirmation: call the laboratory.",
        },
        "none": {"fr": "Aucun résultat rendu pour cette unité.", "en": "No result released for this unit."},
    },
)

MARGIN = 15 * mm
ROW = 5.5 * mm
PATIENT_ROW = 8 * mm
# Where each column starts, from the left margin: test, value, flag, resulted, channel, confirmed by.
COLUMNS = (0, 58 * mm, 92 * mm, 115 * mm, 135 * mm, 160 * mm)
WIDTHS = (56 * mm, 32 * mm, 21 * mm, 19 * mm, 24 * mm, 20 * mm)
_TOP = A4[1] - MARGIN - 24 * mm  # the first line under the page's header
_BOTTOM = MARGIN + 10 * mm

LineKind = Literal["patient", "result", "awaiting", "total", "none"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the sheet: a patient's heading, one of their results, their awaiting count, or
    the foot."""

    kind: LineKind
    patient: PatientResults | None = None
    result: Result | None = None
    count: int = 0

    @property
    def height(self) -> float:
        return float(PATIENT_ROW if self.kind in ("patient", "total") else ROW)


def sheet_lines(ward: WardResults) -> list[Line]:
    lines: list[Line] = []
    for patient in ward.patients:
        lines.append(Line("patient", patient))
        lines.extend(Line("result", patient, result) for result in patient.released)
        if patient.awaiting_confirmation:
            lines.append(Line("awaiting", patient, count=patient.awaiting_confirmation))
    if not ward.released_count:
        lines.append(Line("none"))
    lines.append(Line("total", count=ward.awaiting_confirmation))
    return lines


def paginated(lines: list[Line]) -> list[list[Line]]:
    """The lines cut into pages; a patient's heading never ends a page alone."""
    pages: list[list[Line]] = [[]]
    y = _TOP
    for index, line in enumerate(lines):
        following = lines[index + 1].height if line.kind == "patient" and index + 1 < len(lines) else 0.0
        if pages[-1] and y - line.height - following < _BOTTOM:
            pages.append([])
            y = _TOP
        pages[-1].append(line)
        y -= line.height
    return pages


def write_ward_sheet(
    ward: WardResults,
    unit_name: str,
    test_names: Mapping[str, str],
    printed_at: datetime,
    target: Path,
    lang: Lang,
    zone: tzinfo | None = None,
) -> int:
    """Write the sheet of `ward` to `target` (PDF); return the page count."""
    pages = paginated(sheet_lines(ward))
    with durable_temp(target, PRIVATE) as (stream, temp):
        canvas = Canvas(stream, pagesize=A4)
        title = t("ward_sheet.title", lang, unit=unit_name)
        canvas.setTitle(title)
        for number, page in enumerate(pages, start=1):
            _header(canvas, title, printed_at, number, len(pages), lang, zone)
            y = _TOP
            for line in page:
                _draw(canvas, line, y, test_names, lang, zone)
                y -= line.height
            canvas.showPage()
        canvas.save()
    put_in_place(temp, target)
    return len(pages)


def _header(
    canvas: Canvas, title: str, printed_at: datetime, page: int, pages: int, lang: Lang, zone: tzinfo | None
) -> None:
    faces = typefaces()
    width, height = A4
    size, lines = fitted(title, faces.bold, width - 2 * MARGIN, 14)
    canvas.setFont(faces.bold, size)
    canvas.drawString(MARGIN, height - MARGIN, lines[0] if len(lines) == 1 else title)
    canvas.setFont(faces.regular, 10)
    printed = printed_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
    canvas.drawString(MARGIN, height - MARGIN - 7 * mm, t("ward_sheet.printed", lang, time=printed))
    canvas.drawRightString(
        width - MARGIN, height - MARGIN - 7 * mm, t("ward_sheet.page", lang, page=page, pages=pages)
    )
    for offset, room, label in zip(COLUMNS, WIDTHS, t("ward_sheet.head", lang).split("|"), strict=True):
        size, _ = fitted(label, faces.bold, room, 8.5)
        canvas.setFont(faces.bold, size)
        canvas.drawString(MARGIN + offset, height - MARGIN - 16 * mm, label)
    canvas.line(MARGIN, height - MARGIN - 18 * mm, width - MARGIN, height - MARGIN - 18 * mm)


def _cells(result: Result, names: Mapping[str, str], lang: Lang, zone: tzinfo | None) -> tuple[str, ...]:
    faces = typefaces()
    value = f"{result.current_value} {result.current_unit}".strip()
    if result.amendments:
        value = t("ward_sheet.amended", lang, value=value)
    flag = flag_name(result.current_flag, lang)
    if result.current_flag == "critical":
        flag = f"{faces.mark('✱', '*')} {flag}"
    resulted = result.amendments[-1].at if result.amendments else result.entered_at
    return (
        names.get(result.test) or result.test,
        value,
        flag,
        clock(resulted, zone),
        channel_name(result.channel, lang),
        result.confirmed_by or "—",
    )


def _patient_title(patient: PatientResults, lang: Lang) -> str:
    if not patient.family:
        return t("ward_sheet.patient", lang, ref=patient.patient)
    born = patient.born or "?"
    with contextlib.suppress(ValueError):
        day = date.fromisoformat(born)
        born = day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()
    return t(
        "ward_sheet.patient_named",
        lang,
        family=patient.family.upper(),
        given=patient.given,
        born=born,
        ref=patient.patient,
    )


def _draw(
    canvas: Canvas, line: Line, y: float, names: Mapping[str, str], lang: Lang, zone: tzinfo | None
) -> None:
    faces = typefaces()
    room = A4[0] - 2 * MARGIN
    if line.kind == "patient" and line.patient is not None:
        text = _patient_title(line.patient, lang)
        size, lines = fitted(text, faces.bold, room, 10.5)
        canvas.setFont(faces.bold, size)
        for row, part in enumerate(lines):
            canvas.drawString(MARGIN, y - 2 * mm - row * 2.5 * mm, part)
    elif line.kind == "result" and line.result is not None:
        critical = line.result.current_flag == "critical"
        for offset, width, cell in zip(COLUMNS, WIDTHS, _cells(line.result, names, lang, zone), strict=True):
            face = faces.bold if critical and offset in COLUMNS[1:3] else faces.regular
            size, lines = fitted(cell, face, width, 8.5)
            canvas.setFont(face, size)
            for row, part in enumerate(lines):
                canvas.drawString(MARGIN + offset, y - row * 2.2 * mm, part)
    elif line.kind == "awaiting":
        canvas.setFont(faces.bold, 8.5)
        sign = faces.mark("⚠", "!")
        canvas.drawString(
            MARGIN + 3 * mm, y, f"{sign} {t('ward_sheet.awaiting_patient', lang, count=line.count)}"
        )
    elif line.kind == "none":
        canvas.setFont(faces.regular, 9)
        canvas.drawString(MARGIN, y, t("ward_sheet.none", lang))
    elif line.kind == "total":
        canvas.setFont(faces.bold, 10)
        canvas.drawString(MARGIN, y - 3 * mm, t("ward_sheet.awaiting_total", lang, count=line.count))
