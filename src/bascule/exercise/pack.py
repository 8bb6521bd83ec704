"""The table-top pack of an exercise script, as PDF bytes: for a paper exercise without the app.

First the facilitator's sheet (title, briefing, what the scenario hits and which care processes go
down, the timeline of injects, the expected decisions with their due minute, how each is recognised
and a blank column for the time it was taken, the facilitator's notes), then one card per inject,
three to an A4 page with cut lines between them, to hand to the players at their minute. Every page
says EXERCICE / EXERCISE in its header, so that no sheet is mistaken for a real incident's.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from bascule import i18n
from bascule.exercise.model import Criterion, ExerciseScript, ExpectedDecision, Inject, clock_label, text_in
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of
from bascule.i18n import Lang, t
from bascule.impact import assess
from bascule.kits.fonts import Typefaces, typefaces
from bascule.kits.frame import (
    FOOTER,
    HEADER,
    MARGIN,
    PAPERS,
    Paper,
    Styles,
    framed_canvas,
    kit_document,
    make_styles,
)
from bascule.kits.tables import banner, grid_table, text

CARDS_PER_PAGE = 3
_FEW = 12  # hit ids listed by name on the sheet; beyond, "and N more"

i18n.register(
    "pack",
    {
        "exercise": {"fr": "EXERCICE", "en": "EXERCISE"},
        "page": {"fr": "Page {number} sur {total}", "en": "Page {number} of {total}"},
        "not_real": {
            "fr": "EXERCICE — ceci n'est pas un incident réel",
            "en": "EXERCISE — this is not a real incident",
        },
        "sheet": {
            "fr": "Fiche de l'animateur — ne pas distribuer aux joueurs",
            "en": "Facilitator's sheet — not for the players",
        },
        "briefing": {"fr": "Briefing (à lire aux joueurs)", "en": "Briefing (read to the players)"},
        "situation": {"fr": "Situation de départ", "en": "Starting situation"},
        "map": {
            "fr": "Carte : {name}. Scénario : {scenario}. Durée : {duration}.",
            "en": "Map: {name}. Scenario: {scenario}. Duration: {duration}.",
        },
        "down": {"fr": "En panne", "en": "Down"},
        "isolated": {"fr": "Segments isolés", "en": "Segments isolated"},
        "suppliers": {"fr": "Fournisseurs hors service", "en": "Suppliers down"},
        "nothing": {"fr": "rien", "en": "nothing"},
        "more": {"fr": "et {count} autres", "en": "and {count} more"},
        "processes": {"fr": "Processus de soins touchés", "en": "Care processes hit"},
        "process": {"fr": "Processus", "en": "Process"},
        "priority": {"fr": "Priorité", "en": "Priority"},
        "status": {"fr": "État", "en": "Status"},
        "fallback": {"fr": "Procédure dégradée", "en": "Fallback procedure"},
        "uncovered": {"fr": "AUCUNE — non couvert", "en": "NONE — uncovered"},
        "status_down": {"fr": "en panne", "en": "down"},
        "status_degraded": {"fr": "dégradé", "en": "degraded"},
        "no_process": {"fr": "Aucun processus de soins touché.", "en": "No care process is hit."},
        "timeline": {"fr": "Chronologie des injects", "en": "Timeline of injects"},
        "minute": {"fr": "Minute", "en": "Minute"},
        "channel": {"fr": "Canal", "en": "Channel"},
        "sender": {"fr": "De", "en": "From"},
        "inject": {"fr": "Inject", "en": "Inject"},
        "effects": {"fr": "Effets", "en": "Effects"},
        "expected": {"fr": "Décisions attendues", "en": "Expected decisions"},
        "decision": {"fr": "Décision", "en": "Decision"},
        "due": {"fr": "Attendue à", "en": "Due at"},
        "recognised": {"fr": "Reconnue par", "en": "Recognised by"},
        "weight": {"fr": "Poids", "en": "Weight"},
        "taken": {"fr": "Prise à", "en": "Taken at"},
        "after": {"fr": "{within} après « {inject} »", "en": "{within} after '{inject}'"},
        "after_start": {"fr": "{within} après le début", "en": "{within} after the start"},
        "notes": {"fr": "Notes de l'animateur", "en": "Facilitator's notes"},
        "no_notes": {"fr": "Pas de notes.", "en": "No notes."},
        "cards": {"fr": "Cartes d'injects — à découper", "en": "Inject cards — cut along the lines"},
        "card_of": {"fr": "Inject {number} sur {total} · {id}", "en": "Inject {number} of {total} · {id}"},
        "cut": {"fr": "découper", "en": "cut here"},
        "short_phone": {"fr": "Téléphone", "en": "Phone"},
        "short_email": {"fr": "Courriel", "en": "E-mail"},
        "short_press": {"fr": "Presse", "en": "Press"},
        "short_ward": {"fr": "Service", "en": "Ward"},
        "short_supplier": {"fr": "Fournisseur", "en": "Supplier"},
        "degraded_too": {
            "fr": "Et {count} autres processus dégradés (ils tournent encore, moins bien).",
            "en": "And {count} more processes degraded (still running, less well).",
        },
        "ch_phone": {"fr": "APPEL TÉLÉPHONIQUE", "en": "PHONE CALL"},
        "ch_email": {"fr": "COURRIEL", "en": "E-MAIL"},
        "ch_press": {"fr": "PRESSE", "en": "PRESS"},
        "ch_ward": {"fr": "REMONTÉE DE SERVICE", "en": "WARD REPORT"},
        "ch_supplier": {"fr": "AVIS DE FOURNISSEUR", "en": "SUPPLIER NOTICE"},
        "by_down": {"fr": "Déclaration en panne : {targets}", "en": "Declared down: {targets}"},
        "by_isolate": {"fr": "Isolement : {targets}", "en": "Isolated: {targets}"},
        "by_supplier": {
            "fr": "Fournisseur déclaré en panne : {targets}",
            "en": "Supplier declared down: {targets}",
        },
        "by_lift": {"fr": "Levée : {targets}", "en": "Lifted: {targets}"},
        "by_procedure": {
            "fr": "Procédure dégradée démarrée : {targets}",
            "en": "Fallback procedure started: {targets}",
        },
        "by_sitrep": {"fr": "Point de situation émis", "en": "Situation report made"},
        "by_triage": {"fr": "Groupe de tri approuvé : {targets}", "en": "Triage group approved: {targets}"},
        "by_decision": {
            "fr": "Décision journalisée contenant : {targets}",
            "en": "Decision recorded with: {targets}",
        },
        "by_judgement": {"fr": "Jugement de l'animateur", "en": "Facilitator's judgement"},
        "triage_cancel": {"fr": "annuler", "en": "cancel"},
        "triage_postpone": {"fr": "reporter", "en": "postpone"},
        "triage_maintain": {"fr": "maintenir", "en": "maintain"},
        "triage_divert": {"fr": "orienter ailleurs", "en": "divert"},
        "or": {"fr": " ou ", "en": " or "},
        "fx_down": {"fr": "en panne : {ids}", "en": "down: {ids}"},
        "fx_isolate": {"fr": "isolés : {ids}", "en": "isolated: {ids}"},
        "fx_suppliers": {"fr": "fournisseurs : {ids}", "en": "suppliers: {ids}"},
        "fx_reconnect": {"fr": "reconnexion : {ids}", "en": "reconnection: {ids}"},
        "fx_supplier_back": {"fr": "retour fournisseur : {ids}", "en": "supplier back: {ids}"},
        "fx_lift": {"fr": "levés : {ids}", "en": "lifted: {ids}"},
    },
)


def minute_label(minutes: float) -> str:
    """The exercise clock as people read it, as the app and the report show it: "T+00:45"."""
    return clock_label(minutes)


def duration_label(minutes: float) -> str:
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@dataclass(frozen=True, slots=True)
class Pack:
    """A table-top pack: the PDF and its number of pages."""

    pdf: bytes
    pages: int


def render_pack(script: ExerciseScript, hospital_map: HospitalMap, lang: Lang, paper: Paper = "a4") -> Pack:
    """The facilitator's sheet and the inject cards of `script`, played on `hospital_map`, as PDF."""
    styles = make_styles()
    out = io.BytesIO()
    document = kit_document(out, paper, f"{t('pack.exercise', lang)} — {script.title_in(lang)}")
    width = float(PAPERS[paper][0] - 2 * MARGIN)
    story: list[Flowable] = [
        *_sheet(script, hospital_map, lang, styles, width),
        PageBreak(),
        *_cards(script, lang, styles, width, _card_height(paper)),
    ]
    pages: list[int] = []
    document.build(story, canvasmaker=_canvas_for(script.title_in(lang), lang, pages))
    return Pack(out.getvalue(), pages[-1])


