"""How old the data is: instants (ISO 8601 UTC) and ages (durations are read by bascule.durations)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


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
