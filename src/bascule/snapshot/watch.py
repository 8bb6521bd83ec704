"""Continuous refresh: pull, seal, copy to the stations; when the source fails, keep the last good
bundle and say how old its data is getting.

`watch` takes the pull as an injected `refresh()` callable (the FHIR pull in production, anything in
tests) and reports each run as a `RunReport` to a callback, so the CLI prints and tests inspect.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bascule.errors import UserError
from bascule.snapshot.bundle import BundleName
from bascule.snapshot.folder import BundleFolder, SealingFolder
from bascule.snapshot.sealing import SealOutcome, SealRequest, seal


@dataclass(frozen=True)
class RunReport:
    run: int
    at: datetime
    outcome: SealOutcome | None = None
    source_error: str | None = None
    seal_error: str | None = None
    station_errors: tuple[tuple[Path, str], ...] = ()
    stations_copied: int = 0
    last_good: BundleName | None = None
    data_age: timedelta | None = None

    @property
    def sealed_good(self) -> bool:
        return self.outcome is not None and not self.outcome.quarantined


@dataclass(frozen=True)
class WatchPlan:
    request: SealRequest
    stations: tuple[Path, ...] = ()
    every: timedelta = timedelta(seconds=30)
    max_runs: int | None = None

    def __post_init__(self) -> None:
        if self.every <= timedelta(0):
            raise ValueError("the watch period is positive")
        if self.max_runs is not None and self.max_runs < 1:
            raise ValueError("max_runs is at least 1")


@dataclass
class WatchTally:
    runs: int = 0
    sealed: int = 0
    quarantined: int = 0
    source_failures: int = 0
    reports: list[RunReport] = field(default_factory=list)


def _describe(error: Exception) -> str:
    # Only our own sentences or the error's kind: a source's message could quote patient data.
    return str(error) if isinstance(error, UserError) else type(error).__name__


def run_once(plan: WatchPlan, refresh: Callable[[], None], run: int, now: datetime) -> RunReport:
    folder = SealingFolder(plan.request.out)
    try:
        refresh()
    except Exception as error:  # the source may fail in any way; the last good bundle stays
        last = folder.current()
        return RunReport(
            run,
            now,
            source_error=_describe(error),
            last_good=last,
            data_age=now - last.data_time if last else None,
        )
    try:
        outcome = seal(plan.request, now)
    except UserError as error:
        last = folder.current()
        return RunReport(
            run, now, seal_error=str(error), last_good=last, data_age=now - last.data_time if last else None
        )
    station_errors: list[tuple[Path, str]] = []
    if not outcome.quarantined:
        for station in plan.stations:
            try:
                BundleFolder(station).receive(outcome.folder, outcome.name)
                BundleFolder(station).prune(plan.request.keep)
            except (OSError, UserError) as error:
                station_errors.append((station, getattr(error, "strerror", None) or str(error)))
    last = folder.current()
    copied = 0 if outcome.quarantined else len(plan.stations) - len(station_errors)
    return RunReport(
        run,
        now,
        outcome=outcome,
        station_errors=tuple(station_errors),
        stations_copied=copied,
        last_good=last,
        data_age=now - last.data_time if last else None,
    )


def watch(
    plan: WatchPlan,
    refresh: Callable[[], None],
    report: Callable[[RunReport], None],
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> WatchTally:
    tally = WatchTally()
    while plan.max_runs is None or tally.runs < plan.max_runs:
        started = time.monotonic()
        result = run_once(plan, refresh, tally.runs + 1, clock())
        tally.runs += 1
        tally.sealed += result.sealed_good
        tally.quarantined += bool(result.outcome and result.outcome.quarantined)
        tally.source_failures += result.source_error is not None
        tally.reports.append(result)
        report(result)
        if plan.max_runs is not None and tally.runs >= plan.max_runs:
            break
        sleep(max(plan.every.total_seconds() - (time.monotonic() - started), 0.0))
    return tally
