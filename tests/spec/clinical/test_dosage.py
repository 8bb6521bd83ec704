"""Dose lines and schedules, as the FHIR R4 Dosage and Timing datatypes define them.

Timing (hl7.org/fhir/R4/datatypes#Timing): a coded `code` (GTSAbbreviation BID, TID, Q8H...), or a
`repeat` of `frequency` per `period` `periodUnit`, `when` events with an `offset` in minutes (before
the meal for AC*, after it otherwise), `timeOfDay`, `dayOfWeek`. The ward's standard times come from
the hospital's settings (defaults: BID 08:00/20:00, TID 08:00/14:00/20:00, Q8H 06:00/14:00/22:00,
QD 08:00; meals: breakfast 08:00, dinner 19:00). What has no set time is "see prescription".
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bascule.clinical import HospitalSettings
from bascule.clinical.dosage import DoseLine, Schedule, Timing, due_times, schedule_of

DEFAULTS = HospitalSettings()


def clocks(*texts: str) -> tuple[time, ...]:
    return tuple(time.fromisoformat(text) for text in texts)


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        # Codes (GTSAbbreviation), the ward's round times.
        (Timing(code="BID"), Schedule(clocks("08:00", "20:00"))),
        (Timing(code="TID"), Schedule(clocks("08:00", "14:00", "20:00"))),
        (Timing(code="QID"), Schedule(clocks("08:00", "12:00", "16:00", "20:00"))),
        (Timing(code="Q8H"), Schedule(clocks("06:00", "14:00", "22:00"))),
        (Timing(code="Q12H"), Schedule(clocks("08:00", "20:00"))),
        (Timing(code="HS"), Schedule(clocks("22:00"))),
        (Timing(code="AM"), Schedule(clocks("08:00"))),
        (Timing(code="QOD"), Schedule(clocks("08:00"), every_days=2)),
        (Timing(code="WK"), Schedule(clocks("08:00"), every_days=7)),
        (Timing(code="Q36H"), None),
        (Timing(label="BID"), None),  # text alone is printed as written, never guessed at
        # frequency per period
        (Timing(frequency=1, period=1, period_unit="d"), Schedule(clocks("08:00"))),
        (Timing(frequency=2, period=1, period_unit="d"), Schedule(clocks("08:00", "20:00"))),
        (Timing(frequency=3, period=1, period_unit="d"), Schedule(clocks("08:00", "14:00", "20:00"))),
        (Timing(frequency=4, period=1, period_unit="d"), Schedule(clocks("08:00", "12:00", "16:00", "20:00"))),
        (Timing(frequency=6, period=1, period_unit="d"), Schedule(clocks("02:00", "06:00", "10:00", "14:00", "18:00", "22:00"))),
        (Timing(frequency=1, period=8, period_unit="h"), Schedule(clocks("06:00", "14:00", "22:00"))),
        (Timing(frequency=1, period=6, period_unit="h"), Schedule(clocks("00:00", "06:00", "12:00", "18:00"))),
        (Timing(frequency=1, period=2, period_unit="h"), Schedule(clocks(*(f"{h:02}:00" for h in range(0, 24, 2))))),
        (Timing(frequency=1, period=24, period_unit="h"), Schedule(clocks("08:00"))),
        (Timing(frequency=1, period=2, period_unit="d"), Schedule(clocks("08:00"), every_days=2)),
        (Timing(frequency=1, period=48, period_unit="h"), Schedule(clocks("08:00"), every_days=2)),
        (Timing(frequency=1, period=1, period_unit="wk"), Schedule(clocks("08:00"), every_days=7)),
        # events of the day, with an offset
        (Timing(frequency=2, period=1, period_unit="d", when=("MORN", "EVE")), Schedule(clocks("08:00", "18:00"))),
        (Timing(when=("ACM",), offset=30), Schedule(clocks("07:30"))),
        (Timing(when=("PCV",), offset=60), Schedule(clocks("20:00"))),
        (Timing(when=("HS",)), Schedule(clocks("22:00"))),
        (Timing(when=("CM", "CD", "CV")), Schedule(clocks("08:00", "12:00", "19:00"))),
        # times of day as written, days of the week
        (Timing(frequency=2, period=1, period_unit="d", time_of_day=clocks("09:00", "21:00")), Schedule(clocks("09:00", "21:00"))),
        (Timing(code="BID", time_of_day=clocks("10:00", "22:00")), Schedule(clocks("10:00", "22:00"))),
        (
            Timing(frequency=2, period=1, period_unit="wk", day_of_week=("mon", "thu"), time_of_day=clocks("10:00")),
            Schedule(clocks("10:00"), weekdays=(1, 4)),
        ),
        (Timing(day_of_week=("sat",)), Schedule(clocks("08:00"), weekdays=(6,))),
        # no set time: see prescription
        (Timing(frequency=1, period=36, period_unit="h"), None),
        (Timing(frequency=3, period=1, period_unit="wk"), None),  # three times a week, days unnamed
        (Timing(frequency=1, period=4, period_max=6, period_unit="h"), None),
        (Timing(frequency=1, frequency_max=2, period=1, period_unit="d"), None),
        (Timing(frequency=1, period=1, period_unit="mo"), None),
        (Timing(frequency=5, period=1, period_unit="d"), None),
        (Timing(frequency=1, period=30, period_unit="min"), None),
        (Timing(frequency=1, period=2, period_unit="wk", day_of_week=("mon",)), None),
        (Timing(when=("XYZ",)), None),
        (Timing(day_of_week=("monday",)), None),
        (Timing(), None),
    ],
)  # fmt: skip
def test_a_timing_becomes_the_wards_times(timing: Timing, expected: Schedule | None) -> None:
    assert schedule_of(timing, DEFAULTS) == expected


def test_the_maps_med_times_override_the_defaults() -> None:
    ward = HospitalSettings(med_times={"BID": ("09:00", "21:00"), "Q8H": ("07:00", "15:00", "23:00")})
    assert schedule_of(Timing(code="bid"), ward) == Schedule(clocks("09:00", "21:00"))
    assert schedule_of(Timing(frequency=2, period=1, period_unit="d"), ward) == Schedule(
        clocks("09:00", "21:00")
    )
    assert schedule_of(Timing(frequency=1, period=8, period_unit="h"), ward) == Schedule(
        clocks("07:00", "15:00", "23:00")
    )


@pytest.mark.parametrize(
    ("timing", "summary"),
    [
        (Timing(code="BID", label="2 times daily"), "2 times daily"),
        (Timing(code="BID"), "BID"),
        (Timing(frequency=1, period=36, period_unit="h"), "1×/36 h"),
        (Timing(frequency=1, period=4, period_max=6, period_unit="h"), "1×/4–6 h"),
        (Timing(frequency=3, period=1, period_unit="wk", duration_days=14), "3×/1 wk 14 d"),
        (Timing(when=("ACM",), offset=30), "ACM 30 min"),
    ],
)
def test_a_timing_reads_back_as_written(timing: Timing, summary: str) -> None:
    assert timing.summary() == summary


PARIS = ZoneInfo("Europe/Paris")


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("line", "start", "end", "expected"),
    [
        # 08:00 and 20:00 on the wall clock on both sides of the spring change (29 March 2026).
        (
            DoseLine(times=clocks("08:00", "20:00")),
            paris(2026, 3, 28),
            paris(2026, 3, 30),
            [paris(2026, 3, 28, 8), paris(2026, 3, 28, 20), paris(2026, 3, 29, 8), paris(2026, 3, 29, 20)],
        ),
        # Every other day from the order's start, not from the window.
        (
            DoseLine(times=clocks("08:00"), every_days=2, start=paris(2026, 3, 9, 10)),
            paris(2026, 3, 10),
            paris(2026, 3, 15),
            [paris(2026, 3, 11, 8), paris(2026, 3, 13, 8)],
        ),
        # Weekly on Monday and Thursday (16 March 2026 is a Monday).
        (
            DoseLine(times=clocks("10:00"), weekdays=(1, 4)),
            paris(2026, 3, 15),
            paris(2026, 3, 22),
            [paris(2026, 3, 16, 10), paris(2026, 3, 19, 10)],
        ),
        # Three doses in all from the start, some already past when the window opens.
        (
            DoseLine(times=clocks("08:00", "20:00"), count=3, start=paris(2026, 3, 9, 7)),
            paris(2026, 3, 9, 12),
            paris(2026, 3, 12),
            [paris(2026, 3, 9, 20), paris(2026, 3, 10, 8)],
        ),
        # Within the line's own dates, and one-off events.
        (
            DoseLine(times=clocks("08:00"), end=paris(2026, 3, 11)),
            paris(2026, 3, 9),
            paris(2026, 3, 13),
            [paris(2026, 3, 9, 8), paris(2026, 3, 10, 8)],
        ),
        (DoseLine(events=(paris(2026, 3, 9, 15, 30),)), paris(2026, 3, 9), paris(2026, 3, 10), [paris(2026, 3, 9, 15, 30)]),
        # Nothing due for what has no set time, or is as needed, or whose anchor is unknown.
        (DoseLine(text="as directed"), paris(2026, 3, 9), paris(2026, 3, 10), []),
        (DoseLine(times=clocks("08:00"), as_needed=True), paris(2026, 3, 9), paris(2026, 3, 10), []),
        (DoseLine(times=clocks("08:00"), every_days=2), paris(2026, 3, 9), paris(2026, 3, 12), []),
    ],
)  # fmt: skip
def test_doses_are_due_on_the_hospitals_wall_clock(
    line: DoseLine, start: datetime, end: datetime, expected: list[datetime]
) -> None:
    assert due_times(line, start, end, PARIS) == expected


def test_after_the_spring_change_the_same_wall_clock_is_an_hour_earlier_in_utc() -> None:
    doses = due_times(DoseLine(times=clocks("08:00")), paris(2026, 3, 28), paris(2026, 3, 30), PARIS)
    assert [dose.hour for dose in doses] == [7, 6]


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"times": clocks("08:00")}, "scheduled"),
        ({"events": (paris(2026, 3, 9, 8),)}, "scheduled"),
        ({"text": "as directed"}, "see_prescription"),
        ({"times": clocks("08:00"), "every_days": 2}, "see_prescription"),
        ({"times": clocks("08:00"), "count": 5}, "see_prescription"),
        ({"times": clocks("08:00"), "every_days": 2, "start": paris(2026, 3, 9)}, "scheduled"),
        ({"as_needed": True}, "as_needed"),
    ],
)
def test_each_line_is_scheduled_as_needed_or_see_prescription(fields: dict[str, Any], kind: str) -> None:
    assert DoseLine(**fields).kind == kind


@pytest.mark.parametrize(
    "fields",
    [
        {"times": clocks("20:00", "08:00")},
        {"dose_low": 2, "dose_high": 1},
        {"dose_low": -1},
        {"every_days": 0},
        {"weekdays": (0,)},
        {"count": 0},
        {"start": datetime(2026, 3, 9)},
        {"start": paris(2026, 3, 9), "end": paris(2026, 3, 8)},
    ],
)
def test_a_bad_dose_line_cannot_exist(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="dose"):
        DoseLine(**fields)
