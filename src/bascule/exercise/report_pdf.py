"""The after-action report as PDF (ReportLab, the kits' typefaces and tables): "EXERCICE" /
"EXERCISE" in the header and the footer of every page, with "page x of y"."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from bascule.exercise.after_action import AfterAction
from bascule.exercise.report_content import ReportContent, report_content
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang
from bascule.kits.fonts import Typefaces, typefaces
from bascule.kits.frame import (
    HEADER,
    MARGIN,
    Paper,
    Styles,
    content_width,
    framed_canvas,
    kit_document,
    make_styles,
)
from bascule.kits.tables import grid_table, text


def report_pdf(report: AfterAction, hospital: HospitalMap, lang: Lang, paper: Paper = "a4") -> bytes:
    """The whole report as PDF bytes, in `lang`."""
    content = report_content(report, hospital, lang)
    styles = make_styles()
    buffer = io.BytesIO()
    document = kit_document(buffer, paper, f"{content.banner} — {content.title}")
    document.build(_story(content, styles, content_width(paper)), canvasmaker=_canvas_for(content))
    return buffer.getvalue()


def _story(content: ReportContent, styles: Styles, width: float) -> list[Flowable]:
    say = content.label
    story: list[Flowable] = [
        Paragraph(text(content.heading), styles.title),
        Paragraph(f"{text(content.title)} — {text(content.incident)}", styles.bold),
        Spacer(1, 2 * mm),
    ]
    story.append(
        grid_table(
            None,
            [list(fact) for fact in content.facts],
            [45 * mm, width - 45 * mm],
            styles,
            extra=[("BACKGROUND", (0, 0), (0, -1), colors.Color(0.88, 0.88, 0.88))],
        )
    )
    story.append(_note(content.times_note, styles.small))
    story.append(_heading(say("score"), styles))
    story.append(KeepTogether([_score_box(content, styles, width), _note(content.formula, styles.small)]))

    story.append(_heading(say("decisions"), styles))
    story.append(
        _table_or(
            [say("decision"), say("due"), say("met_at"), say("outcome"), say("how")],
            content.decisions,
            [width - 118 * mm, 23 * mm, 22 * mm, 42 * mm, 31 * mm],
            styles,
            say("no_decisions"),
            bold_rows=[i for i, missed in enumerate(content.missed) if missed],
        )
    )
    story.append(_heading(say("timeline"), styles))
    story.append(
        _table_or(
            [say("minute"), say("event"), say("by")],
            content.timeline,
            [20 * mm, width - 55 * mm, 35 * mm],
            styles,
            say("no_timeline"),
        )
    )
    story.append(_heading(say("uncovered"), styles))
    story.append(
        _table_or(
            [say("priority"), say("actual"), say("reference"), say("excess")],
            content.uncovered,
            [width - 120 * mm, 40 * mm, 40 * mm, 40 * mm],
            styles,
            "",
            extra=[("ALIGN", (1, 1), (-1, -1), "RIGHT")],
        )
    )
    story.append(_note(content.uncovered_note, styles.small))
    story.append(_heading(say("procedures"), styles))
    story.append(
        _table_or(
            [say("process"), say("procedure"), say("started_at"), say("after_down")],
            content.procedures,
            [55 * mm, width - 125 * mm, 30 * mm, 40 * mm],
            styles,
            say("no_procedure_started"),
        )
    )
    story.extend(_note(note, styles.body) for note in content.procedure_notes)
    story.append(_heading(say("improvements"), styles))
    story.append(
        _table_or(
            [say("action"), say("owner"), say("done")],
            content.improvements,
            [width - 60 * mm, 40 * mm, 20 * mm],
            styles,
            say("no_improvements"),
        )
    )
    return story


def _note(words: str, style: ParagraphStyle) -> Paragraph:
    """A sentence under a table or a box, a little apart from it (not touching its last line)."""
    return Paragraph(text(words), ParagraphStyle(f"{style.name}-note", parent=style, spaceBefore=1.5 * mm))


def _heading(words: str, styles: Styles) -> Paragraph:
    """A section title that never ends a page alone."""
    return Paragraph(text(words), ParagraphStyle("section", parent=styles.heading, keepWithNext=1))


def _table_or(
    heading: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    styles: Styles,
    empty: str,
    *,
    bold_rows: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Flowable:
    if not rows:
        return Paragraph(text(empty), styles.body)
    return grid_table(heading, rows, widths, styles, bold_rows=bold_rows, extra=extra)


def _score_box(content: ReportContent, styles: Styles, width: float) -> Table:
    big = Paragraph(text(content.label("score_of").format(score=content.score)), styles.huge)
    components = Table(
        [
            [Paragraph(text(label), styles.body), Paragraph(f"<b>{text(value)}</b>", styles.body)]
            for label, value in content.components
        ],
        colWidths=[70 * mm, 25 * mm],
        hAlign="LEFT",
    )
    box = Table([[big, components]], colWidths=[width - 100 * mm, 100 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 2.2, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 8),
            ]
        )
    )
    return box


def _canvas_for(content: ReportContent) -> type[Canvas]:
    """Draws the header and footer once the page count is known (as the kits do)."""
    faces = typefaces()
    return framed_canvas(lambda canvas, number, total: _draw_frame(canvas, content, faces, number, total))


def _draw_frame(canvas: Any, content: ReportContent, faces: Typefaces, number: int, total: int) -> None:
    width, height = canvas._pagesize
    top = height - MARGIN
    canvas.saveState()
    band = 8 * mm
    canvas.setFillColor(colors.black)
    canvas.rect(MARGIN, top - band, width - 2 * MARGIN, band, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(faces.bold, 13)
    canvas.drawCentredString(width / 2, top - band + 2.4 * mm, content.banner)
    canvas.setFillColor(colors.black)
    canvas.setFont(faces.regular, 9)
    canvas.drawString(MARGIN, top - HEADER + 4.5 * mm, f"{content.title} — {content.incident}"[:95])
    bottom = MARGIN - 4 * mm
    canvas.rect(MARGIN, bottom, width - 2 * MARGIN, 6.5 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(faces.bold, 11)
    canvas.drawString(MARGIN + 2 * mm, bottom + 1.8 * mm, content.banner)
    canvas.drawRightString(
        width - MARGIN - 2 * mm, bottom + 1.8 * mm, content.label("page").format(number=number, total=total)
    )
    canvas.restoreState()
