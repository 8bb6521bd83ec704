"""Auditing the crisis journal as a whole: its keyed chain, its signed checkpoints and the digests
of the notes and decisions it records. Pure: the caller reads the rows, the notes, the key and the
checkpoint files, and gets back every finding, the first entry that differs named first.

What each tampering a database administrator can do leaves behind:
- a row rewritten, with or without its chain recomputed: its seal no longer matches the key;
- rows deleted and the rest renumbered: the seals of the renumbered rows no longer match;
- the tail cut (with the head row): the journal is shorter than a signed checkpoint;
- a wipe: the journal is empty and a checkpoint counted entries;
- a note's or decision's text edited: its SHA-256 differs from the one its entry recorded.
Removing the key or a checkpoint is itself a finding: what cannot be vouched for is not "intact".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bascule.i18n import Lang, register, t
from bascule.journal import (
    GENESIS_HASH,
    BrokenLink,
    Checkpoint,
    CheckpointReading,
    StoredEntry,
    first_broken_link,
    same_seal,
)

register(
    "journal",
    {
        "missing": {
            "fr": "l'entrée {seq} manque (trouvé {found})",
            "en": "entry {seq} is missing (found {found})",
        },
        "out_of_order": {
            "fr": "l'entrée {seq} est hors d'ordre (trouvé {found})",
            "en": "entry {seq} is out of order (found {found})",
        },
        "unlinked": {
            "fr": "l'entrée {seq} ne suit pas l'entrée précédente",
            "en": "entry {seq} does not follow the entry before it",
        },
        "changed": {
            "fr": "l'entrée {seq} a été modifiée après son écriture (son sceau ne correspond pas à la clé)",
            "en": "entry {seq} was changed after it was written (its seal does not match the key)",
        },
        "legacy_changed": {
            "fr": "les entrées écrites avant que la main courante ait une clé ont été modifiées "
            "(l'entrée {keyed} en garantit d'autres)",
            "en": "the entries written before the journal had a key were changed (entry {keyed} vouches for others)",
        },
        "cut": {
            "fr": "les entrées après {count} manquent (un point de contrôle signé le {time} en comptait {expected})",
            "en": "entries after {count} are missing (a checkpoint signed at {time} counted {expected})",
        },
        "head_row": {
            "fr": "les entrées après {count} manquent (la main courante en avait {expected})",
            "en": "entries after {count} are missing (the journal had {expected})",
        },
        "checkpoint_differs": {
            "fr": "l'entrée {seq} diffère du point de contrôle signé le {time} (son sceau n'est plus celui signé alors)",
            "en": "entry {seq} differs from the checkpoint signed at {time} (its seal is not the one signed then)",
        },
        "note_missing": {
            "fr": "la {kind} n° {note} enregistrée par l'entrée {seq} a disparu de la table des notes",
            "en": "the {kind} #{note} recorded by entry {seq} is gone from the notes table",
        },
        "note_changed": {
            "fr": "le texte de la {kind} n° {note} ne correspond plus à l'empreinte enregistrée par l'entrée {seq}",
            "en": "the text of {kind} #{note} no longer matches the digest recorded by entry {seq}",
        },
        "note_unjournaled": {
            "fr": "la {kind} n° {note} n'a aucune entrée dans la main courante (ajoutée hors de l'application)",
            "en": "the {kind} #{note} has no journal entry (added behind the application's back)",
        },
        "key_missing": {
            "fr": "la clé de la main courante {place} est absente, donc rien ne garantit ses {count} entrées "
            "(restaurez-la depuis une sauvegarde)",
            "en": "the journal's key {place} is missing, so nothing vouches for its {count} entries "
            "(restore it from a backup)",
        },
        "checkpoint_key_missing": {
            "fr": "la clé publique des points de contrôle est absente : aucun ne peut être vérifié "
            "(donnez-la avec --pubkey)",
            "en": "the checkpoints' public key is missing: none can be checked (give it with --pubkey)",
        },
        "checkpoint_forged": {
            "fr": "le point de contrôle {place} n'est pas signé par la clé des points de contrôle (falsifié ou abîmé)",
            "en": "the checkpoint {place} is not signed by the checkpoints' key (forged or damaged)",
        },
        "checkpoint_foreign": {
            "fr": "le point de contrôle {place} est celui d'une autre main courante",
            "en": "the checkpoint {place} belongs to another journal",
        },
        "checkpoint_unreadable": {
            "fr": "le point de contrôle {place} ne peut pas être lu",
            "en": "the checkpoint {place} cannot be read",
        },
        "checkpoint_missing": {
            "fr": "le point de contrôle {place} a disparu alors que la main courante a {count} entrées",
            "en": "the checkpoint {place} is gone while the journal has {count} entries",
        },
        "anchor_missing": {
            "fr": "le dossier d'ancrage {place} ne contient pas de point de contrôle de cette main courante",
            "en": "the anchor folder {place} holds no checkpoint of this journal",
        },
        "kind_note": {"fr": "note", "en": "note"},
        "kind_decision": {"fr": "décision", "en": "decision"},
        "intact": {
            "fr": "La main courante est intacte : {count} entrées vérifiées{checkpoint}.",
            "en": "The journal is intact: {count} entries checked{checkpoint}.",
        },
        "intact_checkpoint": {
            "fr": " (dernier point de contrôle : {count} entrées, sceau {head}, {time})",
            "en": " (latest checkpoint: {count} entries, seal {head}, {time})",
        },
        "tampered": {
            "fr": "La main courante a été altérée à l'entrée {seq} : {reason}.",
            "en": "The journal was tampered with at entry {seq}: {reason}.",
        },
        "unvouched": {
            "fr": "La main courante ne peut pas être garantie : {reason}.",
            "en": "The journal cannot be vouched for: {reason}.",
        },
        "also": {"fr": "  aussi : {reason}", "en": "  also: {reason}"},
        "note": {"fr": "  note : {reason}", "en": "  note: {reason}"},
    },
)

NOTE_ENTRIES = {"note.added": "note", "decision.added": "decision"}
# The entry that adopts a journal written before seals were keyed: it carries the number of those
# entries and the plain hash of the last one, under the key.
KEYED_ENTRY = "journal.keyed"


@dataclass(frozen=True, slots=True)
class NoteDigest:
    """A note or decision as stored now: its kind, incident and the SHA-256 of its text."""

    note: int
    kind: str
    incident: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Finding:
    """Something that does not hold: at entry `seq` (None when no entry is to blame), of a `kind`
    (a message key of the "journal" domain) with the values its sentence needs."""

    seq: int | None
    kind: str
    values: Mapping[str, str | int] = field(default_factory=dict)

    def sentence(self, lang: Lang) -> str:
        values = dict(self.values)
        if "kind_word" in values:
            values["kind"] = t(f"journal.kind_{values.pop('kind_word')}", lang)
        return t(f"journal.{self.kind}", lang, seq=self.seq, **values)

    @property
    def reason(self) -> str:
        return self.sentence("en")

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "reason": self.reason}


def _moment(checkpoint: Checkpoint) -> str:
    return checkpoint.time.strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True, slots=True)
class AuditReport:
    entries: int
    head: str
    findings: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    checkpoints: tuple[CheckpointReading, ...]
    notes_checked: int

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The finding to name first: the earliest entry that differs, else what cannot be vouched for."""
        if not self.findings:
            return None
        located = [f for f in self.findings if f.seq is not None]
        if located:
            return min(located, key=lambda f: f.seq or 0)
        return self.findings[0]

    @property
    def latest(self) -> Checkpoint | None:
        valid = [r.checkpoint for r in self.checkpoints if r.checkpoint is not None]
        return max(valid, key=lambda c: (c.count, c.time)) if valid else None

    def broken_link(self) -> BrokenLink | None:
        """The first finding as the chain's BrokenLink (what the web pages and PDF show)."""
        first = self.first
        if first is None:
            return None
        seq = first.seq if first.seq is not None else 0
        return BrokenLink(seq, first.reason, first.kind, first.sentence("fr"))

    def headline(self, lang: Lang) -> str:
        first = self.first
        if first is None:
            latest = self.latest
            checkpoint = (
                t(
                    "journal.intact_checkpoint",
                    lang,
                    count=latest.count,
                    head=latest.short_head,
                    time=_moment(latest),
                )
                if latest is not None
                else ""
            )
            return t("journal.intact", lang, count=self.entries, checkpoint=checkpoint)
        if first.seq is None:
            return t("journal.unvouched", lang, reason=first.sentence(lang))
        return t("journal.tampered", lang, seq=first.seq, reason=first.sentence(lang))

    def lines(self, lang: Lang) -> list[str]:
        """The headline, then every other finding and the warnings, one sentence each."""
        first = self.first
        others = [t("journal.also", lang, reason=f.sentence(lang)) for f in self.findings if f is not first]
        notes = [t("journal.note", lang, reason=w.sentence(lang)) for w in self.warnings]
        return [self.headline(lang), *others, *notes]

    def to_json(self) -> dict[str, Any]:
        first = self.first
        latest = self.latest
        return {
            "intact": self.intact,
            "entries": self.entries,
            "head": self.head,
            "first": first.to_json() if first is not None else None,
            "findings": [f.to_json() for f in self.findings],
            "warnings": [w.to_json() for w in self.warnings],
            "notes_checked": self.notes_checked,
            "checkpoints": [
                {
                    "place": str(r.place),
                    "anchor": r.anchor,
                    "state": r.state,
                    "count": r.checkpoint.count if r.checkpoint else None,
                    "head": r.checkpoint.head if r.checkpoint else None,
                    "time": r.checkpoint.time.isoformat() if r.checkpoint else None,
                }
                for r in self.checkpoints
            ],
            "latest_checkpoint": (
                {"count": latest.count, "head": latest.head, "time": latest.time.isoformat()}
                if latest
                else None
            ),
        }