def _card_height(paper: Paper) -> float:
    frame_height = PAPERS[paper][1] - 2 * MARGIN - HEADER - FOOTER + 4 * mm
    return float((frame_height - 2 * _CutLine.HEIGHT) / CARDS_PER_PAGE) - 1


def _sheet(
    script: ExerciseScript, hospital_map: HospitalMap, lang: Lang, styles: Styles, width: float
) -> list[Flowable]:
    scenario = script.scenario
    story: list[Flowable] = [
        banner(text(t("pack.sheet", lang)), styles, width, inverted=True),
        Spacer(1, 3 * mm),
        Paragraph(text(script.title_in(lang)), styles.title),
        Paragraph(
            text(
                t(
                    "pack.map",
                    lang,
                    name=hospital_map.hospital.name,
                    scenario=scenario.title_in(lang),
                    duration=duration_label(script.duration_minutes),
                )
            ),
            styles.body,
        ),
    ]
    if script.briefing:
        story += [Paragraph(text(t("pack.briefing", lang)), styles.heading)]
        story += [Paragraph(text(text_in(script.briefing, lang)), styles.body)]
    story += [Paragraph(text(t("pack.situation", lang)), styles.heading)]
    for key, ids in (
        ("down", scenario.down),
        ("isolated", scenario.isolate),
        ("suppliers", scenario.suppliers),
    ):
        story.append(
            Paragraph(
                f"<b>{text(t(f'pack.{key}', lang))}</b> : {text(_named(hospital_map, ids, lang))}",
                styles.body,
            )
        )
    story += [Spacer(1, 2 * mm), *_processes(script, hospital_map, lang, styles, width)]
    story += [CondPageBreak(40 * mm), Paragraph(text(t("pack.timeline", lang)), styles.heading)]
    story.append(
        grid_table(
            [t("pack.minute", lang), t("pack.channel", lang), t("pack.sender", lang), t("pack.inject", lang)],
            [
                [
                    minute_label(inject.minute),
                    t(f"pack.short_{inject.channel}", lang),
                    text_in(inject.sender, lang),
                    _inject_summary(inject, hospital_map, lang, styles),
                ]
                for inject in script.injects
            ],
            [17 * mm, 24 * mm, 40 * mm, width - 81 * mm],
            styles,
        )
    )
    story += [CondPageBreak(40 * mm), Paragraph(text(t("pack.expected", lang)), styles.heading)]
    story.append(
        grid_table(
            [
                t("pack.decision", lang),
                t("pack.due", lang),
                t("pack.recognised", lang),
                t("pack.weight", lang),
                t("pack.taken", lang),
            ],
            [_decision_row(script, decision, hospital_map, lang) for decision in script.expected],
            [width - 139 * mm, 38 * mm, 62 * mm, 17 * mm, 22 * mm],
            styles,
            # Room to write the time taken by hand.
            extra=[("TOPPADDING", (0, 1), (-1, -1), 5), ("BOTTOMPADDING", (0, 1), (-1, -1), 5)],
        )
    )
    story += [CondPageBreak(30 * mm), Paragraph(text(t("pack.notes", lang)), styles.heading)]
    notes = [inject for inject in script.injects if inject.facilitator_notes]
    if not notes:
        story.append(Paragraph(text(t("pack.no_notes", lang)), styles.body))
    for inject in notes:
        story.append(
            Paragraph(
                f"<b>{minute_label(inject.minute)} · {text(inject.id)}</b> — "
                f"{text(text_in(inject.facilitator_notes, lang))}",
                styles.body,
            )
        )
        story.append(Spacer(1, 1.5 * mm))
    return story


