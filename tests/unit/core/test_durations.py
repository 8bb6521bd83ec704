"""One duration syntax for every command; the options that accept zero or a bare number say so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bascule.durations import parse_duration
from bascule.errors import UserError


def test_a_bare_number_takes_the_unit_the_option_names() -> None:
    assert parse_duration("30", "--after", bare_unit="m") == timedelta(minutes=30)
    with pytest.raises(UserError, match="is not a duration"):
        parse_duration("30", "--every")


def test_zero_only_where_allowed() -> None:
    assert parse_duration("0", "--after", zero_allowed=True, bare_unit="m") == timedelta(0)
    with pytest.raises(UserError, match="must be longer than zero"):
        parse_duration("0s", "--every")


def test_days_work_everywhere() -> None:
    assert parse_duration("1d", "--after", zero_allowed=True, bare_unit="m") == timedelta(days=1)
