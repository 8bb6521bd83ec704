"""Times as a nurse reads them: the hospital's wall clock, day first, 24-hour."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def full(moment: datetime, zone: tzinfo) -> str:
    """24/11/2026 02:00 CET"""
    local = moment.astimezone(zone)
    return f"{local:%d/%m/%Y %H:%M} {local.tzname() or ''}".strip()


def short(moment: datetime, zone: tzinfo) -> str:
    """24/11 08:00"""
    return f"{moment.astimezone(zone):%d/%m %H:%M}"


def clock(moment: datetime, zone: tzinfo) -> str:
    """08:00"""
    return f"{moment.astimezone(zone):%H:%M}"


def day(value: date) -> str:
    return f"{value:%d/%m/%Y}"
