"""How old the data is: instants (ISO 8601 UTC) and durations ("30s", "90m", "2h", "1d")."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bascule.errors import UserError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, option: str = "duration") -> timedelta:
    """ "30s", "90m", "2h", "1d" (also "1.5h"); anything else is one clear UserError."""
    match = _DURATION.match(text)
    if match is None:
        raise UserError(
            f"The {option} {text!r} is not a duration; write a number and a unit, e.g. 30s, 90m, 2h or 1d."
        )
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise UserError(f"The {option} {text!r} must be longer than zero.")
    return timedelta(seconds=seconds)


def parse_instant(text: object, what: str) -> datetime:
    """An ISO 8601 instant; one without offset is taken as UTC."""
    if not isinstance(text, str):
        raise ValueError(f"{what} is not a date and time")
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def compact_instant(value: datetime) -> str:
    """For file names: 20261124T010000Z."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def format_age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 120:
        return f"{sign}{seconds}s"
    if seconds < 7200:
        return f"{sign}{seconds // 60}m"
    if seconds < 172800:
        return f"{sign}{seconds // 3600}h{(seconds % 3600) // 60:02d}"
    return f"{sign}{seconds // 86400}d{(seconds % 86400) // 3600:02d}h"