def _named(hospital_map: HospitalMap, ids: Sequence[str], lang: Lang) -> str:
    if not ids:
        return t("pack.nothing", lang)
    names = [label_of(hospital_map, item) for item in ids[:_FEW]]
    more = len(ids) - _FEW
    return ", ".join(names) + (f", {t('pack.more', lang, count=more)}" if more > 0 else "")


def _processes(
    script: ExerciseScript, hospital_map: HospitalMap, lang: Lang, styles: Styles, width: float
) -> list[Flowable]:
    impact = assess(hospital_map, script.scenario.hits)
    rows = []
    degraded = 0
    for process in impact.process_order:
        status = impact.status(process.id)
        degraded += status == "degraded"
        if status != "down":
            continue
        fallback = (
            hospital_map.procedures_by_id[process.fallback].title or process.fallback
            if process.fallback
            else t("pack.uncovered", lang)
        )
        rows.append([process.label, str(process.priority), t(f"pack.status_{status}", lang), fallback])
    if not rows and not degraded:
        return [Paragraph(text(t("pack.no_process", lang)), styles.body)]
    more = [Paragraph(text(t("pack.degraded_too", lang, count=degraded)), styles.body)] if degraded else []
    if not rows:
        return more
    return [
        Paragraph(text(t("pack.processes", lang)), styles.bold),
        grid_table(
            [
                t("pack.process", lang),
                t("pack.priority", lang),
                t("pack.status", lang),
                t("pack.fallback", lang),
            ],
            rows,
            [width * 0.38, 18 * mm, 24 * mm, width * 0.62 - 42 * mm],
            styles,
        ),
        Spacer(1, 1.5 * mm),
        *more,
    ]


