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
    """One Match per registration, in order. A registration no stored patient matches is also
    compared with the other registrations: two downtime numbers given to one new person would
    otherwise become two records in the EHR, so each such pair goes to review."""
    return with_lookalikes(match_with_index(registrations, PatientIndex(patients)), registrations)


def _as_patient(registration: Registration) -> Patient:
    return Patient(
        id=f"downtime:{registration.downtime_id}",
        version="1",
        family=registration.family or "",
        given=registration.given or "",
        birth_date=registration.birth_date,
        sex=registration.sex or "unknown",
        phones=(registration.phone,) if registration.phone else (),
        postcode=registration.postcode,
    )


def with_lookalikes(matches: Sequence[Match], registrations: Sequence[Registration]) -> list[Match]:
    """Matches where a registration with no stored patient looks like another registration (a
    plausible candidate among the registrations themselves) go to review, with its reason."""
    unmatched = {m.downtime_id for m in matches if m.patient_id is None}
    if len(registrations) < 2 or not unmatched:
        return list(matches)
    among = PatientIndex(_as_patient(r) for r in registrations if r.family)
    alike: set[str] = set()
    for registration in registrations:
        if registration.downtime_id not in unmatched:
            continue
        written = Written.of(registration)
        others = [
            c
            for c in among.candidates(written)
            if c.person.patient_id != f"downtime:{registration.downtime_id}"
        ]
        verdict = decide(written, others)
        if verdict.decision != "new":
            alike.add(registration.downtime_id)
            if verdict.candidate is not None:
                alike.add(verdict.candidate.person.patient_id.removeprefix("downtime:"))
    checked = []
    for match in matches:
        if match.downtime_id in alike and match.patient_id is None:
            match = Match(
                match.downtime_id, None, "review", match.score, (*match.reasons, "another_registration")
            )
        checked.append(match)
    return checked


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
