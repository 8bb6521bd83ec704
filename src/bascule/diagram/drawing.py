"""`draw_svg`: the hospital map as a self-contained SVG, coloured by an impact when one is given."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from bascule.diagram import messages as _messages  # noqa: F401  (registers the drawing's words)
from bascule.diagram.boxes import build
from bascule.diagram.header import draw_header, draw_regions, summary_lines
from bascule.diagram.impact_view import ImpactView
from bascule.diagram.layout import place
from bascule.diagram.render import arrow_markers, draw_graph
from bascule.diagram.svg import FONT_FAMILY, element, escape, number
from bascule.durable import ORDINARY, write_atomically
from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t

MARGIN = 40.0
COLUMN_HEADING = 46.0
MIN_WIDTH = 1100.0
MAX_BOXES = 2500


def draw_svg(
    hospital_map: HospitalMap,
    impact: ImpactView | None = None,
    *,
    lang: Lang = "en",
    focus: Iterable[str] | None = None,
    collapse: bool = True,
    scenario: str | None = None,
    affected_only: bool = False,
    max_boxes: int | None = MAX_BOXES,
) -> str:
    """The dependency drawing of `hospital_map`: assets left, applications, care processes right.

    With an `impact`, boxes are coloured and labelled by status; `focus` keeps only what the given
    node ids need and what needs them; `collapse` merges interchangeable assets into counted boxes;
    `scenario` names the scenario in the title; `affected_only` leaves out what is still up.
    A drawing of more than `max_boxes` boxes is refused: nobody can read it, and it takes long.
    """
    focused = tuple(dict.fromkeys(focus or ()))
    graph = build(hospital_map, impact, focus=focused, collapse=collapse, affected_only=affected_only)
    if max_boxes is not None and len(graph.boxes) > max_boxes:
        raise UserError(
            f"The drawing would have {len(graph.boxes)} boxes, too many to read (at most {max_boxes}); "
            "draw part of the map with --focus ID or --affected-only.",
            fr=f"Le dessin aurait {len(graph.boxes)} cases, trop pour être lisible (au plus {max_boxes}) ; "
            "dessinez une partie de la carte avec --focus ID ou --affected-only.",
        )
    placement = place(graph, left=MARGIN, top=0.0)
    header, header_height, header_width = draw_header(
        hospital_map,
        impact,
        lang,
        focused,
        graph.hidden,
        left=MARGIN,
        width=max(MIN_WIDTH, placement.width - MARGIN),
        scenario=scenario,
        affected_only=affected_only,
    )
    top = header_height + COLUMN_HEADING
    width = max(placement.width, MARGIN + header_width) + MARGIN
    height = top + placement.height + MARGIN
    title = t("diagram.title", lang, hospital=hospital_map.hospital.name or hospital_map.hospital.id)
    body = element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "width": width,
            "height": height,
            "font-family": FONT_FAMILY,
            "role": "img",
            "lang": lang,
        },
        element("title", {}, escape(title)),
        element(
            "desc",
            {},
            escape(
                " ".join(
                    summary_lines(hospital_map, impact, lang, focused, graph.hidden, scenario, affected_only)
                )
            ),
        ),
        arrow_markers(),
        element("rect", {"x": 0.0, "y": 0.0, "width": width, "height": height, "fill": "#ffffff"}),
        element("g", {"class": "header"}, header),
        draw_regions(placement.regions, lang, top - 20),
        element(
            "g",
            {"class": "graph", "transform": f"translate(0 {number(top)})"},
            draw_graph(graph, placement, impact, lang),
        ),
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def draw_to_file(
    hospital_map: HospitalMap,
    impact: ImpactView | None,
    path: str | os.PathLike[str],
    lang: Lang = "en",
    *,
    focus: Iterable[str] | None = None,
    scenario: str | None = None,
    collapse: bool = True,
    affected_only: bool = False,
) -> Path:
    """Write the drawing to `path` atomically: a reader sees the old file or the new one, never half."""
    target = Path(path)
    content = draw_svg(
        hospital_map,
        impact,
        lang=lang,
        focus=focus,
        scenario=scenario,
        collapse=collapse,
        affected_only=affected_only,
    ).encode("utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot write the drawing to {target}: {error.strerror or error}.",
            fr=f"Impossible d'écrire le dessin dans {target} : {error.strerror or error}.",
        ) from error
    write_atomically(target, content, ORDINARY)  # the map's drawing: no patient data
    return target
