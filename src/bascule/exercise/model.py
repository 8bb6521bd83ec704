"""What an exercise script is made of: frozen values that check themselves when built.

An exercise plays an attack on a hospital map: a starting scenario, then a timeline of *injects*
(a phone call, an e-mail, a press call, a ward report, a supplier notice) released at minutes of the
exercise clock, some with *effects* on the incident (new hits, a return time that moves, a segment
cleared), and the *expected decisions* of the crisis cell, each due within some minutes of an inject.
Times are minutes of the exercise clock (which may run faster than the wall clock). Texts are given
in French and English ({fr, en}); ids are the map's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from bascule.i18n import Lang
from bascule.scenario import Scenario

PHONE: Final = "phone"
EMAIL: Final = "email"
PRESS: Final = "press"
WARD: Final = "ward"
SUPPLIER_NOTICE: Final = "supplier"
CHANNELS: tuple[str, ...] = (PHONE, EMAIL, PRESS, WARD, SUPPLIER_NOTICE)

# What a participant's act must be for an expected decision to be met without the facilitator:
# declaring a node down, isolating a segment, declaring a supplier down, lifting a hit, starting a
# fallback procedure (by process id), making a situation report, approving a triage group with this
# decision (cancel, postpone, maintain, divert), or recording a decision whose text holds one of the words.
CRITERIA: tuple[str, ...] = (
    "down",
    "isolate",
    "supplier",
    "lift",
    "procedure",
    "sitrep",
    "triage",
    "decision",
)


def _texts_ok(texts: Mapping[str, str]) -> bool:
    return bool(texts) and all(k in ("fr", "en") and v.strip() for k, v in texts.items())


def clock_label(minute: float) -> str:
    """A minute of the exercise clock as every page, card and report shows it: "T+01:05". A clock
    reads the minute it is in (minute 14.9 is T+00:14), everywhere alike."""
    whole = max(0, math.floor(minute))
    return f"T+{whole // 60:02d}:{whole % 60:02d}"


def text_in(texts: Mapping[str, str], lang: Lang) -> str:
    """The text in `lang`, else in the other language."""
    return texts.get(lang) or texts.get("en") or texts.get("fr") or ""


@dataclass(frozen=True, slots=True)
class Effects:
    """What an inject changes in the incident when it is released.

    `down`, `isolate`, `suppliers`: new hits, declared in the exercise's name; `reconnect` and
    `supplier_back`: when a segment or a supplier is now expected back (hours after the incident
    opened); `lift`: hits that end (a segment cleared by the national agency, a supplier back), by id.
    """

    down: tuple[str, ...] = ()
    isolate: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    reconnect: Mapping[str, float] = field(default_factory=dict)
    supplier_back: Mapping[str, float] = field(default_factory=dict)
    lift: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for hours in (*self.reconnect.values(), *self.supplier_back.values()):
            if not math.isfinite(hours) or hours < 0:
                raise ValueError("return times are hours, not negative")

    @property
    def empty(self) -> bool:
        return not (
            self.down or self.isolate or self.suppliers or self.reconnect or self.supplier_back or self.lift
        )


@dataclass(frozen=True, slots=True)
class Inject:
    """One message to the crisis cell at `minute` of the exercise clock, through `channel`."""

    id: str
    minute: float
    channel: str
    text: Mapping[str, str]
    sender: Mapping[str, str] = field(default_factory=dict)
    effects: Effects = field(default_factory=Effects)
    # Notes for the facilitator only (what to say if asked, what to watch for): never shown to players.
    facilitator_notes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("an inject has an id")
        if not math.isfinite(self.minute) or self.minute < 0:
            raise ValueError("an inject's minute is not negative")
        if self.channel not in CHANNELS:
            raise ValueError(f"an inject's channel is one of {', '.join(CHANNELS)}")
        if not _texts_ok(self.text):
            raise ValueError("an inject has a text in fr or en")


@dataclass(frozen=True, slots=True)
class Criterion:
    """How an expected decision is recognised in what the cell did: `kind` is one of CRITERIA;
    `targets` the ids (or, for `decision`, the words, any of which is enough; for `triage`, the
    triage decision: cancel, postpone, maintain or divert). An expected decision with no criterion
    is marked met by the facilitator only."""

    kind: str
    targets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in CRITERIA:
            raise ValueError(f"a criterion is one of {', '.join(CRITERIA)}")
        if self.kind != "sitrep" and not self.targets:
            raise ValueError(f"a {self.kind} criterion names what it expects")


@dataclass(frozen=True, slots=True)
class ExpectedDecision:
    """A decision the crisis cell is expected to take within `within_minutes` of the release of
    inject `after` (of the start when None)."""

    id: str
    text: Mapping[str, str]
    within_minutes: float
    after: str | None = None
    criterion: Criterion | None = None
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("an expected decision has an id")
        if not _texts_ok(self.text):
            raise ValueError("an expected decision has a text in fr or en")
        if not math.isfinite(self.within_minutes) or self.within_minutes <= 0:
            raise ValueError("an expected decision is due within a positive number of minutes")
        if not math.isfinite(self.weight) or self.weight <= 0:
            raise ValueError("an expected decision's weight is positive")


@dataclass(frozen=True, slots=True)
class ExerciseScript:
    """A whole exercise: the map it is played on (`map_ref`: "demo" or a path as written in the
    script, `map_path` resolved), the starting scenario, the injects in release order and the
    expected decisions. `duration_minutes` is when the exercise ends on its own clock."""

    id: str
    title: Mapping[str, str]
    map_ref: str
    scenario: Scenario
    duration_minutes: float
    injects: tuple[Inject, ...]
    expected: tuple[ExpectedDecision, ...]
    briefing: Mapping[str, str] = field(default_factory=dict)
    source: str = "<script>"

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("an exercise has an id")
        if not _texts_ok(self.title):
            raise ValueError("an exercise has a title in fr or en")
        if not math.isfinite(self.duration_minutes) or self.duration_minutes <= 0:
            raise ValueError("an exercise lasts a positive number of minutes")
        ids = [i.id for i in self.injects] + [d.id for d in self.expected]
        if len(ids) != len(set(ids)):
            raise ValueError("inject and expected decision ids are unique")
        minutes = [i.minute for i in self.injects]
        if minutes != sorted(minutes):
            raise ValueError("injects are in the order of their minutes")
        inject_ids = {i.id for i in self.injects}
        for decision in self.expected:
            if decision.after is not None and decision.after not in inject_ids:
                raise ValueError(f"expected decision {decision.id} follows an unknown inject")

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)

    def title_in(self, lang: Lang) -> str:
        return text_in(self.title, lang)
