"""Reading a kit back as a nurse's eyes would: text per page, fonts of each text, pixels."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, laid out as printed (pdftotext -layout)."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode()
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, info
    return float(match.group(1)), float(match.group(2))


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool


def text_runs(pdf: Path, page: int) -> list[Run]:
    """Each piece of text on a page with whether its font is bold (pdftohtml -xml)."""
    xml = subprocess.run(
        [
            "pdftohtml",
            "-xml",
            "-i",
            "-stdout",
            "-q",
            "-fontfullname",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
        ],
        check=True,
        capture_output=True,
    ).stdout.decode()
    root = ElementTree.fromstring(xml)
    bold = {spec.get("id"): "Bold" in (spec.get("family") or "") for spec in root.iter("fontspec")}
    return [Run("".join(node.itertext()).strip(), bold[node.get("font")]) for node in root.iter("text")]


def render_png(pdf: Path, page: int, folder: Path, resolution: int = 40) -> Path:
    prefix = folder / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(resolution),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")
