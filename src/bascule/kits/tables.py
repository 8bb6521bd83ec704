"""Tables and boxes drawn the same way on every sheet: black grid, grey heading row, bold headings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from bascule.kits.frame import GREY, Styles


def text(value: object) -> str:
    """A value made safe for a Paragraph's markup."""
    return escape(str(value))


PADDING = 3.0


def cells(row: Sequence[object], widths: Sequence[float], style: Any, measure_font: str) -> list[object]:
    """Plain strings where they fit on one line even in bold (fast to lay out); Paragraphs elsewhere."""
    out: list[object] = []
    for item, width in zip(row, widths, strict=True):
        if isinstance(item, Flowable):
            out.append(item)
            continue
        value = str(item)
        fits = stringWidth(value, measure_font, style.fontSize) <= width - 2 * PADDING
        out.append(value if fits and "\n" not in value else Paragraph(text(value), style))
    return out


def grid_table(
    heading: Sequence[object] | None,
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    styles: Styles,
    *,
    row_height: float | Sequence[float] | None = None,
    bold_rows: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table with a repeated heading row; `bold_rows` (0 = first body row) are set in bold."""
    data: list[list[Any]] = []
    if heading is not None:
        data.append(cells(heading, widths, styles.cell_bold, styles.cell_bold.fontName))
    bold = set(bold_rows)
    data.extend(
        cells(row, widths, styles.cell_bold if index in bold else styles.cell, styles.cell_bold.fontName)
        for index, row in enumerate(rows)
    )
    first_body = 1 if heading is not None else 0
    heights = None
    if isinstance(row_height, float | int):
        heights = [None] * first_body + [row_height] * len(rows)
    elif row_height is not None:
        heights = [None] * first_body + list(row_height)
    table = Table(data, colWidths=list(widths), rowHeights=heights, repeatRows=first_body, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.cell.fontName, styles.cell.fontSize, styles.cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    bold_font = (styles.cell_bold.fontName, styles.cell.fontSize, styles.cell.leading)
    if heading is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), GREY))
        commands.append(("FONT", (0, 0), (-1, 0), *bold_font))
    for index in bold:
        commands.append(("FONT", (0, first_body + index), (-1, first_body + index), *bold_font))
    commands.extend(extra)
    table.setStyle(TableStyle(commands))
    return table


def banner(markup: str, styles: Styles, width: float, *, inverted: bool) -> Table:
    """A full-width box: white on black when it must not be missed, else black in a thick frame."""
    style = styles.banner if inverted else styles.bold
    table = Table([[Paragraph(markup, style)]], colWidths=[width])
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 2.2, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]
    if inverted:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), colors.black))
    table.setStyle(TableStyle(commands))
    return table


def field_rows(
    labels: Sequence[str],
    styles: Styles,
    width: float,
    *,
    label_width: float = 55 * mm,
    height: float = 10 * mm,
) -> Table:
    """Label on the left, an empty box to write in on the right (taller where a label wraps)."""
    line = styles.cell.leading
    heights = []
    for label in labels:
        lines = math.ceil(
            stringWidth(label, styles.cell.fontName, styles.cell.fontSize) / (label_width - 2 * PADDING)
        )
        heights.append(max(height, lines * line + 8))
    return grid_table(
        None,
        [[label, ""] for label in labels],
        [label_width, width - label_width],
        styles,
        row_height=heights,
        extra=[("BACKGROUND", (0, 0), (0, -1), GREY)],
    )
