"""Kept for older imports: the durable-write helper is `bascule.durable`, shared by the whole package."""

from __future__ import annotations

from bascule.durable import (
    PRIVATE,
    SHARED,
    TEMP_PREFIX,
    WriteFailed,
    durable_temp,
    fsync_folder,
    publish,
    sweep_leftovers,
    temp_path_for,
    write_atomically,
    write_chunks,
)

__all__ = [
    "PRIVATE",
    "SHARED",
    "TEMP_PREFIX",
    "WriteFailed",
    "durable_temp",
    "fsync_folder",
    "publish",
    "sweep_leftovers",
    "temp_path_for",
    "write_atomically",
    "write_chunks",
]
