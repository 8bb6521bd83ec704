"""age encryption in a child process, fed and drained through pipes.

pyrage holds the GIL for the whole of `encrypt_io` and reads its input 8 KiB at a time through
Python calls, so in-process it serialises everything else a seal does (the census, SHA-256 of the
store, minisign's BLAKE2b prehash). A child Python running only pyrage encrypts on its own core
while this process frames and hashes with the GIL released. The plaintext only crosses a pipe
between two processes of the same user; the child writes the ciphertext straight into the bundle's
temp file, which this process reads back to prehash. If this process dies (kill -9), the child
reads end-of-input, finishes a ciphertext that is only ever a `.tmp-*` leftover, and exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyrage

PIPE_BYTES = 1 << 20
_IDLE_SECONDS = 0.002  # waiting for the child to write more
_SET_PIPE_SIZE = getattr(fcntl, "F_SETPIPE_SZ", 1031)

# Runs in the child: only pyrage is imported; big buffers so the 8 KiB reads cost no syscall each.
_CHILD = """\
import sys, pyrage
recipients = [pyrage.x25519.Recipient.from_str(text) for text in sys.argv[1:]]
with open(0, "rb", buffering=1 << 20) as source, open(1, "wb", buffering=0) as target:
    pyrage.encrypt_io(source, target, recipients)
"""


class EncryptionFailed(Exception):
    """The encrypting child process failed (its own message, no plaintext, is attached)."""


def _widen(descriptor: int) -> None:
    with contextlib.suppress(OSError):  # a smaller pipe only costs more context switches
        fcntl.fcntl(descriptor, _SET_PIPE_SIZE, PIPE_BYTES)


def _write_all(descriptor: int, piece: bytes | memoryview) -> None:
    view = memoryview(piece)
    while view:
        view = view[os.write(descriptor, view) :]


def encrypt_stream(
    pieces: Iterable[bytes | memoryview],
    recipients: list[pyrage.x25519.Recipient],
    target: BinaryIO,
    target_path: Path,
    observe: Callable[[bytes], None],
) -> int:
    """Encrypt the concatenation of `pieces` with age to `recipients` into `target` (a new file at
    `target_path`); `observe` sees the ciphertext, read back from the file as the child writes it.

    The child writes the file itself (one copy fewer than passing ciphertext back through a pipe);
    `pieces` is iterated in a feeder thread (so it may block, e.g. on a census still running) and
    `observe` runs in the calling thread. An exception raised by either is re-raised here once the
    child is stopped; a child failure raises EncryptionFailed. Returns the ciphertext's size.
    """
    child = subprocess.Popen(
        [sys.executable, "-I", "-c", _CHILD, *(str(recipient) for recipient in recipients)],
        stdin=subprocess.PIPE,
        stdout=target.fileno(),
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert child.stdin is not None and child.stderr is not None
    stdin, stderr = child.stdin, child.stderr
    _widen(stdin.fileno())
    failures: list[BaseException] = []
    errors = bytearray()

    def feed() -> None:
        try:
            for piece in pieces:
                _write_all(stdin.fileno(), piece)
        except BrokenPipeError:
            pass  # the child stopped early: its exit status and stderr say why
        except BaseException as failure:
            failures.append(failure)
            child.kill()  # never let a partial plaintext end as a complete-looking ciphertext
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def drain_errors() -> None:
        errors.extend(stderr.read())

    threads = [
        threading.Thread(target=feed, name="age-feed", daemon=True),
        threading.Thread(target=drain_errors, name="age-errors", daemon=True),
    ]
    for thread in threads:
        thread.start()
    size = 0
    try:
        for chunk in _follow(target_path, child):
            observe(chunk)
            size += len(chunk)
    except BaseException:
        child.kill()
        raise
    finally:
        for thread in threads:
            thread.join()
        stderr.close()
        status = child.wait()
    if failures:
        raise failures[0]
    if status != 0:
        last_line = errors.decode(errors="replace").strip().splitlines()[-1:] or [f"status {status}"]
        raise EncryptionFailed(f"age encryption failed: {last_line[0][:200]}")
    return size


def _follow(path: Path, writer: subprocess.Popen[bytes]) -> Iterator[bytes]:
    """What `writer` appends to `path`, as it lands, until it has exited and all is read."""
    with path.open("rb", buffering=0) as source:
        while True:
            chunk = source.read(PIPE_BYTES)
            if chunk:
                yield chunk
            elif writer.poll() is not None:
                while chunk := source.read(PIPE_BYTES):  # written between the last read and the exit
                    yield chunk
                return
            else:
                time.sleep(_IDLE_SECONDS)
