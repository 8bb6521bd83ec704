"""The ransomware guard: a refresh that rewrites or loses an implausible share of the records, or
whose records look garbled, is quarantined instead of replacing the last good snapshot.

It compares keyed per-record fingerprints (id -> 8 bytes of SHA-256(key || row), or of keyed BLAKE2b
for a format-2 baseline; the key is a secret kept in the sealing folder) with those of the last good bundle, so it never needs to decrypt anything,
and the fingerprints say nothing about patients to whoever copies the folder without the key.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bascule.snapshot.census import DEFAULT_SCHEME, FINGERPRINT_BYTES, FINGERPRINT_SCHEMES, Census
from bascule.snapshot.durable import write_atomically

DEFAULT_MAX_CHANGE = 0.30
DEFAULT_MAX_GARBLED = 0.05
BASELINE_FORMAT = 3  # 3 names its fingerprint scheme; 2 (keyed BLAKE2b) is still read and compared
_BLAKE2B_FORMAT = 2


@dataclass(frozen=True)
class GuardPolicy:
    max_change: float = DEFAULT_MAX_CHANGE
    max_garbled: float = DEFAULT_MAX_GARBLED

    def __post_init__(self) -> None:
        if not (0.0 <= self.max_change <= 1.0 and 0.0 <= self.max_garbled <= 1.0):
            raise ValueError("guard thresholds are shares between 0 and 1")


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

    def __post_init__(self) -> None:
        if self.scheme not in FINGERPRINT_SCHEMES:
            raise ValueError(f"unknown fingerprint scheme {self.scheme!r}")

    @staticmethod
    def new_key() -> bytes:
        return secrets.token_bytes(32)

    @property
    def records(self) -> int:
        return sum(len(table) for table in self.fingerprints.values())

    def save(self, path: Path) -> None:
        document = {
            "format": BASELINE_FORMAT,
            "scheme": self.scheme,
            "sequence": self.sequence,
            "key": self.key.hex(),
            "garbled": sorted([table, record] for table, record in self.garbled),
            "columns": None if self.columns is None else {t: list(c) for t, c in self.columns.items()},
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
                tables[table] = {
                    record: digests[i * FINGERPRINT_BYTES : (i + 1) * FINGERPRINT_BYTES]
                    for i, record in enumerate(ids)
                }
            garbled = frozenset((str(table), str(record)) for table, record in document.get("garbled", []))
            listed = document.get("columns")
            columns = None if listed is None else {str(t): tuple(map(str, c)) for t, c in listed.items()}
            return cls(
                int(document["sequence"]), bytes.fromhex(document["key"]), tables, garbled, scheme, columns
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
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

    @property
    def change_share(self) -> float:
        return (self.changed + self.removed) / self.baseline_records if self.baseline_records else 0.0

    @property
    def garbled_share(self) -> float:
        return self.garbled / self.records if self.records else 0.0

    @property
    def too_many_changes(self) -> bool:
        return self.change_share > self.policy.max_change

    @property
    def too_many_garbled(self) -> bool:
        return self.garbled_share > self.policy.max_garbled

    @property
    def quarantine(self) -> bool:
        return self.too_many_changes or self.too_many_garbled


def judge(census: Census, baseline: Baseline | None, policy: GuardPolicy) -> Verdict:
    changed = removed = 0
    if baseline is not None:
        for table, old_prints in baseline.fingerprints.items():
            new_prints = census.fingerprints.get(table, {})
            for record, digest in old_prints.items():
                new_digest = new_prints.get(record)
                if new_digest is None:
                    removed += 1
                elif new_digest != digest:
                    changed += 1
    return Verdict(
        baseline.records if baseline else 0,
        changed,
        removed,
        census.records,
        len(census.garbled),
        policy,
        baseline is not None,
    )
