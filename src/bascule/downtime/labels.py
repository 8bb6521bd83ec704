"""Sheets of labels for downtime numbers: 3 × 8 labels per page (70 × 37 mm, the common A4 sheet),
each with the number in large type, its Code 128 barcode, site, station and unit, and a line for
the patient's name. Written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bascule.downtime.numbers import DowntimeNumber
from bascule.durable import SHARED, durable_temp, put_in_place
from bascule.i18n import Lang, register, t
from bascule.kits.fonts import typefaces
from bascule.kits.label_sheet import LABEL_WIDTH, on_labels, pages_for

register(
    "downtime_labels",
    {
        "number": {"fr": "N° DE SECOURS", "en": "DOWNTIME No."},
        "name": {"fr": "Nom :", "en": "Name:"},
        "where": {"fr": "{unit} · poste {station}", "en": "{unit} · station {station}"},
        "title": {"fr": "Numéros de secours", "en": "Downtime numbers"},
    },
)


def write_label_sheets(numbers: Sequence[DowntimeNumber], unit: str, target: Path, lang: Lang) -> int:
    """Write the labels of `numbers` to `target` (PDF); return the page count."""
    with durable_temp(target, SHARED) as (stream, temp):  # blank labels: no patient data
        pages = _draw_labels(Canvas(stream, pagesize=A4), numbers, unit, lang)
    put_in_place(temp, target)
    return max(pages, 1)


def _draw_labels(canvas: Canvas, numbers: Sequence[DowntimeNumber], unit: str, lang: Lang) -> int:
    faces = typefaces()
    canvas.setTitle(t("downtime_labels.title", lang))
    for number, left, bottom in on_labels(canvas, numbers):
        x, y = left + 4 * mm, bottom + 3 * mm
        canvas.setFont(faces.regular, 7.5)
        canvas.drawString(x, y + 29 * mm, t("downtime_labels.number", lang))
        canvas.setFont(faces.bold, 14)
        canvas.drawString(x, y + 23.5 * mm, number.text)
        barcode = Code128(number.text, barHeight=9 * mm, barWidth=0.24 * mm, quiet=False)
        barcode.drawOn(canvas, x, y + 13 * mm)
        canvas.setFont(faces.regular, 7.5)
        canvas.drawString(
            x, y + 9.5 * mm, t("downtime_labels.where", lang, unit=unit[:24], station=number.station)
        )
        canvas.setFont(faces.regular, 8)
        canvas.drawString(x, y + 3 * mm, t("downtime_labels.name", lang))
        canvas.line(x + 11 * mm, y + 3 * mm, x + LABEL_WIDTH - 8 * mm, y + 3 * mm)
    canvas.showPage()
    canvas.save()
    return pages_for(len(numbers))
