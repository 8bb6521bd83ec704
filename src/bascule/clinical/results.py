"""How a result reads: abnormal flags from the interpretation codes labs send, numbers and units as
people write them, ranges and ratios as text (pure: shared by the FHIR and HL7 readers and the kits).

The interpretation codes are HL7's (v3 ObservationInterpretation, the same codes as v2 table 0078):
each maps to the flag Bascule prints. A code that says nothing about abnormality (NEG, S, ND) reads
as normal; a code Bascule does not know is never dropped: `flag_of` says so, and it reads "A".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from bascule.clinical.records import RH_TYPES, AbnormalFlag

# Significantly high/low (HU/LU) read as critical: overstating a flag sends a nurse to look, the
# reverse may not.
INTERPRETATION_FLAGS: Mapping[str, AbnormalFlag] = {
    "N": "N",
    "L": "L",
    "H": "H",
    "LL": "LL",
    "HH": "HH",
    "LU": "LL",
    "HU": "HH",
    "<": "L",
    ">": "H",
    "A": "A",
    "AA": "AA",
    "POS": "A",
    "DET": "A",
    "IND": "A",
    "E": "A",
    "R": "A",
    "I": "A",
    "NEG": "N",
    "ND": "N",
    "S": "N",
    "NR": "N",
    "EX": "A",
    "EXP": "A",
    "W": "A",
    "U": "A",
    "D": "A",
    "B": "N",
}
# Interpretations sent as text only ("High", as some EHRs write them), lower-cased.
INTERPRETATION_WORDS: Mapping[str, AbnormalFlag] = {
    "normal": "N",
    "low": "L",
    "high": "H",
    "critical low": "LL",
    "critically low": "LL",
    "critical high": "HH",
    "critically high": "HH",
    "abnormal": "A",
    "critical": "AA",
    "critical abnormal": "AA",
    "positive": "A",
    "negative": "N",
}
_SEVERITY: Mapping[str, int] = {"N": 0, "L": 1, "H": 1, "A": 2, "LL": 3, "HH": 3, "AA": 4}


def flag_of(code: str | None, text: str | None = None) -> tuple[AbnormalFlag | None, bool]:
    """(flag, known) for one interpretation: its code first, else its text; unknown reads "A"."""
    if code:
        found = INTERPRETATION_FLAGS.get(code.strip().upper())
        if found is not None:
            return found, True
    if text:
        found = INTERPRETATION_WORDS.get(" ".join(text.lower().split()))
        if found is not None:
            return found, True
    if code or text:
        return "A", False
    return None, True


def worst_flag(flags: Iterable[AbnormalFlag | None]) -> AbnormalFlag | None:
    """The most severe of several flags (a panel's components, several interpretations)."""
    worst: AbnormalFlag | None = None
    for flag in flags:
        if flag is not None and (worst is None or _SEVERITY[flag] > _SEVERITY[worst]):
            worst = flag
    return worst


def number_text(value: float) -> str:
    """A number as the lab wrote it, without exponent or a trailing ".0": 0.00001, 1234567, 5.1."""
    written = format(Decimal(repr(value)), "f")
    return written[:-2] if written.endswith(".0") else written


_UNITS: Mapping[str, str] = {
    "10*9/L": "×10⁹/L",
    "10*12/L": "×10¹²/L",
    "10*3/uL": "×10³/µL",
    "10*6/uL": "×10⁶/µL",
    "umol/L": "µmol/L",
    "ug/L": "µg/L",
    "mm[Hg]": "mmHg",
    "Cel": "°C",
    "[degF]": "°F",
}


def unit_text(unit: str | None) -> str:
    """UCUM as people write it: ×10⁹/L, µmol/L, mmHg; annotations such as {INR} dropped."""
    if not unit:
        return ""
    if unit in _UNITS:
        return _UNITS[unit]
    without_notes = "".join(part.split("}")[-1] for part in unit.split("{"))
    return without_notes.strip() or ""


def quantity_text(value: float, unit: str | None = None, comparator: str | None = None) -> str:
    """ "<0.01 mg/L", "120 mmHg"."""
    return f"{comparator or ''}{number_text(value)} {unit_text(unit)}".strip()


def range_text(low: float | None, high: float | None, unit: str | None = None) -> str:
    """ "3.5 – 5.1", "≥ 60", "≤ 5": a reference range or a Range value; "" when both ends are open."""
    if low is not None and high is not None:
        body = f"{number_text(low)} – {number_text(high)}"
    elif low is not None:
        body = f"≥ {number_text(low)}"
    elif high is not None:
        body = f"≤ {number_text(high)}"
    else:
        return ""
    return f"{body} {unit_text(unit)}".strip()


# The ABO group (LOINC 883-9) and the Rh type (10331-7) when a lab sends them apart: kept as "A"
# and "+", so that the census can put them together.
_ABO_WORDS = re.compile(r"^\s*(?:(?:blood\s+)?group(?:e)?\s+)?(AB|A|B|O)\b", re.IGNORECASE)
# SNOMED CT findings labs send for the ABO group and the RhD type.
ABO_SNOMED: Mapping[str, str] = {"112144000": "A", "112149005": "B", "165743006": "AB", "58460004": "O"}
RH_SNOMED: Mapping[str, str] = {"165747007": "+", "165746003": "-"}


def abo_group(text: str) -> str | None:
    """ "A", "B", "AB" or "O" from a SNOMED code or the lab's words ("Blood group A (finding)")."""
    found = ABO_SNOMED.get(text.strip())
    if found is None and (match := _ABO_WORDS.search(text)) is not None:
        found = match.group(1).upper()
    return found


def rh_type(text: str) -> str | None:
    """ "+" or "-" from a SNOMED code or the lab's words ("RhD positive", "Rh-negative", "NEG")."""
    found = RH_SNOMED.get(text.strip())
    if found is not None or text.strip() in RH_TYPES:
        return found or text.strip()
    lower = text.casefold()
    positive, negative = "pos" in lower, "neg" in lower or "nég" in lower
    return "+" if positive and not negative else "-" if negative and not positive else None
