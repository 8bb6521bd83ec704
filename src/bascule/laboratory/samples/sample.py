"""A sample and the steps of its life, pure (issue 19).

collected → sent → received (by the lab or a partner lab: `lab` says which) → resulted; received
straight from collected when walked in; rejected, with a reason, from any state that is not final
(resulted and rejected are final); resulted only once received. One scan is one step, with who,
where and when. A repeated scan of the step the sample is already at is answered "already
<state>" and changes nothing; a scan out of order is refused with the sample's current state.
The patient is a reference only (an MRN or a downtime number), never a name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bascule.errors import UserError
from bascule.hospital.laboratory import TestPriority

SampleState = Literal["collected", "sent", "received", "resulted", "rejected"]
SAMPLE_STATES: tuple[SampleState, ...] = ("collected", "sent", "received", "resulted", "rejected")
ScanStep = Literal["sent", "received", "rejected"]
SCAN_STEPS: tuple[ScanStep, ...] = ("sent", "received", "rejected")
FINAL_STATES: frozenset[SampleState] = frozenset({"resulted", "rejected"})

# The states each step may start from.
_FROM: dict[SampleState, frozenset[SampleState]] = {
    "sent": frozenset({"collected"}),
    "received": frozenset({"collected", "sent"}),
    "resulted": frozenset({"received"}),
    "rejected": frozenset({"collected", "sent", "received"}),
}

_STATE_FR: dict[str, str] = {
    "collected": "prélevé",
    "sent": "envoyé",
    "received": "reçu",
    "resulted": "rendu",
    "rejected": "rejeté",
}


def state_fr(state: str) -> str:
    return _STATE_FR.get(state, state)


@dataclass(frozen=True, slots=True)
class Sample:
    """One tube, by its number. `lab`: who received it (the lab or a partner laboratory's
    facility id); `run`: the transport run it travels in; `arrived`: scanned on the run's arrival."""

    number: str
    patient: str
    test: str
    priority: TestPriority
    unit: str
    collected_at: datetime
    collected_by: str
    state: SampleState = "collected"
    lab: str | None = None
    run: str | None = None
    arrived: bool = False
    reason: str | None = None

    def late(self, now: datetime, late_after_hours: float) -> bool:
        """Not resulted (nor rejected) `late_after_hours` after its collection."""
        if self.state in FINAL_STATES:
            return False
        return now - self.collected_at >= timedelta(hours=late_after_hours)


@dataclass(frozen=True, slots=True)
class Step:
    """One scan: the sample, the state it reached, who, where and when."""

    sample: str
    state: SampleState
    actor: str
    place: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step did: the sample after it, the step to record (None: already there)."""

    sample: Sample
    step: Step | None

    @property
    def already(self) -> bool:
        return self.step is None


def advance(
    sample: Sample, to: SampleState, *, actor: str, place: str, at: datetime, reason: str | None = None
) -> Outcome:
    """The sample after the step `to`; the same sample when it is already there; UserError when
    the step is out of order (the sentence says its current state) or a rejection has no reason."""
    if sample.state == to:
        return Outcome(sample, None)
    if to == "rejected" and not (reason and reason.strip()):
        raise UserError(
            f"Sample {sample.number} can be rejected only with a reason (--reason).",
            fr=f"L'échantillon {sample.number} ne peut être rejeté qu'avec un motif (--reason).",
        )
    if sample.state not in _FROM[to]:
        raise UserError(
            f"Sample {sample.number} is {sample.state}: it cannot be {to} now.",
            fr=f"L'échantillon {sample.number} est {state_fr(sample.state)} : il ne peut pas être "
            f"{state_fr(to)} maintenant.",
        )
    if not actor.strip() or not place.strip():
        raise UserError(
            "A scan needs who (--as) and where (--at).",
            fr="Un scan demande qui (--as) et où (--at).",
        )
    changed = replace(
        sample,
        state=to,
        lab=place if to == "received" else sample.lab,
        reason=reason.strip() if to == "rejected" and reason else sample.reason,
    )
    return Outcome(
        changed, Step(sample.number, to, actor, place, at, changed.reason if to == "rejected" else None)
    )
