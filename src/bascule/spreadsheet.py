"""Cells of the CSV files people open in a spreadsheet.

A cell that starts with = + - @, a tab or a carriage return is read by Excel and LibreOffice as a
formula ("CSV injection": `=HYPERLINK(...)` in a user name or a note title runs when the export is
opened). Such a cell gets a leading apostrophe, which the spreadsheet shows as plain text; every
CSV export goes through `safe_row`.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value`, with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_row(values: Iterable[str]) -> list[str]:
    return [safe_cell(value) for value in values]
