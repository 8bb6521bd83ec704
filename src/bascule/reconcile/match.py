"""The matching use-case: each downtime registration to a stored patient, or to review, or new.

`match_registrations(registrations, patients)` gives one Match per registration, in their order;
the CLI and the crisis app call it, never the parts. `patients` is any iterable of Patient records
(the continuity store's, or the recovered EHR's read through FHIR).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bascule.clinical.records import Patient
from bascule.reconcile.comparison import Written
from bascule.reconcile.decision import DECISIONS, Decision, decide
from bascule.reconcile.linkage import PatientIndex
from bascule.reconcile.registration import Registration


@dataclass(frozen=True, slots=True)
class Match:
    """Contract 6: the store's patient id (the match for auto, the best candidate or None for
    review, None for new), the decision, the match probability 0..1 and why (codes, no values)."""

    downtime_id: str
    patient_id: str | None
    decision: Decision
    score: float
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError("unknown decision")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError("a score is a probability")
        if self.decision == "auto" and (self.patient_id is None or self.reasons):
            raise ValueError("an auto match names its patient and has no reason against it")
        if self.decision == "new" and self.patient_id is not None:
            raise ValueError("a new patient names no stored patient")

    def to_json(self) -> dict[str, object]:
        return {
            "downtime_id": self.downtime_id,
            "patient_id": self.patient_id,
            "decision": self.decision,
            "score": self.score,
            "reasons": list(self.reasons),
        }


def match_with_index(registrations: Sequence[Registration], index: PatientIndex) -> list[Match]:
    """Like match_registrations, over an index built once (a bench, a worklist refreshed often)."""
    matches = []
    for registration in registrations:
        written = Written.of(registration)
        verdict = decide(written, index.candidates(written))
        matches.append(
            Match(
                registration.downtime_id, verdict.patient_id, verdict.decision, verdict.score, verdict.reasons
            )
        )
    return matches


def match_registrations(registrations: Sequence[Registration], patients: Iterable[Patient]) -> list[Match]:
    """One Match per registration, in order."""
    return match_with_index(registrations, PatientIndex(patients))


def counts(matches: Iterable[Match]) -> dict[Decision, int]:
    """How many matches of each decision, every decision present."""
    found: dict[Decision, int] = dict.fromkeys(DECISIONS, 0)
    for match in matches:
        found[match.decision] += 1
    return found


def with_disagreements(matches: Iterable[Match], disagreeing: set[str]) -> list[Match]:
    """A downtime number registered twice (a station and a paper form) with different details is
    never merged automatically: which form is right is a person's call."""
    checked = []
    for match in matches:
        if match.downtime_id in disagreeing:
            reasons = (*match.reasons, "registrations_differ")
            match = Match(match.downtime_id, match.patient_id, "review", match.score, reasons)
        checked.append(match)
    return checked
