"""Printed sample labels and run manifests (issue 19), written atomically and privately (they
carry patient references).

A label (3 × 8 on the common A4 sheet, 70 × 37 mm) shows the sample number in large type and its
Code 128 barcode, the patient's MRN or downtime number, the test, the collection time and the
unit. The patient reference is never cut (kits/mrn_label.py's rule): it shrinks to fit, and past
the smallest readable size it goes on two lines. A run's manifest lists its samples (number,
test, priority, collection time, patient reference: no names), their count and signature lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bascule.durable import PRIVATE, durable_temp, put_in_place
from bascule.i18n import Lang, register, t
from bascule.kits.fonts import typefaces
from bascule.kits.label_sheet import LABEL_WIDTH, on_labels, pages_for
from bascule.laboratory.samples.runs import Run
from bascule.laboratory.samples.sample import Sample
from bascule.laboratory.texts import priority_name

SMALLEST = 5.0

register(
    "lab_labels",
    {
        "title": {"fr": "Étiquettes d'échantillons", "en": "Sample labels"},
        "patient": {"fr": "Patient : {ref}", "en": "Patient: {ref}"},
        "collected": {"fr": "Prélevé {time} · {unit}", "en": "Collected {time} · {unit}"},
        "manifest": {"fr": "Bordereau de navette {run}", "en": "Run manifest {run}"},
        "destination": {"fr": "Destination : {destination}", "en": "Destination: {destination}"},
        "departed": {"fr": "Départ : {time}", "en": "Departed: {time}"},
        "not_departed": {"fr": "Départ : ____________", "en": "Departed: ____________"},
        "head": {
            "fr": "N° échantillon|Examen|Priorité|Prélevé|Patient (IPP / n° de secours)",
            "en": "Sample no.|Test|Priority|Collected|Patient (MRN / downtime no.)",
        },
        "count": {"fr": "{count} échantillon(s)", "en": "{count} sample(s)"},
        "sign_out": {
            "fr": "Remis par (nom, signature, heure) :",
            "en": "Handed over by (name, signature, time):",
        },
        "sign_in": {"fr": "Reçu par (nom, signature, heure) :", "en": "Received by (name, signature, time):"},
    },
)


def clock(moment: datetime, zone: tzinfo | None) -> str:
    """A time as the laboratory's paper prints it: day/month hour:minute, in the hospital's zone."""
    return moment.astimezone(zone).strftime("%d/%m %H:%M")


def fitted(words: str, font: str, room: float, largest: float) -> tuple[float, list[str]]:
    """The size and lines at which `words` fit `room`: shrunk first, then on two lines; never cut."""
    size = largest
    while size > SMALLEST and stringWidth(words, font, size) > room:
        size -= 0.5
    if stringWidth(words, font, size) <= room:
        return size, [words]
    half = (len(words) + 1) // 2
    return SMALLEST, [words[:half], words[half:]]


def write_sample_labels(
    samples: Sequence[Sample],
    test_names: Mapping[str, str],
    target: Path,
    lang: Lang,
    zone: tzinfo | None = None,
) -> int:
    """Write the labels of `samples` to `target` (PDF); return the page count."""
    with durable_temp(target, PRIVATE) as (stream, temp):
        canvas = Canvas(stream, pagesize=A4)
        pages = _draw_labels(canvas, samples, test_names, lang, zone)
    put_in_place(temp, target)
    return pages


def _draw_labels(
    canvas: Canvas, samples: Sequence[Sample], names: Mapping[str, str], lang: Lang, zone: tzinfo | None
) -> int:
    faces = typefaces()
    canvas.setTitle(t("lab_labels.title", lang))
    room = LABEL_WIDTH - 8 * mm
    for sample, left, bottom in on_labels(canvas, samples):
        x, y = left + 4 * mm, bottom + 2 * mm
        canvas.setFont(faces.bold, 15)
        canvas.drawString(x, y + 28 * mm, sample.number)
        Code128(sample.number, barHeight=8 * mm, barWidth=0.3 * mm, quiet=False).drawOn(
            canvas, x, y + 19 * mm
        )
        patient = t("lab_labels.patient", lang, ref=sample.patient)
        size, lines = fitted(patient, faces.bold, room, 9)
        canvas.setFont(faces.bold, size)
        for row, line in enumerate(lines):
            canvas.drawString(x, y + (15 - row * 2.5) * mm, line)
        test = names.get(sample.test) or sample.test
        size, lines = fitted(test, faces.regular, room, 8)
        canvas.setFont(faces.regular, size)
        canvas.drawString(x, y + 8 * mm, lines[0] if len(lines) == 1 else sample.test)
        collected = t("lab_labels.collected", lang, time=clock(sample.collected_at, zone), unit=sample.unit)
        size, lines = fitted(collected, faces.regular, room, 7.5)
        canvas.setFont(faces.regular, size)
        for row, line in enumerate(lines):
            canvas.drawString(x, y + (4 - row * 2.2) * mm, line)
    canvas.showPage()
    canvas.save()
    return pages_for(len(samples))


def write_manifest(
    run: Run,
    samples: Sequence[Sample],
    test_names: Mapping[str, str],
    destination: str,
    target: Path,
    lang: Lang,
    zone: tzinfo | None = None,
) -> int:
    """Write the manifest of `run` to `target` (PDF); return the page count."""
    with durable_temp(target, PRIVATE) as (stream, temp):
        pages = _draw_manifest(Canvas(stream, pagesize=A4), run, samples, test_names, destination, lang, zone)
    put_in_place(temp, target)
    return pages


def _draw_manifest(
    canvas: Canvas,
    run: Run,
    samples: Sequence[Sample],
    names: Mapping[str, str],
    destination: str,
    lang: Lang,
    zone: tzinfo | None,
) -> int:
    faces = typefaces()
    title = t("lab_labels.manifest", lang, run=run.id)
    canvas.setTitle(title)
    width, height = A4
    margin = 18 * mm
    columns = (0, 30 * mm, 85 * mm, 105 * mm, 128 * mm)
    pages = 1

    def header() -> float:
        canvas.setFont(faces.bold, 14)
        canvas.drawString(margin, height - margin, title)
        canvas.setFont(faces.regular, 10)
        canvas.drawString(
            margin, height - margin - 7 * mm, t("lab_labels.destination", lang, destination=destination)
        )
        departed = (
            t("lab_labels.departed", lang, time=clock(run.departed_at, zone))
            if run.departed_at
            else t("lab_labels.not_departed", lang)
        )
        canvas.drawString(margin, height - margin - 12 * mm, departed)
        canvas.setFont(faces.bold, 8.5)
        for offset, label in zip(columns, t("lab_labels.head", lang).split("|"), strict=True):
            canvas.drawString(margin + offset, height - margin - 21 * mm, label)
        return float(height - margin - 27 * mm)

    y = header()
    room = width - 2 * margin - columns[4]
    for sample in samples:
        if y < margin + 35 * mm:
            canvas.showPage()
            pages += 1
            y = header()
        canvas.setFont(faces.regular, 8.5)
        test = names.get(sample.test) or sample.test
        cells = (sample.number, test, priority_name(sample.priority, lang), clock(sample.collected_at, zone))
        for offset, cell in zip(columns, cells, strict=False):
            size, lines = fitted(cell, faces.regular, 50 * mm if offset == 30 * mm else 28 * mm, 8.5)
            canvas.setFont(faces.regular, size)
            canvas.drawString(margin + offset, y, lines[0] if len(lines) == 1 else sample.test)
        size, lines = fitted(sample.patient, faces.regular, room, 8.5)
        canvas.setFont(faces.regular, size)
        for row, line in enumerate(lines):
            canvas.drawString(margin + columns[4], y - row * 3 * mm, line)
        y -= (5 + 3 * (len(lines) - 1)) * mm
    canvas.setFont(faces.bold, 10)
    canvas.drawString(margin, y - 4 * mm, t("lab_labels.count", lang, count=len(samples)))
    canvas.setFont(faces.regular, 9)
    for row, key in enumerate(("sign_out", "sign_in")):
        line_y = y - (14 + row * 10) * mm
        canvas.drawString(margin, line_y, t(f"lab_labels.{key}", lang))
        canvas.line(margin + 70 * mm, line_y, width - margin, line_y)
    canvas.showPage()
    canvas.save()
    return pages
