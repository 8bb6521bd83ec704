"""The laboratory and the blood bank as the map describes them for downtime (issue 19): the reduced
menu of tests that can still run without the laboratory system (which analysers or partner
laboratories run each, and how many a day), how long a sample may wait for its result before the
board counts it as late, and the blood bank's policy (reorder thresholds, emergency group-O issue,
the blood supplier). An extension of contract 1: the map's optional `laboratory:` section.

```yaml
laboratory:
  process: critical-lab-results
  late_after_hours: 4
  tests:
    - {id: test-troponin, name: "Troponine", priority: critical, runners: [an-urg-01, chu-bievre], daily: 120}
  blood_bank:
    supplier: efs
    o_positive_women_from_age: 50
    thresholds: {"red_cells O-": 8, "red_cells O+": 20, plasma: 10}
    cross_match_test: test-crossmatch
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TestPriority = Literal["critical", "urgent", "routine"]
TEST_PRIORITIES: tuple[TestPriority, ...] = ("critical", "urgent", "routine")

Component = Literal["red_cells", "plasma", "platelets"]
COMPONENTS: tuple[Component, ...] = ("red_cells", "plasma", "platelets")
ABO_RHD: tuple[str, ...] = ("O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+")

DEFAULT_LATE_AFTER_HOURS = 4.0
DEFAULT_O_POSITIVE_WOMEN_FROM_AGE = 50


def stock_key(component: str, group: str | None) -> str:
    """How a stock line is named, in thresholds and reports: "red_cells O-", or "plasma" for all
    groups of a component together."""
    return f"{component} {group}" if group else component


@dataclass(frozen=True, slots=True)
class DowntimeTest:
    """A test the laboratory can still run when its system is down.

    `runners`: the map ids that run it without the laboratory system: assets (an analyser with its
    own screen and printer) or facilities (a mutual-aid laboratory the samples travel to). It is
    on the reduced menu while one of them is up. `daily`: how many samples a day the downtime
    organisation can take for it, all runners together; requests past it are refused."""

    id: str
    name: str = ""
    priority: TestPriority = "routine"
    runners: tuple[str, ...] = ()
    daily: int = 0
    tube: str = ""


@dataclass(frozen=True, slots=True)
class BloodPolicy:
    """The blood bank's rules in downtime. Emergency issue without a cross-match is group O: O-
    for women under `o_positive_women_from_age` and whoever's sex or age is not known, O+ for men
    and for women from that age. `thresholds`: reorder levels in units, by stock_key().
    `cross_match_test`: the menu's test that cross-matches red cells; while it is off the menu,
    elective operations needing cross-matched units are postponed (bascule.triage.rules)."""

    supplier: str | None = None
    o_positive_women_from_age: int = DEFAULT_O_POSITIVE_WOMEN_FROM_AGE
    thresholds: tuple[tuple[str, int], ...] = ()
    cross_match_test: str | None = None

    def threshold(self, component: str, group: str | None) -> int | None:
        levels = dict(self.thresholds)
        return levels.get(stock_key(component, group), levels.get(component))


@dataclass(frozen=True, slots=True)
class Laboratory:
    """The map's `laboratory:` section; empty when the map has none.

    `process`: the care process of laboratory analyses (the laboratory system's); while it is up
    the full menu applies, and the downtime menu only when it is down. None: the downtime menu
    applies whenever anything is declared hit."""

    tests: tuple[DowntimeTest, ...] = ()
    process: str | None = None
    late_after_hours: float = DEFAULT_LATE_AFTER_HOURS
    blood_bank: BloodPolicy = field(default_factory=BloodPolicy)

    def test(self, test_id: str) -> DowntimeTest | None:
        return next((test for test in self.tests if test.id == test_id), None)

    def test_name(self, test_id: str) -> str:
        """What people call a test: its name, else its id (also for an id the menu no longer has)."""
        test = self.test(test_id)
        return (test.name or test.id) if test is not None else test_id