def audit(
    entries: Iterable[StoredEntry],
    key: bytes | None,
    key_place: Path,
    notes: Mapping[int, NoteDigest],
    readings: Sequence[CheckpointReading],
    head_row: int | None = None,
) -> AuditReport:
    """Check everything; `entries` in stored order (read once, so a long journal streams)."""
    findings: list[Finding] = []
    warnings: list[Finding] = []
    valid = [r.checkpoint for r in readings if r.checkpoint is not None]
    wanted = {c.count for c in valid if c.count > 0}
    seals_at: dict[int, str] = {}
    chain = _Chain(key)
    seen_notes: set[int] = set()
    for item in entries:
        chain.step(item)
        if chain.count in wanted:
            seals_at[chain.count] = item.hash
        kind = NOTE_ENTRIES.get(item.entry.name)
        if kind is not None:
            findings.extend(_check_note(item, kind, notes, seen_notes))
    chain.finish()
    count, previous = chain.count, chain.previous
    if chain.finding is not None:
        findings.insert(0, chain.finding)
    for note in sorted(set(notes) - seen_notes):
        digest = notes[note]
        findings.append(Finding(None, "note_unjournaled", {"note": note, "kind_word": digest.kind}))
    if key is None and (count or valid):
        findings.insert(0, Finding(None, "key_missing", {"place": str(key_place), "count": count}))
    findings.extend(_check_checkpoints(readings, count, seals_at, warnings))
    if head_row is not None and head_row > count and not any(f.kind == "cut" for f in findings):
        findings.append(Finding(count + 1, "head_row", {"count": count, "expected": head_row}))
    return AuditReport(
        count, previous if count else "", tuple(findings), tuple(warnings), tuple(readings), len(seen_notes)
    )


