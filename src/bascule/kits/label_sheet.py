"""The common A4 sheet of sticky labels (3 × 8 labels of 70 × 37 mm), as downtime numbers and
laboratory samples print on it: where each label sits, a new page every 24."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 3, 8
LABEL_WIDTH, LABEL_HEIGHT = 70 * mm, 37 * mm
PER_PAGE = COLUMNS * ROWS

T = TypeVar("T")


def on_labels(canvas: Canvas, items: Iterable[T]) -> Iterator[tuple[T, float, float]]:
    """Each item with the bottom-left corner of its label, the sheet centred on the page; the
    canvas turns to a new page before the 25th, the 49th..."""
    page_width, page_height = A4
    left = (page_width - COLUMNS * LABEL_WIDTH) / 2
    top = page_height - (page_height - ROWS * LABEL_HEIGHT) / 2
    for index, item in enumerate(items):
        slot = index % PER_PAGE
        if slot == 0 and index:
            canvas.showPage()
        yield item, left + (slot % COLUMNS) * LABEL_WIDTH, top - (slot // COLUMNS + 1) * LABEL_HEIGHT


def pages_for(count: int) -> int:
    """Pages a sheet of `count` labels takes (one, empty, for none)."""
    return max(1, -(-count // PER_PAGE))
