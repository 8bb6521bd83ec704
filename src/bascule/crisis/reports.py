"""Documents the cell takes out of the application: the journal as CSV and PDF, and the
situation report as PDF (ReportLab)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bascule.crisis import messages  # noqa: F401  (registers the catalogue)
from bascule.crisis.models import JournalRecord
from bascule.i18n import Lang, t
from bascule.journal import BrokenLink
from bascule.spreadsheet import safe_row

CSV_COLUMNS = ("seq", "created", "actor", "incident", "name", "payload", "previous_hash", "hash")


def journal_rows(records: Iterable[JournalRecord]) -> Iterable[tuple[str, ...]]:
    for r in records:
        yield (
            str(r.seq),
            r.created.isoformat(),
            r.actor,
            "" if r.incident_id_ref is None else str(r.incident_id_ref),
            r.name,
            json.dumps(r.payload, sort_keys=True),
            r.previous_hash,
            r.hash,
        )


def whole_journal() -> Iterable[JournalRecord]:
    """Every entry of the crisis journal, in order: what the exports list."""
    records: Iterable[JournalRecord] = JournalRecord.objects.order_by("seq")
    return records


def journal_csv(records: Iterable[JournalRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(safe_row(row) for row in journal_rows(records))
    return out.getvalue()


def _doc(buffer: io.BytesIO, title: str, wide: bool = False) -> SimpleDocTemplate:
    size = landscape(A4) if wide else A4
    return SimpleDocTemplate(
        buffer,
        pagesize=size,
        title=title,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
    )


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
            ]
        )
    )
    return table


def journal_pdf(records: Iterable[JournalRecord], broken: BrokenLink | None, lang: Lang) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = t("crisis.journal_title", lang)
    story: list[Any] = [Paragraph(escape(title), styles["Title"])]
    rows = [
        [
            t("crisis.seq", lang),
            t("crisis.time", lang) + " (UTC)",
            t("crisis.author", lang),
            "incident",
            t("crisis.event", lang),
            t("crisis.details", lang),
            "hash",
        ]
    ]
    count = 0
    for seq, created, actor, incident, name, payload, _previous, digest in journal_rows(records):
        rows.append(
            [
                seq,
                created[:19],
                actor,
                incident,
                name,
                Paragraph(escape(payload), styles["BodyText"]),
                digest[:16],
            ]
        )
        count += 1
    if broken is None:
        status = t("crisis.journal_intact", lang, count=count)
    else:
        status = t("crisis.journal_broken", lang, seq=broken.seq, reason=broken.reason_in(lang))
    story += [Paragraph(escape(status), styles["Heading3"]), Spacer(1, 6)]
    story.append(_table(rows, [1.2 * cm, 3.4 * cm, 3 * cm, 1.6 * cm, 4 * cm, 9 * cm, 3.2 * cm]))
    _doc(buffer, title, wide=True).build(story)
    return buffer.getvalue()


def sitrep_pdf(content: Mapping[str, Any], lang: Lang) -> bytes:
    """The situation report as the cell prints it; `content` is what `sitrep.compose` stored."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = t("crisis.sitrep_for", lang, title=content["title"])
    story: list[Any] = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(f"{t('crisis.data_as_of', lang)} {content['made_at']}"), styles["Normal"]),
        Paragraph(escape(content["summary_text"]), styles["Heading3"]),
    ]

    def section(key: str, lines: list[str]) -> None:
        story.append(Paragraph(escape(t(f"crisis.{key}", lang)), styles["Heading2"]))
        for line in lines or [t("crisis.none", lang)]:
            story.append(Paragraph("• " + escape(line), styles["BodyText"]))

    section("declared_now", content.get("declared_lines", []))
    section("sitrep_down", content["down_lines"])
    section("sitrep_changes", content["change_lines"])
    section("sitrep_decisions", content["decision_lines"])
    section("sitrep_actions", content["action_lines"])
    section("sitrep_etas", content["eta_lines"])
    if content.get("eta_warning"):
        story.append(Paragraph("⚠ " + escape(content["eta_warning"]), styles["BodyText"]))
    head = f"{t('crisis.journal_head', lang)}: {content.get('journal_head', '')}"
    story += [Spacer(1, 12), Paragraph(escape(head), styles["Code"])]
    checkpoint = content.get("journal_checkpoint")
    if checkpoint:
        line = t("crisis.journal_checkpoint", lang, **checkpoint)
        story.append(Paragraph(escape(line), styles["Code"]))
    if content.get("exercise"):
        mark = exercise_marker(lang)
        _doc(buffer, title).build(story, onFirstPage=mark, onLaterPages=mark)
    else:
        _doc(buffer, title).build(story)
    return buffer.getvalue()


def exercise_marker(lang: Lang) -> Any:
    """A page callback that writes EXERCICE (EXERCISE) at the head and the foot of every page, in
    red: a page of an exercise found on a desk must never be taken for a real incident's."""
    words = t("crisis.exercise_mark", lang)

    def mark(canvas: Any, document: Any) -> None:
        width, height = document.pagesize
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#b00020"))
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawCentredString(width / 2, height - 0.9 * cm, words)
        canvas.drawCentredString(width / 2, 0.6 * cm, words)
        canvas.restoreState()

    return mark
