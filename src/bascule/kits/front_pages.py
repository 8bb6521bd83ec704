"""The kit's first pages: the cover (unit, data time in large type, how to use the kit, contents),
the census (bed, patient, age, allergy flag, blood group, attending), in bed order, and the patients
with a current stay whom the source places in no unit (in every unit's kit)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from bascule import i18n
from bascule.i18n import Lang, t
from bascule.kits.content import UnitKitContent
from bascule.kits.frame import PatientMark, Styles
from bascule.kits.moments import DEFAULT_MAX_AGE, clock, day, full
from bascule.kits.patient_sheet import age_text, bed_text, display_name, sex_text
from bascule.kits.tables import grid_table, text
from bascule.snapshot.freshness import format_age

PROCEDURE_STEPS = ("step_1", "step_2", "step_3", "step_4", "step_5")

i18n.register(
    "unplaced",
    {
        "title": {"fr": "Patients non placés", "en": "Patients not placed"},
        "explain": {
            "fr": "Ces patients ont un séjour en cours, mais la source ne les place dans aucune unité "
            "connue. Cette liste est dans le kit de chaque unité : cherchez-les dans la vôtre et "
            "signalez à la cellule de crise où ils se trouvent. "
            "Leurs fiches sont dans le kit « Patients non placés » (kit-not-placed.pdf).",
            "en": "These patients have a current stay, but the source places them in no known unit. "
            "This list is in every unit's kit: look for them in yours and tell the crisis cell where "
            'they are. Their sheets are in the "Patients not placed" kit (kit-not-placed.pdf).',
        },
        "contents": {
            "fr": "{count} patient(s) non placé(s) dans une unité (à rechercher)",
            "en": "{count} patient(s) not placed in any unit (to be found)",
        },
        "col_patient": {"fr": "Patient", "en": "Patient"},
        "col_mrn": {"fr": "IPP", "en": "MRN"},
        "col_born": {"fr": "Né(e) le", "en": "Born"},
        "col_place": {"fr": "Lieu donné par la source", "en": "Place given by the source"},
        "col_admitted": {"fr": "Entré(e) le", "en": "Admitted"},
        "no_place": {"fr": "aucun", "en": "none"},
    },
)


def cover_flowables(
    content: UnitKitContent,
    styles: Styles,
    lang: Lang,
    width: float,
    printed_at: datetime,
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> list[Flowable]:
    census = content.census
    age = printed_at - content.data_time
    rows = [
        [Paragraph(text(t("kits.cover_data_time", lang)), styles.heading)],
        [Paragraph(text(full(content.data_time, content.zone)), styles.huge)],
        [
            Paragraph(
                text(t("kits.age_at_print", lang, age=format_age(age), max_age=format_age(max_age))),
                styles.bold,
            )
        ],
    ]
    if age > max_age:
        rows.append(
            [Paragraph(text(t("kits.stale_banner", lang, max_age=format_age(max_age))), styles.cell_inverted)]
        )
    rows.append([Paragraph(text(t("kits.cover_warning", lang)), styles.bold)])
    boxed = Table(rows, colWidths=[width])
    box = [("BOX", (0, 0), (-1, -1), 3, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 8)]
    if age > max_age:
        box.append(("BACKGROUND", (0, 3), (0, 3), colors.black))
    boxed.setStyle(TableStyle(box))
    steps = Table(
        [
            [
                Paragraph(f"<b>{number}</b>", styles.title),
                Paragraph(text(t(f"kits.{key}", lang)), styles.step),
            ]
            for number, key in enumerate(PROCEDURE_STEPS, start=1)
        ],
        colWidths=[12 * mm, width - 12 * mm],
    )
    steps.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    contents = [
        t("kits.contents_census", lang, patients=census.occupied, beds=census.beds),
        t("kits.contents_patients", lang, patients=census.occupied),
        t("kits.contents_forms", lang),
        t("kits.contents_procedures", lang, count=len(content.procedures.sheets)),
    ]
    if content.unplaced:
        contents.insert(1, t("unplaced.contents", lang, count=len(content.unplaced)))
    return [
        PatientMark(None),
        Paragraph(text(t("kits.kit_title", lang)), styles.heading),
        Paragraph(text(content.hospital_name), styles.body),
        Paragraph(text(census.name), styles.huge),
        Paragraph(text(census.unit_id), styles.body),
        Spacer(0, 6 * mm),
        boxed,
        Paragraph(text(t("kits.printed_at", lang, time=full(printed_at, content.zone))), styles.small),
        Spacer(0, 6 * mm),
        Paragraph(text(t("kits.how_to", lang)), styles.title),
        steps,
        Spacer(0, 4 * mm),
        Paragraph(text(t("kits.contents", lang)), styles.heading),
        *(Paragraph(f"• {text(line)}", styles.step) for line in contents),
    ]


def census_flowables(content: UnitKitContent, styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    census = content.census
    parts: list[Flowable] = [
        PageBreak(),
        PatientMark(None),
        Paragraph(text(t("kits.census_title", lang)), styles.title),
        Paragraph(
            text(t("kits.census_summary", lang, patients=census.occupied, beds=census.beds)), styles.body
        ),
        Spacer(0, 3 * mm),
    ]
    if not census.patients:
        parts.append(Paragraph(text(t("kits.census_empty", lang)), styles.bold))
        return parts
    rows: list[list[object]] = []
    bold = (styles.cell_bold.fontName, styles.cell.fontSize, styles.cell.leading)
    extra: list[tuple[object, ...]] = [
        ("FONT", (0, 1), (1, -1), *bold),
        ("FONT", (4, 1), (4, -1), *bold),
    ]
    for index, entry in enumerate(census.patients, start=1):
        allergy = t("kits.allergy_yes", lang) if entry.has_allergy else t("kits.allergy_no", lang)
        if entry.has_allergy:
            allergy = styles.faces.mark("⚠ ", "") + allergy
            extra.append(("BACKGROUND", (3, index), (3, index), colors.black))
            extra.append(("TEXTCOLOR", (3, index), (3, index), colors.white))
            extra.append(("FONT", (3, index), (3, index), *bold))
        rows.append(
            [
                bed_text(entry.room, entry.bed),
                display_name(entry.family, entry.given),
                f"{age_text(entry.age, lang)} {sex_text(entry.sex, lang)}",
                allergy,
                entry.blood_group or "?",
                entry.attending or "—",
            ]
        )
    widths = [width * 0.09, width * 0.32, width * 0.12, width * 0.15, width * 0.11, width * 0.21]
    heading = [t(f"kits.col_{c}", lang) for c in ("bed", "patient", "age", "allergy", "blood", "attending")]
    parts.append(grid_table(heading, rows, widths, styles, row_height=9 * mm, extra=extra))
    return parts


def _day_and_clock(moment: datetime, zone: tzinfo) -> str:
    return f"{day(moment.astimezone(zone).date())} {clock(moment, zone)}"


def unplaced_flowables(content: UnitKitContent, styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    """The patients no unit's census holds: name, MRN, birth date and the place the source gave."""
    if not content.unplaced:
        return []
    rows: list[list[object]] = [
        [
            display_name(entry.family, entry.given),
            entry.mrn or "—",
            day(entry.birth_date) if entry.birth_date else "—",
            entry.source_place or t("unplaced.no_place", lang),
            _day_and_clock(entry.admitted_at, content.zone) if entry.admitted_at else "—",
        ]
        for entry in content.unplaced
    ]
    widths = [width * 0.27, width * 0.12, width * 0.13, width * 0.25, width * 0.23]
    heading = [t(f"unplaced.col_{c}", lang) for c in ("patient", "mrn", "born", "place", "admitted")]
    return [
        PageBreak(),
        PatientMark(None),
        Paragraph(text(t("unplaced.title", lang)), styles.title),
        Paragraph(text(t("unplaced.explain", lang)), styles.bold),
        Spacer(0, 3 * mm),
        grid_table(heading, rows, widths, styles, row_height=9 * mm),
    ]
