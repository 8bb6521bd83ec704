"""Paper from the station, with the kits' own layout: a unit's whole kit, or one patient's sheet
(the kit of a unit cut down to that patient: identity, allergies, drugs with the 24-hour chart,
results). The PDF is made in a private folder and handed over as bytes; nothing stays on disk."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bascule.errors import NotFoundError
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang
from bascule.kits.assemble import render_kit
from bascule.kits.content import UnitKitContent, gather, procedures_for_unit
from bascule.kits.frame import Paper
from bascule.scratch import private_scratch
from bascule.station.viewer.opened import OpenedBundle


def unit_kit(
    bundle: OpenedBundle,
    hospital_map: HospitalMap,
    unit_id: str,
    lang: Lang,
    max_age: timedelta,
    paper: Paper = "a4",
) -> bytes:
    content = gather(
        bundle.store(), unit_id, procedures_for_unit(hospital_map, unit_id), hospital_map.hospital.name
    )
    return _render(content, lang, max_age, paper)


def patient_sheet(
    bundle: OpenedBundle,
    hospital_map: HospitalMap,
    patient_id: str,
    lang: Lang,
    max_age: timedelta,
    paper: Paper = "a4",
) -> bytes:
    card = bundle.index.get(patient_id)
    if card is None or not card.in_census or card.unit_id is None:
        raise NotFoundError(
            f"Patient {patient_id} has no current stay in a care unit: print the page instead.",
            fr=f"Le patient {patient_id} n'a pas de séjour en cours dans une unité : imprimez la page.",
        )
    content = gather(
        bundle.store(),
        card.unit_id,
        procedures_for_unit(hospital_map, card.unit_id),
        hospital_map.hospital.name,
    )
    entries = tuple(e for e in content.census.patients if e.patient_id == patient_id)
    pages = tuple(p for p in content.patients if p.entry.patient_id == patient_id)
    single = replace(content, census=replace(content.census, patients=entries), patients=pages, unplaced=())
    return _render(single, lang, max_age, paper, sheets_only=True)


def _render(
    content: UnitKitContent, lang: Lang, max_age: timedelta, paper: Paper, *, sheets_only: bool = False
) -> bytes:
    with private_scratch("bascule-print-") as folder:
        kit = render_kit(content, folder, lang, paper, datetime.now(UTC), max_age, sheets_only=sheets_only)
        return kit.path.read_bytes()
