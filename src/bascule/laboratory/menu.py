"""The laboratory's menu during an incident (issue 19), pure: which tests can still be run, by
whom, and why the others cannot.

A test is `full` while the laboratory's process (`laboratory.process` in the map) is not down:
the laboratory system works and nothing is restricted. When that process is down (or, for a map
that names no process, as soon as anything is declared hit) a test is on the `downtime` menu
while one of its runners is up, and `off` when none is. An asset runner is up unless the impact
says it is down; a facility runner (a partner laboratory) is taken as up: the map does not say
when another hospital is hit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bascule.hospital.laboratory import DowntimeTest
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.impact import Impact
from bascule.laboratory import texts as _texts  # noqa: F401  (registers the laboratory's sentences)

TestState = Literal["full", "downtime", "off"]
TEST_STATES: tuple[TestState, ...] = ("full", "downtime", "off")


WhyKey = Literal["full", "downtime", "no_runner", "runners_down"]


@dataclass(frozen=True, slots=True)
class MenuLine:
    """One test of the map's menu, as it stands now; `why` says it in one sentence."""

    test: DowntimeTest
    state: TestState
    runners_up: tuple[str, ...]
    runners_down: tuple[str, ...]
    why_key: WhyKey

    @property
    def id(self) -> str:
        return self.test.id

    def why(self, lang: Lang) -> str:
        shown = self.runners_up if self.why_key == "downtime" else self.runners_down
        return t(f"laboratory.why_{self.why_key}", lang, runners=", ".join(shown), daily=self.test.daily)


@dataclass(frozen=True, slots=True)
class Menu:
    """Every test of the map's `laboratory:` section, in map order, with its state."""

    lines: tuple[MenuLine, ...]
    restricted: bool

    def line(self, test_id: str) -> MenuLine | None:
        return next((line for line in self.lines if line.id == test_id), None)

    @property
    def on_menu(self) -> tuple[MenuLine, ...]:
        return tuple(line for line in self.lines if line.state != "off")

    @property
    def off_menu(self) -> tuple[MenuLine, ...]:
        return tuple(line for line in self.lines if line.state == "off")


def is_restricted(hospital: HospitalMap, impact: Impact) -> bool:
    """Whether the reduced menu applies: the laboratory's process is down, or, for a map that
    names none, anything is declared hit."""
    process = hospital.laboratory.process
    if process is None:
        return bool(impact.hits)
    return impact.is_down(process)


def reduced_menu(hospital: HospitalMap, impact: Impact) -> Menu:
    """The menu as it stands under `impact` (assessed on `hospital`)."""
    restricted = is_restricted(hospital, impact)
    assets = {asset.id for asset in hospital.assets}
    lines = []
    for test in hospital.laboratory.tests:
        up = tuple(r for r in test.runners if r not in assets or not impact.is_down(r))
        down = tuple(runner for runner in test.runners if runner not in up)
        lines.append(_line(test, restricted, up, down))
    return Menu(tuple(lines), restricted)


def _line(test: DowntimeTest, restricted: bool, up: tuple[str, ...], down: tuple[str, ...]) -> MenuLine:
    if not restricted:
        return MenuLine(test, "full", up, down, "full")
    if up:
        return MenuLine(test, "downtime", up, down, "downtime")
    return MenuLine(test, "off", up, down, "runners_down" if test.runners else "no_runner")
