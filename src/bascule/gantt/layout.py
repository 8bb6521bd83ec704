"""Where everything of a restoration Gantt chart goes, in pixels: drawn later as SVG or PNG.

One row per team member, a bar per task labelled with its node's name, a vertical marker where each
priority 1 and 2 care process comes back, a "now" marker when re-planning, the hours axis and a
legend. People read names, not map ids: a bar's tooltip adds the id ("Laboratoire (lims)") for the
engineer who restores it, and a bar too short for its name shows its id. Names longer than their
room are cut with an ellipsis. The layout is pure
arithmetic on the plan, so both renderers draw the same chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of
from bascule.i18n import Lang, t
from bascule.recovery import texts as _texts  # noqa: F401  (registers the chart's words)
from bascule.recovery.plan import Plan

Anchor = Literal["start", "middle", "end"]

LABEL_WIDTH = 230.0
CHART_WIDTH = 1000.0
MARGIN = 20.0
ROW_HEIGHT = 26.0
BAR_HEIGHT = 18.0
TITLE_HEIGHT = 34.0
MARKER_LABEL_LINE = 14.0
MARKER_LABEL_LINES = 3
MARKER_LABEL_WIDTH = 300.0  # the room of a care process's name beside its marker
AXIS_HEIGHT = 40.0
LEGEND_HEIGHT = 30.0
CHAR_WIDTH = 0.56  # of the font size, for fitting labels in bars

TEAM_COLOURS = ("#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#b07aa1", "#edc948", "#bab0ac", "#86bcb6")
PRIORITY_COLOURS = {1: "#d62728", 2: "#ff7f0e"}
NOW_COLOUR = "#333333"


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    dashed: bool = False
    width: float = 1.0


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float  # baseline
    content: str
    size: float
    colour: str = "#222222"
    anchor: Anchor = "start"
    bold: bool = False


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    labels: tuple[Label, ...]
    title: str


def nice_step(span: float, most: int = 14) -> float:
    """A tick step in hours (1, 2, 4, 6, 12, 24, 48...) giving at most `most` ticks."""
    for step in (0.5, 1, 2, 4, 6, 12, 24, 48, 72, 96, 168, 336, 720):
        if span / step <= most:
            return float(step)
    return float(int(span / most) + 1)


def hours_text(value: float) -> str:
    return f"{value:g}"


def text_width(content: str, size: float) -> float:
    """The width a label of `size` takes, estimated (the SVG is drawn by the browser's font)."""
    return len(content) * size * CHAR_WIDTH


def fitted(content: str, size: float, room: float) -> str:
    """`content` if it fits in `room` pixels, else its longest start that fits followed by "…"; ""
    when fewer than three letters and the ellipsis fit (a stub like "H…" names nothing)."""
    if text_width(content, size) <= room:
        return content
    letters = int(room / (size * CHAR_WIDTH)) - 1
    return content[:letters].rstrip() + "…" if letters >= 3 else ""


def bar_label(hospital_map: HospitalMap, node_id: str, room: float) -> str:
    """A task's bar label: its name when it fits; else its id when that fits (twelve "Hôte ESX…"
    bars say nothing, "esx-tl-01" is what the engineer types); else the name cut to fit."""
    name = label_of(hospital_map, node_id)
    if text_width(name, 9) <= room:
        return name
    if text_width(node_id, 9) <= room:
        return node_id
    return fitted(name, 9, room)


def engineer_label(hospital_map: HospitalMap, node_id: str) -> str:
    """A node as an engineer looks it up: "Laboratoire (lims)"; the id alone when it has no name."""
    node = hospital_map.nodes.get(node_id)
    label = node.label if node is not None else node_id
    return f"{label} ({node_id})" if label != node_id else node_id


def lay_out(plan: Plan, hospital_map: HospitalMap, lang: Lang) -> Chart:
    teams = [team for team in hospital_map.teams if any(task.team == team.id for task in plan.tasks)]
    rows = [(team, member) for team in teams for member in range(team.members)]
    row_of = {(team.id, member): i for i, (team, member) in enumerate(rows)}
    colour_of = {team.id: TEAM_COLOURS[i % len(TEAM_COLOURS)] for i, team in enumerate(teams)}
    markers = sorted(
        (p.eta_hours, p.priority, p.process)
        for p in plan.processes
        if p.priority in PRIORITY_COLOURS and p.eta_hours is not None and p.eta_hours > 0
    )
    last = max([plan.at, *(task.end for task in plan.tasks), *(m[0] for m in markers)]) or 1.0
    span = last * 1.04
    scale = CHART_WIDTH / span
    left = MARGIN + LABEL_WIDTH
    top = MARGIN + TITLE_HEIGHT + MARKER_LABEL_LINE * MARKER_LABEL_LINES + 6
    chart_bottom = top + ROW_HEIGHT * max(1, len(rows))
    width = left + CHART_WIDTH + MARGIN
    height = chart_bottom + AXIS_HEIGHT + LEGEND_HEIGHT + MARGIN

    def x_of(hours: float) -> float:
        return left + hours * scale

    boxes: list[Box] = []
    lines: list[Line] = []
    labels = [
        Label(
            MARGIN,
            MARGIN + 20,
            t("plan.gantt_title", lang, hospital=hospital_map.hospital.name),
            16,
            bold=True,
        )
    ]
    for i, (team, member) in enumerate(rows):
        y = top + i * ROW_HEIGHT
        if i % 2 == 0:
            boxes.append(Box(left, y, CHART_WIDTH, ROW_HEIGHT, "#f4f4f4", "#f4f4f4"))
        number_room = text_width(t("plan.gantt_member", lang, team="", number=member + 1), 11)
        team_name = fitted(team.name or team.id, 11, LABEL_WIDTH - 8 - number_room)
        labels.append(
            Label(
                left - 8,
                y + ROW_HEIGHT / 2 + 4,
                t("plan.gantt_member", lang, team=team_name, number=member + 1),
                11,
                anchor="end",
            )
        )
    step = nice_step(span)
    tick = 0.0
    while tick <= span:
        x = x_of(tick)
        lines.append(Line(x, top, x, chart_bottom, "#dddddd"))
        lines.append(Line(x, chart_bottom, x, chart_bottom + 5, "#555555"))
        labels.append(Label(x, chart_bottom + 17, hours_text(tick), 10, "#555555", "middle"))
        tick += step
    lines.append(Line(left, chart_bottom, left + CHART_WIDTH, chart_bottom, "#555555"))
    labels.append(
        Label(left + CHART_WIDTH / 2, chart_bottom + 33, t("plan.gantt_axis", lang), 11, "#555555", "middle")
    )
    for task in plan.tasks:
        y = top + row_of[task.team, task.member] * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        x, bar = x_of(task.start), max(1.0, (task.end - task.start) * scale)
        brings = ", ".join(label_of(hospital_map, process) for process in task.brings_back)
        tooltip = (
            f"{engineer_label(hospital_map, task.node)}: {hours_text(task.start)}–{hours_text(task.end)} h"
            + (f" → {brings}" if brings else "")
        )
        boxes.append(Box(x, y, bar, BAR_HEIGHT, colour_of[task.team], "#ffffff", tooltip))
        name = bar_label(hospital_map, task.node, bar - 6)
        if name:
            labels.append(Label(x + 3, y + BAR_HEIGHT / 2 + 3.5, name, 9, "#ffffff"))
    if plan.at > 0:
        x = x_of(plan.at)
        lines.append(Line(x, top - 4, x, chart_bottom, NOW_COLOUR, dashed=True, width=1.5))
        labels.append(
            Label(x, chart_bottom + 30, t("plan.gantt_now", lang), 10, NOW_COLOUR, "middle", bold=True)
        )
    groups: dict[float, list[tuple[int, str]]] = {}
    for eta, priority, process in markers:
        groups.setdefault(eta, []).append((priority, process))
    for i, (eta, group) in enumerate(sorted(groups.items())):
        x = x_of(eta)
        colour = PRIORITY_COLOURS[min(priority for priority, _ in group)]
        line_top = top - 4 - MARKER_LABEL_LINE * (i % MARKER_LABEL_LINES)
        lines.append(Line(x, line_top, x, chart_bottom, colour, dashed=True, width=1.5))
        names = [label_of(hospital_map, process) for _, process in sorted(group)]
        more = f" +{len(names) - 1}" if len(names) > 1 else ""
        shown = (
            fitted(names[0], 10, MARKER_LABEL_WIDTH - text_width(f"{hours_text(eta)} h: {more}", 10)) + more
        )
        near_edge = x > left + CHART_WIDTH - MARKER_LABEL_WIDTH
        labels.append(
            Label(
                x - 2 if near_edge else x + 2,
                line_top - 2,
                f"{hours_text(eta)} h: {shown}",
                10,
                colour,
                "end" if near_edge else "start",
            )
        )
    legend_y = chart_bottom + AXIS_HEIGHT + 10
    boxes.append(Box(left, legend_y, 24, 12, TEAM_COLOURS[0], "#ffffff"))
    labels.append(Label(left + 30, legend_y + 10, t("plan.gantt_legend_task", lang), 11))
    for k, priority in enumerate(PRIORITY_COLOURS):
        x = left + 220 + k * 300
        lines.append(
            Line(x, legend_y - 2, x, legend_y + 14, PRIORITY_COLOURS[priority], dashed=True, width=1.5)
        )
        labels.append(Label(x + 8, legend_y + 10, t("plan.gantt_legend_eta", lang, priority=priority), 11))
    return Chart(
        width,
        height,
        tuple(boxes),
        tuple(lines),
        tuple(labels),
        t("plan.gantt_title", lang, hospital=hospital_map.hospital.name),
    )
