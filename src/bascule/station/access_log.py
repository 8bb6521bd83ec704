"""Who opened what on the station: an append-only, hash-chained log for the privacy officer.

DIR/.station/access.jsonl (0600) holds one JSON object a line: `seq` (1, 2, ...), `at` (ISO 8601
with its offset), `user`, `action`, `patient` and `unit` (ids, never names), `detail`, `prev` (the
previous line's hash; 64 zeros for the first) and `hash`, the SHA-256 of `prev` followed by the
canonical JSON (sorted keys, no spaces, UTF-8) of the other fields but `hash`. An edited line breaks
its own hash, a removed or moved one breaks the next line's `prev` and `seq`. Removing lines at the
end leaves a whole chain, so DIR/.station/access.head keeps the last (seq, hash), rewritten after
each append: a log shorter than its head was truncated.

What it does not do: someone with the station's root (or its account) can delete both files or
rewrite the whole chain, which holds no secret. The chain shows careless or partial edits, not a
determined administrator; the export says so.

Appends take an exclusive flock on the log, write with O_APPEND and fsync, so the viewer's
processes and an export running beside them keep one chain. An append after lines were removed at
the end chains from the head, so the gap stays visible at the next line.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bascule.durable import failures_named, write_atomically
from bascule.station.state import Layout

GENESIS = "0" * 64
ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "idle_logout",
        "breakglass",
        "open_patient",
        "print_patient",
        "print_unit",
        "open_unit",
        "search",
    }
)
FIELDS = ("seq", "at", "user", "action", "patient", "unit", "detail", "prev", "hash")
MAX_USER = 64  # an account name's longest; a longer name typed at login is cut
_LONGEST = 4096  # ids, a user name and a short detail: far shorter
_TAIL = 4 * _LONGEST  # the last whole line is always within the file's last bytes


def line_hash(prev: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The verdict on a log: whole, or the first line (1-based) that is broken or missing."""

    lines: int
    first_broken: int | None = None
    reason: str = ""  # English
    raison: str = ""  # French

    @property
    def whole(self) -> bool:
        return self.first_broken is None


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def verify_chain(raw: bytes, head: Head | None) -> ChainReport:
    """Check every line of the log `raw` and that it reaches `head` (None: no head file)."""
    lines = raw.split(b"\n")
    complete = lines[:-1]  # the text after the last newline is a torn or absent line
    if lines[-1]:
        complete = lines
    prev, count = GENESIS, 0
    hashes: dict[int, str] = {}
    for number, line in enumerate(complete, start=1):
        try:
            entry = json.loads(line)
            body = {key: entry[key] for key in FIELDS if key != "hash"}
            stated = entry["hash"]
        except (ValueError, KeyError, TypeError):
            return ChainReport(
                len(complete),
                number,
                f"line {number} is not a log entry",
                f"la ligne {number} n'est pas une entrée",
            )
        if body["seq"] != number:
            return ChainReport(
                len(complete),
                number,
                f"line {number} has sequence {body['seq']}: a line before it was removed or moved",
                f"la ligne {number} porte le numéro {body['seq']} : une ligne avant elle a été supprimée ou déplacée",
            )
        if body["prev"] != prev:
            return ChainReport(
                len(complete),
                number,
                f"line {number} does not follow the line before it (removed, moved or edited)",
                f"la ligne {number} ne suit pas la ligne d'avant (supprimée, déplacée ou modifiée)",
            )
        if line_hash(prev, {key: value for key, value in body.items() if key != "prev"}) != stated:
            return ChainReport(
                len(complete),
                number,
                f"line {number} was edited",
                f"la ligne {number} a été modifiée",
            )
        prev, count = stated, number
        hashes[number] = stated
    if head is None:
        if count:
            return ChainReport(
                count,
                count + 1,
                "its head file (access.head) is missing: lines may have been removed at the end",
                "son fichier de tête (access.head) manque : des lignes ont pu être supprimées à la fin",
            )
        return ChainReport(0)
    if head.seq < 0:
        return ChainReport(
            count,
            count + 1,
            "its head file (access.head) is damaged: lines may have been removed at the end",
            "son fichier de tête (access.head) est endommagé : des lignes ont pu être supprimées à la fin",
        )
    if head.seq > count:
        return ChainReport(
            count,
            count + 1,
            f"it ends at line {count} but {head.seq} were written: line {count + 1} and those after it were removed",
            f"il s'arrête à la ligne {count} alors que {head.seq} ont été écrites : la ligne {count + 1} et les "
            "suivantes ont été supprimées",
        )
    if head.seq and hashes.get(head.seq) != head.hash:
        return ChainReport(
            count,
            head.seq,
            f"line {head.seq} is not the one its head file recorded",
            f"la ligne {head.seq} n'est pas celle que son fichier de tête a enregistrée",
        )
    return ChainReport(count)


