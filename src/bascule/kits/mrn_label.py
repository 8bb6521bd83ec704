"""The MRN as printed on a patient's sheet: always whole, its barcode only if a scanner can read it.

A long MRN (Synthea and some EHRs use 36-character UUIDs) used to be cut to fit a column or a page
header, and its barcode ran off the column: a wrong or partial identity on paper. The text shrinks to
fit, never loses a character; the barcode's bars narrow down to what scanners read, and past that the
sheet says there is no barcode rather than print one too fine to scan.
"""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from bascule.i18n import Lang, register, t
from bascule.kits.frame import Styles, fitting_size
from bascule.kits.tables import text

register(
    "kit_mrn",
    {
        "no_barcode": {
            "fr": "IPP trop long pour un code-barres : le recopier",
            "en": "MRN too long for a barcode: copy it by hand",
        },
    },
)

BAR_WIDTH = 0.36 * mm
# Below this module width (about 7.5 mil) common ward scanners stop reading Code 128 reliably.
NARROWEST_BAR = 0.19 * mm


def mrn_flowables(mrn: str, styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    """The MRN line and its barcode, both whole within `width`."""
    label = f"{t('kits.mrn', lang)} {mrn}"
    size = fitting_size(label, styles.faces.bold, width, smallest=7.0)
    style = ParagraphStyle("mrn", parent=styles.heading, fontSize=size, leading=size * 1.2)
    parts: list[Flowable] = [Paragraph(f"{text(t('kits.mrn', lang))} <b>{text(mrn)}</b>", style)]
    barcode = Code128(mrn, barHeight=11 * mm, barWidth=BAR_WIDTH, quiet=False)
    if barcode.width > width:
        narrower = BAR_WIDTH * width / barcode.width
        if narrower < NARROWEST_BAR:
            parts.append(Paragraph(text(t("kit_mrn.no_barcode", lang)), styles.small))
            return parts
        barcode = Code128(mrn, barHeight=11 * mm, barWidth=narrower, quiet=False)
    parts.append(barcode)
    return parts
