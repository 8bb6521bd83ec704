"""Drawing boxes, links and junctions as SVG: colour for the eye, always a word and an icon besides."""

from __future__ import annotations

import json

from bascule import i18n
from bascule.diagram.boxes import Box, DrawingGraph, Junction
from bascule.diagram.impact_view import STATUS_RANK, ImpactView
from bascule.diagram.layout import Placement, Rect, Route
from bascule.diagram.svg import curve, element, fit, text, text_width, tooltip
from bascule.i18n import Lang, t

# (fill, stroke) by status; None is "no scenario given".
PALETTE: dict[str | None, tuple[str, str]] = {
    "up": ("#e2f3e5", "#2e7d32"),
    "degraded": ("#fff0c4", "#a86200"),
    "down": ("#fbd7d4", "#c62828"),
    None: ("#eef2f7", "#5b6b7f"),
}
EDGE_COLOURS: dict[str | None, str] = {
    "up": "#8d9aa8",
    "degraded": "#c98a14",
    "down": "#c62828",
    None: "#7d8a99",
}
INK = "#1a1a1a"
MUTED = "#4a5563"
HIT_OUTLINE = "#111111"
NAME_SIZE = 13.5
DETAIL_SIZE = 11.5
STATUS_SIZE = 12
MEMBERS_IN_TOOLTIP = 15


def status_icon(status: str, x: float, y: float) -> str:
    """A 14 px icon whose shape says the status: tick (up), warning triangle (degraded), cross (down)."""
    colour = PALETTE[status][1]
    if status == "up":
        return element(
            "g",
            {"class": "icon icon-up"},
            element("circle", {"cx": x + 7, "cy": y + 7, "r": 7.0, "fill": colour}),
            element(
                "path",
                {
                    "d": _path(f"M{x + 3.5} {y + 7.2} l2.4 2.6 l4.6 -5.2"),
                    "fill": "none",
                    "stroke": "#ffffff",
                    "stroke_width": 2.0,
                },
            ),
        )
    if status == "degraded":
        return element(
            "g",
            {"class": "icon icon-degraded"},
            element("path", {"d": _path(f"M{x + 7} {y} L{x + 14} {y + 14} L{x} {y + 14} Z"), "fill": colour}),
            element("rect", {"x": x + 6.1, "y": y + 4.2, "width": 1.8, "height": 5.4, "fill": "#ffffff"}),
            element("rect", {"x": x + 6.1, "y": y + 10.8, "width": 1.8, "height": 1.8, "fill": "#ffffff"}),
        )
    return element(
        "g",
        {"class": "icon icon-down"},
        element("circle", {"cx": x + 7, "cy": y + 7, "r": 7.0, "fill": colour}),
        element(
            "path",
            {
                "d": _path(f"M{x + 4} {y + 4} L{x + 10} {y + 10} M{x + 10} {y + 4} L{x + 4} {y + 10}"),
                "fill": "none",
                "stroke": "#ffffff",
                "stroke_width": 2.2,
            },
        ),
    )


def _path(d: str) -> str:
    """Round the numbers of a small hand-written path so the output is stable."""
    out = []
    for token in d.replace("M", " M ").replace("L", " L ").replace("l", " l ").replace("Z", " Z ").split():
        try:
            value = float(token)
        except ValueError:
            out.append(token)
        else:
            out.append(f"{round(value, 1):g}")
    return " ".join(out)


def status_words(box: Box, impact: ImpactView | None, lang: Lang) -> str:
    if box.status is None:
        return ""
    words = t(f"diagram.status_{box.status}", lang)
    if box.cause == "dependency" and impact is not None:
        chain = list(impact.via(box.members[0]))
        if len(chain) >= 2:
            return f"{words} · {t('diagram.cause_dependency', lang, node=_hops(chain))}"
    elif box.cause in ("declared", "isolated", "supplier"):
        return f"{words} · {t(f'diagram.cause_{box.cause}', lang)}"
    return words


