"""What the viewer shows, kept current: the station's newest verified bundle, opened, and what the
last look at the inbox found.

Every `refresh()` runs the station's own check (pinned keys, rollback, quarantine: see
station.check), so a bundle that arrives in the inbox replaces the one shown only when the check
accepted it; a forged, older or quarantined one never does, and the banner says it was refused.
A bundle past the age threshold is still shown (red banner): old data beats no data at 3 a.m.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bascule.errors import UserError
from bascule.snapshot.verify import Verified
from bascule.station.check import StationReport, check_station
from bascule.station.viewer.opened import BundleFacts, OpenedBundle

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Refused:
    bundle: str
    reason: str


@dataclass(frozen=True)
class Status:
    """The last look at the inbox. `picked_up_at`: when the bundle shown replaced an earlier one
    while the viewer ran (None for the one it started with)."""

    facts: BundleFacts | None
    checked_at: datetime | None
    refused: tuple[Refused, ...]
    picked_up_at: datetime | None
    problem: str | None  # the station itself could not be checked (state damaged, unreadable bundle)
    max_age: timedelta

    def age(self, now: datetime) -> timedelta | None:
        return now - self.facts.data_time if self.facts else None

    def stale(self, now: datetime) -> bool:
        age = self.age(now)
        return age is None or age > self.max_age


class Library:
    def __init__(
        self, root: Path, max_age: timedelta, *, memory: Path | None = None, clock: Clock = _now
    ) -> None:
        self.root = root
        self.max_age = max_age
        self._memory = memory
        self._clock = clock
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._shown: OpenedBundle | None = None
        self._status = Status(None, None, (), None, None, max_age)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> Status:
        with self._lock:
            return self._status

    @contextlib.contextmanager
    def leased(self) -> Iterator[OpenedBundle | None]:
        """The bundle shown, kept open (not wiped) until the block ends, or None before the first."""
        with self._lock:  # taken under the lock: a swap cannot retire it in between
            shown = self._shown
            if shown is not None:
                shown.acquire()
        try:
            yield shown
        finally:
            if shown is not None:
                shown.release()

    def refresh(self) -> Status:
        """Check the inbox now; open and show a newer accepted bundle. Never raises on a bad bundle:
        the one shown stays, and the status says why the other was refused."""
        with self._refresh_lock:
            now = self._clock()
            try:
                report = check_station(self.root, self.max_age, now=now)
            except UserError as error:
                log.warning("station check failed: %s", type(error).__name__)
                return self._set(checked_at=now, problem=str(error), refused=())
            refused = tuple(Refused(r.bundle, r.reason) for r in report.newer_refused)
            shown = self._shown
            if report.seal is None or report.archive is None or report.key_id is None:
                return self._set(checked_at=now, problem=None, refused=refused)
            if shown is not None and shown.facts.sequence == report.seal.sequence:
                return self._set(checked_at=now, problem=None, refused=refused)
            try:
                opened = self._open(report)
            except UserError as error:
                return self._set(checked_at=now, problem=str(error), refused=refused)
            with self._lock:
                previous, self._shown = self._shown, opened
            if previous is not None:
                previous.retire()
            log.info(
                "showing bundle %s (was %s)", opened.facts.sequence, previous and previous.facts.sequence
            )
            return self._set(
                checked_at=now,
                problem=None,
                refused=refused,
                facts=opened.facts,
                picked_up_at=now if previous is not None else None,
            )

    def _open(self, report: StationReport) -> OpenedBundle:
        assert report.seal is not None and report.archive is not None and report.key_id is not None
        verified = Verified(report.seal, report.age or timedelta(0), report.archive)
        return OpenedBundle.open(verified, report.identity, report.key_id, self._memory)

    def _set(self, **changes: Any) -> Status:
        with self._lock:
            self._status = replace(self._status, **changes)
            return self._status

    def watch(self, every: timedelta) -> None:
        """Look at the inbox every `every` in a background thread, until close()."""

        def loop() -> None:
            while not self._stop.wait(every.total_seconds()):
                try:
                    self.refresh()
                except Exception:  # a watcher that dies silently would freeze the data shown
                    log.exception("inbox check failed")

        self._thread = threading.Thread(target=loop, name="station-inbox", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching and wipe the opened bundle."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self._lock:
            shown, self._shown = self._shown, None
        if shown is not None:
            shown.retire()
