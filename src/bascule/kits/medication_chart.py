"""The medication administration chart (MAR) of one patient for the next 24 h: one row per scheduled
dose line, one column per time a dose is due, a box to initial where a dose is due and grey elsewhere.
Dose lines that cannot be placed in time are printed as written under "schedule: see prescription",
and as-needed lines with their reason and maximum dose; both get blank boxes for time, dose and
initials. The prescriber's own words (`text`, patient instruction) are always printed."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from bascule.clinical.dosage import DoseLine
from bascule.clinical.records import MedicationOrder
from bascule.i18n import Lang, t
from bascule.kits.allergy_warning import chart_conflicts, conflict_mark
from bascule.kits.content import PatientPage
from bascule.kits.frame import GREY, Styles
from bascule.kits.moments import clock, day, short
from bascule.kits.tables import PADDING, grid_table, text

DRUG_COLUMN: float = 62 * mm
MAX_TIME_COLUMNS = 8
BOX_HEIGHT: float = 12 * mm
TIME_COLUMN = 21 * mm


_ROUTES = {
    "oral": {"fr": "per os", "en": "oral"},
    "intravenous": {"fr": "IV", "en": "IV"},
    "subcutaneous": {"fr": "SC", "en": "SC"},
    "intramuscular": {"fr": "IM", "en": "IM"},
    "inhaled": {"fr": "inhalé", "en": "inhaled"},
    "topical": {"fr": "cutané", "en": "topical"},
    "rectal": {"fr": "rectal", "en": "rectal"},
    "sublingual": {"fr": "sublingual", "en": "sublingual"},
}


# SNOMED CT route codes, for a source that sends the code without its display (Cerner/Oracle).
_ROUTE_CODES = {
    "26643006": "oral",
    "47625008": "intravenous",
    "34206005": "subcutaneous",
    "78421000": "intramuscular",
    "447694001": "inhaled",
    "6064005": "topical",
    "37161004": "rectal",
    "37839007": "sublingual",
}


def route_text(route: str | None, lang: Lang) -> str:
    """The route as a ward writes it ("per os", "IV"); an unknown route as the source wrote it."""
    key = (route or "").lower().removesuffix(" route")
    return _ROUTES.get(_ROUTE_CODES.get(key, key), {}).get(lang, route or "")


def _unit(unit: str | None) -> str:
    return "µg" if unit == "ug" else (unit or "")


def dose_text(value: float | None, unit: str | None, high: float | None = None) -> str:
    """ "40 mg"; a range with both ends, never its low alone: "1–2 tablet"."""
    if value is None and high is None:
        return ""
    amount = f"{value:g}" if high is None else f"{value if value is not None else 0:g}–{high:g}"
    return f"{amount} {_unit(unit)}".strip()


def rate_text(value: float | None, unit: str | None) -> str:
    return "" if value is None else f"{value:g} {unit or ''}".strip()


def line_dose(line: DoseLine, lang: Lang) -> str:
    """The dose and, for an infusion, its rate: "500 mL · 125 mL/h". A dose the source sent without
    its unit (Synthea writes "1.0") says so: "1" alone could be a tablet or a gram."""
    dose = dose_text(line.dose_low, line.dose_unit, line.dose_high)
    if dose and not line.dose_unit:
        dose = t("kits.dose_without_unit", lang, dose=dose)
    parts = [
        dose,
        rate_text(line.rate_value, line.rate_unit),
    ]
    return " · ".join(part for part in parts if part)


def _weekdays(line: DoseLine, lang: Lang) -> str:
    names = t("kits.weekday_names", lang).split()
    return ", ".join(names[number - 1] for number in line.weekdays)


def _max_dose(line: DoseLine, lang: Lang) -> str:
    if line.max_dose_value is None:
        return ""
    period = dose_text(line.max_period_value, line.max_period_unit) or "?"
    return t("kits.max_dose", lang, dose=dose_text(line.max_dose_value, line.max_dose_unit), period=period)


def schedule_text(line: DoseLine, lang: Lang, zone: tzinfo) -> str:
    """When the line is given, in the ward's words: "08:00, 20:00", "08:00 · every 2 days",
    "as needed: pain · max 4 g per 24 h", "schedule: see prescription · 1×/36 h"."""
    if line.kind == "as_needed":
        reason = line.as_needed_reason
        parts = [t("kits.as_needed_for", lang, reason=reason) if reason else t("kits.as_needed", lang)]
        parts += [line.timing or "", _max_dose(line, lang)]
    elif line.kind == "see_prescription":
        parts = [t("kits.see_prescription", lang), line.timing or ""]
    else:
        parts = [", ".join(f"{moment:%H:%M}" for moment in line.times)]
        parts.append(", ".join(short(moment, zone) for moment in line.events))
        if line.every_days > 1:
            parts.append(t("kits.every_days", lang, days=line.every_days))
        parts.append(_weekdays(line, lang))
        if line.count is not None:
            parts.append(t("kits.dose_count", lang, count=line.count))
    if line.end is not None:
        parts.append(t("kits.until", lang, date=day(line.end.astimezone(zone).date())))
    return " · ".join(part for part in parts if part)


def words_markup(line: DoseLine) -> str:
    """The prescriber's own words, verbatim, in quotes: never left out."""
    words = [f"« {text(part)} »" for part in (line.text, line.patient_instruction) if part]
    return "<br/>".join(words)


