"""The top of the drawing: title, what the scenario hits, how care stands, and the legend."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bascule.diagram.impact_view import ImpactView
from bascule.diagram.layout import Region
from bascule.diagram.render import EDGE_COLOURS, HIT_OUTLINE, INK, MUTED, PALETTE, status_icon
from bascule.diagram.svg import element, text, text_width
from bascule.hospital.model import Application, Asset, CareProcess, HospitalMap
from bascule.i18n import Lang, t

TITLE_SIZE = 24
LINE_SIZE = 15
LEGEND_SIZE = 12.5
LINE_HEIGHT = 24
LEGEND_ROW = 30
IDS_LISTED = 6


def listed(ids: Sequence[str], lang: Lang) -> str:
    shown = ", ".join(ids[:IDS_LISTED])
    if len(ids) > IDS_LISTED:
        shown += " " + t("diagram.more", lang, count=len(ids) - IDS_LISTED)
    return shown


def summary_lines(
    hospital_map: HospitalMap,
    impact: ImpactView | None,
    lang: Lang,
    focus: Sequence[str],
    hidden: int,
    scenario: str | None = None,
    affected_only: bool = False,
) -> list[str]:
    nodes = hospital_map.nodes.values()
    lines = []
    if impact is None:
        lines.append(t("diagram.no_scenario", lang))
        lines.append(
            t(
                "diagram.counts",
                lang,
                assets=sum(isinstance(n, Asset) for n in nodes),
                applications=sum(isinstance(n, Application) for n in nodes),
                processes=sum(isinstance(n, CareProcess) for n in nodes),
            )
        )
    else:
        causes = {n.id: impact.cause(n.id) for n in nodes}
        declared = [n.id for n in nodes if causes[n.id] == "declared"]
        segments = list(dict.fromkeys(n.segment for n in nodes if causes[n.id] == "isolated" and n.segment))
        suppliers = list(
            dict.fromkeys(n.supplier for n in nodes if causes[n.id] == "supplier" and n.supplier)
        )
        parts = [
            t(f"diagram.part_{name}", lang, ids=listed(ids, lang))
            for name, ids in (("declared", declared), ("isolated", segments), ("supplier", suppliers))
            if ids
        ]
        hits = "; ".join(parts) or t("diagram.nothing_hit", lang)
        if scenario:
            lines.append(t("diagram.scenario_named", lang, name=scenario, parts=hits))
        else:
            lines.append(t("diagram.scenario", lang, parts=hits))
        processes = [n for n in nodes if isinstance(n, CareProcess)]
        statuses = [impact.status(p.id) for p in processes]
        lines.append(
            t(
                "diagram.processes",
                lang,
                down=statuses.count("down"),
                degraded=statuses.count("degraded"),
                up=statuses.count("up"),
                uncovered=sum(impact.is_uncovered(p.id) for p in processes),
            )
        )
    if focus:
        lines.append(t("diagram.focus", lang, ids=listed(list(focus), lang), hidden=hidden))
    elif affected_only:
        lines.append(t("diagram.affected_only", lang, hidden=hidden))
    return lines


LegendSample = Callable[[float, float], str]


def _swatch(status: str | None, *, hit: bool = False) -> LegendSample:
    fill, stroke = PALETTE[status]

    def draw(x: float, y: float) -> str:
        parts = [
            element(
                "rect",
                {
                    "x": x,
                    "y": y - 12,
                    "width": 34.0,
                    "height": 20.0,
                    "rx": 4.0,
                    "fill": fill,
                    "stroke": HIT_OUTLINE if hit else stroke,
                    "stroke_width": 4.0 if hit else 1.5,
                },
            )
        ]
        if status is not None:
            parts.append(status_icon(status, x + 10, y - 9))
        return "".join(parts)

    return draw


def _line_sample(dashed: bool) -> LegendSample:
    def draw(x: float, y: float) -> str:
        return element(
            "path",
            {
                "d": f"M{x:.1f} {y - 2:.1f} L{x + 34:.1f} {y - 2:.1f}",
                "stroke": EDGE_COLOURS[None],
                "stroke_width": 2.0,
                "stroke_dasharray": "7 5" if dashed else None,
                "marker_end": "url(#bascule-arrow-none)",
                "fill": "none",
            },
        )

    return draw


def _junction_sample(x: float, y: float) -> str:
    return element(
        "circle", {"cx": x + 8, "cy": y - 2, "r": 7.0, "fill": "#ffffff", "stroke": INK, "stroke_width": 1.5}
    )


def _uncovered_sample(x: float, y: float) -> str:
    return element("rect", {"x": x, "y": y - 11, "width": 34.0, "height": 16.0, "fill": INK})


def _priority_sample(x: float, y: float) -> str:
    return element(
        "rect", {"x": x, "y": y - 14, "width": 30.0, "height": 19.0, "rx": 3.0, "fill": INK}
    ) + text(x + 15, y, "P1", 12, font_weight="bold", fill="#ffffff", text_anchor="middle")


def _collapsed_sample(x: float, y: float) -> str:
    fill, stroke = PALETTE[None]
    return "".join(
        element(
            "rect",
            {
                "x": x + shift,
                "y": y - 12 - shift,
                "width": 26.0,
                "height": 16.0,
                "rx": 3.0,
                "fill": fill,
                "stroke": stroke,
                "stroke_width": 1.2,
            },
        )
        for shift in (6.0, 3.0, 0.0)
    )


def legend_items(has_impact: bool, lang: Lang) -> list[tuple[LegendSample, str]]:
    items: list[tuple[LegendSample, str]] = []
    if has_impact:
        items += [
            (_swatch(status), t(f"diagram.status_{status}", lang)) for status in ("up", "degraded", "down")
        ]
        items.append((_swatch("down", hit=True), t("diagram.legend_hit", lang)))
        items.append((_uncovered_sample, t("diagram.legend_uncovered", lang)))
    items += [
        (_line_sample(False), t("diagram.legend_need", lang)),
        (_line_sample(True), t("diagram.legend_optional", lang)),
        (
            _junction_sample,
            t("diagram.legend_group", lang),
        ),
        (_collapsed_sample, t("diagram.legend_collapsed", lang)),
        (_priority_sample, t("diagram.legend_priority", lang)),
    ]
    return items


def draw_header(
    hospital_map: HospitalMap,
    impact: ImpactView | None,
    lang: Lang,
    focus: Sequence[str],
    hidden: int,
    *,
    left: float,
    width: float,
    scenario: str | None = None,
    affected_only: bool = False,
) -> tuple[str, float, float]:
    """The header's SVG, its height and the width it needs (at least `width`)."""
    title = t("diagram.title", lang, hospital=hospital_map.hospital.name or hospital_map.hospital.id)
    lines = summary_lines(hospital_map, impact, lang, focus, hidden, scenario, affected_only)
    needed = max(
        [width, text_width(title, TITLE_SIZE, bold=True), *(text_width(s, LINE_SIZE) for s in lines)]
    )
    parts = [text(left, 36, title, TITLE_SIZE, font_weight="bold", fill=INK, class_="title")]
    y = 36.0
    for line in lines:
        y += LINE_HEIGHT
        parts.append(text(left, y, line, LINE_SIZE, fill=INK, class_="summary"))
    y += LEGEND_ROW + 6
    x = left
    legend = []
    for sample, label in legend_items(impact is not None, lang):
        item_width = 46 + text_width(label, LEGEND_SIZE) + 28
        if x > left and x + item_width > left + needed:
            x, y = left, y + LEGEND_ROW
        legend.append(sample(x, y) + text(x + 46, y + 2, label, LEGEND_SIZE, fill=INK))
        x += item_width
    parts.append(element("g", {"class": "legend"}, *legend))
    return "".join(parts), y + 24, needed


def draw_regions(regions: Sequence[Region], lang: Lang, y: float) -> str:
    parts = []
    for region in regions:
        middle = (region.x + region.right) / 2
        parts.append(
            text(
                middle,
                y,
                t(f"diagram.column_{region.category}", lang),
                14,
                font_weight="bold",
                fill=MUTED,
                text_anchor="middle",
                letter_spacing=1,
            )
        )
        parts.append(
            element(
                "path",
                {
                    "d": f"M{region.x:.1f} {y + 8:.1f} L{region.right:.1f} {y + 8:.1f}",
                    "stroke": MUTED,
                    "stroke_width": 1.0,
                },
            )
        )
    return element("g", {"class": "columns"}, *parts)
