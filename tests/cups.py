"""A real CUPS print server of the tests' own: cupsd in the foreground with a private ServerRoot,
spool and logs under a temp folder, listening on a unix socket there only (no port, no network),
with queues that print to /dev/null (FileDevice Yes). Debian: cups-daemon, cups-client.

    with cups_server(tmp_path) as cups:
        cups.add_queue("bascule-test")
        ... lp -h cups.socket -d bascule-test FILE ...
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CUPS_TOOLS = ("cupsd", "lpadmin", "lp", "lpstat", "cupsdisable")
HOW = "apt install cups-daemon cups-client (scripts/setup-system.sh)"
START_DEADLINE_SECONDS = 30


def cups_available() -> bool:
    return all(shutil.which(tool) or Path("/usr/sbin", tool).exists() for tool in CUPS_TOOLS)


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


@dataclass(frozen=True)
class CupsServer:
    folder: Path

    @property
    def socket(self) -> Path:
        return self.folder / "cups.sock"

    def admin(self, tool: str, *args: str) -> None:
        subprocess.run(
            [_tool(tool), "-h", str(self.socket), *args],
            check=True,
            capture_output=True,
            timeout=60,
            env={**os.environ, "LC_ALL": "C"},
        )

    def add_queue(self, name: str) -> None:
        """A raw queue that prints to /dev/null (raw queues are deprecated in CUPS 2.4 but work, and
        need no driver: the everywhere model needs a real IPP printer to ask)."""
        self.admin("lpadmin", "-p", name, "-E", "-v", "file:///dev/null", "-m", "raw")

    def job_ids(self, queue: str) -> list[str]:
        """Every job the server took for `queue`, done or waiting (lpstat -W all -o)."""
        done = subprocess.run(
            [_tool("lpstat"), "-h", str(self.socket), "-W", "all", "-o", queue],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={**os.environ, "LC_ALL": "C"},
        )
        return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


@contextlib.contextmanager
def cups_server(parent: Path) -> Iterator[CupsServer]:
    folder = parent / "cups"
    for sub in ("root", "spool/tmp", "cache", "state", "log"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    server = CupsServer(folder)
    (folder / "cupsd.conf").write_text(
        f"Listen {server.socket}\nLogLevel warn\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    # As root cupsd runs its helpers as lp (it refuses User root); as anyone else, as that user.
    user = "" if os.geteuid() == 0 else f"User {os.getuid()}\nGroup {os.getgid()}\n"
    (folder / "cups-files.conf").write_text(
        f"ServerRoot {folder / 'root'}\nRequestRoot {folder / 'spool'}\nTempDir {folder / 'spool/tmp'}\n"
        f"CacheDir {folder / 'cache'}\nStateDir {folder / 'state'}\nAccessLog {folder / 'log/access_log'}\n"
        f"ErrorLog {folder / 'log/error_log'}\nPageLog {folder / 'log/page_log'}\n"
        f"Printcap {folder / 'printcap'}\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
        f"FileDevice Yes\n{user}"
    )
    with (folder / "cupsd.out").open("wb") as output:
        daemon = subprocess.Popen(
            [_tool("cupsd"), "-f", "-c", str(folder / "cupsd.conf"), "-s", str(folder / "cups-files.conf")],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(server, daemon)
        yield server
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def _wait_until_listening(server: CupsServer, daemon: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            log = (
                (server.folder / "log/error_log").read_text(errors="replace")
                if (server.folder / "log/error_log").exists()
                else ""
            )
            raise RuntimeError(f"cupsd stopped at start (exit {daemon.returncode}): {log[-2000:]}")
        answer = subprocess.run(
            [_tool("lpstat"), "-h", str(server.socket), "-r"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
        if answer.returncode == 0 and "is running" in answer.stdout:
            return
        time.sleep(0.05)  # polling the server's own answer, with a deadline: not a timing assertion
    raise RuntimeError("cupsd did not answer on its socket within the deadline")