def _finding(broken: BrokenLink | None, item: StoredEntry) -> Finding | None:
    if broken is None:
        return None
    found = {"found": item.entry.seq} if broken.kind in ("missing", "out_of_order") else {}
    return Finding(broken.seq, broken.kind, found)


class _Chain:
    """Walks the chain and keeps its first finding. Seals are keyed, except in a journal written
    before they were: its first entries may have plain SHA-256 seals, vouched for by a keyed
    `journal.keyed` entry right after them (their count and last hash); nothing else vouches for
    a plain seal."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key
        self.previous = GENESIS_HASH
        self.count = 0
        self.finding: Finding | None = None
        self.legacy = True  # every entry so far has a plain seal

    def step(self, item: StoredEntry) -> None:
        self.count += 1
        if self.finding is None:
            self.finding = self._check(item)
        self.previous = item.hash

    def finish(self) -> None:
        if self.finding is None and self.legacy and self.count and self.key is not None:
            self.finding = Finding(1, "changed")  # plain seals only, and nothing vouches for them

    def _check(self, item: StoredEntry) -> Finding | None:
        count, previous = self.count, self.previous
        if self.key is None:  # without the key only the numbering can be checked
            return (
                None
                if item.entry.seq == count
                else _finding(first_broken_link(item, count, previous, None), item)
            )
        keyed = first_broken_link(item, count, previous, self.key)
        if not self.legacy:
            return _finding(keyed, item)
        if keyed is None and item.entry.name == KEYED_ENTRY and count > 1:
            self.legacy = False
            payload = item.entry.payload
            head = payload.get("legacy_head")
            if payload.get("entries") == count - 1 and isinstance(head, str) and same_seal(head, previous):
                return None
            return Finding(1, "legacy_changed", {"keyed": count})
        plain = first_broken_link(item, count, previous, None)
        if plain is None:
            return None
        self.legacy = False
        if count > 1 and keyed is None:
            return Finding(1, "changed")  # plain seals before it, and no entry vouches for them
        return _finding(plain if count > 1 else keyed, item)


def _check_note(
    item: StoredEntry, kind: str, notes: Mapping[int, NoteDigest], seen: set[int]
) -> list[Finding]:
    number, digest = item.entry.payload.get("note"), item.entry.payload.get("sha256")
    if not isinstance(number, int) or isinstance(number, bool):
        return []
    seen.add(number)
    values: dict[str, str | int] = {"note": number, "kind_word": kind}
    stored = notes.get(number)
    if stored is None:
        return [Finding(item.entry.seq, "note_missing", values)]
    same = (
        isinstance(digest, str)
        and same_seal(stored.sha256, digest)
        and stored.kind == kind
        and stored.incident == item.entry.incident
    )
    return [] if same else [Finding(item.entry.seq, "note_changed", values)]


def _check_checkpoints(
    readings: Sequence[CheckpointReading], count: int, seals_at: Mapping[int, str], warnings: list[Finding]
) -> list[Finding]:
    findings: list[Finding] = []
    if any(r.state == "unverifiable" for r in readings):
        findings.append(Finding(None, "checkpoint_key_missing"))
    for reading in readings:
        place = {"place": str(reading.place)}
        if reading.state in ("forged", "foreign", "unreadable"):
            findings.append(Finding(None, f"checkpoint_{reading.state}", place))
        elif reading.state == "missing":
            if reading.anchor:
                warnings.append(Finding(None, "anchor_missing", {"place": str(reading.place.parent)}))
            elif count:
                findings.append(Finding(None, "checkpoint_missing", {**place, "count": count}))
    checked: set[int] = set()
    for reading in sorted(readings, key=lambda r: -(r.checkpoint.count if r.checkpoint else -1)):
        checkpoint = reading.checkpoint
        if checkpoint is None or checkpoint.count in checked:
            continue
        checked.add(checkpoint.count)
        if checkpoint.count > count:
            if not any(f.kind == "cut" for f in findings):
                cut: dict[str, str | int] = {
                    "count": count,
                    "expected": checkpoint.count,
                    "time": _moment(checkpoint),
                }
                findings.append(Finding(count + 1, "cut", cut))
        elif checkpoint.count and not same_seal(seals_at.get(checkpoint.count, ""), checkpoint.head):
            findings.append(Finding(checkpoint.count, "checkpoint_differs", {"time": _moment(checkpoint)}))
    return findings
