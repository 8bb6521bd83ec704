"""The frame of every kit page: paper, type styles, and the header and footer that every page carries
(data time, unit, "page x of y", confidentiality; the patient's name and MRN on patient pages).

Headers and footers are drawn when the document is saved, once the page count is known: the canvas
keeps each finished page aside and draws them all at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from bascule.i18n import Lang, t
from bascule.kits import texts as _texts  # noqa: F401  (registers the kit's messages)
from bascule.kits.fonts import Typefaces, typefaces

# Binary (zlib) page streams without the ASCII85 layer on top: smaller files, faster to write.
rl_config.useA85 = 0

Paper = Literal["a4", "letter"]
PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}
MARGIN = 14 * mm
HEADER = 16 * mm
FOOTER = 11 * mm
GREY = colors.Color(0.88, 0.88, 0.88)
DARK = colors.Color(0.25, 0.25, 0.25)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What every page of one kit says, whatever its content."""

    unit_name: str
    data_time: str
    lang: Lang
    stale: bool = False  # older than the threshold when printed: every page says so


@dataclass(frozen=True, slots=True)
class Styles:
    faces: Typefaces
    body: ParagraphStyle
    small: ParagraphStyle
    bold: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_inverted: ParagraphStyle
    step: ParagraphStyle
    blood: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    huge: ParagraphStyle
    banner: ParagraphStyle


def make_styles() -> Styles:
    faces = typefaces()
    body = ParagraphStyle("body", fontName=faces.regular, fontSize=11, leading=14, alignment=TA_LEFT)
    bold = ParagraphStyle("bold", parent=body, fontName=faces.bold)
    return Styles(
        faces=faces,
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=9, leading=11),
        bold=bold,
        cell=ParagraphStyle("cell", parent=body, fontSize=10.5, leading=12.5),
        cell_bold=ParagraphStyle("cell_bold", parent=bold, fontSize=10.5, leading=12.5),
        cell_inverted=ParagraphStyle(
            "cell_inverted", parent=bold, fontSize=10.5, leading=12.5, textColor=colors.white
        ),
        step=ParagraphStyle("step", parent=body, fontSize=13, leading=17),
        blood=ParagraphStyle("blood", parent=bold, fontSize=13, leading=24),
        heading=ParagraphStyle("heading", parent=bold, fontSize=14, leading=17, spaceBefore=8, spaceAfter=4),
        title=ParagraphStyle("title", parent=bold, fontSize=20, leading=24, spaceAfter=6),
        huge=ParagraphStyle("huge", parent=bold, fontSize=34, leading=40, spaceAfter=4),
        banner=ParagraphStyle("banner", parent=bold, fontSize=14, leading=18, textColor=colors.white),
    )


class PatientMark(Flowable):  # type: ignore[misc]
    """Invisible: from here on, page headers name this patient (None: no patient)."""

    def __init__(self, name: str | None, mrn: str | None = None, bed: str | None = None) -> None:
        super().__init__()
        self.name = name
        self.mrn = mrn
        self.bed = bed
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.patient = (self.name, self.mrn, self.bed) if self.name else None


def framed_canvas(
    draw_frame: Callable[[Any, int, int], None], counted: list[int] | None = None
) -> type[Canvas]:
    """A canvas class that keeps its pages until saved, then draws `draw_frame(canvas, number,
    total)` on each (a header and footer that know the page count: "page 2 of 5"); the page count
    is appended to `counted` when given. Kits, exercise packs and after-action reports use it."""

    class FramedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.patient: tuple[str, str | None, str | None] | None = None
            self._finished: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab calls it by this name
            self._finished.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._finished)
            for number, state in enumerate(self._finished, 1):
                self.__dict__.update(state)
                draw_frame(self, number, total)
                Canvas.showPage(self)
            self.page_count = total
            if counted is not None:
                counted.append(total)
            Canvas.save(self)

    return FramedCanvas


def canvas_for(facts: PageFacts) -> type[Canvas]:
    """A canvas class that draws this kit's header and footer on every page at save time."""
    faces = typefaces()
    return framed_canvas(lambda canvas, number, total: _draw_frame(canvas, facts, faces, number, total))


def _draw_frame(canvas: Any, facts: PageFacts, faces: Typefaces, number: int, total: int) -> None:
    width, height = canvas._pagesize
    top = height - MARGIN
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.setFont(faces.bold, 11)
    canvas.drawString(MARGIN, top - 4 * mm, facts.unit_name[:60])
    canvas.setFont(faces.bold if facts.stale else faces.regular, 10)
    as_of = "kits.data_as_of_stale" if facts.stale else "kits.data_as_of"
    canvas.drawRightString(width - MARGIN, top - 4 * mm, t(as_of, facts.lang, time=facts.data_time))
    patient = canvas.patient
    if patient is not None:
        name, mrn, bed = patient
        bed_label = f"{t('kits.bed', facts.lang)} {bed}" if bed else ""
        room = width - 2 * MARGIN
        gap = 6 * mm if bed_label else 0
        # One size for the line: the MRN is never cut; a name too long loses its given names' end.
        size = fitting_size(
            header_label(name, mrn, facts.lang) + bed_label, faces.bold, room - gap, smallest=8
        )
        canvas.setFont(faces.bold, size)
        if bed_label:
            canvas.drawRightString(width - MARGIN, top - 10.5 * mm, bed_label)
        left = room - gap - stringWidth(bed_label, faces.bold, size)
        canvas.drawString(MARGIN, top - 10.5 * mm, _shortened(name, mrn, facts.lang, faces.bold, size, left))
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, top - HEADER + 3 * mm, width - MARGIN, top - HEADER + 3 * mm)
    bottom = MARGIN - 4 * mm
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, bottom + 6 * mm, width - MARGIN, bottom + 6 * mm)
    canvas.setFont(faces.bold, 9.5)
    canvas.drawString(MARGIN, bottom + 1.5 * mm, t("kits.confidential", facts.lang))
    canvas.setFont(faces.bold, 11)
    canvas.drawRightString(
        width - MARGIN, bottom + 1.5 * mm, t("kits.page", facts.lang, number=number, total=total)
    )
    canvas.restoreState()


def header_label(name: str, mrn: str | None, lang: Lang) -> str:
    return f"{name}   {t('kits.mrn', lang)} {mrn}" if mrn else name


def fitting_size(words: str, font: str, room: float, largest: float = 14.0, smallest: float = 9.0) -> float:
    """The largest font size, down to `smallest`, at which `words` fit in `room` on one line."""
    size = largest
    while size > smallest and stringWidth(words, font, size) > room:
        size -= 0.5
    return size


def _shortened(name: str, mrn: str | None, lang: Lang, font: str, size: float, room: float) -> str:
    """The header's name and MRN: the MRN always whole; a name too long loses its end, marked "…"."""
    while len(name) > 1 and stringWidth(header_label(name, mrn, lang), font, size) > room:
        name = name[:-2] + "…"
    return header_label(name, mrn, lang)


def kit_document(target: Path | Any, paper: Paper, title: str) -> BaseDocTemplate:
    """A document whose single frame leaves room for the header and footer."""
    width, height = PAPERS[paper]
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER - 4 * mm,
        width - 2 * MARGIN,
        height - 2 * MARGIN - HEADER - FOOTER + 4 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    return BaseDocTemplate(
        target,
        pagesize=(width, height),
        pageTemplates=[PageTemplate(id="kit", frames=[frame])],
        title=title,
        author="Bascule",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )


def content_width(paper: Paper) -> float:
    return float(PAPERS[paper][0] - 2 * MARGIN)
