"""Times as a nurse reads them: the hospital's wall clock, day first, 24-hour.

A short date leaves the year out only in the year of the data: a result from 2019 printed "24/11"
would pass for last week's. A kit is printed `as_of(its data time)`, so that the page reads the same
whatever day it is printed; elsewhere the year of reference is this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, tzinfo

# Data older than this when a kit is printed is stale: the cover and every page header say so.
DEFAULT_MAX_AGE = timedelta(hours=2)
_REFERENCE: ContextVar[datetime | None] = ContextVar("kit_reference_time", default=None)


@contextmanager
def as_of(reference: datetime) -> Iterator[None]:
    """Within this block, short dates leave out the year of `reference` (a kit's data time)."""
    token = _REFERENCE.set(reference)
    try:
        yield
    finally:
        _REFERENCE.reset(token)


def full(moment: datetime, zone: tzinfo) -> str:
    """24/11/2026 02:00 CET"""
    local = moment.astimezone(zone)
    return f"{local:%d/%m/%Y %H:%M} {local.tzname() or ''}".strip()


def short(moment: datetime, zone: tzinfo, reference: datetime | None = None) -> str:
    """24/11 08:00 in the year of `reference` (default: the data time of the kit being printed, else
    now), else 24/11/2019 08:00."""
    local = moment.astimezone(zone)
    this_year = (reference or _REFERENCE.get() or datetime.now(zone)).astimezone(zone).year
    return f"{local:%d/%m %H:%M}" if local.year == this_year else f"{local:%d/%m/%Y %H:%M}"


def clock(moment: datetime, zone: tzinfo) -> str:
    """08:00"""
    return f"{moment.astimezone(zone):%H:%M}"


def day(value: date) -> str:
    return f"{value:%d/%m/%Y}"