class AccessLog:
    """The station's access log; any number of processes may append at once."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.path = layout.private / "access.jsonl"
        self.head_path = layout.private / "access.head"

    @contextlib.contextmanager
    def _open(self, exclusive: bool) -> Iterator[int]:
        with failures_named(self.path):
            descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield descriptor
        finally:
            os.close(descriptor)

    def record(
        self,
        user: str,
        action: str,
        now: datetime,
        patient_id: str | None = None,
        unit_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown access-log action {action!r}")
        if action == "search" and detail is not None and not detail.isdigit():
            raise ValueError("a search is logged with its count of hits only, never its text")
        if now.tzinfo is None:
            raise ValueError("access-log times carry their offset")
        with self._open(exclusive=True) as descriptor:
            seq, prev = self._chain_end(descriptor)
            body = {
                "seq": seq + 1,
                "at": now.isoformat(),
                "user": user[:MAX_USER],
                "action": action,
                "patient": patient_id,
                "unit": unit_id,
                "detail": detail,
            }
            digest = line_hash(prev, body)
            data = (json.dumps({**body, "prev": prev, "hash": digest}, ensure_ascii=False) + "\n").encode()
            if len(data) > _LONGEST:
                raise ValueError("an access-log line holds ids and a short detail, nothing longer")
            with failures_named(self.path):
                while data:
                    data = data[os.write(descriptor, data) :]
                os.fsync(descriptor)
            head = json.dumps({"seq": seq + 1, "hash": digest}).encode() + b"\n"
            write_atomically(self.head_path, head, 0o600)

    def _chain_end(self, descriptor: int) -> tuple[int, str]:
        """The (seq, hash) the next line follows: the log's last line, or the head when lines were
        removed at the end (the gap then stays visible at the next line). A torn last line, left by
        a run killed before its record returned, is cut off first."""
        size = os.fstat(descriptor).st_size
        start = max(0, size - _TAIL)
        tail = os.pread(descriptor, size - start, start) if size else b""
        if tail and not tail.endswith(b"\n"):
            keep = tail.rfind(b"\n") + 1
            with failures_named(self.path):
                os.ftruncate(descriptor, start + keep)
            tail = tail[:keep]
        seq, prev = 0, GENESIS
        for line in reversed(tail.split(b"\n")):
            with contextlib.suppress(ValueError, KeyError, TypeError):
                entry = json.loads(line)
                seq, prev = int(entry["seq"]), str(entry["hash"])
                break
        head = self._head()
        if head is not None and head.seq > seq:
            return head.seq, head.hash
        return seq, prev

    def read(self) -> tuple[bytes, Head | None]:
        """The log and its head as one consistent pair (taken while no append runs)."""
        if not self.path.exists():
            return b"", self._head()
        with self._open(exclusive=False) as descriptor:
            size = os.fstat(descriptor).st_size
            raw = os.pread(descriptor, size, 0) if size else b""
            return raw, self._head()

    def _head(self) -> Head | None:
        try:
            document = json.loads(self.head_path.read_bytes())
            return Head(int(document["seq"]), str(document["hash"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return Head(-1, "")  # a damaged head: verify_chain reports it

    def verify(self) -> ChainReport:
        raw, head = self.read()
        return verify_chain(raw, head)
