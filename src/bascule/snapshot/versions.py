"""Record versions, and when an incoming record may replace the stored one.

A version is one of three kinds of text:

    time            "2026-03-10T08:00:00.000000Z"        the source's meta.lastUpdated (or MSH-7)
    dated content   "2026-03-10T08:00:00.000000Z#9f2c…"  no lastUpdated: the hash of what Bascule
                                                         keeps of the record, as of a time the source
                                                         vouches for (a bulk export's transactionTime,
                                                         the start of a FHIR pull)
    undated content "#9f2c…"                             no lastUpdated and no source time at all

A version's *time* is its first 27 characters for the first two kinds, none for the third.

The rule (`supersedes`, and the upsert of rows.py that applies it in SQL): an incoming record E
replaces the stored record S only if
  1. E may speak after S: S has no time, or E has a time at least as new as S's. So an older
     time-stamped version never overwrites a newer one, and a record without any time never
     overwrites one that has a time (nothing says it is newer; the dated record is kept);
  2. and the row would change: what Bascule keeps of E differs from S (same content never rewrites
     the row, so re-importing the same export writes nothing and leaves the seal's fingerprints
     alone), or E's version is a real time strictly newer than S's time (only the version moves, so
     that a late message older than E cannot come back in afterwards).
Different content without any times (an export without lastUpdated nor transactionTime, twice)
replaces the stored record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

TIME_LENGTH = len("2026-03-10T08:00:00.000000Z")
CONTENT_MARK = "#"
_HASH_HEX = 32  # 128 bits: two versions of one record never share a hash by chance


def content_version(content: Sequence[Any], as_of: str = "") -> str:
    """The version of a record without lastUpdated: its kept values hashed, dated `as_of` (a version
    time stamp, or "" when the source vouches for no time)."""
    digest = hashlib.sha256(repr(tuple(content)).encode("utf-8")).hexdigest()[:_HASH_HEX]
    return f"{as_of}{CONTENT_MARK}{digest}"


def version_time(version: str) -> str | None:
    """The time a version vouches for (a sortable stamp), or None for an undated content version."""
    return version[:TIME_LENGTH] if version[:1].isdigit() else None


def is_time_version(version: str) -> bool:
    """A real source time (meta.lastUpdated, MSH-7), not a content hash."""
    return version[:1].isdigit() and CONTENT_MARK not in version


def supersedes(
    incoming: str, incoming_content: Sequence[Any], stored: str, stored_content: Sequence[Any]
) -> bool:
    """Whether the incoming record replaces the stored one (the module docstring's rule)."""
    incoming_time, stored_time = version_time(incoming), version_time(stored)
    may_speak = stored_time is None or (incoming_time is not None and incoming_time >= stored_time)
    moves_on = is_time_version(incoming) and (stored_time is None or incoming > stored_time)
    return may_speak and (tuple(incoming_content) != tuple(stored_content) or moves_on)


def sql_version_time(column: str) -> str:
    """`version_time` as an SQL expression over a version column."""
    return f"(CASE WHEN {column} GLOB '[0-9]*' THEN substr({column}, 1, {TIME_LENGTH}) END)"


def sql_supersedes(table: str, content_columns: Sequence[str]) -> str:
    """`supersedes` as the WHERE clause of an upsert into `table` (incoming row: `excluded`)."""
    incoming_time, stored_time = sql_version_time("excluded.version"), sql_version_time(f"{table}.version")
    may_speak = f"({stored_time} IS NULL OR {incoming_time} >= {stored_time})"
    differs = " OR ".join(f"{table}.{name} IS NOT excluded.{name}" for name in content_columns)
    moves_on = (
        f"(excluded.version GLOB '[0-9]*' AND instr(excluded.version, '{CONTENT_MARK}') = 0 "
        f"AND ({stored_time} IS NULL OR excluded.version > {stored_time}))"
    )
    return f"{may_speak} AND ({differs or '0'} OR {moves_on})"