def order_label(
    order: MedicationOrder,
    lang: Lang,
    mark: str = "",
    line: DoseLine | None = None,
    zone: tzinfo | None = None,
) -> str:
    """The drug in bold, the line's dose, route and method, the prescriber's words and, with a `zone`,
    when; with `mark` (the allergy-conflict sign) before the name and a last line saying to check."""
    shown = line or order.dose_lines[0]
    how = [line_dose(shown, lang), route_text(shown.route, lang), shown.method or ""]
    parts = [f"<b>{text(mark) + ' ' if mark else ''}{text(order.drug)}</b>"]
    parts.append(text(" · ".join(part for part in how if part)))
    if zone is not None and shown.kind != "scheduled":
        parts.append(f"<b>{text(schedule_text(shown, lang, zone))}</b>")
    parts.append(words_markup(shown))
    if mark:
        parts.append(f"<b>{text(t('kits.allergy_conflict_short', lang))}</b>")
    return "<br/>".join(part for part in parts if part)


Row = tuple[MedicationOrder, int]  # an order and the index of one of its dose lines


def _rows(page: PatientPage, kind: str) -> list[Row]:
    return [
        (order, index)
        for order in page.chart.orders
        if order.is_to_give
        for index, line in enumerate(order.dose_lines)
        if line.kind == kind
    ]


def chart_flowables(
    page: PatientPage, start: datetime, zone: tzinfo, styles: Styles, lang: Lang, width: float
) -> list[Flowable]:
    scheduled, unplaced, as_needed = (
        _rows(page, kind) for kind in ("scheduled", "see_prescription", "as_needed")
    )
    title = Paragraph(text(t("kits.mar_title", lang, start=short(start, zone))), styles.heading)
    flagged = frozenset(clash.order.id for clash in chart_conflicts(page.chart))
    help_text = t("kits.mar_help", lang)
    if flagged:
        help_text += " " + t("kits.allergy_conflict_legend", lang, mark=conflict_mark(styles))
    help_line = Paragraph(text(help_text), styles.small)
    flowables: list[Flowable] = []
    moments = sorted({dose.due_at for dose in page.doses})
    if not scheduled or not moments:
        # Lines that cannot be placed in time follow: "no dose" would then not be true.
        said = t("kits.mar_none", lang) if not unplaced else t("kits.mar_none_placed", lang)
        flowables.append(KeepTogether([title, Paragraph(text(said), styles.body)]))
    else:
        due = {(dose.order.id, dose.line_index, dose.due_at): dose for dose in page.doses}
        chunks = [moments[i : i + MAX_TIME_COLUMNS] for i in range(0, len(moments), MAX_TIME_COLUMNS)]
        for index, chunk in enumerate(chunks):
            table = _grid(scheduled, chunk, due, zone, styles, lang, width, flagged)
            flowables.append(KeepTogether([title, help_line, table] if index == 0 else [table]))
            flowables.append(Spacer(0, 2 * mm))
    if unplaced:
        flowables.append(_blank_boxes("kits.see_title", unplaced, styles, lang, width, flagged, zone))
    if as_needed:
        flowables.append(_blank_boxes("kits.prn_title", as_needed, styles, lang, width, flagged, zone))
    return flowables


