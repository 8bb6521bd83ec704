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
from bascule.impact import Impact

TestState = Literal["full", "downtime", "off"]
TEST_STATES: tuple[TestState, ...] = ("full", "downtime", "off")


@dataclass(frozen=True, slots=True)
class MenuLine:
    """One test of the map's menu, as it stands now; `why_en`/`why_fr`: one sentence each."""

    test: DowntimeTest
    state: TestState
    runners_up: tuple[str, ...]
    runners_down: tuple[str, ...]
    why_en: str
    why_fr: str

    @property
    def id(self) -> str:
        return self.test.id

    def why(self, lang: str) -> str:
        return self.why_fr if lang == "fr" else self.why_en


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
        return MenuLine(
            test,
            "full",
            up,
            down,
            "The laboratory system works: the full menu applies.",
            "Le système du laboratoire fonctionne : le menu complet s'applique.",
        )
    if up:
        named = ", ".join(up)
        return MenuLine(
            test,
            "downtime",
            up,
            down,
            f"On the downtime menu: run by {named}, {test.daily} a day.",
            f"Au menu dégradé : réalisé par {named}, {test.daily} par jour.",
        )
    if not test.runners:
        return MenuLine(
            test,
            "off",
            up,
            down,
            "No analyser or partner laboratory runs it without the laboratory system.",
            "Aucun automate ni laboratoire partenaire ne le réalise sans le système du laboratoire.",
        )
    named = ", ".join(down)
    return MenuLine(
        test,
        "off",
        up,
        down,
        f"All that run it are down: {named}.",
        f"Tout ce qui le réalise est hors service : {named}.",
    )
