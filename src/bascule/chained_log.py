"""An append-only, hash-chained log of JSON lines, with a head file: what the station's access log
and its downtime entries are both written as.

Each line is one JSON object: `seq` (1, 2, ... the line's number), the log's own fields, `prev`
(the previous line's hash; 64 zeros for the first) and `hash`, the SHA-256 of `prev` followed by
the canonical JSON (sorted keys, no spaces, UTF-8) of the other fields but `hash`. An edited line
breaks its own hash, a removed or moved one breaks the next line's `prev` and `seq`. Removing lines
at the end leaves a whole chain, so a head file keeps the last (seq, hash), rewritten after each
append: a log shorter than its head was truncated.

What it does not do: someone with the machine's root (or its account) can delete both files or
rewrite the whole chain, which holds no secret. The chain shows careless or partial edits, not a
determined administrator; exports say so.

Appends take an exclusive flock on the log, write with O_APPEND and fsync, so several processes and
an export running beside them keep one chain. An append after lines were removed at the end chains
from the head, so the gap stays visible at the next line. A torn last line, left by a process
killed mid-append, is cut off at the next append.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bascule.durable import failures_named, write_atomically

GENESIS = "0" * 64


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


def verify_chain(raw: bytes, head: Head | None, fields: Sequence[str], head_name: str) -> ChainReport:
    """Check every line of the log `raw` (whose lines hold `fields`) and that it reaches `head` (None:
    no head file, named `head_name` in the verdict)."""
    lines = raw.split(b"\n")
    complete = lines[:-1]  # the text after the last newline is a torn or absent line
    if lines[-1]:
        complete = lines
    prev, count = GENESIS, 0
    hashes: dict[int, str] = {}
    for number, line in enumerate(complete, start=1):
        try:
            entry = json.loads(line)
            body = {key: entry[key] for key in fields if key != "hash"}
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
                f"its head file ({head_name}) is missing: lines may have been removed at the end",
                f"son fichier de tête ({head_name}) manque : des lignes ont pu être supprimées à la fin",
            )
        return ChainReport(0)
    if head.seq < 0:
        return ChainReport(
            count,
            count + 1,
            f"its head file ({head_name}) is damaged: lines may have been removed at the end",
            f"son fichier de tête ({head_name}) est endommagé : des lignes ont pu être supprimées à la fin",
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


class ChainedLog:
    """One chained log file and its head; any number of processes may append at once."""

    def __init__(self, path: Path, head_path: Path, fields: Sequence[str], longest: int = 4096) -> None:
        self.path = path
        self.head_path = head_path
        self.fields = tuple(fields)
        self.longest = longest
        self._tail = 4 * longest  # the last whole line is always within the file's last bytes

    @contextlib.contextmanager
    def _open(self, exclusive: bool) -> Iterator[int]:
        with failures_named(self.path):
            descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield descriptor
        finally:
            os.close(descriptor)

    def append(self, body: dict[str, Any]) -> Head:
        """Write `body` (the log's fields but seq, prev and hash) as the next line; its (seq, hash)."""
        if set(body) != set(self.fields) - {"seq", "prev", "hash"}:
            raise ValueError(f"a line of {self.path.name} holds exactly {self.fields}")
        with self._open(exclusive=True) as descriptor:
            seq, prev = self._chain_end(descriptor)
            numbered = {"seq": seq + 1, **body}
            digest = line_hash(prev, numbered)
            data = (
                json.dumps({**numbered, "prev": prev, "hash": digest}, ensure_ascii=False) + "\n"
            ).encode()
            if len(data) > self.longest:
                raise ValueError(f"a line of {self.path.name} is at most {self.longest} bytes")
            with failures_named(self.path):
                while data:
                    data = data[os.write(descriptor, data) :]
                os.fsync(descriptor)
            head = json.dumps({"seq": seq + 1, "hash": digest}).encode() + b"\n"
            write_atomically(self.head_path, head, 0o600)
            return Head(seq + 1, digest)

    def _chain_end(self, descriptor: int) -> tuple[int, str]:
        """The (seq, hash) the next line follows: the log's last line, or the head when lines were
        removed at the end. A torn last line is cut off first."""
        size = os.fstat(descriptor).st_size
        start = max(0, size - self._tail)
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
        head = self.head()
        if head is not None and head.seq > seq:
            return head.seq, head.hash
        return seq, prev

    def read(self) -> tuple[bytes, Head | None]:
        """The log and its head as one consistent pair (taken while no append runs)."""
        if not self.path.exists():
            return b"", self.head()
        with self._open(exclusive=False) as descriptor:
            size = os.fstat(descriptor).st_size
            raw = os.pread(descriptor, size, 0) if size else b""
            return raw, self.head()

    def head(self) -> Head | None:
        try:
            document = json.loads(self.head_path.read_bytes())
            return Head(int(document["seq"]), str(document["hash"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return Head(-1, "")  # a damaged head: verify_chain reports it

    def verify(self) -> ChainReport:
        raw, head = self.read()
        return verify_chain(raw, head, self.fields, self.head_path.name)

    def lines(self) -> list[dict[str, Any]]:
        """Every whole line, parsed (check `verify()` first when it matters)."""
        raw, _ = self.read()
        return [json.loads(line) for line in raw.split(b"\n") if line.strip()]