def _inject_summary(inject: Inject, hospital_map: HospitalMap, lang: Lang, styles: Styles) -> Paragraph:
    effects = inject.effects
    parts = []
    for key, ids in (
        ("down", effects.down),
        ("isolate", effects.isolate),
        ("suppliers", effects.suppliers),
        ("reconnect", [f"{label_of(hospital_map, k)} {v:g} h" for k, v in effects.reconnect.items()]),
        ("supplier_back", [f"{label_of(hospital_map, k)} {v:g} h" for k, v in effects.supplier_back.items()]),
        ("lift", effects.lift),
    ):
        if ids:
            shown = ids if key in ("reconnect", "supplier_back") else [label_of(hospital_map, i) for i in ids]
            parts.append(t(f"pack.fx_{key}", lang, ids=", ".join(shown)))
    said = f"<b>{text(inject.id)}</b> — {text(text_in(inject.text, lang))}"
    if parts:
        said += f"<br/><i>{text(t('pack.effects', lang))} : {text('; '.join(parts))}</i>"
    return Paragraph(said, styles.small)


def _decision_row(
    script: ExerciseScript, decision: ExpectedDecision, hospital_map: HospitalMap, lang: Lang
) -> list[object]:
    start = 0.0
    within = duration_label(decision.within_minutes)
    if decision.after is not None:
        inject = script.inject(decision.after)
        start = inject.minute if inject is not None else 0.0
        when = t("pack.after", lang, within=within, inject=decision.after)
    else:
        when = t("pack.after_start", lang, within=within)
    due = f"{minute_label(start + decision.within_minutes)} ({when})"
    return [
        text_in(decision.text, lang),
        due,
        recognised_by(decision.criterion, hospital_map, lang),
        f"{decision.weight:g}",
        "",
    ]


def recognised_by(criterion: Criterion | None, hospital_map: HospitalMap, lang: Lang) -> str:
    """How an expected decision is recognised, as the facilitator reads it."""
    if criterion is None:
        return t("pack.by_judgement", lang)
    if criterion.kind == "sitrep":
        return t("pack.by_sitrep", lang)
    if criterion.kind == "triage":
        targets = [t(f"pack.triage_{word}", lang) for word in criterion.targets]
    elif criterion.kind == "decision":
        targets = [f"« {word} »" if lang == "fr" else f'"{word}"' for word in criterion.targets]
    else:
        targets = [label_of(hospital_map, item) for item in criterion.targets]
    return t(f"pack.by_{criterion.kind}", lang, targets=t("pack.or", lang).join(targets))


def _cards(script: ExerciseScript, lang: Lang, styles: Styles, width: float, height: float) -> list[Flowable]:
    faces = styles.faces
    story: list[Flowable] = []
    total = len(script.injects)
    for number, inject in enumerate(script.injects, 1):
        story.append(_card(inject, number, total, lang, styles, width, height))
        if number == total:
            break
        if number % CARDS_PER_PAGE:
            story.append(_CutLine(width, faces, t("pack.cut", lang)))
        else:
            story.append(PageBreak())
    return story


