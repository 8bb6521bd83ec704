"""One unit's kit as one PDF: cover, census, patient sheets, blank forms, procedures.

The PDF is written to an owner-only temp file next to the target and renamed over it
(`bascule.durable`): a crash or a full disk leaves the previous kit, never half of a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reportlab.platypus import Flowable

from bascule.durable import PRIVATE, durable_temp, put_in_place
from bascule.i18n import Lang, t
from bascule.kits.content import UnitKitContent
from bascule.kits.forms import blank_forms
from bascule.kits.frame import PageFacts, Paper, canvas_for, content_width, kit_document, make_styles
from bascule.kits.front_pages import census_flowables, cover_flowables, unplaced_flowables
from bascule.kits.moments import DEFAULT_MAX_AGE, as_of, full
from bascule.kits.patient_sheet import patient_flowables
from bascule.kits.procedures import procedure_flowables


@dataclass(frozen=True, slots=True)
class KitFile:
    unit_id: str
    path: Path
    pages: int
    size: int
    patients: int


def kit_file_name(unit_id: str) -> str:
    return f"kit-{re.sub(r'[^A-Za-z0-9._-]', '_', unit_id)}.pdf"


def kit_story(
    content: UnitKitContent,
    lang: Lang,
    paper: Paper,
    printed_at: datetime,
    max_age: timedelta = DEFAULT_MAX_AGE,
    *,
    sheets_only: bool = False,
) -> list[Flowable]:
    """The kit's pages; with `sheets_only`, the patient sheets alone (a station printing one patient)."""
    styles = make_styles()
    width = content_width(paper)
    if sheets_only:
        return [f for page in content.patients for f in patient_flowables(page, content, styles, lang, width)]
    story = cover_flowables(content, styles, lang, width, printed_at, max_age)
    story.extend(census_flowables(content, styles, lang, width))
    story.extend(unplaced_flowables(content, styles, lang, width))
    for page in content.patients:
        story.extend(patient_flowables(page, content, styles, lang, width))
    story.extend(blank_forms(styles, lang, width))
    story.extend(procedure_flowables(content.procedures, styles, lang, width))
    return story


def render_kit(
    content: UnitKitContent,
    out_dir: Path,
    lang: Lang,
    paper: Paper,
    printed_at: datetime | None = None,
    max_age: timedelta = DEFAULT_MAX_AGE,
    *,
    sheets_only: bool = False,
) -> KitFile:
    census = content.census
    target = out_dir / kit_file_name(census.unit_id)
    printed_at = printed_at or datetime.now(UTC)
    stale = printed_at - content.data_time > max_age
    facts = PageFacts(census.name, full(content.data_time, content.zone), lang, stale)
    # Written straight into an owner-only temp file: a kit holds patients' allergies and drugs.
    with durable_temp(target, PRIVATE) as (stream, temp):
        document = kit_document(stream, paper, f"{t('kits.kit_title', lang)} — {census.name}")
        with as_of(content.data_time):
            document.build(
                kit_story(content, lang, paper, printed_at, max_age, sheets_only=sheets_only),
                canvasmaker=canvas_for(facts),
            )
    put_in_place(temp, target)
    return KitFile(census.unit_id, target, document.page, target.stat().st_size, census.occupied)
