"""Drawing a laid-out Gantt chart: SVG written by hand, PNG with Pillow."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bascule.diagram.svg import FONT_FAMILY, element, escape, number
from bascule.gantt.layout import Chart


def to_svg(chart: Chart) -> str:
    parts = [
        element(
            "rect",
            {"x": 0, "y": 0, "width": number(chart.width), "height": number(chart.height), "fill": "#ffffff"},
        )
    ]
    for box in chart.boxes:
        children = (element("title", {}, escape(box.tooltip)),) if box.tooltip else ()
        parts.append(
            element(
                "rect",
                {
                    "x": box.x,
                    "y": box.y,
                    "width": box.width,
                    "height": box.height,
                    "fill": box.fill,
                    "stroke": box.stroke,
                    "stroke_width": 0.5,
                },
                *children,
            )
        )
    for line in chart.lines:
        parts.append(
            element(
                "line",
                {
                    "x1": line.x1,
                    "y1": line.y1,
                    "x2": line.x2,
                    "y2": line.y2,
                    "stroke": line.colour,
                    "stroke_width": line.width,
                    "stroke_dasharray": "5 3" if line.dashed else None,
                },
            )
        )
    for label in chart.labels:
        parts.append(
            element(
                "text",
                {
                    "x": label.x,
                    "y": label.y,
                    "font_size": label.size,
                    "fill": label.colour,
                    "text_anchor": label.anchor,
                    "font_weight": "bold" if label.bold else None,
                },
                escape(label.content),
            )
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + element(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "width": number(chart.width),
                "height": number(chart.height),
                "viewBox": f"0 0 {number(chart.width)} {number(chart.height)}",
                "font_family": FONT_FAMILY,
                "role": "img",
                "aria_label": chart.title,
            },
            element("title", {}, escape(chart.title)),
            *parts,
        )
        + "\n"
    )


def to_png(chart: Chart) -> bytes:
    image = Image.new("RGB", (int(chart.width), int(chart.height)), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(size: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if (size, bold) not in fonts:
            fonts[size, bold] = _font(size, bold)
        return fonts[size, bold]

    for box in chart.boxes:
        draw.rectangle(
            (box.x, box.y, box.x + box.width, box.y + box.height), fill=box.fill, outline=box.stroke
        )
    for line in chart.lines:
        if line.dashed:
            _dashed(draw, line.x1, line.y1, line.x2, line.y2, line.colour, max(1, round(line.width)))
        else:
            draw.line((line.x1, line.y1, line.x2, line.y2), fill=line.colour, width=max(1, round(line.width)))
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for label in chart.labels:
        draw.text(
            (label.x, label.y),
            label.content,
            fill=label.colour,
            font=font(label.size, label.bold),
            anchor=anchors[label.anchor],
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans when the system has it, else ReportLab's Vera: both carry French accents."""
    candidates = [Path(f"/usr/share/fonts/truetype/dejavu/DejaVuSans{'-Bold' if bold else ''}.ttf")]
    reportlab_fonts = Path(str(resources.files("reportlab"))) / "fonts"
    candidates.append(reportlab_fonts / ("VeraBd.ttf" if bold else "Vera.ttf"))
    for candidate in candidates:
        if candidate.is_file():
            return ImageFont.truetype(str(candidate), size=size)
    return ImageFont.load_default(size=size)


def _dashed(
    draw: ImageDraw.ImageDraw, x1: float, y1: float, x2: float, y2: float, colour: str, width: int
) -> None:
    """Pillow draws no dashes: vertical or horizontal segments of 5 px every 8 px."""
    length = max(abs(x2 - x1), abs(y2 - y1))
    position = 0.0
    while position < length:
        end = min(position + 5, length)
        fraction_a, fraction_b = position / length, end / length
        draw.line(
            (
                x1 + (x2 - x1) * fraction_a,
                y1 + (y2 - y1) * fraction_a,
                x1 + (x2 - x1) * fraction_b,
                y1 + (y2 - y1) * fraction_b,
            ),
            fill=colour,
            width=width,
        )
        position += 8