def _hops(chain: list[str]) -> str:
    """The next node and the hit node at the end of a via chain: "ad → dc01", "ehr … san"."""
    if len(chain) == 2:
        return chain[1]
    return f"{chain[1]} {'→' if len(chain) == 3 else '…'} {chain[-1]}"


def box_title(box: Box, lang: Lang) -> str:
    if box.collapsed:
        label = kind_word(box.kind, lang) if box.label == box.kind else box.label
        return t("diagram.collapsed", lang, count=len(box.members), label=label)
    return box.label


def kind_word(kind: str, lang: Lang) -> str:
    """An asset kind in the reader's words; a kind the format does not name, as the map wrote it."""
    return t(f"diagram.asset_{kind}", lang) if f"asset_{kind}" in i18n.catalogues()["diagram"] else kind


def box_detail(box: Box, lang: Lang) -> str:
    if box.category == "application":
        parts = [box.key if not box.collapsed else t("diagram.kind_application", lang)]
    else:
        kind = kind_word(box.kind, lang)
        parts = [box.key] if not box.collapsed else [] if box.label == box.kind else [kind]
        if not box.collapsed and box.kind != box.key:
            parts.append(kind)
    if box.units > len(box.members):
        parts.append(t("diagram.units", lang, count=box.units))
    if box.folded:
        count = len(box.folded)
        parts.insert(
            1, t("diagram.folded_one", lang) if count == 1 else t("diagram.folded", lang, count=count)
        )
    parts += [part for part in (box.segment, box.supplier) if part]
    return " · ".join(parts)


def node_tooltip(box: Box, impact: ImpactView | None, lang: Lang) -> str:
    lines = [box_title(box, lang)]
    if box.collapsed:
        lines.append(t("diagram.tooltip_members", lang, count=len(box.members)))
        shown = box.members[:MEMBERS_IN_TOOLTIP]
    else:
        shown = box.members
    for member in shown:
        line = member
        if impact is not None:
            line += f" · {t('diagram.tooltip_status', lang, status=t(f'diagram.status_{box.status}', lang))}"
            if box.cause:
                cause = t(f"diagram.cause_word_{box.cause}", lang)
                line += f" · {t('diagram.tooltip_cause', lang, cause=cause)}"
            chain = list(impact.via(member))
            if chain:
                line += f" · {t('diagram.tooltip_via', lang, chain=' → '.join(chain))}"
        lines.append(line)
    if len(box.members) > len(shown):
        lines.append(t("diagram.more", lang, count=len(box.members) - len(shown)))
    if box.folded:
        lines.append(t("diagram.tooltip_folded", lang))
        for member in box.folded[:MEMBERS_IN_TOOLTIP]:
            line = member
            if impact is not None:
                status = t(f"diagram.status_{impact.status(member)}", lang)
                line += f" · {t('diagram.tooltip_status', lang, status=status)}"
            lines.append(line)
        if len(box.folded) > MEMBERS_IN_TOOLTIP:
            lines.append(t("diagram.more", lang, count=len(box.folded) - MEMBERS_IN_TOOLTIP))
    if box.priority is not None:
        lines.append(t("diagram.tooltip_priority", lang, priority=box.priority))
        if box.uncovered:
            lines.append(t("diagram.uncovered", lang))
        lines.append(
            t("diagram.fallback", lang, procedure=f"{box.fallback_title} ({box.fallback})")
            if box.fallback
            else t("diagram.no_fallback", lang)
        )
    return "\n".join(lines)


