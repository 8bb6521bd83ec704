"""The laboratory's menu as published to the wards (issue 19), pure.

A ward's station does not know the incident's hits, so it cannot work the menu out itself: the cell
publishes it, and the station shows the latest publication with its time and who published it. A
publication keeps each test's state, runners and reason, not the test's name or capacity: those are
read from the map the station already has, so a publication and a map stay one description."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bascule.hospital.model import HospitalMap
from bascule.laboratory.menu import TEST_STATES, Menu, MenuLine, WhyKey

_WHY_KEYS: tuple[WhyKey, ...] = ("full", "downtime", "no_runner", "runners_down")


@dataclass(frozen=True, slots=True)
class PublishedLine:
    test: str
    state: str
    runners_up: tuple[str, ...]
    runners_down: tuple[str, ...]
    why: str


@dataclass(frozen=True, slots=True)
class PublishedMenu:
    """One publication: when, by whom, and each test's line as it stood then."""

    at: datetime
    by: str
    restricted: bool
    lines: tuple[PublishedLine, ...]

    def as_menu(self, hospital: HospitalMap) -> Menu:
        """The publication as a menu of `hospital`'s tests (a test the map no longer has is left out)."""
        lines = []
        for line in self.lines:
            test = hospital.laboratory.test(line.test)
            if test is None or line.state not in TEST_STATES or line.why not in _WHY_KEYS:
                continue
            lines.append(MenuLine(test, line.state, line.runners_up, line.runners_down, line.why))
        return Menu(tuple(lines), self.restricted)

    def matches(self, menu: Menu) -> bool:
        """Whether `menu` (worked out now) says what this publication says."""
        return self.restricted == menu.restricted and self.lines == published_lines(menu)


def published_lines(menu: Menu) -> tuple[PublishedLine, ...]:
    return tuple(
        PublishedLine(line.id, line.state, line.runners_up, line.runners_down, line.why_key)
        for line in menu.lines
    )


def publication(menu: Menu, *, by: str, at: datetime) -> PublishedMenu:
    if not by.strip():
        raise ValueError("a publication names who published it")
    return PublishedMenu(at, by.strip(), menu.restricted, published_lines(menu))


def lines_json(lines: tuple[PublishedLine, ...]) -> list[dict[str, object]]:
    return [
        {
            "id": line.test,
            "state": line.state,
            "runners_up": list(line.runners_up),
            "runners_down": list(line.runners_down),
            "why": line.why,
        }
        for line in lines
    ]


def lines_from_json(data: object) -> tuple[PublishedLine, ...]:
    """The lines of a stored publication; ValueError when they are not in the stored shape."""
    if not isinstance(data, list):
        raise ValueError("a published menu's lines are a list")
    lines = []
    for item in data:
        if not isinstance(item, dict):
            raise ValueError("a published menu's line is an object")
        up, down = item.get("runners_up"), item.get("runners_down")
        if not isinstance(up, list) or not isinstance(down, list):
            raise ValueError("a published menu's runners are lists")
        lines.append(
            PublishedLine(
                str(item["id"]),
                str(item["state"]),
                tuple(map(str, up)),
                tuple(map(str, down)),
                str(item["why"]),
            )
        )
    return tuple(lines)
