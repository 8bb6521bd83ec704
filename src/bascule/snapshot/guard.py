"""The ransomware guard: a refresh that rewrites or loses an implausible share of the records, or
whose records look garbled, is quarantined instead of replacing the last good snapshot.

Every limit holds for each record table on its own (losing every allergy is not hidden by a large
lab_results table), floors keep allergies and alerts from thinning out, and the same comparison
against a long-lived anchor (a good bundle at least 24 h old) catches changes made in small steps.

It compares keyed per-record fingerprints (id -> 8 bytes of SHA-256(key || row), or of keyed BLAKE2b
for a format-2 baseline; the key is a secret kept in the sealing folder) with those of the last good bundle, so it never needs to decrypt anything,
and the fingerprints say nothing about patients to whoever copies the folder without the key.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from bascule.hospital.model import GuardSettings
from bascule.snapshot.census import DEFAULT_SCHEME, FINGERPRINT_BYTES, FINGERPRINT_SCHEMES, Census, Profile
from bascule.snapshot.durable import write_atomically
from bascule.snapshot.freshness import parse_instant

DEFAULT_MAX_CHANGE = 0.30  # all records, and each table: changed or removed since the last good bundle
DEFAULT_MAX_GARBLED = 0.05  # all records
DEFAULT_TABLE_GARBLED = 0.02  # each table: garbled text is never normal, a few odd values are
DEFAULT_MAX_SHRINK = 0.04  # each table: records lost since the last good bundle (see _compare)
DEFAULT_ANCHOR_CHANGE = 0.60  # each table: changed or removed since the anchor
DEFAULT_ANCHOR_SHRINK = 0.15  # each table: fewer records than the anchor
DEFAULT_FLOORS: Mapping[str, float] = {"allergies": 0.95, "alerts": 0.95}  # of the last good and anchor
DEFAULT_SLACK = 2  # records: a table crosses a limit only by more than this many (small tables)
ANCHOR_AGE = timedelta(hours=24)
PATIENT_TABLES = ("patients", "patient")  # whose ids the other tables' patient_id name
BASELINE_FORMAT = 3  # 3 names its fingerprint scheme; 2 (keyed BLAKE2b) is still read and compared
_BLAKE2B_FORMAT = 2


@dataclass(frozen=True)
class GuardPolicy:
    max_change: float = DEFAULT_MAX_CHANGE
    max_garbled: float = DEFAULT_MAX_GARBLED
    table_garbled: float = DEFAULT_TABLE_GARBLED
    max_shrink: float = DEFAULT_MAX_SHRINK
    anchor_change: float = DEFAULT_ANCHOR_CHANGE
    anchor_shrink: float = DEFAULT_ANCHOR_SHRINK
    floors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_FLOORS))
    slack: int = DEFAULT_SLACK

    def __post_init__(self) -> None:
        shares = (
            self.max_change,
            self.max_garbled,
            self.table_garbled,
            self.max_shrink,
            self.anchor_change,
            self.anchor_shrink,
            *self.floors.values(),
        )
        if not all(0.0 <= share <= 1.0 for share in shares):
            raise ValueError("guard thresholds are shares between 0 and 1")
        if self.slack < 0:
            raise ValueError("the guard's slack is a number of records, 0 or more")


def policy_from(settings: GuardSettings | None, **given: float | None) -> GuardPolicy:
    """The guard's policy: its defaults, then the map's `guard:` section, then what was given on
    the command line (None: not given)."""
    values: dict[str, Any] = {}
    if settings is not None:
        values = {name: value for name, value in vars(settings).items() if value is not None}
        if settings.floors is not None:
            values["floors"] = dict(settings.floors)
    values.update({name: value for name, value in given.items() if value is not None})
    return GuardPolicy(**values)


@dataclass(frozen=True)
class Finding:
    """One limit a table crossed: `kind` is change, shrink, floor, garbled, anchor-change or
    anchor-shrink; `share` is what was seen, `limit` what is allowed."""

    kind: str
    table: str
    share: float
    limit: float


_DIGEST = re.compile(b".{%d}" % FINGERPRINT_BYTES, re.DOTALL)


def _packed_links(prints: Mapping[str, bytes], links: Mapping[str, str | None]) -> dict[str, Any]:
    """Record -> patient links stored aligned with the table's fingerprint ids: the distinct patient
    ids once, and for each record the number of its patient (0: none), as 32-bit integers."""
    numbers: dict[str, int] = {}

    def number(record: str) -> int:
        patient = links.get(record)
        return 0 if patient is None else numbers.setdefault(patient, len(numbers) + 1)

    index = array("I", map(number, prints))
    return {"patients": list(numbers), "index": base64.b64encode(index.tobytes()).decode()}


def _unpacked_links(table: Any, packed: Any) -> dict[str, str | None]:
    if "index" not in packed:  # a baseline written before links were packed: a plain mapping
        return {str(record): str(patient) for record, patient in packed.items()}
    index = array("I")
    index.frombytes(base64.b64decode(packed["index"]))
    patients: list[str | None] = [None, *packed["patients"]]
    if table is None or len(index) != len(table["ids"]):
        raise ValueError("links not aligned with the fingerprints")
    return dict(zip(table["ids"], map(patients.__getitem__, index), strict=True))


@dataclass(frozen=True)
class Baseline:
    """The last good bundle's fingerprints, with the key they were made with."""

    sequence: int
    key: bytes
    fingerprints: Mapping[str, Mapping[str, bytes]]
    garbled: frozenset[tuple[str, str]] = frozenset()
    scheme: str = DEFAULT_SCHEME  # the next census is made the same way, so it compares
    # The columns fingerprinted per table; None for a baseline saved before they were recorded.
    columns: Mapping[str, tuple[str, ...]] | None = None
    profile: Profile | None = None  # the shapes of each column's text (no patient value)
    sealed_at: datetime | None = None  # when the bundle it describes was sealed
    links: Mapping[str, Mapping[str, str | None]] | None = None  # record id -> patient id, per table

    def __post_init__(self) -> None:
        if self.scheme not in FINGERPRINT_SCHEMES:
            raise ValueError(f"unknown fingerprint scheme {self.scheme!r}")

    @staticmethod
    def new_key() -> bytes:
        return secrets.token_bytes(32)

    @property
    def records(self) -> int:
        return sum(len(table) for table in self.fingerprints.values())

    def count(self, table: str) -> int:
        return len(self.fingerprints.get(table, {}))

    def save(self, path: Path) -> None:
        document = {
            "format": BASELINE_FORMAT,
            "scheme": self.scheme,
            "sequence": self.sequence,
            "key": self.key.hex(),
            "garbled": sorted([table, record] for table, record in self.garbled),
            "columns": None if self.columns is None else {t: list(c) for t, c in self.columns.items()},
            "profile": None
            if self.profile is None
            else {
                t: {c: {str(k): n for k, n in s.items()} for c, s in cs.items()}
                for t, cs in self.profile.items()
            },
            "sealed_at": None if self.sealed_at is None else self.sealed_at.isoformat(),
            "links": None
            if self.links is None
            else {t: _packed_links(self.fingerprints.get(t, {}), links) for t, links in self.links.items()},
            # ids as one list and digests as one base64 run per table: loads fast for 10^5-10^6 records
            "tables": {
                table: {"ids": list(prints), "digests": base64.b64encode(b"".join(prints.values())).decode()}
                for table, prints in self.fingerprints.items()
            },
        }
        write_atomically(path, json.dumps(document, separators=(",", ":")).encode(), 0o600)

    @classmethod
    def load(cls, path: Path) -> Baseline | None:
        try:
            document = json.loads(path.read_bytes())
            if document.get("format") == BASELINE_FORMAT:
                scheme = document["scheme"]
            elif document.get("format") == _BLAKE2B_FORMAT:
                scheme = "blake2b"
            else:
                return None  # fingerprints made another way cannot be compared: start afresh
            if scheme not in FINGERPRINT_SCHEMES:
                return None
            tables = {}
            for table, prints in document["tables"].items():
                ids, digests = prints["ids"], base64.b64decode(prints["digests"])
                if len(digests) != FINGERPRINT_BYTES * len(ids):
                    return None
                tables[table] = dict(zip(ids, _DIGEST.findall(digests), strict=True))
            garbled = frozenset((str(table), str(record)) for table, record in document.get("garbled", []))
            listed = document.get("columns")
            columns = None if listed is None else {str(t): tuple(map(str, c)) for t, c in listed.items()}
            shapes = document.get("profile")
            profile = (
                None
                if shapes is None
                else {
                    str(t): {str(c): {int(k): int(n) for k, n in s.items()} for c, s in cs.items()}
                    for t, cs in shapes.items()
                }
            )
            stamp = document.get("sealed_at")
            sealed_at = None if stamp is None else parse_instant(str(stamp), "sealed_at")
            linked = document.get("links")
            links = (
                None
                if linked is None
                else {str(t): _unpacked_links(document["tables"].get(t), ls) for t, ls in linked.items()}
            )
            return cls(
                int(document["sequence"]),
                bytes.fromhex(document["key"]),
                tables,
                garbled,
                scheme,
                columns,
                profile,
                sealed_at,
                links,
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, binascii.Error):
            return None  # a damaged baseline is as good as none: the verdict says "no baseline"


