"""The crisis journal kept in the database: append under a lock, read back, verify."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from django.db import transaction
from django.utils import timezone

from bascule.crisis.models import JournalHead, JournalRecord
from bascule.journal import BrokenLink, JournalEntry, PayloadValue, StoredEntry, seal, verify

# One writer at a time in this process; across processes (PostgreSQL) the head row is locked.
_append_lock = threading.Lock()


def append(name: str, actor: str, incident: int | None, payload: Mapping[str, PayloadValue]) -> JournalRecord:
    """Write one entry at the end of the chain and return it."""
    with _append_lock, transaction.atomic():
        head_row, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
        last = JournalRecord.objects.order_by("-seq").only("seq", "hash").first()
        seq = (last.seq if last else 0) + 1
        previous = last.hash if last else "0" * 64
        entry = JournalEntry(seq, name, timezone.now(), actor, incident, payload)
        stored = seal(previous, entry)
        record: JournalRecord = JournalRecord.objects.create(
            seq=seq,
            name=name,
            created=entry.created,
            actor=actor,
            incident_id_ref=incident,
            payload={k: list(v) if isinstance(v, tuple) else v for k, v in entry.payload.items()},
            previous_hash=stored.previous_hash,
            hash=stored.hash,
        )
        head_row.seq = seq
        head_row.save(update_fields=["seq"])
        return record


def to_stored(record: JournalRecord) -> StoredEntry:
    payload = {k: tuple(v) if isinstance(v, list) else v for k, v in dict(record.payload).items()}
    entry = JournalEntry(
        record.seq, record.name, record.created, record.actor, record.incident_id_ref, payload
    )
    return StoredEntry(entry, record.previous_hash, record.hash)


def stored_entries() -> Iterator[StoredEntry]:
    for record in JournalRecord.objects.order_by("seq").iterator(chunk_size=2000):
        try:
            yield to_stored(record)
        except ValueError:
            # An entry edited into something no writer could produce: report it as changed.
            entry = JournalEntry(record.seq, "invalid", timezone.now(), "invalid", None, {})
            yield StoredEntry(entry, record.previous_hash, "")


def verify_chain() -> BrokenLink | None:
    """The first broken link of the whole journal, the truncation of its end included."""
    broken = verify(stored_entries())
    if broken is not None:
        return broken
    head = JournalHead.objects.filter(pk=1).first()
    count = JournalRecord.objects.count()
    if head is not None and head.seq != count:
        return BrokenLink(count + 1, f"entries after {count} are missing (the journal had {head.seq})")
    return None
