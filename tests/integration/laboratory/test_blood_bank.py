"""The blood bank's use-cases on a real store: what they record, and that a refusal changes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from tests.blood_bank import NOW, POLICY, blood_rows, empty_store, make_unit

from bascule.errors import UserError
from bascule.laboratory.blood import bank
from bascule.laboratory.blood.ledger import RETURN_WITHIN, parse_recipient
from bascule.snapshot.census import record_tables

PATIENT = parse_recipient(mrn="880001")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = empty_store(tmp_path)
    for serial, group, days in ((1, "O-", 5), (2, "O-", 2), (3, "O+", 4), (4, "A+", 9)):
        bank.receive(path, make_unit(serial, group, days), "amina")
    return path


def test_the_stock_report_counts_thresholds_and_emergencies(store: Path) -> None:
    picked = bank.emergency_issue(store, POLICY, PATIENT, "F", 30, "amina", NOW)
    assert picked.donation == "FR123 26 000002"  # the O- expiring first
    assert bank.emergency_issue(store, POLICY, PATIENT, "M", 40, "amina", NOW).group == "O+"
    report = bank.stock_report(store, POLICY, NOW + timedelta(hours=1))
    o_neg = next(line for line in report.lines if line.key == "red_cells O-")
    assert (o_neg.units, o_neg.below_threshold) == (1, True)
    assert report.below == (o_neg,)
    assert report.emergency_issues == {"O-": 1, "O+": 1}
    assert bank.stock_report(store, POLICY, NOW + timedelta(hours=25)).emergency_issues == {}


def test_return_expire_destroy_and_alert(store: Path) -> None:
    bank.issue(store, "FR12326000004", PATIENT, "amina", NOW)
    bank.return_unit(store, "FR123 26 000004", "amina", NOW + RETURN_WITHIN)
    assert bank.expire_due(store, "amina", NOW + timedelta(days=3)) == ["FR123 26 000002"]
    bank.destroy(store, "FR123 26 000004", "bag torn", "amina", NOW)
    bank.set_alert(store, "amber", "amina", NOW, "EFS tension")
    report = bank.stock_report(store, POLICY, NOW + timedelta(days=3))
    assert report.alert is not None and report.alert.level == "amber"
    assert sum(line.units for line in report.lines) == 2


DELIVERY = "donation,component,group,expires\nFR123 26 000010,red_cells,O neg,2026-12-20T23:59+01:00\n"


def test_a_delivery_is_received_whole(store: Path) -> None:
    assert bank.receive_delivery(store, DELIVERY, "amina", NOW) == 1
    report = bank.stock_report(store, POLICY, NOW)
    assert next(line for line in report.lines if line.key == "red_cells O-").units == 3


REFUSALS: dict[str, tuple[Callable[[Path], object], str]] = {
    "received twice": (lambda s: bank.receive(s, make_unit(1), "amina"), "already received"),
    "expired on receipt": (lambda s: bank.receive(s, make_unit(9, days=-1), "amina"), "already expired"),
    "unknown unit": (lambda s: bank.issue(s, "FR123 26 000099", PATIENT, "amina", NOW), "never received"),
    "bad number": (lambda s: bank.issue(s, "FR123", PATIENT, "amina", NOW), "not a donation number"),
    "expired unit": (
        lambda s: bank.issue(s, "FR123 26 000002", PATIENT, "amina", NOW + timedelta(days=3)),
        "expired",
    ),
    "no O+ left": (
        lambda s: bank.emergency_issue(s, POLICY, PATIENT, "M", 40, "a", NOW),
        r"No O\+ .*O-: 2, O\+: 0",
    ),
    "nothing to return": (
        lambda s: bank.return_unit(s, "FR123 26 000001", "amina", NOW),
        "nothing to return",
    ),
    "cold chain": (
        lambda s: bank.return_unit(s, "FR123 26 000001", "amina", NOW + RETURN_WITHIN + timedelta(minutes=1)),
        "cold chain",
    ),
    "destroy without reason": (lambda s: bank.destroy(s, "FR123 26 000001", " ", "amina", NOW), "Say why"),
    "delivery header": (lambda s: bank.receive_delivery(s, "a,b\n", "amina", NOW), "header"),
    "delivery line": (
        lambda s: bank.receive_delivery(
            s, DELIVERY + "FR123 26 000011,red_cells,O,2026-12-20T23:59+01:00\n", "a", NOW
        ),
        "Line 3 of the delivery",
    ),
    "delivery expiry": (
        lambda s: bank.receive_delivery(s, DELIVERY + "FR123 26 000011,plasma,O-,2026-12-20\n", "a", NOW),
        "not an expiry",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refusal_changes_nothing(store: Path, case: str) -> None:
    action, message = REFUSALS[case]
    if case == "cold chain":
        bank.issue(store, "FR123 26 000001", PATIENT, "amina", NOW)
    if case == "no O+ left":
        bank.emergency_issue(store, POLICY, PATIENT, "M", 40, "a", NOW)
    before = blood_rows(store)
    with pytest.raises(UserError, match=message):
        action(store)
    assert blood_rows(store) == before


def test_sealing_sees_the_blood_tables(store: Path) -> None:
    connection = sqlite3.connect(store)
    try:
        connection.text_factory = bytes  # as the sealing reads a store
        assert {"blood_units", "blood_movements", "blood_alerts"} <= set(record_tables(connection))
    finally:
        connection.close()