def draw_box(box: Box, rect: Rect, impact: ImpactView | None, lang: Lang) -> str:
    classes = ["node", f"node-{box.category}"]
    classes += [f"status-{box.status}"] if box.status is not None else []
    classes += [
        name
        for name, on in (("hit", box.hit), ("uncovered", box.uncovered), ("collapsed", box.collapsed))
        if on
    ]
    x, y, w = rect.x, rect.y, rect.width
    parts = [tooltip(node_tooltip(box, impact, lang)), *_frame(box, rect)]
    badge = 34.0 if box.priority is not None else 0.0
    name = fit(box_title(box, lang), w - 22 - badge, NAME_SIZE, bold=True)
    parts.append(text(x + 14, y + 20, name, NAME_SIZE, font_weight="bold", fill=INK, class_="name"))
    words = status_words(box, impact, lang)
    if box.priority is None:
        detail = fit(box_detail(box, lang), w - 22, DETAIL_SIZE)
        if detail:  # a group of one kind in no segment, with no supplier, has nothing more to say
            parts.append(text(x + 14, y + 38, detail, DETAIL_SIZE, fill=MUTED, class_="detail"))
        if words:
            parts += _status_line(box, words, x, y + 59, w)
    else:
        parts += _priority_badge(box.priority, x + w, y)
        if words:
            parts += _status_line(box, words, x, y + 40, w)
        else:
            detail = fit(box.key, w - 22, DETAIL_SIZE)
            parts.append(text(x + 14, y + 40, detail, DETAIL_SIZE, fill=MUTED, class_="detail"))
        parts += _fallback_line(box, rect, lang)
    return element(
        "g",
        {
            "class": " ".join(classes),
            "data-node": box.key,
            "data-status": box.status,
            "data-cause": box.cause,
            "data-members": json.dumps(list(box.members)) if box.collapsed else None,
            "data-folded": json.dumps(list(box.folded)) if box.folded else None,
        },
        *parts,
    )


def _frame(box: Box, rect: Rect) -> list[str]:
    """The rectangle (thick and dark when hit), a stack behind it when collapsed, a status stripe."""
    fill, stroke = PALETTE[box.status]
    x, y, w, h = rect.x, rect.y, rect.width, rect.height
    parts = [
        element(
            "rect",
            {
                "x": x + shift,
                "y": y - shift,
                "width": w,
                "height": h,
                "rx": 6.0,
                "fill": fill,
                "stroke": stroke,
                "stroke_width": 1.2,
            },
        )
        for shift in ((8.0, 4.0) if box.collapsed else ())
    ]
    parts.append(
        element(
            "rect",
            {
                "class": "node-box",
                "x": x,
                "y": y,
                "width": w,
                "height": h,
                "rx": 6.0,
                "fill": fill,
                "stroke": HIT_OUTLINE if box.hit else stroke,
                "stroke_width": 4.5 if box.hit else 1.5,
            },
        )
    )
    parts.append(element("rect", {"x": x + 1.5, "y": y + 1.5, "width": 6.0, "height": h - 3, "fill": stroke}))
    return parts


def _status_line(box: Box, words: str, x: float, baseline: float, width: float) -> list[str]:
    assert box.status is not None
    shown = fit(words, width - 42, STATUS_SIZE, bold=True)
    return [
        status_icon(box.status, x + 14, baseline - 11),
        text(x + 33, baseline, shown, STATUS_SIZE, font_weight="bold", fill=INK, class_="status"),
    ]


def _priority_badge(priority: int, right: float, top: float) -> list[str]:
    return [
        element(
            "rect", {"x": right - 36, "y": top + 6, "width": 30.0, "height": 19.0, "rx": 3.0, "fill": INK}
        ),
        text(
            right - 21,
            top + 20,
            f"P{priority}",
            12,
            font_weight="bold",
            fill="#ffffff",
            text_anchor="middle",
            class_="priority",
        ),
    ]


def _fallback_line(box: Box, rect: Rect, lang: Lang) -> list[str]:
    """What staff switch to: the fallback procedure, or a dark band when the process is uncovered."""
    x, bottom, w = rect.x, rect.bottom, rect.width
    if box.uncovered:
        label = fit(t("diagram.uncovered", lang), w - 24, 11, bold=True)
        return [
            element(
                "rect",
                {
                    "class": "uncovered-band",
                    "x": x + 7.5,
                    "y": bottom - 20,
                    "width": w - 9.5,
                    "height": 18.0,
                    "fill": INK,
                },
            ),
            text(
                x + 14, bottom - 6.5, label, 11, font_weight="bold", fill="#ffffff", class_="uncovered-label"
            ),
        ]
    line = (
        t("diagram.fallback", lang, procedure=box.fallback_title or box.fallback)
        if box.fallback
        else t("diagram.no_fallback", lang)
    )
    return [
        text(x + 14, bottom - 10, fit(line, w - 22, DETAIL_SIZE), DETAIL_SIZE, fill=MUTED, class_="fallback")
    ]


