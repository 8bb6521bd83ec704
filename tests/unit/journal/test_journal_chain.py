"""The crisis journal's hash chain: any edit, deletion or insertion shows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bascule.journal import GENESIS_HASH, JournalEntry, StoredEntry, chain_hash, head, seal, verify

T0 = datetime(2026, 5, 3, 6, 30, tzinfo=UTC)


def build_chain(count: int) -> list[StoredEntry]:
    chain: list[StoredEntry] = []
    for index in range(count):
        seq, previous = head(chain)
        entry = JournalEntry(
            seq,
            "hit.declared",
            T0 + timedelta(minutes=index),
            "director1",
            7,
            {"node": f"dc0{index}", "kind": "node"},
        )
        chain.append(seal(previous, entry))
    return chain


def test_intact_chain_verifies() -> None:
    assert verify(build_chain(5)) is None
    assert verify([]) is None


def test_first_entry_chains_to_genesis() -> None:
    first = build_chain(1)[0]
    assert first.previous_hash == GENESIS_HASH
    assert first.hash == chain_hash(GENESIS_HASH, first.entry)


def test_edited_payload_is_found_at_its_entry() -> None:
    chain = build_chain(5)
    edited = dataclasses.replace(chain[2].entry, payload={"node": "ehr", "kind": "node"})
    chain[2] = StoredEntry(edited, chain[2].previous_hash, chain[2].hash)
    broken = verify(chain)
    assert broken is not None and broken.seq == 3 and "changed" in broken.reason


def test_edited_and_rehashed_entry_breaks_the_next_link() -> None:
    chain = build_chain(5)
    edited = dataclasses.replace(chain[1].entry, actor="intruder")
    chain[1] = seal(chain[1].previous_hash, edited)
    broken = verify(chain)
    assert broken is not None and broken.seq == 3


def test_deleted_entry_is_found() -> None:
    chain = build_chain(5)
    del chain[3]
    broken = verify(chain)
    assert broken is not None and broken.seq == 4 and "missing" in broken.reason


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "a sentence with spaces"),
        ("actor", "Jean Dupont"),
        ("payload", {"note": "patient Dupont, bed 12"}),
        ("payload", {"bad key": 1}),
        ("payload", {"ids": ["ok", "not ok"]}),
        ("seq", 0),
        ("created", datetime(2026, 5, 3, 6, 30)),
    ],
)
def test_entries_refuse_free_text_and_bad_values(field: str, value: object) -> None:
    valid = {"seq": 1, "name": "note.added", "created": T0, "actor": "medical1", "payload": {"note": 4}}
    with pytest.raises(ValueError):
        JournalEntry(**{**valid, field: value})  # type: ignore[arg-type]


def test_canonical_form_does_not_depend_on_time_zone_or_key_order() -> None:
    paris = timezone(timedelta(hours=2))
    a = JournalEntry(1, "hit.lifted", T0, "it1", 1, {"a": 1, "b": ("x", "y")})
    b = JournalEntry(1, "hit.lifted", T0.astimezone(paris), "it1", 1, {"b": ["x", "y"], "a": 1})
    assert a.canonical() == b.canonical()


def test_a_chain_recomputed_without_the_key_does_not_hold_against_it() -> None:
    key = b"k" * 32
    keyed: list[StoredEntry] = []
    for stored in build_chain(4):
        seq, previous = head(keyed)
        keyed.append(seal(previous, dataclasses.replace(stored.entry, seq=seq), key))
    assert verify(keyed, key) is None
    edited = dataclasses.replace(keyed[1].entry, actor="intruder")
    forged = keyed[:1]
    for entry in [edited, *(s.entry for s in keyed[2:])]:
        forged.append(seal(forged[-1].hash, entry))  # the intruder's plain-hash chain
    broken = verify(forged, key)
    assert broken is not None and broken.seq == 2 and broken.kind == "changed"
