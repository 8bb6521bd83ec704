"""Times as a nurse reads them: the hospital's wall clock, day first, 24-hour.

A short date leaves the year out only in the current year: a result from 2019 printed "24/11" would
pass for last week's.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def full(moment: datetime, zone: tzinfo) -> str:
    """24/11/2026 02:00 CET"""
    local = moment.astimezone(zone)
    return f"{local:%d/%m/%Y %H:%M} {local.tzname() or ''}".strip()


def short(moment: datetime, zone: tzinfo, reference: datetime | None = None) -> str:
    """24/11 08:00 in the year of `reference` (default: now), else 24/11/2019 08:00."""
    local = moment.astimezone(zone)
    this_year = (reference or datetime.now(zone)).astimezone(zone).year
    return f"{local:%d/%m %H:%M}" if local.year == this_year else f"{local:%d/%m/%Y %H:%M}"


def clock(moment: datetime, zone: tzinfo) -> str:
    """08:00"""
    return f"{moment.astimezone(zone):%H:%M}"


def day(value: date) -> str:
    return f"{value:%d/%m/%Y}"
