"""Writing SVG text by hand: escaped, self-contained (no external fonts, images or scripts), deterministic."""

from __future__ import annotations

import re
from collections.abc import Mapping

FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
# Average advance of a sans-serif glyph relative to the font size; generous so text stays inside.
CHAR_WIDTH = 0.62
BOLD_CHAR_WIDTH = 0.68

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Attributes = Mapping[str, str | int | float | None]


def escape(text: str) -> str:
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def number(value: float) -> str:
    """Coordinates with one decimal at most, so the output is short and the same on every machine."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}"


def _attributes(attributes: Attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        shown = number(value) if isinstance(value, float) else str(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(shown)}"')
    return "".join(parts)


def element(tag: str, attributes: Attributes, *children: str) -> str:
    if not children:
        return f"<{tag}{_attributes(attributes)}/>"
    return f"<{tag}{_attributes(attributes)}>{''.join(children)}</{tag}>"


def text(x: float, y: float, content: str, size: float, **attributes: str | int | float | None) -> str:
    return element("text", {"x": float(x), "y": float(y), "font_size": size, **attributes}, escape(content))


def tooltip(content: str) -> str:
    return element("title", {}, escape(content))


def text_width(content: str, size: float, *, bold: bool = False) -> float:
    return len(content) * size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH)


def fit(content: str, width: float, size: float, *, bold: bool = False) -> str:
    """`content` cut with an ellipsis so it fits in `width` pixels."""
    if text_width(content, size, bold=bold) <= width:
        return content
    keep = max(1, int(width / (size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH))) - 1)
    return content[:keep].rstrip() + "…"


def curve(points: tuple[tuple[float, float], ...]) -> str:
    """A path through `points` that leaves and reaches each one horizontally."""
    (x, y), rest = points[0], points[1:]
    parts = [f"M{number(x)} {number(y)}"]
    for next_x, next_y in rest:
        if next_y == y:
            parts.append(f"L{number(next_x)} {number(next_y)}")
        else:
            bend = (next_x - x) / 2
            parts.append(
                f"C{number(x + bend)} {number(y)} {number(next_x - bend)} {number(next_y)} "
                f"{number(next_x)} {number(next_y)}"
            )
        x, y = next_x, next_y
    return " ".join(parts)