def draw_route(route: Route, source: Box) -> str:
    colour = EDGE_COLOURS[source.status]
    down = source.status == "down"
    attributes: dict[str, str | float | None] = {
        "class": f"link link-{route.link.kind}",
        "d": curve(route.points),
        "fill": "none",
        "stroke": colour,
        "stroke_width": 2.4 if down else 1.6,
        "stroke_dasharray": "7 5" if route.link.kind == "optional" else None,
        "marker_end": None
        if route.link.kind == "group"
        else f"url(#bascule-arrow-{source.status or 'none'})",
        "data-source": route.link.source,
        "data-target": route.link.target,
    }
    return element("path", attributes)


def draw_junction(
    junction: Junction, ends: tuple[tuple[float, float], tuple[float, float]], lang: Lang
) -> str:
    (x, y), port = ends
    stroke = PALETTE[junction.status][1]
    colour = EDGE_COLOURS[junction.status]
    label = t("diagram.group", lang, at_least=junction.at_least, size=junction.size)
    label_width = text_width(label, 11, bold=True)
    return element(
        "g",
        {"class": "junction", "data-target": junction.target, "data-status": junction.status},
        tooltip(label),
        element(
            "path",
            {
                "d": curve(((x + 7, y), port)),
                "stroke": colour,
                "stroke_width": 2.0,
                "fill": "none",
                "marker_end": f"url(#bascule-arrow-{junction.status or 'none'})",
            },
        ),
        element(
            "circle",
            {
                "cx": x,
                "cy": y,
                "r": 7.0,
                "fill": stroke if junction.status else "#ffffff",
                "stroke": INK,
                "stroke_width": 1.5,
            },
        ),
        element(
            "rect",
            {
                "x": x - 13 - label_width,
                "y": y - 8,
                "width": label_width + 4,
                "height": 16.0,
                "rx": 3.0,
                "fill": "#ffffff",
                "fill_opacity": 0.92,
            },
        ),
        text(x - 11, y + 4, label, 11, text_anchor="end", font_weight="bold", fill=INK, class_="group-label"),
    )


def arrow_markers() -> str:
    markers = []
    for status in ("up", "degraded", "down", None):
        markers.append(
            element(
                "marker",
                {
                    "id": f"bascule-arrow-{status or 'none'}",
                    "viewBox": "0 0 10 10",
                    "refX": 9.0,
                    "refY": 5.0,
                    "markerWidth": 7.0,
                    "markerHeight": 7.0,
                    "orient": "auto",
                },
                element("path", {"d": "M0 1 L10 5 L0 9 Z", "fill": EDGE_COLOURS[status]}),
            )
        )
    return element("defs", {}, *markers)


def draw_graph(graph: DrawingGraph, placement: Placement, impact: ImpactView | None, lang: Lang) -> str:
    boxes = {box.key: box for box in graph.boxes}

    def route_order(route: Route) -> tuple[int, str, str, str, str]:
        link = route.link
        return (
            STATUS_RANK.get(boxes[link.source].status or "up", 0),
            link.source,
            link.target,
            link.kind,
            link.junction or "",
        )

    routes = sorted(placement.routes, key=route_order)
    parts: list[str] = [
        element("g", {"class": "links"}, *(draw_route(route, boxes[route.link.source]) for route in routes)),
        element(
            "g",
            {"class": "junctions"},
            *(
                draw_junction(j, placement.junctions[j.key], lang)
                for j in sorted(graph.junctions, key=lambda j: j.key)
            ),
        ),
        element(
            "g",
            {"class": "nodes"},
            *(draw_box(box, placement.boxes[box.key], impact, lang) for box in graph.boxes),
        ),
    ]
    return "".join(parts)
