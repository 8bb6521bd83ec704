"""The Gantt chart of a restoration plan, as SVG or PNG (`bascule plan --gantt FILE`)."""

from __future__ import annotations

import os
from pathlib import Path

from bascule.durable import ORDINARY, write_atomically
from bascule.errors import UserError
from bascule.gantt.layout import lay_out
from bascule.gantt.render import to_png, to_svg
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang
from bascule.recovery.plan import Plan

FORMATS = (".svg", ".png")


def gantt_svg(plan: Plan, hospital_map: HospitalMap, lang: Lang = "en") -> str:
    return to_svg(lay_out(plan, hospital_map, lang))


def gantt_png(plan: Plan, hospital_map: HospitalMap, lang: Lang = "en") -> bytes:
    return to_png(lay_out(plan, hospital_map, lang))


def write_gantt(
    plan: Plan, hospital_map: HospitalMap, path: str | os.PathLike[str], lang: Lang = "en"
) -> Path:
    """Write the chart as SVG or PNG (by the file's suffix), atomically: never a half-written file."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(
            f"The Gantt chart must be a .svg or .png file, not {target.name}.",
            fr=f"Le diagramme de Gantt doit être un fichier .svg ou .png, pas {target.name}.",
        )
    content = (
        gantt_svg(plan, hospital_map, lang).encode("utf-8")
        if suffix == ".svg"
        else gantt_png(plan, hospital_map, lang)
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot write the Gantt chart to {target}: {error.strerror or error}.",
            fr=f"Impossible d'écrire le diagramme de Gantt dans {target} : {error.strerror or error}.",
        ) from error
    write_atomically(target, content, ORDINARY)  # the restoration plan: no patient data
    return target


__all__ = ["gantt_png", "gantt_svg", "write_gantt"]
