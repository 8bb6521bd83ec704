"""Reading a drawn SVG back, as a person would look at it: boxes, words, colours, links."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class DrawnBox:
    key: str
    classes: frozenset[str]
    fill: str
    stroke: str
    stroke_width: float
    x: float
    y: float
    width: float
    height: float
    texts: tuple[str, ...]
    tooltip: str
    members: tuple[str, ...]
    folded: tuple[str, ...]

    @property
    def words(self) -> str:
        return " | ".join(self.texts)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def boxes(svg: str) -> dict[str, DrawnBox]:
    found = {}
    for group in parse(svg).iter(f"{SVG}g"):
        classes = frozenset(group.get("class", "").split())
        if "node" not in classes:
            continue
        rect = next(r for r in group.iter(f"{SVG}rect") if r.get("class") == "node-box")
        title = group.find(f"{SVG}title")
        found[group.get("data-node", "")] = DrawnBox(
            key=group.get("data-node", ""),
            classes=classes,
            fill=rect.get("fill", ""),
            stroke=rect.get("stroke", ""),
            stroke_width=float(rect.get("stroke-width", "0")),
            x=float(rect.get("x", "0")),
            y=float(rect.get("y", "0")),
            width=float(rect.get("width", "0")),
            height=float(rect.get("height", "0")),
            texts=tuple("".join(t.itertext()) for t in group.iter(f"{SVG}text")),
            tooltip="".join(title.itertext()) if title is not None else "",
            members=tuple(json.loads(group.get("data-members", "null")) or [group.get("data-node", "")]),
            folded=tuple(json.loads(group.get("data-folded", "[]"))),
        )
    return found


def elements_with_class(svg: str, name: str) -> list[ET.Element]:
    return [e for e in parse(svg).iter() if name in e.get("class", "").split()]


def overlapping(drawn: dict[str, DrawnBox]) -> list[tuple[str, str]]:
    items = sorted(drawn.values(), key=lambda b: b.x)
    clashes = []
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if b.x >= a.x + a.width:
                break
            if a.y < b.y + b.height and b.y < a.y + a.height:
                clashes.append((a.key, b.key))
    return clashes