@dataclass(frozen=True)
class Verdict:
    baseline_records: int
    changed: int
    removed: int
    records: int
    garbled: int
    policy: GuardPolicy
    has_baseline: bool
    findings: tuple[Finding, ...] = ()
    anchor_sequence: int | None = None

    @property
    def change_share(self) -> float:
        return (self.changed + self.removed) / self.baseline_records if self.baseline_records else 0.0

    @property
    def garbled_share(self) -> float:
        return self.garbled / self.records if self.records else 0.0

    @property
    def too_many_changes(self) -> bool:
        return self.change_share > self.policy.max_change or any(f.kind != "garbled" for f in self.findings)

    @property
    def too_many_garbled(self) -> bool:
        return self.garbled_share > self.policy.max_garbled or any(f.kind == "garbled" for f in self.findings)

    @property
    def quarantine(self) -> bool:
        return self.too_many_changes or self.too_many_garbled


def _crossed(part: int, whole: int, limit: float, slack: int) -> float | None:
    """The share `part` is of `whole` when it is over `limit` by more than `slack` records."""
    if whole <= 0 or part <= slack or part <= limit * whole:
        return None
    return part / whole


def _compare(
    census: Census, reference: Baseline, change: float, shrink: float, prefix: str, policy: GuardPolicy
) -> tuple[list[Finding], int, int]:
    """Per-table findings against one reference, with the changed and removed records in all.

    A table whose records name their patient loses only what vanished while its patient is still
    there (a discharge takes the patient and their records: admissions and discharges balance
    out, deletions do not); another table loses what its count fell by.
    """
    findings: list[Finding] = []
    changed_all = removed_all = 0
    present = {record for table in PATIENT_TABLES for record in census.fingerprints.get(table, {})}
    for table, old_prints in reference.fingerprints.items():
        new_prints = census.fingerprints.get(table, {})
        links = (reference.links or {}).get(table) if table in census.links else None
        changed = removed = stayed = 0
        for record, digest in old_prints.items():
            new_digest = new_prints.get(record)
            if new_digest is None:
                removed += 1
                if links is not None and links.get(record) in present:
                    stayed += 1
            elif new_digest != digest:
                changed += 1
        changed_all += changed
        removed_all += removed
        before, now = len(old_prints), census.counts.get(table, 0)
        lost = stayed if links is not None and present else before - now
        if (share := _crossed(changed + removed, before, change, policy.slack)) is not None:
            findings.append(Finding(f"{prefix}change", table, share, change))
        if (share := _crossed(lost, before, shrink, policy.slack)) is not None:
            findings.append(Finding(f"{prefix}shrink", table, share, shrink))
        floor = policy.floors.get(table)
        if floor is not None and (
            (share := _crossed(lost, before, 1.0 - floor, 0)) is not None or (now == 0 < before)
        ):
            findings.append(Finding("floor", table, share or 1.0, 1.0 - floor))
    return findings, changed_all, removed_all


