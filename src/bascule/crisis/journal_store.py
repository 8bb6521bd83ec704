"""The crisis journal kept in the database: append under a lock with a keyed seal, write a signed
checkpoint once the entry is committed, read everything back for the audit.

The key and the checkpoints live outside the database (bascule.journal_anchor); the checks are
pure (bascule.journal_audit). This is the one place that reads the journal's rows and the notes'
texts for them.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bascule.crisis.models import JournalHead, JournalRecord, Note
from bascule.errors import UserError
from bascule.journal import BrokenLink, Checkpoint, JournalEntry, PayloadValue, StoredEntry, seal, verify
from bascule.journal_anchor import (
    CHECKPOINT_SUFFIX,
    CheckpointWriter,
    JournalKeyMissing,
    create_key,
    journal_id,
    key_path,
    load_signer,
    read_checkpoints,
    read_key,
    remember_anchors,
    remembered_anchors,
    trusted_public_key,
)
from bascule.journal_audit import KEYED_ENTRY, AuditReport, NoteDigest, audit

# One writer at a time in this process; across processes (PostgreSQL) the head row is locked.
# Re-entrant: a unit of work (crisis/repository.py) takes it before its transaction, then appends;
# a lone append (a login) takes it, then opens its transaction. One order for both: with SQLite's
# single writer the two orders would wait on each other until the busy timeout.
_append_lock = threading.RLock()
_anchoring_lock = threading.Lock()
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchoring:
    """The journal's key and the writer of its checkpoints, for one data folder."""

    data_dir: Path
    key: bytes
    writer: CheckpointWriter


_anchoring: Anchoring | None = None


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def configured_anchors() -> list[Path]:
    """The anchor folders given to `serve --anchor`."""
    return [Path(p) for p in getattr(settings, "CRISIS_JOURNAL_ANCHORS", [])]


def _configured_sign_key() -> Path | None:
    value = getattr(settings, "CRISIS_JOURNAL_SIGN_KEY", "")
    return Path(value) if value else None


def anchoring() -> Anchoring:
    """The key (made on first use) and the checkpoint writer. A journal written before seals were
    keyed is adopted: a key is made and a keyed entry vouches for the entries before it."""
    global _anchoring
    folder = data_dir()
    with _anchoring_lock:
        if _anchoring is not None and _anchoring.data_dir == folder:
            return _anchoring
        key = read_key(folder)
        legacy = 0
        if key is None:
            count = JournalRecord.objects.count()
            if count and not _written_before_keys(folder):
                raise JournalKeyMissing(
                    f"The journal's key {key_path(folder)} is missing while the journal holds {count} "
                    "entries: restore it from a backup; without it nothing can vouch for the journal.",
                    fr=f"La clé du journal {key_path(folder)} manque alors que le journal contient {count} "
                    "entrées : restaurez-la depuis une sauvegarde ; sans elle, rien ne peut garantir le journal.",
                )
            legacy = count
            key = create_key(folder)
        remember_anchors(folder, configured_anchors())
        # Every anchor `serve` was ever given: `users add` and `journal` commands keep them current too.
        anchors = remembered_anchors(folder)
        writer = CheckpointWriter(
            folder, anchors, load_signer(folder, _configured_sign_key()), journal_id(key)
        )
        _anchoring = Anchoring(folder, key, writer)
        state = _anchoring
    if legacy:
        _adopt(legacy)
    return state


def _written_before_keys(folder: Path) -> bool:
    """A journal from before keyed seals: no checkpoint was ever written and its plain chain holds."""
    if any(folder.glob(f"journal-*{CHECKPOINT_SUFFIX}")):
        return False
    return verify(stored_entries()) is None and not JournalRecord.objects.filter(name=KEYED_ENTRY).exists()


def _adopt(count: int) -> None:
    last = JournalRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None and last[0] == count:
        append(KEYED_ENTRY, "bascule", None, {"entries": count, "legacy_head": last[1]})


def _when_committed(callback: Callable[[], None]) -> None:
    """Run `callback` once the outermost transaction commits (at once outside any): a checkpoint
    must never count an entry that a rollback takes back."""
    transaction.on_commit(callback)


def append(name: str, actor: str, incident: int | None, payload: Mapping[str, PayloadValue]) -> JournalRecord:
    """Write one entry at the end of the chain and return it; its checkpoint follows the commit.

    Works inside a caller's `transaction.atomic()`: the entry then commits or rolls back with it.
    """
    state = anchoring()
    with _append_lock, transaction.atomic():
        head_row, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
        last = JournalRecord.objects.order_by("-seq").only("seq", "hash").first()
        seq = (last.seq if last else 0) + 1
        previous = last.hash if last else "0" * 64
        entry = JournalEntry(seq, name, timezone.now(), actor, incident, payload)
        stored = seal(previous, entry, state.key)
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
    _when_committed(lambda: _write_checkpoint(state, seq, stored.hash, force=False))
    return record


def _write_checkpoint(state: Anchoring, count: int, head: str, *, force: bool) -> None:
    try:
        state.writer.write(count, head, force=force)
    except UserError as error:  # the cell keeps working; `journal verify` will say what is missing
        _log.warning("journal checkpoint not written: %s", error)


def checkpoint_now() -> Checkpoint:
    """A checkpoint of the journal as it stands (for a situation report), written once committed."""
    state = anchoring()
    last = JournalRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    count, head = last if last else (0, "")
    checkpoint = Checkpoint(state.writer.journal, count, head, timezone.now())
    _when_committed(lambda: _write_checkpoint(state, count, head, force=True))
    return checkpoint


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
            entry = JournalEntry(max(record.seq, 1), "invalid", timezone.now(), "invalid", None, {})
            yield StoredEntry(entry, record.previous_hash, "")


def note_digests() -> dict[int, NoteDigest]:
    """Every note and decision as stored now, by number, with the SHA-256 of its text."""
    rows = Note.objects.order_by("pk").values_list("pk", "kind", "incident_id", "text")
    return {
        pk: NoteDigest(pk, kind, incident, hashlib.sha256(text.encode("utf-8")).hexdigest())
        for pk, kind, incident, text in rows.iterator(chunk_size=2000)
    }


def audit_journal(anchors: Sequence[Path] = (), public_key: Path | None = None) -> AuditReport:
    """Check the chain with the key, every checkpoint (the data folder's, those of the anchors
    `serve` wrote to and those given) and every note's digest; never creates a key."""
    folder = data_dir()
    key = read_key(folder)
    places = [*configured_anchors(), *remembered_anchors(folder), *anchors]
    readings = read_checkpoints(
        folder, places, trusted_public_key(folder, public_key), journal_id(key) if key else None
    )
    head_row = JournalHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    return audit(stored_entries(), key, key_path(folder), note_digests(), readings, head_row)


def verify_chain() -> BrokenLink | None:
    """The first thing that does not hold in the whole journal (chain, checkpoints, notes), or None."""
    return audit_journal().broken_link()
