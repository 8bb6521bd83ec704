"""The journal audit, as a table: a tampering (what an intruder did to the rows, the notes, the key
or the checkpoints) and what the audit names first (the entry, and what kind of difference)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bascule.journal import (
    GENESIS_HASH,
    Checkpoint,
    CheckpointReading,
    JournalEntry,
    StoredEntry,
    chain_hash,
    seal,
)
from bascule.journal_anchor import journal_id
from bascule.journal_audit import AuditReport, NoteDigest, audit

KEY = bytes(range(32))
JOURNAL = journal_id(KEY)
T0 = datetime(2026, 5, 3, 6, 30, tzinfo=UTC)
DECISION = "Déclencher le plan blanc"
PLACE = Path("/data/journal.checkpoint")


@dataclasses.dataclass
class Journal:
    entries: list[StoredEntry]
    notes: dict[int, NoteDigest]
    readings: list[CheckpointReading]
    key: bytes | None = KEY


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build(count: int = 8) -> Journal:
    """Entries 1..count; entry 3 records decision #1; a valid checkpoint at the end."""
    entries: list[StoredEntry] = []
    previous = GENESIS_HASH
    for index in range(count):
        seq = index + 1
        if seq == 3:
            entry = JournalEntry(
                seq, "decision.added", T0, "director1", 7, {"note": 1, "sha256": digest(DECISION)}
            )
        else:
            entry = JournalEntry(
                seq, "hit.declared", T0 + timedelta(minutes=seq), "it1", 7, {"target": f"n{seq}"}
            )
        stored = seal(previous, entry, KEY)
        entries.append(stored)
        previous = stored.hash
    checkpoint = Checkpoint(JOURNAL, count, previous, T0 + timedelta(hours=1))
    return Journal(
        entries,
        {1: NoteDigest(1, "decision", 7, digest(DECISION))},
        [CheckpointReading(PLACE, "valid", checkpoint)],
    )


def run(journal: Journal) -> AuditReport:
    return audit(
        journal.entries, journal.key, Path("/data/private/journal.key"), journal.notes, journal.readings
    )


def rechain_from(journal: Journal, start: int, key: bytes | None) -> None:
    """Recompute the seals from entry `start` on, as someone with `key` (None: a plain hash) would."""
    previous = journal.entries[start - 2].hash if start > 1 else GENESIS_HASH
    for index in range(start - 1, len(journal.entries)):
        entry = dataclasses.replace(journal.entries[index].entry, seq=index + 1)
        journal.entries[index] = StoredEntry(entry, previous, chain_hash(previous, entry, key))
        previous = journal.entries[index].hash


def rewrite_and_rechain(journal: Journal) -> None:
    edited = dataclasses.replace(journal.entries[4].entry, actor="intruder")
    journal.entries[4] = StoredEntry(edited, journal.entries[4].previous_hash, "")
    rechain_from(journal, 5, None)


def delete_and_renumber(journal: Journal) -> None:
    del journal.entries[5]
    rechain_from(journal, 6, None)


def cut_tail(journal: Journal) -> None:
    del journal.entries[6:]


def wipe(journal: Journal) -> None:
    journal.entries.clear()


def edit_decision(journal: Journal) -> None:
    journal.notes[1] = dataclasses.replace(journal.notes[1], sha256=digest("Ne rien faire"))


def delete_decision(journal: Journal) -> None:
    del journal.notes[1]


def insert_note(journal: Journal) -> None:
    journal.notes[2] = NoteDigest(2, "note", 7, digest("ajoutée en douce"))


def lose_key(journal: Journal) -> None:
    journal.key = None


def forge_checkpoint(journal: Journal) -> None:
    del journal.entries[6:]
    journal.readings = [CheckpointReading(PLACE, "forged")]


def lose_data_checkpoint_keep_anchor(journal: Journal) -> None:
    anchored = dataclasses.replace(journal.readings[0], place=Path("/share/journal.checkpoint"), anchor=True)
    journal.readings = [CheckpointReading(PLACE, "missing"), anchored]
    del journal.entries[7:]


def rekey_everything(journal: Journal) -> None:
    """An intruder with a key of their own rewrites the whole chain: the checkpoint's seal differs."""
    rechain_from(journal, 1, b"k" * 32)


TAMPERINGS: list[tuple[Callable[[Journal], None], int | None, str]] = [
    (rewrite_and_rechain, 5, "changed"),
    (delete_and_renumber, 6, "changed"),
    (cut_tail, 7, "cut"),
    (wipe, 1, "cut"),
    (edit_decision, 3, "note_changed"),
    (delete_decision, 3, "note_missing"),
    (insert_note, None, "note_unjournaled"),
    (lose_key, None, "key_missing"),
    (forge_checkpoint, None, "checkpoint_forged"),
    (lose_data_checkpoint_keep_anchor, 8, "cut"),
    (rekey_everything, 1, "changed"),
]


def test_an_untouched_journal_is_intact() -> None:
    report = run(build())
    assert report.intact and report.first is None and report.entries == 8 and report.notes_checked == 1
    assert report.latest is not None and report.latest.count == 8
    assert report.headline("en").startswith("The journal is intact: 8 entries checked (latest checkpoint: 8")


