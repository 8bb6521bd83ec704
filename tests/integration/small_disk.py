"""A real small disk for full-disk tests: a tmpfs mounted by the test (root), filled so that exactly
a given number of bytes stay free."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.peers import require_peer

PAGE = 4096  # tmpfs counts whole pages
FILLER = "filler"


@contextlib.contextmanager
def small_disk(mount_point: Path, size: int) -> Iterator[Path]:
    """`mount_point` as a tmpfs of `size` bytes for the block; skipped where it cannot be mounted
    (not root), failed under CI=true."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        reason = mounted.stderr.decode(errors="replace").strip()
        require_peer("A small tmpfs (mount, as root)", False, reason)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def leave_free(disk: Path, free: int) -> None:
    """Fill `disk` with a filler file so that `free` bytes (rounded down to pages) stay free."""
    filler = disk / FILLER
    filler.unlink(missing_ok=True)
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        size = 0
        for block in (1 << 16, PAGE):
            while True:
                try:
                    size += os.write(descriptor, bytes(block))
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
        os.ftruncate(descriptor, max(size - free // PAGE * PAGE, 0))
    finally:
        os.close(descriptor)


def free_disk(disk: Path) -> None:
    (disk / FILLER).unlink(missing_ok=True)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the filler, by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != FILLER and path.name != "lock"
    }
