"""Units issued = units traced: whatever the sequence of receipts, issues, emergency issues,
returns and expiries, each unit is in exactly one state, each issued unit has exactly one recipient
until it is returned, and no stock line is ever negative."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.blood_bank import NOW, POLICY, empty_store, make_unit

from bascule.downtime.numbers import DowntimeNumber
from bascule.errors import UserError
from bascule.laboratory.blood import bank
from bascule.laboratory.blood.ledger import parse_recipient

RECIPIENTS = [
    parse_recipient(mrn="880001"),
    parse_recipient(mrn="880002"),
    parse_recipient(downtime=DowntimeNumber("TIL", "URG1", 42).text),
]

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("receive"), st.integers(1, 8), st.sampled_from(["O-", "O+", "A+"]), st.integers(0, 6)
        ),
        st.tuples(st.just("issue"), st.integers(1, 6), st.integers(0, 2)),
        st.tuples(st.just("emergency"), st.sampled_from(["F", "M", None]), st.integers(0, 2)),
        st.tuples(st.just("return"), st.integers(1, 6), st.integers(0, 35)),
        st.tuples(
            st.just("expire"),
        ),
        st.tuples(st.just("wait"), st.integers(1, 30)),
        st.tuples(st.just("wait"), st.integers(1, 30)),
    ),
    min_size=5,
    max_size=30,
)


def _chains(store: Path) -> dict[str, list[tuple[str, str | None]]]:
    connection = sqlite3.connect(store)
    try:
        rows = connection.execute(
            "SELECT donation, kind, recipient FROM blood_movements "
            "ORDER BY donation, CAST(substr(id, instr(id, '#') + 1) AS INTEGER)"
        ).fetchall()
    finally:
        connection.close()
    chains: dict[str, list[tuple[str, str | None]]] = {}
    for donation, kind, recipient in rows:
        chains.setdefault(donation, []).append((kind, recipient))
    return chains


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["O-", "O+", "A+"]), min_size=3, max_size=3), steps)
def test_units_issued_are_units_traced(first: list[str], plan: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = empty_store(Path(folder))
        now = NOW
        for serial, group in enumerate(first, start=1):
            bank.receive(store, make_unit(serial, group, 2, now), "t")
        issued_by_us: dict[str, int] = {}
        for step in plan:
            try:
                match step:
                    case ("receive", int(serial), str(group), int(days)):
                        bank.receive(store, make_unit(serial, group, days, now), "t")
                    case ("issue", int(serial), int(who)):
                        bank.issue(store, f"FR123 26 {serial:06d}", RECIPIENTS[who], "t", now)
                        issued_by_us[f"FR123 26 {serial:06d}"] = who
                    case ("emergency", str() | None as sex, int(who)):
                        unit = bank.emergency_issue(store, POLICY, RECIPIENTS[who], sex, 40, "t", now)
                        issued_by_us[unit.donation] = who
                    case ("return", int(pick), int(minutes)):
                        # Mostly a unit we issued (so returns happen), else any: refused ones too.
                        if pick <= 3 and issued_by_us:
                            donation = sorted(issued_by_us)[pick % len(issued_by_us)]
                        else:
                            donation = f"FR123 26 {pick % 3 + 1:06d}"
                        now += timedelta(minutes=minutes)
                        bank.return_unit(store, donation, "t", now)
                        issued_by_us.pop(donation)
                    case ("expire",):
                        bank.expire_due(store, "t", now)
                    case ("wait", int(hours)):
                        now += timedelta(hours=hours)
            except UserError:
                pass
        chains = _chains(store)
        report = bank.stock_report(store, POLICY, now)
        assert all(line.units >= 0 for line in report.lines)
        states = {"in_stock": 0, "issued": 0, "out": 0}
        for donation, chain in chains.items():
            assert chain[0][0] == "received" and [k for k, _ in chain].count("received") == 1
            last, recipient = chain[-1]
            if last == "issued":
                states["issued"] += 1
                assert recipient == RECIPIENTS[issued_by_us[donation]].value  # exactly one, the one we gave
            elif last in ("received", "returned"):
                states["in_stock"] += 1
                assert donation not in issued_by_us
            else:
                assert last in ("expired", "destroyed")
                states["out"] += 1
                assert donation not in issued_by_us
            for (kind, _), (following, _) in pairwise(chain):
                assert (kind, following) in {
                    ("received", "issued"),
                    ("received", "expired"),
                    ("returned", "issued"),
                    ("returned", "expired"),
                    ("issued", "returned"),
                }
        assert states["issued"] == len(issued_by_us)
        assert states["in_stock"] == sum(line.units for line in report.lines)
        assert sum(states.values()) == len(chains)
