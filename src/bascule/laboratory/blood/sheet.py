"""The blood bank's one-page A4 sheet, for the crisis cell and for the blood supplier: stock by
component and group with the soonest expiry, the threshold and a clear mark (bold red "BELOW
THRESHOLD") on lines under it, days of stock, the national alert level, emergency group-O issues
over the last 24 hours (counts only: no patient on this sheet) and whom to call at the supplier.
Written atomically."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from reportlab.lib.colors import black, red
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from bascule.durable import SHARED, durable_temp, put_in_place
from bascule.hospital.model import Supplier
from bascule.i18n import Lang, register, t
from bascule.kits.fonts import typefaces
from bascule.laboratory.blood.alerts import level_name
from bascule.laboratory.blood.bank import StockReport

register(
    "blood_sheet",
    {
        "title": {"fr": "Banque du sang — stock en mode dégradé", "en": "Blood bank — downtime stock"},
        "at": {"fr": "État au {at}", "en": "As of {at}"},
        "red_cells": {"fr": "Globules rouges {group}", "en": "Red cells {group}"},
        "plasma": {"fr": "Plasma {group}", "en": "Plasma {group}"},
        "platelets": {"fr": "Plaquettes {group}", "en": "Platelets {group}"},
        "all_groups": {"fr": "tous groupes", "en": "all groups"},
        "shortfall": {
            "fr": "{name} : {units} < {threshold} — {below}",
            "en": "{name}: {units} < {threshold} — {below}",
        },
        "phone": {"fr": "Téléphone : {phone}", "en": "Phone: {phone}"},
        "line": {"fr": "Ligne", "en": "Line"},
        "units": {"fr": "Unités", "en": "Units"},
        "expiry": {"fr": "1re péremption", "en": "Soonest expiry"},
        "threshold": {"fr": "Seuil", "en": "Threshold"},
        "days": {"fr": "Jours de stock", "en": "Days of stock"},
        "below": {"fr": "SOUS LE SEUIL", "en": "BELOW THRESHOLD"},
        "alert": {
            "fr": "Alerte nationale d'approvisionnement : {level}",
            "en": "National supply alert: {level}",
        },
        "emergency": {
            "fr": "Culots O délivrés en urgence (24 h) : O- {neg}, O+ {pos}",
            "en": "Emergency group O red cells issued (24 h): O- {neg}, O+ {pos}",
        },
        "supplier": {"fr": "Fournisseur de sang : {name}", "en": "Blood supplier: {name}"},
        "no_supplier": {
            "fr": "Aucun fournisseur de sang sur la carte : ajoutez-le.",
            "en": "No blood supplier on the map: add it.",
        },
        "call": {
            "fr": "Sous le seuil ou alerte ambre/rouge : appelez le fournisseur et la cellule de crise.",
            "en": "Below threshold or amber/red alert: call the supplier and the crisis cell.",
        },
    },
)


def write_blood_sheet(
    report: StockReport, supplier: Supplier | None, target: Path, lang: Lang, zone: tzinfo
) -> None:
    """The sheet, its times in the hospital's zone."""
    with durable_temp(target, SHARED) as (stream, temp):  # counts only: no patient data
        _draw(Canvas(stream, pagesize=A4), report, supplier, lang, zone)
    put_in_place(temp, target)


def line_name(component: str, group: str | None, lang: Lang) -> str:
    """A stock line as people say it: "Globules rouges O-", "Plasma tous groupes"."""
    return t(f"blood_sheet.{component}", lang, group=group or t("blood_sheet.all_groups", lang))


def _draw(canvas: Canvas, report: StockReport, supplier: Supplier | None, lang: Lang, zone: tzinfo) -> None:
    faces = typefaces()
    canvas.setTitle(t("blood_sheet.title", lang))
    width, height = A4
    x, y = 18 * mm, height - 22 * mm
    canvas.setFont(faces.bold, 16)
    canvas.drawString(x, y, t("blood_sheet.title", lang))
    y -= 7 * mm
    canvas.setFont(faces.regular, 10)
    local = report.at.astimezone(zone)
    canvas.drawString(x, y, t("blood_sheet.at", lang, at=f"{local:%Y-%m-%d %H:%M} ({local:%Z})"))
    y -= 8 * mm
    level = report.alert.level if report.alert else "normal"
    canvas.setFont(faces.bold, 12)
    canvas.setFillColor(red if level != "normal" else black)
    canvas.drawString(x, y, t("blood_sheet.alert", lang, level=level_name(level, lang).upper()))
    canvas.setFillColor(black)
    y -= 10 * mm
    columns = (0, 44 * mm, 60 * mm, 96 * mm, 114 * mm, 142 * mm)
    canvas.setFont(faces.bold, 9)
    for offset, key in zip(columns, ("line", "units", "expiry", "threshold", "days"), strict=False):
        canvas.drawString(x + offset, y, t(f"blood_sheet.{key}", lang))
    y -= 2 * mm
    canvas.line(x, y, width - x, y)
    y -= 5 * mm
    for line in report.lines:
        below = line.below_threshold
        canvas.setFont(faces.bold if below else faces.regular, 9.5)
        canvas.setFillColor(red if below else black)
        cells = (
            line_name(line.component, line.group, lang),
            str(line.units),
            f"{line.soonest_expiry.astimezone(zone):%Y-%m-%d %H:%M}" if line.soonest_expiry else "-",
            str(line.threshold) if line.threshold is not None else "-",
            f"{line.days_of_stock:.1f}" if line.days_of_stock is not None else "-",
            t("blood_sheet.below", lang) if below else "",
        )
        for offset, cell in zip(columns, cells, strict=True):
            canvas.drawString(x + offset, y, cell)
        y -= 5.5 * mm
    for component, (units, threshold) in report.component_shortfalls.items():
        canvas.setFont(faces.bold, 9.5)
        canvas.setFillColor(red)
        name, mark = line_name(component, None, lang), t("blood_sheet.below", lang)
        canvas.drawString(
            x, y, t("blood_sheet.shortfall", lang, name=name, units=units, threshold=threshold, below=mark)
        )
        y -= 5.5 * mm
    canvas.setFillColor(black)
    y -= 6 * mm
    canvas.setFont(faces.regular, 10.5)
    canvas.drawString(
        x,
        y,
        t(
            "blood_sheet.emergency",
            lang,
            neg=report.emergency_issues.get("O-", 0),
            pos=report.emergency_issues.get("O+", 0),
        ),
    )
    y -= 10 * mm
    canvas.setFont(faces.bold, 11)
    said = (
        [
            *simpleSplit(
                t("blood_sheet.supplier", lang, name=supplier.name or supplier.id),
                faces.bold,
                11,
                width - 2 * x,
            ),
            t("blood_sheet.phone", lang, phone=supplier.phone or "-"),
        ]
        if supplier is not None
        else [t("blood_sheet.no_supplier", lang)]
    )
    for text in said:  # whole, wrapped: a phone number cut off at the page's edge calls no one
        canvas.drawString(x, y, text)
        y -= 5.5 * mm
    y -= 1 * mm
    canvas.setFont(faces.regular, 10)
    canvas.drawString(x, y, t("blood_sheet.call", lang))
    canvas.showPage()
    canvas.save()
