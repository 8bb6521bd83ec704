from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bascule.durations import parse_duration
from bascule.errors import UserError
from bascule.snapshot.freshness import format_age, parse_instant


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("90m", 5400), ("2h", 7200), ("1d", 86400), ("1.5h", 5400), (" 45 s ", 45)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "2", "h", "2 hours", "-5m", "0s", "5x", "1h30m"])
def test_bad_durations_are_one_sentence(text: str) -> None:
    with pytest.raises(UserError, match=r"--every .* (is not a duration|must be longer than zero)"):
        parse_duration(text, "--every")


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(seconds=42), "42s"),
        (timedelta(minutes=39), "39m"),
        (timedelta(hours=3, minutes=5), "3h05"),
        (timedelta(days=2, hours=4), "2d04h"),
    ],
)
def test_ages_read_at_a_glance(age: timedelta, text: str) -> None:
    assert format_age(age) == text


def test_instants_are_utc() -> None:
    assert parse_instant("2026-11-24T01:00:00Z", "t") == datetime(2026, 11, 24, 1, tzinfo=UTC)
    assert parse_instant("2026-11-24T02:00:00+01:00", "t") == datetime(2026, 11, 24, 1, tzinfo=UTC)
