"""Every word of the drawing exists in French and English, with the same placeholders."""

from __future__ import annotations

import string

import bascule.cli.draw
import bascule.diagram  # noqa: F401  (registers the drawing's messages)
from bascule.i18n import catalogues


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_each_message_has_both_languages_and_the_same_placeholders() -> None:
    for domain in ("diagram", "map_draw"):
        for key, texts in catalogues()[domain].items():
            assert texts["fr"].strip() and texts["en"].strip(), f"{domain}.{key}"
            assert placeholders(texts["fr"]) == placeholders(texts["en"]), f"{domain}.{key}"
