"""The one way Bascule writes a file: temp file in the same folder, every byte written, fsync, rename,
fsync the folder.

A reader sees either the old file or the whole new one, never a part. Every write loops until the
kernel took all of it (a short write is not an error, only a partial one). A full disk, an I/O
error or a refused permission is one sentence (`UserError`, exit 2) and leaves the previous file
as it was; the temp file is removed on any failure. Files holding patient data are written
`PRIVATE` (0600): kits, call lists, exports, stores, messages. Leftovers of a killed writer are
`.tmp-*` files that `sweep_leftovers` removes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from bascule.errors import UserError

TEMP_PREFIX = ".tmp-"
PRIVATE = 0o600  # patient data, keys, state: the owner only
SHARED = 0o644  # public keys, signatures, encrypted bundles: anyone may read them
ORDINARY = 0o666  # no patient data (drawings, plans): the umask decides, as for any file the user writes
_GATHER = 1 << 20

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EIO: "the disk reported an input/output error",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "its folder does not exist",
    errno.EEXIST: "it already exists",
}
_RAISONS = {
    errno.ENOSPC: "le disque est plein",
    errno.EDQUOT: "le quota du disque est épuisé",
    errno.EIO: "le disque a signalé une erreur d'entrée-sortie",
    errno.EROFS: "le disque est en lecture seule",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.ENOENT: "son dossier n'existe pas",
    errno.EEXIST: "il existe déjà",
}


class WriteFailed(UserError):
    """A file could not be written; the previous one, if any, is untouched."""


def write_failed(target: Path, error: OSError) -> WriteFailed:
    """The one sentence for `error` on `target` (a plain message, so it crosses process pools)."""
    reason = _REASONS.get(error.errno or 0, error.strerror or type(error).__name__)
    raison = _RAISONS.get(error.errno or 0, reason)
    return WriteFailed(
        f"Cannot write {target}: {reason}; the previous file is left as it was.",
        fr=f"Impossible d'écrire {target} : {raison} ; le fichier précédent est laissé tel quel.",
    )


@contextlib.contextmanager
def failures_named(target: Path) -> Iterator[None]:
    """Turn an operating-system error into one sentence that names `target` (never its content)."""
    try:
        yield
    except OSError as error:
        if error.errno is None:
            raise
        raise write_failed(target, error) from None


class WholeWriter(io.FileIO):
    """An unbuffered file whose `write` returns only once every byte is written; its errors name
    the file being replaced."""

    def __init__(self, descriptor: int, target: Path) -> None:
        super().__init__(descriptor, "wb", closefd=True)
        self.target = target

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        total = len(view)
        with failures_named(self.target):
            while view:
                view = view[os.write(self.fileno(), view) :]
        return total


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def temp_path_for(target: Path) -> Path:
    return target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{target.name}"


@contextlib.contextmanager
def durable_temp(target: Path, mode: int = PRIVATE) -> Iterator[tuple[WholeWriter, Path]]:
    """A new temp file next to `target`, fsynced when the block ends; removed if the block fails.

    The caller renames it with `publish` when every file of a set is ready. Errors of the file
    itself (open, write, fsync) become `WriteFailed`; the block's own errors pass unchanged.
    """
    temp = temp_path_for(target)
    with failures_named(target):
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        with WholeWriter(descriptor, target) as stream:
            yield stream, temp
            with failures_named(target):
                os.fsync(stream.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def publish(temp: Path, target: Path) -> None:
    """Atomically put a fsynced temp file in place (the folder is fsynced by the caller or here)."""
    with failures_named(target):
        os.replace(temp, target)


def put_in_place(temp: Path, target: Path, *, exclusive: bool = False) -> None:
    """Publish one fsynced temp file and fsync its folder; the temp is gone whatever happens.
    With `exclusive`, refuse (WriteFailed) if `target` already exists."""
    try:
        if exclusive:
            with failures_named(target):
                os.link(temp, target)
        else:
            publish(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    with failures_named(target):
        fsync_folder(target.parent)


def write_atomically(target: Path, data: bytes, mode: int = PRIVATE, *, exclusive: bool = False) -> None:
    """Replace `target` with `data` atomically; with `exclusive`, refuse if it already exists."""
    write_chunks(target, (data,), mode, exclusive=exclusive)


def write_chunks(
    target: Path, chunks: Iterable[bytes], mode: int = PRIVATE, *, exclusive: bool = False
) -> None:
    """Like `write_atomically`, for content produced piece by piece (an export, a CSV)."""
    with durable_temp(target, mode) as (stream, temp):
        pending: list[bytes] = []
        size = 0
        for chunk in chunks:  # gathered into about 1 MB per write: one system call per line is slow
            pending.append(chunk)
            size += len(chunk)
            if size >= _GATHER:
                stream.write(b"".join(pending))
                pending, size = [], 0
        stream.write(b"".join(pending))
    put_in_place(temp, target, exclusive=exclusive)


def sweep_leftovers(folder: Path) -> None:
    """Remove temp files a killed writer left behind (they may hold plaintext patient data)."""
    if not folder.is_dir():
        return
    for leftover in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(IsADirectoryError, PermissionError):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on the empty owner-only file `path` (created if missing) while the
    block runs: two processes changing the same private state take turns (the lock goes with the
    process, so a killed one never leaves it held)."""
    with failures_named(path):
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def create_private(path: Path) -> None:
    """Create `path` empty and owner-only if it does not exist (a store SQLite is about to open:
    SQLite gives its journal and WAL the database file's permissions)."""
    with failures_named(path):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE)
        except FileExistsError:
            return
        os.close(descriptor)
