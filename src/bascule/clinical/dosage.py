"""Dose lines and when their doses are due (pure, FHIR-free).

A prescription holds one or more dose lines: "2 tablets in the morning and 1 in the evening" is two
lines (FHIR `dosageInstruction[]`), none of which may be lost. A line's timing is described with the
words of HL7's Timing datatype (a code such as BID, a frequency per period, meal and day events,
times of day, days of the week) and becomes wall-clock times in the hospital's zone, using the
ward's standard round times (`HospitalSettings.times_of`). What cannot become times (every 36 h,
three times a week on days nobody named, a taper, "as directed") gets none: it is printed as
written with "schedule: see prescription", never as "no dose due".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from bascule.clinical.settings import HospitalSettings

LineKind = Literal["scheduled", "as_needed", "see_prescription"]

# FHIR DaysOfWeek codes, in ISO order (Monday is 1).
WEEKDAY_CODES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Minutes per unit of a Timing period (UCUM); months and years cannot become a daily round.
_MINUTES = {"s": 1 / 60, "min": 1.0, "h": 60.0, "d": 1440.0, "wk": 10080.0}
_DAILY_CODES = {1: "QD", 2: "BID", 3: "TID", 4: "QID"}
_MEALS = {"ACM": "CM", "ACD": "CD", "ACV": "CV", "AC": "C", "PCM": "CM", "PCD": "CD", "PCV": "CV", "PC": "C"}
# Codes that space their doses by whole days (the times are the once-a-day round).
_DAY_SPACED = {"QOD": 2, "WK": 7}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Timing:
    """A line's timing as the prescriber wrote it (HL7 Timing: `code` and `repeat`). Only a coded
    `code` (BID, Q8H...) is scheduled; its `label` (the code's text) is printed, never guessed at."""

    code: str | None = None
    label: str | None = None
    frequency: int | None = None
    frequency_max: int | None = None
    period: float | None = None
    period_max: float | None = None  # "every 4 to 6 hours": no set time
    period_unit: str | None = None
    when: tuple[str, ...] = ()
    offset: int | None = None  # minutes from the `when` event: before it for AC*, after it otherwise
    time_of_day: tuple[time, ...] = ()
    day_of_week: tuple[str, ...] = ()
    count: int | None = None
    duration_days: float | None = None  # boundsDuration, for the summary

    @property
    def has_repeat(self) -> bool:
        """Whether the repeat says anything about when (bounds and counts do not)."""
        return bool(
            self.frequency is not None
            or self.period is not None
            or self.when
            or self.time_of_day
            or self.day_of_week
        )

    def summary(self) -> str:
        """The timing for a person: the code's text or the code as written ("BID", "2 times daily"),
        else the repeat in a compact form with UCUM units ("3×/1 d", "1×/36 h MORN")."""
        if self.label or self.code:
            return self.label or self.code or ""
        parts = []
        if self.frequency is not None or self.period is not None:
            times = _number(self.frequency or 1)
            if self.frequency_max is not None:
                times += f"–{_number(self.frequency_max)}"
            period = _number(self.period or 1)
            if self.period_max is not None:
                period += f"–{_number(self.period_max)}"
            parts.append(f"{times}×/{period} {self.period_unit or 'd'}")
        if self.when:
            offset = f" {self.offset} min" if self.offset else ""
            parts.append(" ".join(self.when) + offset)
        if self.time_of_day:
            parts.append(", ".join(f"{moment:%H:%M}" for moment in self.time_of_day))
        if self.day_of_week:
            parts.append(",".join(self.day_of_week))
        if self.count is not None:
            parts.append(f"×{self.count}")
        if self.duration_days is not None:
            parts.append(f"{_number(self.duration_days)} d")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Wall-clock times of the day, on every `every_days`-th day (counted from the line's start) and
    only on `weekdays` (ISO numbers) when some are named."""

    times: tuple[time, ...]
    every_days: int = 1
    weekdays: tuple[int, ...] = ()


def _evenly(interval_minutes: int, settings: HospitalSettings) -> tuple[time, ...] | None:
    """Doses every `interval_minutes` (whole hours dividing the day): the ward's QnH round when it
    has one, else from midnight."""
    if interval_minutes < 60 or interval_minutes % 60 or 1440 % interval_minutes:
        return None
    hours = interval_minutes // 60
    standard = settings.times_of("QD" if hours == 24 else f"Q{hours}H")
    return standard or tuple(time(hour) for hour in range(0, 24, hours))


def _event_times(timing: Timing, settings: HospitalSettings) -> tuple[time, ...] | None:
    found = []
    for event in timing.when:
        offset = timing.offset or 0
        base = event
        if offset and event in _MEALS:  # "30 min before breakfast" counts from the meal itself
            base = _MEALS[event]
            offset = -offset if event.startswith("AC") else offset
        moment = settings.time_of_event(base)
        if moment is None:
            return None
        minutes = (moment.hour * 60 + moment.minute + offset) % 1440
        found.append(time(minutes // 60, minutes % 60))
    return tuple(found)


def schedule_of(timing: Timing, settings: HospitalSettings) -> Schedule | None:
    """The schedule a timing implies in this hospital, or None when it cannot be one."""
    if not timing.has_repeat:
        return _code_schedule(timing.code, settings)
    if timing.frequency_max is not None or timing.period_max is not None or timing.period_unit in ("mo", "a"):
        return None
    weekdays: list[int] = []
    for code in timing.day_of_week:
        if code not in WEEKDAY_CODES:
            return None
        weekdays.append(WEEKDAY_CODES.index(code) + 1)
    frequency = timing.frequency or 1
    minutes = None
    if timing.period is not None:
        if timing.period_unit not in _MINUTES or timing.period <= 0:
            return None
        minutes = timing.period * _MINUTES[timing.period_unit or "d"]
    every_days = 1
    interval: float | None = None
    if minutes is not None and minutes >= 1440:
        if weekdays and minutes == 10080:  # "on Monday and Thursday" each week
            if timing.frequency is not None and frequency != len(weekdays):
                return None
        elif frequency == 1 and minutes % 1440 == 0:
            every_days = int(minutes // 1440)
        elif minutes == 1440:
            interval = 1440 / frequency
        else:
            return None
    elif minutes is not None:
        interval = minutes / frequency
    if weekdays and every_days > 1:
        return None  # "every other Monday" has no anchor a ward can read
    times: tuple[time, ...] | None
    if timing.time_of_day:
        times = timing.time_of_day
    elif timing.when:
        times = _event_times(timing, settings)
    elif interval is not None:
        times = _evenly(int(interval), settings) if interval % 60 == 0 else None
        if interval in (1440 / 2, 1440 / 3, 1440 / 4) and timing.period_unit == "d":
            times = settings.times_of(_DAILY_CODES[frequency])  # "3 a day" is the TID round
    else:
        times = settings.times_of("QD")
    if times is None or not times:
        return None
    return Schedule(tuple(sorted(set(times))), every_days, tuple(sorted(set(weekdays))))


def _code_schedule(code: str | None, settings: HospitalSettings) -> Schedule | None:
    if not code:
        return None
    key = code.strip().upper()
    if key in _DAY_SPACED:
        daily = settings.times_of(key) if key == "QOD" else None
        times = daily or settings.times_of("QD")
        return None if times is None else Schedule(times, _DAY_SPACED[key])
    times = settings.times_of(key)
    return None if times is None else Schedule(times)


@dataclass(frozen=True, slots=True, kw_only=True)
class DoseLine:
    """One dose line of a prescription: what to give, how, and when (or as needed).

    `text` and `patient_instruction` are the prescriber's words, printed verbatim. A dose range is
    `dose_low`..`dose_high`; a single dose has no `dose_high`. `times` are wall-clock times in the
    hospital's zone; a line with no times (and no `events`) is not scheduled. `timing` is the timing
    as written ("BID", "1×/36 h"), printed when the times cannot say it all."""

    text: str | None = None
    patient_instruction: str | None = None
    dose_low: float | None = None
    dose_high: float | None = None
    dose_unit: str | None = None
    rate_value: float | None = None
    rate_unit: str | None = None
    route: str | None = None
    method: str | None = None
    timing: str | None = None
    times: tuple[time, ...] = ()
    every_days: int = 1
    weekdays: tuple[int, ...] = ()
    events: tuple[datetime, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    count: int | None = None
    as_needed: bool = False
    as_needed_reason: str | None = None
    max_dose_value: float | None = None
    max_dose_unit: str | None = None
    max_period_value: float | None = None
    max_period_unit: str | None = None

    def __post_init__(self) -> None:
        _require(list(self.times) == sorted(set(self.times)), "dose line times must be sorted and unique")
        _require(self.every_days >= 1, "a dose line repeats every day or more")
        _require(
            list(self.weekdays) == sorted(set(self.weekdays)) and set(self.weekdays) <= set(range(1, 8)),
            "dose line weekdays are ISO numbers 1 to 7, sorted",
        )
        for value in (self.dose_low, self.dose_high, self.rate_value, self.max_dose_value):
            _require(value is None or value >= 0, "a dose line has no negative amount")
        if self.dose_low is not None and self.dose_high is not None:
            _require(self.dose_low <= self.dose_high, "a dose range's low is above its high")
        _require(self.count is None or self.count >= 1, "a dose line's count is at least 1")
        for moment in (*self.events, self.start, self.end):
            _require(moment is None or moment.utcoffset() is not None, "dose line times must be aware")
        if self.start is not None and self.end is not None:
            _require(self.end >= self.start, "a dose line ends before it starts")

    @property
    def kind(self) -> LineKind:
        if self.as_needed:
            return "as_needed"
        if not (self.times or self.events):
            return "see_prescription"
        anchored = self.start is not None
        if (self.every_days > 1 or self.count is not None) and not anchored:
            return "see_prescription"  # which day, or which doses already went, is unknown
        return "scheduled"


def due_times(line: DoseLine, start: datetime, end: datetime, zone: tzinfo) -> list[datetime]:
    """The moments in [start, end) when a scheduled line's doses are due, in UTC, in time order."""
    if line.kind != "scheduled":
        return []
    first = start if line.count is None or line.start is None else min(start, line.start)
    found = sorted({*_occurrences(line, first, end, zone), *(e for e in line.events if first <= e < end)})
    found = [moment for moment in found if _within(line, moment)]
    if line.count is not None:
        found = found[: line.count]
    return [moment for moment in found if start <= moment < end]


def _within(line: DoseLine, moment: datetime) -> bool:
    return (line.start is None or moment >= line.start) and (line.end is None or moment < line.end)


def _occurrences(line: DoseLine, start: datetime, end: datetime, zone: tzinfo) -> list[datetime]:
    anchor: date | None = line.start.astimezone(zone).date() if line.start is not None else None
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found = []
    while day <= last:
        on_cycle = line.every_days == 1 or (anchor is not None and (day - anchor).days % line.every_days == 0)
        if on_cycle and (not line.weekdays or day.isoweekday() in line.weekdays):
            for moment in line.times:
                # A time in the spring-forward gap falls an hour later; a repeated one is the first.
                at = datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)
                if start <= at < end:
                    found.append(at)
        day += timedelta(days=1)
    return found
