"""Nothing lost: the accounting of downtime numbers and entries, case by case."""

from __future__ import annotations

from bascule.downtime.accounting import AllocatedNumber, EntrySeen, account


def test_each_number_gets_its_state() -> None:
    allocated = [
        AllocatedNumber("A-1", "u", mapped=False),
        AllocatedNumber("A-2", "u", mapped=False),
        AllocatedNumber("A-3", "u", mapped=False),
        AllocatedNumber("A-4", "u", mapped=True),
    ]
    entries = [
        EntrySeen("S:1", "S", "registration", "A-1"),
        EntrySeen("S:2", "S", "vitals", "A-1"),
        EntrySeen("S:3", "S", "note", "A-2"),
        EntrySeen("S:4", "S", "note", "B-9"),
        EntrySeen("S:5", "S", "vitals", None),
    ]
    result = account(allocated, entries)
    states = {a.number: (a.state, a.entries) for a in result.numbers}
    assert states == {
        "A-1": ("registered", 2),
        "A-2": ("entries-without-registration", 1),
        "A-3": ("missing", 0),
        "A-4": ("reconciled", 0),
        "B-9": ("unallocated", 1),
    }
    assert result.entries_by_state == {"imported": 5}
    assert not result.all_done


def test_green_only_when_every_number_is_reconciled_and_every_entry_sent() -> None:
    done = account(
        [AllocatedNumber("A-1", "u", mapped=True)], [EntrySeen("S:1", "S", "registration", "A-1", "sent")]
    )
    assert done.all_done and done.to_json()["all_done"] is True
    waiting = account(
        [AllocatedNumber("A-1", "u", mapped=True)], [EntrySeen("S:1", "S", "registration", "A-1")]
    )
    assert not waiting.all_done
    assert account([], []).all_done  # nothing handed out, nothing recorded: nothing to chase
