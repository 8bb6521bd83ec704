"""The restoration plan as a Gantt chart (SVG): one line per team member, one bar per task."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_ROW = 30
_LABEL = 170
_WIDTH = 1100
_TOP = 28

# Bars are never told apart by colour alone: started ones are hatched and say so in their title.
_FILL = {"planned": "#8aa4c8", "started": "#1d4f91"}


def draw_gantt(
    tasks: Sequence[Mapping[str, Any]], states: Mapping[str, str], now_hours: float, labels: Mapping[str, str]
) -> str:
    """SVG of `tasks` (contract 3's task dicts); `states` maps a node to "started" when work began.

    `labels` gives the words used: "now", "started", "hours".
    """
    if not tasks:
        return ""
    lanes = sorted({(str(t["team"]), int(t.get("member", 0))) for t in tasks})
    lane_index = {lane: i for i, lane in enumerate(lanes)}
    end = max(float(t["end"]) for t in tasks)
    start = min(min(float(t["start"]) for t in tasks), now_hours)
    span = max(end - start, 1.0)
    scale = (_WIDTH - _LABEL - 20) / span
    height = _TOP + _ROW * len(lanes) + 10

    def x(hours: float) -> float:
        return _LABEL + (hours - start) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" '
        f'height="{height}" role="img" font-family="DejaVu Sans, sans-serif" font-size="13">',
        '<defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#1d4f91"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#fff" stroke-width="3"/></pattern></defs>',
    ]
    step = _tick_step(span)
    tick = (int(start // step)) * step
    while tick <= end + 1e-9:
        if tick >= start - 1e-9:
            parts.append(
                f'<line x1="{x(tick):.1f}" y1="{_TOP - 6}" x2="{x(tick):.1f}" y2="{height - 10}" '
                'stroke="#ddd"/>'
            )
            parts.append(f'<text x="{x(tick):.1f}" y="{_TOP - 10}" text-anchor="middle">{tick:g} h</text>')
        tick += step
    for (team, member), row in lane_index.items():
        y = _TOP + row * _ROW
        parts.append(f'<text x="4" y="{y + 19}">{escape(team)} #{member + 1}</text>')
    for task in tasks:
        node = str(task["node"])
        y = _TOP + lane_index[(str(task["team"]), int(task.get("member", 0)))] * _ROW
        left, right = x(float(task["start"])), x(float(task["end"]))
        state = states.get(node, "planned")
        fill = "url(#hatch)" if state == "started" else _FILL["planned"]
        title = f"{node}: {float(task['start']):g} → {float(task['end']):g} h"
        if state == "started":
            title += f" ({labels.get('started', 'started')})"
        parts.append(
            f"<g data-task={quoteattr(node)}><title>{escape(title)}</title>"
            f'<rect x="{left:.1f}" y="{y + 3}" width="{max(right - left, 2):.1f}" height="{_ROW - 8}" '
            f'fill="{fill}" stroke="#123" rx="3"/>'
            f'<text x="{left + 4:.1f}" y="{y + 19}" fill="#000" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(node)}</text></g>'
        )
    parts.append(
        f'<line x1="{x(now_hours):.1f}" y1="{_TOP - 4}" x2="{x(now_hours):.1f}" y2="{height - 6}" '
        'stroke="#b00020" stroke-width="3"/>'
    )
    parts.append(
        f'<text x="{x(now_hours) + 4:.1f}" y="{height - 2}" fill="#b00020" font-weight="bold">'
        f"{escape(labels.get('now', 'now'))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _tick_step(span: float) -> float:
    for step in (1, 2, 4, 6, 12, 24, 48, 96):
        if span / step <= 14:
            return float(step)
    return 168.0
