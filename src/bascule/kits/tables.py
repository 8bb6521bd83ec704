"""Tables and boxes drawn the same way on every sheet: black grid, grey heading row, bold headings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from bascule.kits.frame import GREY, Styles


def text(value: object) -> str:
    """A value made safe for a Paragraph's markup."""
    return escape(str(value))


def cells(row: Sequence[object], style: Any) -> list[Paragraph]:
    return [item if isinstance(item, Paragraph) else Paragraph(text(item), style) for item in row]


def grid_table(
    heading: Sequence[str] | None,
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    styles: Styles,
    *,
    row_height: float | None = None,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table with a repeated heading row; cells that are not Paragraphs become body text."""
    data: list[list[Any]] = []
    if heading is not None:
        data.append(cells(heading, styles.cell_bold))
    data.extend(cells(row, styles.cell) for row in rows)
    heights = None
    if row_height is not None:
        heights = [None] * (1 if heading is not None else 0) + [row_height] * len(rows)
    table = Table(
        data, colWidths=list(widths), rowHeights=heights, repeatRows=1 if heading else 0, hAlign="LEFT"
    )
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if heading is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), GREY))
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
    """Label on the left, an empty box to write in on the right."""
    return grid_table(
        None,
        [[label, ""] for label in labels],
        [label_width, width - label_width],
        styles,
        row_height=height,
        extra=[("BACKGROUND", (0, 0), (0, -1), GREY)],
    )