def judge(
    census: Census, baseline: Baseline | None, policy: GuardPolicy, anchor: Baseline | None = None
) -> Verdict:
    findings: list[Finding] = []
    changed = removed = 0
    if baseline is not None:
        findings, changed, removed = _compare(
            census, baseline, policy.max_change, policy.max_shrink, "", policy
        )
    if anchor is not None and (baseline is None or anchor.sequence != baseline.sequence):
        if baseline is not None and (anchor.columns, anchor.key, anchor.scheme) != (
            baseline.columns,
            baseline.key,
            baseline.scheme,
        ):
            # Fingerprints made otherwise (a schema migration since): compare counts only.
            anchor = Baseline(anchor.sequence, anchor.key, anchor.fingerprints, scheme=anchor.scheme)
            anchor_change = 1.0
        else:
            anchor_change = policy.anchor_change
        found, _, _ = _compare(census, anchor, anchor_change, policy.anchor_shrink, "anchor-", policy)
        findings.extend(f for f in found if f not in findings)
    for table, records in census.counts.items():
        garbled = sum(1 for t, _ in census.garbled if t == table)
        if (share := _crossed(garbled, records, policy.table_garbled, 1)) is not None:
            findings.append(Finding("garbled", table, share, policy.table_garbled))
    return Verdict(
        baseline.records if baseline else 0,
        changed,
        removed,
        census.records,
        len(census.garbled),
        policy,
        baseline is not None,
        tuple(findings),
        anchor.sequence if anchor is not None else None,
    )


def next_anchor(
    anchor: Baseline | None, candidate: Baseline | None, sealed: Baseline, now: datetime
) -> tuple[Baseline, Baseline | None]:
    """The anchor and its candidate after a good seal (`sealed`, made at `now`).

    The folder's first good bundle is the first anchor. The first good bundle sealed after the
    anchor is its candidate; once the candidate is at least ANCHOR_AGE old, it becomes the anchor
    and the bundle just sealed the next candidate. So the anchor is always a good bundle at least
    24 h old (under 48 h once the folder has sealed for a day), or the folder's first.
    """
    step = anchor_step(anchor is not None, False if candidate is None else candidate.sealed_at, now)
    if step == "anchor" or anchor is None:
        return sealed, None
    if step == "candidate" or candidate is None:
        return anchor, sealed
    return (candidate, sealed) if step == "promote" else (anchor, candidate)


AnchorStep = Literal["anchor", "candidate", "promote", "keep"]


def anchor_step(has_anchor: bool, candidate: datetime | Literal[False] | None, now: datetime) -> AnchorStep:
    """What a good seal at `now` does to the anchors (see `next_anchor`); `candidate` is the anchor
    to be's sealing time, False when there is none: the bundle just sealed becomes the "anchor",
    the "candidate", or the candidate is promoted to anchor ("promote"), or nothing changes."""
    if not has_anchor:
        return "anchor"
    if candidate is False:
        return "candidate"
    if candidate is not None and now - candidate >= ANCHOR_AGE:
        return "promote"
    return "keep"
