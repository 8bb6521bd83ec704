"""The degraded procedure sheets of the care processes a unit takes part in (from the map)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from bascule.i18n import Lang, t
from bascule.kits.content import UnitProcedures
from bascule.kits.frame import PatientMark, Styles
from bascule.kits.tables import text


def procedure_flowables(
    procedures: UnitProcedures, styles: Styles, lang: Lang, width: float
) -> list[Flowable]:
    parts: list[Flowable] = [
        PageBreak(),
        PatientMark(None),
        Paragraph(text(t("kits.procedures_title", lang)), styles.title),
    ]
    if procedures.uncovered:
        names = ", ".join(procedures.uncovered)
        parts.append(Paragraph(text(t("kits.procedures_missing", lang, names=names)), styles.bold))
    if not procedures.sheets and not procedures.uncovered:
        parts.append(Paragraph(text(t("kits.procedures_none", lang)), styles.body))
    box = styles.faces.mark("☐", "[ ]")
    for sheet in procedures.sheets:
        steps = Table(
            [
                [
                    Paragraph(f"<b>{number}.</b>", styles.step),
                    Paragraph(text(step), styles.step),
                    Paragraph(box, styles.title),
                ]
                for number, step in enumerate(sheet.procedure.steps, start=1)
            ],
            colWidths=[10 * mm, width - 22 * mm, 12 * mm],
        )
        steps.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
        )
        heading = [
            Spacer(0, 4 * mm),
            Paragraph(text(sheet.procedure.title or sheet.procedure.id), styles.heading),
            Paragraph(
                text(t("kits.procedure_for", lang, process=sheet.process_name, priority=sheet.priority)),
                styles.small,
            ),
        ]
        parts.append(
            KeepTogether([*heading, steps]) if len(sheet.procedure.steps) <= 8 else KeepTogether(heading)
        )
        if len(sheet.procedure.steps) > 8:
            parts.append(steps)
    return parts
