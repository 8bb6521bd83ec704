"""The reconciliation use-cases a person drives: what waits for a decision (the worklist, with the
registration beside its best candidate), the decision itself, and the accounting of everything
recorded during the outage. The command line (`bascule reconcile worklist|confirm|status`) and the
crisis web app (the Reconciliation tab) both call these, never the parts.

A WorkItem carries patient data (names, birth dates, MRN) for the page of an identity officer only:
its `repr` shows ids and the decision, never those values, so that a stray log line leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bascule.clinical.records import Patient
from bascule.downtime import links as downtime_links
from bascule.downtime.accounting import Accounting, account
from bascule.downtime.entries_import import ledger, registrations_in_store
from bascule.reconcile.match import Match, match_registrations, with_disagreements
from bascule.reconcile.registration import Registration
from bascule.snapshot.store import ContinuityStore


@dataclass(frozen=True)
class Identity:
    """Who a registration or a stored patient says they are, as a person compares them (values
    hidden from repr). `mrn` is the stored patient's; a downtime registration has none."""

    family: str | None = field(default=None, repr=False)
    given: str | None = field(default=None, repr=False)
    birth_date: date | None = field(default=None, repr=False)
    sex: str | None = field(default=None, repr=False)
    mrn: str | None = field(default=None, repr=False)

    @classmethod
    def of_registration(cls, registration: Registration) -> Identity:
        return cls(registration.family, registration.given, registration.birth_date, registration.sex)

    @classmethod
    def of_patient(cls, patient: Patient) -> Identity:
        return cls(patient.family, patient.given or None, patient.birth_date, patient.sex, patient.mrn)


@dataclass(frozen=True)
class WorkItem:
    """A downtime number waiting for a person: its match (decision, best candidate's id, score,
    reasons as codes) with the registration and the candidate side by side."""

    match: Match
    registration: Identity
    candidate: Identity | None  # None: no stored patient is plausible

    @property
    def downtime_id(self) -> str:
        return self.match.downtime_id

    @property
    def candidate_id(self) -> str | None:
        return self.match.patient_id


def _matches(store_path: Path) -> tuple[list[Match], list[Registration], dict[str, Patient]]:
    registrations, disagreeing = registrations_in_store(store_path)
    with ContinuityStore.open(store_path, readonly=True) as opened:
        patients = {patient.id: patient for patient in opened.records(Patient)}
    matches = with_disagreements(match_registrations(registrations, patients.values()), disagreeing)
    return matches, registrations, patients


def worklist(store_path: Path) -> list[WorkItem]:
    """Every registration in the store not linked yet, review first, then new (then any auto
    match not saved yet), best score first: what `reconcile worklist` lists."""
    matches, registrations, patients = _matches(store_path)
    written = {registration.downtime_id: registration for registration in registrations}
    items = []
    for match in downtime_links.worklist(matches, downtime_links.links(store_path)):
        candidate = patients.get(match.patient_id) if match.patient_id else None
        items.append(
            WorkItem(
                match,
                Identity.of_registration(written[match.downtime_id]),
                Identity.of_patient(candidate) if candidate else None,
            )
        )
    return items


def decide(
    store_path: Path, number: str, patient_id: str | None, by: str, now: datetime | None = None
) -> downtime_links.Link:
    """A person's decision on a downtime number: it is the stored patient `patient_id`, or a new
    patient (None). A number already linked otherwise is refused (exit 3): undo the link first."""
    return downtime_links.confirm(store_path, number, patient_id, by, now or datetime.now(UTC))


def accounting(store_path: Path) -> Accounting:
    """Every downtime number handed out and every entry recorded, accounted for."""
    numbers, entries = ledger(store_path)
    return account(numbers, entries)


def status(store_path: Path) -> dict[str, Any]:
    """`reconcile status --json`'s document: missing numbers, numbers needing a person, entries by state."""
    return accounting(store_path).to_json()
