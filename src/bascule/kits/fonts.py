"""The kit's typefaces: DejaVu Sans (Debian fonts-dejavu-core) so that accents and symbols print.

Falls back to Helvetica, with a warning in the log, where DejaVu is absent: accents then still print
(WinAnsi) but the symbols (▲ ▼ ☐ ⚠) do not, and the kit says so in the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_FOLDER = Path("/usr/share/fonts/truetype/dejavu")
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Typefaces:
    regular: str
    bold: str
    symbols: bool  # whether ▲ ▼ ☐ ⚠ can be drawn

    def mark(self, symbol: str, fallback: str) -> str:
        return symbol if self.symbols else fallback


@cache
def typefaces(folder: Path = DEJAVU_FOLDER) -> Typefaces:
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
        return Typefaces("DejaVuSans", "DejaVuSans-Bold", True)
    _log.warning("DejaVu Sans not found in %s (install fonts-dejavu-core); using Helvetica.", folder)
    return Typefaces("Helvetica", "Helvetica-Bold", False)
