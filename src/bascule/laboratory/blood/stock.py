"""Stock by component and group, reorder thresholds, days of stock and group-O emergency issue.

Days of stock: the units in stock on a line divided by its rate of use, the units issued from
that line over the last USE_WINDOW (72 hours) per day. No issue in the window: no figure (None),
the stock is not being used.

Emergency issue without a cross-match is group O (BloodPolicy): O- for women under the policy's
age and for whoever's sex or age is not known, O+ for men and women from that age. The unit of
that group expiring first is taken (first expired, first out). There is no silent substitution:
if that group has no unit, the refusal says what O stock there is instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bascule.errors import UserError
from bascule.hospital.laboratory import ABO_RHD, COMPONENTS, BloodPolicy, stock_key
from bascule.laboratory.blood.units import BloodUnit

USE_WINDOW = timedelta(hours=72)
Sex = Literal["F", "M"]


@dataclass(frozen=True, slots=True)
class StockLine:
    component: str
    group: str
    units: int
    soonest_expiry: datetime | None
    threshold: int | None
    issued_in_window: int

    @property
    def key(self) -> str:
        return stock_key(self.component, self.group)

    @property
    def below_threshold(self) -> bool:
        return self.threshold is not None and self.units < self.threshold

    @property
    def days_of_stock(self) -> float | None:
        if self.issued_in_window == 0:
            return None
        return self.units / (self.issued_in_window / (USE_WINDOW / timedelta(days=1)))


def stock_lines(
    policy: BloodPolicy,
    in_stock: Iterable[BloodUnit],
    issues: Iterable[tuple[BloodUnit, datetime]],
    now: datetime,
) -> tuple[StockLine, ...]:
    """One line per component and group, in COMPONENTS and ABO_RHD order: every red cell group,
    and the other components' groups that have stock, a threshold or recent use."""
    units: dict[tuple[str, str], list[BloodUnit]] = {}
    for unit in in_stock:
        units.setdefault((unit.component, unit.group), []).append(unit)
    used: dict[tuple[str, str], int] = {}
    for unit, at in issues:
        if now - USE_WINDOW <= at <= now:
            used[(unit.component, unit.group)] = used.get((unit.component, unit.group), 0) + 1
    lines = []
    for component in COMPONENTS:
        for group in ABO_RHD:
            here = units.get((component, group), [])
            threshold = dict(policy.thresholds).get(stock_key(component, group))
            count = used.get((component, group), 0)
            if component != "red_cells" and not here and threshold is None and not count:
                continue
            soonest = min((u.expires for u in here), default=None)
            lines.append(StockLine(component, group, len(here), soonest, threshold, count))
    return tuple(lines)


def below_component_thresholds(
    policy: BloodPolicy, lines: Iterable[StockLine]
) -> Mapping[str, tuple[int, int]]:
    """Components whose whole stock (all groups) is under a threshold set for the component
    alone ("plasma": 10): component -> (units, threshold)."""
    levels = dict(policy.thresholds)
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.component] = totals.get(line.component, 0) + line.units
    return {
        component: (totals.get(component, 0), levels[component])
        for component in COMPONENTS
        if component in levels and totals.get(component, 0) < levels[component]
    }


def emergency_group(policy: BloodPolicy, sex: str | None, age: int | None) -> str:
    """ "O-" or "O+" for an emergency red cell issue; unknown sex or age gives O-."""
    if sex is None or age is None:
        return "O-"
    if sex.upper() == "M":
        return "O+"
    if sex.upper() == "F" and age >= policy.o_positive_women_from_age:
        return "O+"
    return "O-"


def pick_emergency_unit(group: str, in_stock: Iterable[BloodUnit], now: datetime) -> BloodUnit:
    """The red cell unit of `group` in stock expiring first and not yet expired; UserError naming
    the O stock there is otherwise (never another group in its place)."""
    usable = [u for u in in_stock if u.component == "red_cells" and not u.expired_at(now)]
    mine = sorted((u for u in usable if u.group == group), key=lambda u: (u.expires, u.donation))
    if mine:
        return mine[0]
    others = ", ".join(f"{g}: {sum(1 for u in usable if u.group == g)}" for g in ("O-", "O+"))
    raise UserError(
        f"No {group} red cells in date in stock (group O stock: {others}); choose the unit yourself.",
        fr=f"Aucun culot {group} valide en stock (stock O : {others}) ; choisissez l'unité vous-même.",
    )
