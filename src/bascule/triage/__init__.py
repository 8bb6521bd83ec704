"""Scheduled activity x impact -> proposals (maintain, postpone, cancel, divert), pure."""

from bascule.triage.rules import (
    APPROVAL_ROLES,
    DECISIONS,
    NOTIFIED,
    Approval,
    Proposal,
    Tally,
    Triage,
    approved_exceptions,
    by_day_unit_kind,
    tally,
    triage,
)

__all__ = [
    "APPROVAL_ROLES",
    "DECISIONS",
    "NOTIFIED",
    "Approval",
    "Proposal",
    "Tally",
    "Triage",
    "approved_exceptions",
    "by_day_unit_kind",
    "tally",
    "triage",
]
