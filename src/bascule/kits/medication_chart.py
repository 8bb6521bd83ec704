"""The medication administration chart (MAR) of one patient for the next 24 h: one row per scheduled
order, one column per time a dose is due, a box to initial where a dose is due and grey elsewhere.
As-needed orders get blank boxes for time, dose and initials."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from bascule.clinical.records import MedicationOrder
from bascule.i18n import Lang, t
from bascule.kits.allergy_warning import chart_conflicts, conflict_mark
from bascule.kits.content import PatientPage
from bascule.kits.frame import GREY, Styles
from bascule.kits.moments import clock, short
from bascule.kits.tables import grid_table, text

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


def route_text(route: str | None, lang: Lang) -> str:
    return _ROUTES.get(route or "", {}).get(lang, route or "")


def dose_text(value: float | None, unit: str | None) -> str:
    if value is None:
        return ""
    shown = "µg" if unit == "ug" else (unit or "")
    return f"{value:g} {shown}".strip()


def order_label(order: MedicationOrder, lang: Lang, mark: str = "") -> str:
    """The drug in bold, its dose and route; with `mark` (the allergy-conflict sign) before the name
    and a last line saying to check the allergy."""
    route = f" · {route_text(order.route, lang)}" if order.route else ""
    dose = f"{text(dose_text(order.dose_value, order.dose_unit))}{text(route)}"
    if not mark:
        return f"<b>{text(order.drug)}</b><br/>{dose}"
    warning = text(t("kits.allergy_conflict_short", lang))
    return f"<b>{text(mark)} {text(order.drug)}</b><br/>{dose}<br/><b>{warning}</b>"


def chart_flowables(
    page: PatientPage, start: datetime, zone: tzinfo, styles: Styles, lang: Lang, width: float
) -> list[Flowable]:
    scheduled = [o for o in page.chart.orders if not o.as_needed]
    as_needed = [o for o in page.chart.orders if o.as_needed]
    title = Paragraph(text(t("kits.mar_title", lang, start=short(start, zone))), styles.heading)
    flagged = frozenset(clash.order.id for clash in chart_conflicts(page.chart))
    help_text = t("kits.mar_help", lang)
    if flagged:
        help_text += " " + t("kits.allergy_conflict_legend", lang, mark=conflict_mark(styles))
    help_line = Paragraph(text(help_text), styles.small)
    flowables: list[Flowable] = []
    moments = sorted({dose.due_at for dose in page.doses})
    if not scheduled or not moments:
        flowables.append(KeepTogether([title, Paragraph(text(t("kits.mar_none", lang)), styles.body)]))
    else:
        due = {(dose.order.id, dose.due_at): dose for dose in page.doses}
        chunks = [moments[i : i + MAX_TIME_COLUMNS] for i in range(0, len(moments), MAX_TIME_COLUMNS)]
        for index, chunk in enumerate(chunks):
            table = _grid(scheduled, chunk, due, zone, styles, lang, width, flagged)
            flowables.append(KeepTogether([title, help_line, table] if index == 0 else [table]))
            flowables.append(Spacer(0, 2 * mm))
    if as_needed:
        flowables.append(_as_needed(as_needed, styles, lang, width, flagged))
    return flowables


def _row_height(order: MedicationOrder, styles: Styles, flagged: frozenset[str] = frozenset()) -> float:
    """Room to initial, and for a drug name (with its conflict sign) that wraps onto a second line."""
    shown = f"{conflict_mark(styles)} {order.drug}" if order.id in flagged else order.drug
    name_width = float(stringWidth(shown, styles.cell_bold.fontName, styles.cell_bold.fontSize))
    extra: float = 4.5 * mm if name_width > DRUG_COLUMN - 6 else 0.0
    if order.id in flagged:
        extra += 4.5 * mm  # the "check the allergy" line
    return BOX_HEIGHT + extra


def _grid(
    orders: list[MedicationOrder],
    moments: list[datetime],
    due: dict[tuple[str, datetime], Any],
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
    rows: list[list[object]] = []
    extra: list[tuple[Any, ...]] = []
    for row_index, order in enumerate(orders, start=1):
        row: list[object] = [_drug_cell(order, lang, styles, flagged)]
        if order.id in flagged:
            extra.append(("BACKGROUND", (0, row_index), (0, row_index), colors.black))
        for column_index, moment in enumerate(moments, start=1):
            dose = due.get((order.id, moment))
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
        rows.append(row)
    return grid_table(
        heading,
        rows,
        [DRUG_COLUMN] + [column] * len(moments),
        styles,
        row_height=[_row_height(order, styles, flagged) for order in orders],
        extra=extra,
    )


def _drug_cell(order: MedicationOrder, lang: Lang, styles: Styles, flagged: frozenset[str]) -> Paragraph:
    """White on black for a drug the patient is allergic to: it cannot pass for an ordinary row."""
    if order.id in flagged:
        return Paragraph(order_label(order, lang, conflict_mark(styles)), styles.cell_inverted)
    return Paragraph(order_label(order, lang), styles.cell)


def _as_needed(
    orders: list[MedicationOrder], styles: Styles, lang: Lang, width: float, flagged: frozenset[str]
) -> Flowable:
    boxes = 6
    column = (width - DRUG_COLUMN) / boxes
    rows = [[_drug_cell(order, lang, styles, flagged)] + [""] * boxes for order in orders]
    table = grid_table(
        [t("kits.col_drug", lang)] + [""] * boxes,
        rows,
        [DRUG_COLUMN] + [column] * boxes,
        styles,
        row_height=[_row_height(order, styles, flagged) for order in orders],
        extra=[
            ("BACKGROUND", (0, index), (0, index), colors.black)
            for index, order in enumerate(orders, start=1)
            if order.id in flagged
        ],
    )
    return KeepTogether([Paragraph(text(t("kits.prn_title", lang)), styles.heading), table])
