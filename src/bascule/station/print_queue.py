"""The station's printer, through the standard CUPS clients (`lpstat`, `lp`): what the ward's own
print dialog uses, so a page this test gets out is a page the nurses will get out.

A queue that is stopped (`cupsdisable`) still takes jobs and prints none of them: the check asks
the queue's state first and never leaves a test page waiting in a stopped queue.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_SECONDS = 60  # a print server that does not answer in a minute will not at 3 a.m. either
_REQUEST_ID = re.compile(r"request id is (\S+)")


@dataclass(frozen=True)
class Submitted:
    """What the queue answered: the request id on success, else the client's own words."""

    request_id: str | None
    problem: str | None  # one of "missing_client", "no_server", "no_queue", "stopped", "refused"
    said: str = ""  # the first line lp or lpstat wrote, for the person who fixes the printer


@dataclass(frozen=True)
class PrintQueue:
    queue: str
    server: str | None = None

    def submit(self, document: Path, title: str) -> Submitted:
        """Ask the queue's state, then send `document` when it is ready to print."""
        lpstat, lp = shutil.which("lpstat"), shutil.which("lp")
        if lpstat is None or lp is None:
            return Submitted(None, "missing_client")
        state = self._run([lpstat, *self._server(), "-p", self.queue])
        if state.returncode != 0:
            # lpstat says "no such destination" for a server that is down too: ask the scheduler.
            running = self._run([lpstat, *self._server(), "-r"])
            if "is running" not in running.stdout:
                return Submitted(None, "no_server", self.server or "localhost")
            return Submitted(None, "no_queue", _first_line(state))
        if re.search(rf"^printer {re.escape(self.queue)} disabled", state.stdout, re.MULTILINE):
            return Submitted(None, "stopped", _first_line(state))
        # -h before -d: lp looks the destination up on the server chosen so far.
        sent = self._run([lp, *self._server(), "-d", self.queue, "-t", title, str(document)])
        found = _REQUEST_ID.search(sent.stdout)
        if sent.returncode != 0 or found is None:
            return Submitted(None, "refused", _first_line(sent))
        return Submitted(found.group(1), None)

    def _server(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    @staticmethod
    def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
        # The C locale: the answers are read by this code, whatever language the station speaks.
        environ = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        try:
            return subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=environ, check=False
            )
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(command, 124, "", "no answer from the print server")


def _first_line(done: subprocess.CompletedProcess[str]) -> str:
    for line in (done.stderr + "\n" + done.stdout).splitlines():
        if line.strip() and "deprecated" not in line:
            return line.strip().rstrip(".")
    return f"exit code {done.returncode}"
