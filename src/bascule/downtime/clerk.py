"""Paper forms typed by a clerk in the crisis cell: the wards that had no station wrote on paper,
and someone types each form afterwards, by the downtime number on its label.

A typed form is an entry like a station's, checked by the same rules (make_entry: same refusals),
recorded under the station code SAISIE with its own sequence, so it is named `SAISIE:<n>` for ever
and goes through matching, status and write-back like any other. Only by downtime number: a form
typed against a patient id would need the bundle the clerk does not read, and a number's check
character catches the digit typed wrong, which would file the form under someone else.

A registration for a number that already has one with other details is stored all the same: the
paper says what it says; matching sends that number to a person (with_disagreements). The page
says so (`registered_otherwise`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bascule.downtime.entries import Entry, EntryKind, PatientRef, downtime_number, make_entry
from bascule.downtime.entries_import import insert_row, registrations_in_store
from bascule.downtime.side_store import connected, writing

SAISIE = "SAISIE"  # the station code of everything typed from paper in the crisis cell
SOURCE = "crisis:saisie"


@dataclass(frozen=True)
class TypedSeen:
    """One typed entry as the clerk's list shows it: ids only, never what the form says."""

    key: str
    kind: EntryKind
    downtime_id: str
    recorded_at: datetime


def version(entry: Entry) -> str:
    """SHA-256 of the entry's canonical body: what it says, who typed it and when."""
    canonical = json.dumps(entry.body(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_typed(
    store_path: Path, kind: str, downtime_id: str, data: Mapping[str, object], author: str, now: datetime
) -> Entry:
    """Check and store one typed form as `SAISIE:<next>`, in one write transaction. A refusal is
    one sentence (UserError, in French too) and nothing is written."""
    number = downtime_number(downtime_id.strip())
    # Checked before the store is touched: a refused form writes nothing, not even a sequence.
    draft = make_entry(
        station=SAISIE,
        sequence=1,
        author=author,
        recorded_at=now,
        kind=kind,
        patient=PatientRef(downtime_id=number),
        data=data,
    )
    with writing(store_path) as connection:
        last = connection.execute(
            "SELECT coalesce(max(sequence), 0) FROM downtime_entries WHERE station = ?", (SAISIE,)
        ).fetchone()[0]
        entry = Entry(
            SAISIE, int(last) + 1, draft.author, draft.recorded_at, draft.kind, draft.patient, draft.data
        )
        insert_row(connection, entry.key, version(entry), entry, SOURCE, now)
    return entry


def registered_otherwise(store_path: Path, downtime_id: str) -> bool:
    """Whether the number's registrations in the store disagree: matching then leaves it to a person."""
    _registrations, disagreeing = registrations_in_store(store_path)
    return downtime_id in disagreeing


def typed_by(store_path: Path, author: str, limit: int = 20) -> list[TypedSeen]:
    """The author's last typed entries, newest first (ids, kinds and numbers only)."""
    with connected(store_path, readonly=True) as connection:
        rows = connection.execute(
            "SELECT id, kind, downtime_number, recorded_at FROM downtime_entries "
            "WHERE station = ? AND author = ? ORDER BY sequence DESC LIMIT ?",
            (SAISIE, author, limit),
        ).fetchall()
    return [TypedSeen(key, kind, number, datetime.fromisoformat(at)) for key, kind, number, at in rows]
