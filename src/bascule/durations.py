"""Durations people type on the command line: "30s", "90m", "2h", "1d" (also "1.5h").

One parser for every command, so that the same words mean the same thing everywhere.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bascule.errors import UserError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(
    text: str, option: str = "duration", *, zero_allowed: bool = False, bare_unit: str | None = None
) -> timedelta:
    """The duration `text` names; anything else is one clear UserError naming `option`.

    A number without a unit is refused unless `bare_unit` says which unit it is in; zero is
    refused unless `zero_allowed`.
    """
    match = _DURATION.match(text)
    unit = (match.group(2) or bare_unit) if match is not None else None
    if match is None or unit is None:
        raise UserError(
            f"The {option} {text!r} is not a duration; write a number and a unit, e.g. 30s, 90m, 2h or 1d.",
            fr=f"La valeur {text!r} de {option} n'est pas une durée ; écrivez un nombre et une unité, p. ex. 30s, 90m, 2h ou 1d.",
        )
    seconds = float(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds <= 0 and not zero_allowed:
        raise UserError(
            f"The {option} {text!r} must be longer than zero.",
            fr=f"La valeur {text!r} de {option} doit être supérieure à zéro.",
        )
    return timedelta(seconds=seconds)