@pytest.mark.parametrize(("tamper", "seq", "kind"), TAMPERINGS, ids=[t[0].__name__ for t in TAMPERINGS])
def test_each_tampering_is_named_at_its_first_entry(
    tamper: Callable[[Journal], None], seq: int | None, kind: str
) -> None:
    journal = build()
    tamper(journal)
    report = run(journal)
    assert not report.intact
    assert report.first is not None and (report.first.seq, report.first.kind) == (seq, kind)
    for lang in ("fr", "en"):
        assert report.first.sentence(lang)  # a sentence in each language
    assert report.to_json()["first"] == {"seq": seq, "kind": kind, "reason": report.first.reason}


def test_sentences_name_the_entry_in_french_and_english() -> None:
    journal = build()
    edit_decision(journal)
    report = run(journal)
    assert report.headline("fr") == (
        "La main courante a été altérée à l'entrée 3 : le texte de la décision n° 1 ne correspond plus "
        "à l'empreinte enregistrée par l'entrée 3."
    )
    assert report.headline("en") == (
        "The journal was tampered with at entry 3: the text of decision #1 no longer matches the digest "
        "recorded by entry 3."
    )


def test_an_anchor_that_is_behind_or_empty_is_a_note_not_a_tampering() -> None:
    journal = build()
    behind = Checkpoint(JOURNAL, 5, journal.entries[4].hash, T0)
    journal.readings += [
        CheckpointReading(Path("/share/a"), "valid", behind, anchor=True),
        CheckpointReading(Path("/share/b/journal.checkpoint"), "missing", anchor=True),
    ]
    report = run(journal)
    assert report.intact and [w.kind for w in report.warnings] == ["anchor_missing"]


def test_an_older_checkpoint_that_disagrees_names_its_entry() -> None:
    journal = build()
    older = Checkpoint(JOURNAL, 4, "f" * 64, T0)
    journal.readings.append(CheckpointReading(Path("/share/a"), "valid", older, anchor=True))
    report = run(journal)
    assert report.first is not None and (report.first.seq, report.first.kind) == (4, "checkpoint_differs")


def test_an_empty_journal_with_no_key_and_no_checkpoint_is_intact() -> None:
    report = audit([], None, Path("/k"), {}, [CheckpointReading(PLACE, "missing")])
    assert report.intact and report.entries == 0


def legacy(count: int = 3, adopted: bool = True) -> Journal:
    """A journal written before seals were keyed (plain SHA-256), adopted by a keyed entry, then
    keyed entries after it."""
    entries: list[StoredEntry] = []
    previous = GENESIS_HASH
    for seq in range(1, count + 1):
        entry = JournalEntry(
            seq, "hit.declared", T0 + timedelta(minutes=seq), "it1", 7, {"target": f"n{seq}"}
        )
        entries.append(seal(previous, entry))
        previous = entries[-1].hash
    if adopted:
        keyed = JournalEntry(
            count + 1, "journal.keyed", T0, "bascule", None, {"entries": count, "legacy_head": previous}
        )
        entries.append(seal(previous, keyed, KEY))
        after = JournalEntry(count + 2, "login", T0, "director1", None, {})
        entries.append(seal(entries[-1].hash, after, KEY))
    return Journal(entries, {}, [])


def test_a_journal_written_before_keys_is_vouched_for_by_its_keyed_entry() -> None:
    assert run(legacy()).intact


def legacy_rewritten_and_rechained(journal: Journal) -> None:
    edited = dataclasses.replace(journal.entries[1].entry, actor="intruder")
    journal.entries[1] = seal(journal.entries[0].hash, edited)
    journal.entries[2] = seal(journal.entries[1].hash, journal.entries[2].entry)


def legacy_rechained_and_relinked(journal: Journal) -> None:
    legacy_rewritten_and_rechained(journal)
    keyed = journal.entries[3]
    journal.entries[3] = StoredEntry(keyed.entry, journal.entries[2].hash, keyed.hash)


def legacy_edited(journal: Journal) -> None:
    edited = dataclasses.replace(journal.entries[1].entry, actor="intruder")
    journal.entries[1] = StoredEntry(edited, journal.entries[1].previous_hash, journal.entries[1].hash)


def plain_entry_after_the_keyed_one(journal: Journal) -> None:
    journal.entries[4] = seal(journal.entries[3].hash, journal.entries[4].entry)


@pytest.mark.parametrize(
    ("tamper", "seq", "kind"),
    [
        # the plain prefix cannot say which of its entries was rewritten: the keyed entry after it can
        (legacy_rewritten_and_rechained, 4, "unlinked"),
        (legacy_rechained_and_relinked, 4, "changed"),
        (legacy_edited, 2, "changed"),
        (plain_entry_after_the_keyed_one, 5, "changed"),
    ],
)
def test_tampering_with_an_adopted_journal(tamper: Callable[[Journal], None], seq: int, kind: str) -> None:
    journal = legacy()
    tamper(journal)
    first = run(journal).first
    assert first is not None and (first.seq, first.kind) == (seq, kind)


def test_plain_seals_that_no_keyed_entry_vouches_for_are_not_intact() -> None:
    first = run(legacy(adopted=False)).first
    assert first is not None and (first.seq, first.kind) == (1, "changed")


def test_a_keyed_entry_that_vouches_for_another_prefix_is_named() -> None:
    journal = legacy()
    wrong = dataclasses.replace(journal.entries[3].entry, payload={"entries": 2, "legacy_head": "0" * 64})
    journal.entries[3] = seal(journal.entries[2].hash, wrong, KEY)
    journal.entries[4] = seal(journal.entries[3].hash, journal.entries[4].entry, KEY)
    first = run(journal).first
    assert first is not None and (first.seq, first.kind) == (1, "legacy_changed")
    assert "entry 4 vouches for others" in first.reason
