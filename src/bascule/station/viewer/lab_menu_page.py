"""The laboratory's menu on a ward's station (issue 19): which tests the ward may still request, who
runs them and how many a day, as the cell last published it (`bascule lab menu --publish`, or the
crisis application's Laboratory tab). Read from the bundle's copy of the continuity store; the
station does not know the incident's hits, so it never works the menu out itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of
from bascule.i18n import Lang
from bascule.laboratory.menu import MenuLine
from bascule.laboratory.publication import latest_menu_on
from bascule.laboratory.texts import priority_name
from bascule.snapshot.store import ContinuityStore


@dataclass(frozen=True, slots=True)
class MenuLineShown:
    test: str
    name: str
    priority: str
    runners: tuple[str, ...]
    daily: int
    why: str
    tube: str = ""  # which tube to fill: the ward needs it more than anyone


@dataclass(frozen=True, slots=True)
class LabMenuShown:
    """None of `at` and `by`: nothing published in this copy."""

    at: datetime | None
    by: str
    restricted: bool
    on_menu: tuple[MenuLineShown, ...]
    off_menu: tuple[MenuLineShown, ...]
    problem: str = ""  # the publication in this copy cannot be read: said, not a server error


def lab_menu_shown(store: ContinuityStore, hospital: HospitalMap, lang: Lang) -> LabMenuShown:
    try:
        published = store.read(latest_menu_on)
    except UserError as error:
        return LabMenuShown(None, "", False, (), (), error.in_lang(lang))
    if published is None:
        return LabMenuShown(None, "", False, (), ())
    menu = published.as_menu(hospital)

    def shown(line_runners: tuple[str, ...], line: MenuLine) -> MenuLineShown:
        return MenuLineShown(
            line.id,
            line.test.name or line.id,
            priority_name(line.test.priority, lang),
            tuple(label_of(hospital, runner) for runner in line_runners),
            line.test.daily,
            line.why(lang),
            line.test.tube,
        )

    return LabMenuShown(
        published.at,
        published.by,
        published.restricted,
        tuple(shown(line.runners_up, line) for line in menu.on_menu),
        tuple(shown(line.runners_down, line) for line in menu.off_menu),
    )
