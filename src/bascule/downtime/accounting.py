"""Nothing lost: every downtime number handed out and every entry recorded, accounted for.

Pure: from the numbers allocated (the registry) and the entries imported from the stations, the
state of each number and the tally of entries. A number allocated but never seen is `missing`:
the ward must find its paper. An entry under a number never allocated, or entries under a number
whose registration never arrived, need a person (`attention`). An entry is `waiting` (its number linked to no one), `ready`
(its patient known), `sent` once the recovered EHR acknowledged it, or `refused`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

NumberState = Literal["missing", "registered", "entries-without-registration", "reconciled", "unallocated"]
DONE_NUMBER: frozenset[str] = frozenset({"reconciled"})
DONE_ENTRY: frozenset[str] = frozenset({"sent"})


@dataclass(frozen=True)
class AllocatedNumber:
    text: str  # as printed: SITE-STATION-00001-C
    unit: str
    mapped: bool  # reconciled with the patient's real record


@dataclass(frozen=True)
class EntrySeen:
    key: str  # STATION:sequence
    station: str
    kind: str
    downtime_number: str | None
    state: str = "imported"


@dataclass(frozen=True)
class NumberAccount:
    number: str
    unit: str | None
    state: NumberState
    entries: int


@dataclass(frozen=True)
class Accounting:
    numbers: tuple[NumberAccount, ...]
    entries_by_state: dict[str, int] = field(default_factory=dict)
    entries_by_station: dict[str, int] = field(default_factory=dict)
    entries_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def numbers_by_state(self) -> dict[str, int]:
        return dict(Counter(account.state for account in self.numbers))

    @property
    def all_done(self) -> bool:
        """Green: every number reconciled, every entry sent and acknowledged."""
        return all(a.state in DONE_NUMBER for a in self.numbers) and all(
            state in DONE_ENTRY for state in self.entries_by_state
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "all_done": self.all_done,
            "numbers": {
                "by_state": self.numbers_by_state,
                "missing": [a.number for a in self.numbers if a.state == "missing"],
                "attention": [
                    {"downtime_id": a.number, "state": a.state, "entries": a.entries}
                    for a in self.numbers
                    if a.state in ("unallocated", "entries-without-registration")
                ],
            },
            "entries": {
                "total": sum(self.entries_by_state.values()),
                "by_state": self.entries_by_state,
                "by_station": self.entries_by_station,
                "by_kind": self.entries_by_kind,
            },
        }


def account(allocated: Iterable[AllocatedNumber], entries: Iterable[EntrySeen]) -> Accounting:
    seen = list(entries)
    by_number: dict[str, list[EntrySeen]] = {}
    for entry in seen:
        if entry.downtime_number is not None:
            by_number.setdefault(entry.downtime_number, []).append(entry)
    numbers: list[NumberAccount] = []
    handed_out = {number.text: number for number in allocated}
    for text, number in sorted(handed_out.items()):
        under = by_number.get(text, [])
        state: NumberState
        if number.mapped:
            state = "reconciled"
        elif not under:
            state = "missing"
        elif any(entry.kind == "registration" for entry in under):
            state = "registered"
        else:
            state = "entries-without-registration"
        numbers.append(NumberAccount(text, number.unit, state, len(under)))
    for text in sorted(set(by_number) - set(handed_out)):
        numbers.append(NumberAccount(text, None, "unallocated", len(by_number[text])))
    return Accounting(
        tuple(numbers),
        dict(Counter(entry.state for entry in seen)),
        dict(Counter(entry.station for entry in seen)),
        dict(Counter(entry.kind for entry in seen)),
    )
