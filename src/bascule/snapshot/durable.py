"""Writes that survive a crash: a temp file in the same folder, fsync, rename, fsync the folder.

A reader sees either the old file or the whole new one, never a part; leftovers of a crash are
`.tmp-*` files that `sweep_leftovers` removes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".tmp-"


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def temp_path_for(target: Path) -> Path:
    return target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{target.name}"


@contextlib.contextmanager
def durable_temp(target: Path, mode: int = 0o644) -> Iterator[tuple[BinaryIO, Path]]:
    """A new temp file next to `target`, fsynced when the block ends; removed if the block fails.

    The caller renames it with `publish` when every file of a set is ready.
    """
    temp = temp_path_for(target)
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb", buffering=0) as stream:
            yield stream, temp
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def publish(temp: Path, target: Path) -> None:
    """Atomically put a fsynced temp file in place (the folder is fsynced by the caller or here)."""
    os.replace(temp, target)


def write_atomically(target: Path, data: bytes, mode: int = 0o644, *, exclusive: bool = False) -> None:
    """Replace `target` with `data` atomically; with `exclusive`, refuse if it already exists."""
    with durable_temp(target, mode) as (stream, temp):
        stream.write(data)
    if exclusive:
        try:
            os.link(temp, target)
        finally:
            temp.unlink(missing_ok=True)
    else:
        publish(temp, target)
    fsync_folder(target.parent)


def sweep_leftovers(folder: Path) -> None:
    """Remove temp files a crashed writer left behind."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*"):
        leftover.unlink(missing_ok=True)