def _card(
    inject: Inject, number: int, total: int, lang: Lang, styles: Styles, width: float, height: float
) -> Table:
    big = styles.huge.clone("card_channel", fontSize=24, leading=28, spaceAfter=0)
    clock = styles.huge.clone("card_minute", fontSize=24, leading=28, spaceAfter=0, alignment=2)
    body = styles.step.clone("card_text", fontSize=12.5, leading=16)
    header = [
        Paragraph(text(t(f"pack.ch_{inject.channel}", lang)), big),
        Paragraph(minute_label(inject.minute), clock),
    ]
    sender = text_in(inject.sender, lang)
    rows: list[list[Any]] = [
        header,
        [
            Paragraph(
                f"<b>{text(t('pack.sender', lang))} :</b> {text(sender)}" if sender else "", styles.body
            ),
            "",
        ],
        [Paragraph(text(text_in(inject.text, lang)), body), ""],
        [
            Paragraph(
                f"{text(t('pack.exercise', lang))} · {text(t('pack.card_of', lang, number=number, total=total, id=inject.id))}",
                styles.small,
            ),
            "",
        ],
    ]
    fixed = 12 * mm + 9 * mm + 7 * mm
    table = Table(
        rows,
        colWidths=[width * 0.7, width * 0.3],
        rowHeights=[12 * mm, 9 * mm, height - fixed, 7 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 1), (1, 1)),
                ("SPAN", (0, 2), (1, 2)),
                ("SPAN", (0, 3), (1, 3)),
                ("BOX", (0, 0), (-1, -1), 1.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 2), (-1, 2), 4),
            ]
        )
    )
    return table


class _CutLine(Flowable):  # type: ignore[misc]
    """A dashed line across the page with scissors: where to cut two cards apart."""

    HEIGHT = 8 * mm

    def __init__(self, width: float, faces: Typefaces, label: str) -> None:
        super().__init__()
        self.width, self.height = width, self.HEIGHT
        self.faces = faces
        self.label = label

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        middle = self.height / 2
        canvas.saveState()
        canvas.setDash(4, 3)
        canvas.setLineWidth(0.8)
        canvas.line(0, middle, self.width, middle)
        canvas.setDash()
        canvas.setFont(self.faces.regular, 8)
        mark = self.faces.mark("✂", "--")
        words = f" {mark} {self.label} "
        canvas.setFillColor(colors.white)
        canvas.rect(
            8 * mm,
            middle - 2 * mm,
            canvas.stringWidth(words, self.faces.regular, 8),
            4 * mm,
            stroke=0,
            fill=1,
        )
        canvas.setFillColor(colors.black)
        canvas.drawString(8 * mm, middle - 1 * mm, words)
        canvas.restoreState()


def _canvas_for(title: str, lang: Lang, pages: list[int]) -> type[Canvas]:
    """A canvas that writes EXERCICE / EXERCISE and the page count on every page at save time."""
    faces = typefaces()
    return framed_canvas(
        lambda canvas, number, total: _draw_frame(canvas, faces, title, lang, number, total), pages
    )


def _draw_frame(canvas: Any, faces: Typefaces, title: str, lang: Lang, number: int, total: int) -> None:
    width, height = canvas._pagesize
    top = height - MARGIN
    canvas.saveState()
    canvas.setFillColor(colors.black)
    label = t("pack.exercise", lang)
    canvas.setFont(faces.bold, 16)
    canvas.drawString(MARGIN, top - 6 * mm, label)
    canvas.setFont(faces.regular, 10)
    room = width - 2 * MARGIN - canvas.stringWidth(label, faces.bold, 16) - 8 * mm
    shown = title
    while len(shown) > 1 and canvas.stringWidth(shown, faces.regular, 10) > room:
        shown = shown[:-2] + "…"
    canvas.drawRightString(width - MARGIN, top - 6 * mm, shown)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, top - HEADER + 3 * mm, width - MARGIN, top - HEADER + 3 * mm)
    bottom = MARGIN - 4 * mm
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, bottom + 6 * mm, width - MARGIN, bottom + 6 * mm)
    canvas.setFont(faces.bold, 9.5)
    canvas.drawString(MARGIN, bottom + 1.5 * mm, t("pack.not_real", lang))
    canvas.setFont(faces.bold, 11)
    canvas.drawRightString(
        width - MARGIN, bottom + 1.5 * mm, t("pack.page", lang, number=number, total=total)
    )
    canvas.restoreState()
