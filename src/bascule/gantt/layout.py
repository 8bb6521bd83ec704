"""Where everything of a restoration Gantt chart goes, in pixels: drawn later as SVG or PNG.

One row per team member, a bar per task labelled with its node id, a vertical marker where each
priority 1 and 2 care process comes back, a "now" marker when re-planning, the hours axis and a
legend. The layout is pure arithmetic on the plan, so both renderers draw the same chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.recovery import texts as _texts  # noqa: F401  (registers the chart's words)
from bascule.recovery.plan import Plan

Anchor = Literal["start", "middle", "end"]

LABEL_WIDTH = 170.0
CHART_WIDTH = 1000.0
MARGIN = 20.0
ROW_HEIGHT = 26.0
BAR_HEIGHT = 18.0
TITLE_HEIGHT = 34.0
MARKER_LABEL_LINE = 14.0
MARKER_LABEL_LINES = 3
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


def lay_out(plan: Plan, hospital_map: HospitalMap, lang: Lang) -> Chart:
    teams = [team for team in hospital_map.teams if any(task.team == team.id for task in plan.tasks)]
    rows = [(team.id, member) for team in teams for member in range(team.members)]
    row_of = {row: i for i, row in enumerate(rows)}
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
    for i, (team_id, member) in enumerate(rows):
        y = top + i * ROW_HEIGHT
        if i % 2 == 0:
            boxes.append(Box(left, y, CHART_WIDTH, ROW_HEIGHT, "#f4f4f4", "#f4f4f4"))
        labels.append(
            Label(
                left - 8,
                y + ROW_HEIGHT / 2 + 4,
                t("plan.gantt_member", lang, team=team_id, number=member + 1),
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
        brings = ", ".join(task.brings_back)
        tooltip = f"{task.node}: {hours_text(task.start)}–{hours_text(task.end)} h" + (
            f" → {brings}" if brings else ""
        )
        boxes.append(Box(x, y, bar, BAR_HEIGHT, colour_of[task.team], "#ffffff", tooltip))
        if len(task.node) * 9 * CHAR_WIDTH + 6 <= bar:
            labels.append(Label(x + 3, y + BAR_HEIGHT / 2 + 3.5, task.node, 9, "#ffffff"))
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
        names = [process for _, process in sorted(group)]
        shown = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")
        near_edge = x > left + CHART_WIDTH - 160
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