def _row_height(label: Paragraph) -> float:
    """Room to initial, and for a label (drug, dose, the prescriber's words) of several lines."""
    _width, height = label.wrap(DRUG_COLUMN - 2 * PADDING, 1000 * mm)
    return max(BOX_HEIGHT, float(height) + 2 * 2.5 + 2)


def _grid(
    rows: list[Row],
    moments: list[datetime],
    due: dict[tuple[str, int, datetime], Any],
    zone: tzinfo,
    styles: Styles,
    lang: Lang,
    width: float,
    flagged: frozenset[str],
) -> Any:
    column = min(TIME_COLUMN, (width - DRUG_COLUMN) / len(moments))
    heading = [t("kits.col_drug", lang)] + [
        Paragraph(f"{moment.astimezone(zone):%d/%m}<br/><b>{clock(moment, zone)}</b>", styles.small)
        for moment in moments
    ]
    table_rows: list[list[object]] = []
    heights: list[float] = []
    extra: list[tuple[Any, ...]] = []
    for row_index, (order, line_index) in enumerate(rows, start=1):
        label = _drug_cell(order, line_index, lang, styles, flagged, None)
        heights.append(_row_height(label))
        row: list[object] = [label]
        if order.id in flagged:
            extra.append(("BACKGROUND", (0, row_index), (0, row_index), colors.black))
        for column_index, moment in enumerate(moments, start=1):
            dose = due.get((order.id, line_index, moment))
            if dose is None:
                row.append("")
                extra.append(("BACKGROUND", (column_index, row_index), (column_index, row_index), GREY))
            elif dose.given_at is not None:
                row.append(
                    Paragraph(text(t("kits.mar_given", lang, time=clock(dose.given_at, zone))), styles.small)
                )
            else:
                row.append("")
                extra.append(("BOX", (column_index, row_index), (column_index, row_index), 2, colors.black))
        table_rows.append(row)
    return grid_table(
        heading, table_rows, [DRUG_COLUMN] + [column] * len(moments), styles, row_height=heights, extra=extra
    )


def _drug_cell(
    order: MedicationOrder,
    line_index: int,
    lang: Lang,
    styles: Styles,
    flagged: frozenset[str],
    zone: tzinfo | None,
) -> Paragraph:
    """White on black for a drug the patient is allergic to: it cannot pass for an ordinary row."""
    line = order.dose_lines[line_index]
    if order.id in flagged:
        return Paragraph(order_label(order, lang, conflict_mark(styles), line, zone), styles.cell_inverted)
    return Paragraph(order_label(order, lang, line=line, zone=zone), styles.cell)


def _blank_boxes(
    title_key: str,
    rows: list[Row],
    styles: Styles,
    lang: Lang,
    width: float,
    flagged: frozenset[str],
    zone: tzinfo,
) -> Flowable:
    """Lines given when the prescription says (or as needed): the line as written, then boxes."""
    boxes = 6
    column = (width - DRUG_COLUMN) / boxes
    labels = [_drug_cell(order, index, lang, styles, flagged, zone) for order, index in rows]
    table = grid_table(
        [t("kits.col_drug", lang)] + [""] * boxes,
        [[label] + [""] * boxes for label in labels],
        [DRUG_COLUMN] + [column] * boxes,
        styles,
        row_height=[_row_height(label) for label in labels],
        extra=[
            ("BACKGROUND", (0, index), (0, index), colors.black)
            for index, (order, _line) in enumerate(rows, start=1)
            if order.id in flagged
        ],
    )
    return KeepTogether([Paragraph(text(t(title_key, lang)), styles.heading), table])
