"""Private scratch folders for plaintext patient data (an opened bundle, a migrated copy), that a
killed run cannot leave behind for long: each is locked while in use, and the next run sweeps
every unlocked one of its kind before it starts."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_LOCK = ".in-use"


def _hold(folder: Path) -> int:
    descriptor = os.open(folder / _LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def memory_folder() -> Path | None:
    """A folder in memory (tmpfs) this user may write in, when the machine has one: plaintext put
    there never reaches a disk, and is gone at power-off even if the run is killed."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def sweep_scratch(prefix: str, parent: Path | None = None) -> None:
    """Remove the scratch folders `prefix*` of this user whose run is gone (lock not held)."""
    for folder in (parent or Path(tempfile.gettempdir())).glob(f"{prefix}*"):
        with contextlib.suppress(OSError):
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            lock = folder / _LOCK
            if not lock.exists():  # killed before its lock existed: nothing was written in it yet
                continue
            descriptor = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another run is using it
            finally:
                os.close(descriptor)
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def private_scratch(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """A new 0700 folder `prefix*` in `parent` (default: the temp folder), locked while the block
    runs, then removed; the leftovers of killed runs with the same prefix are swept first."""
    sweep_scratch(prefix, parent)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))  # 0700
    descriptor = _hold(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(descriptor)
