"""Starting, finding and stopping the delivery-report receiver process (see dlr.py)."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Receivers this process started, kept so that they are waited for when stopped here.
_started: dict[int, subprocess.Popen[bytes]] = {}


class ReceiverUnavailable(Exception):
    """The port is taken by something else, or the receiver did not start; a sentence says which."""


@dataclass(frozen=True, slots=True)
class Receiver:
    port: int
    pid: int
    started_here: bool

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dlr"


def _health(port: int) -> tuple[str, int] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            outbox, pid = response.read().decode().split("\n")
            return outbox, int(pid)
    except (OSError, ValueError, http.client.HTTPException):
        return None


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def ensure_receiver(outbox: Path, port: int, idle_seconds: float = 60.0) -> Receiver:
    """The receiver for `outbox` on `port`: the one already running, or a new process."""
    wanted = str(outbox.resolve())
    found = _health(port)
    if found is not None:
        if found[0] != wanted:
            raise ReceiverUnavailable(
                f"port {port} already receives delivery reports for another outbox; choose another --dlr-port"
            )
        return Receiver(port, found[1], started_here=False)
    if _port_taken(port):
        raise ReceiverUnavailable(
            f"port {port} on 127.0.0.1 is taken by another program; choose another --dlr-port"
        )
    command = [
        sys.executable, "-m", "bascule", "notify", "reports", "--outbox", wanted,
        "--dlr-port", str(port), "--idle", str(idle_seconds),
    ]  # fmt: skip
    # Its own session: a sender killed by a signal to its process group leaves the receiver running.
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = _health(port)
        if found is not None and found[0] == wanted:
            _started[port] = process
            return Receiver(port, process.pid, started_here=True)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait()
    raise ReceiverUnavailable(f"the delivery-report receiver did not start on port {port}")


def stop_receiver(port: int) -> None:
    """Ask the receiver on `port` to stop (it finishes the reports under way first)."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/stop", timeout=2).close()
    except (OSError, urllib.error.URLError):
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _health(port) is not None:
        time.sleep(0.05)
    process = _started.pop(port, None)
    if process is not None:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
