"""The allergy conflicts of one patient as the sheet prints them: a framed box under the allergies,
one line per clash, and the symbol that marks the drug's rows in the medication lists and the MAR.
Never colour alone: a thick frame, a black block with the warning sign, bold capitals."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from bascule.clinical.allergy_conflicts import AllergyConflict, conflicts
from bascule.clinical.views import Chart
from bascule.i18n import Lang, t
from bascule.kits.frame import Styles
from bascule.kits.tables import text

SIGN_COLUMN = 16 * mm


def chart_conflicts(chart: Chart) -> tuple[AllergyConflict, ...]:
    return conflicts(chart.allergies, chart.orders)


def conflict_mark(styles: Styles) -> str:
    """The sign put before a conflicting drug's name ("(!)" where the font has no ⚠)."""
    return styles.faces.mark("⚠", "(!)")


def conflict_sentence(conflict: AllergyConflict, lang: Lang) -> str:
    """One clash in words, e.g. "CONFLIT ALLERGIE : Amoxicilline 1 g — allergie Pénicilline : ..."."""
    drug, allergy = conflict.order.drug, conflict.allergy.substance
    if conflict.cross_reactivity and conflict.drug_class is not None:
        drug_class = conflict.drug_class.label(lang)
        return t("kits.allergy_conflict_cross", lang, drug=drug, allergy=allergy, drug_class=drug_class)
    return t("kits.allergy_conflict", lang, drug=drug, allergy=allergy)


def conflict_box(found: tuple[AllergyConflict, ...], styles: Styles, lang: Lang, width: float) -> Table:
    """A black block with the warning sign beside the clashes, all in a thick frame."""
    line = ParagraphStyle("conflict", parent=styles.bold, fontSize=12.5, leading=16, spaceAfter=2)
    sign = ParagraphStyle(
        "conflict_sign", parent=styles.bold, fontSize=26, leading=30, textColor=colors.white, alignment=1
    )
    mark = conflict_mark(styles)
    lines = [
        Paragraph(f"{text(mark)} {text(conflict_sentence(found_one, lang))}", line) for found_one in found
    ]
    table = Table(
        [[Paragraph(text(styles.faces.mark("⚠", "!")), sign), lines]],
        colWidths=[SIGN_COLUMN, width - SIGN_COLUMN],
    )
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 3.5, colors.black),
        ("BACKGROUND", (0, 0), (0, 0), colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (1, 0), (1, 0), 10),  # a white gap between the block and the text
    ]
    table.setStyle(TableStyle(commands))
    return table
