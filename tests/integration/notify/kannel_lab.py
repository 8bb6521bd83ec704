"""A real Kannel on loopback for tests and the benchmark: bearerbox, smsbox and the fake SMSC of
kannel-extras, with a generated configuration in a temporary folder and free ports, stopped at
the end. The fake SMSC's log is the phones' side: every message it got, with its receiver."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USERNAME, PASSWORD = "bascule", "lab-password"
_GOT = re.compile(r"Got message \d+: <(\S*) (\S+) (\S+) (.*)>$")


def _decode(coding: str, data: str) -> str:
    """The fake SMSC prints UCS-2 texts URL-encoded (a space as +), others as they are."""
    if coding == "ucs-2":
        return urllib.parse.unquote_to_bytes(data.replace("+", "%20")).decode("utf-16-be")
    return data


def kannel_available() -> bool:
    return all(os.access(path, os.X_OK) for path in (BEARERBOX, SMSBOX, FAKESMSC))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@dataclass
class KannelLab:
    folder: Path
    admin_port: int = field(default_factory=free_port)
    box_port: int = field(default_factory=free_port)
    smsc_port: int = field(default_factory=free_port)
    sendsms_port: int = field(default_factory=free_port)
    # How long smsbox keeps retrying a delivery report it could not hand over (seconds).
    report_retry_seconds: int = 120
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def config(self) -> Path:
        return self.folder / "kannel.conf"

    @property
    def smsc_log(self) -> Path:
        return self.folder / "fakesmsc.log"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}"

    def write_config(self) -> None:
        self.config.write_text(
            f"""group = core
admin-port = {self.admin_port}
admin-password = lab-admin
admin-interface = 127.0.0.1
smsbox-port = {self.box_port}
box-allow-ip = 127.0.0.1
log-level = 2
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-level = 2
global-sender = 1999
http-request-retry = {self.report_retry_seconds}
http-queue-delay = 1

group = sendsms-user
username = {USERNAME}
password = {PASSWORD}
max-messages = 10
concatenation = true
""",
            encoding="utf-8",
        )

    def _start(self, name: str, command: list[str]) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, start_new_session=True
        )
        log.close()

    def start(self) -> None:
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise

    def _start_all(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.write_config()
        self._start("bearerbox", [BEARERBOX, "-v", "2", str(self.config)])
        _wait_for_port(self.smsc_port, 20)
        _wait_for_port(self.box_port, 20)
        fakesmsc = [
            FAKESMSC,
            "-H",
            "127.0.0.1",
            "-r",
            str(self.smsc_port),
            "-i",
            "0",
            "-m",
            "0",
            "1 2 text x",
        ]
        log = self.smsc_log.open("wb")
        self.processes["fakesmsc"] = subprocess.Popen(
            fakesmsc, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, start_new_session=True
        )
        log.close()
        self._start("smsbox", [SMSBOX, "-v", "2", str(self.config)])
        _wait_for_port(self.sendsms_port, 20)
        self._wait_online(20)

    def _wait_online(self, seconds: float) -> None:
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password=lab-admin"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                status = urllib.request.urlopen(url, timeout=2).read().decode()
            except OSError:
                status = ""
            if re.search(r"fake\[fake\].*\(online", status) and "smsbox:" in status:
                return
            time.sleep(0.1)
        raise RuntimeError("Kannel's fake SMSC or smsbox did not come online")

    def received(self) -> list[tuple[str, str]]:
        """(receiver, text) of every message the fake SMSC got, in order."""
        got = []
        if self.smsc_log.exists():
            for line in self.smsc_log.read_text(encoding="utf-8", errors="replace").splitlines():
                match = _GOT.search(line)
                if match:
                    got.append((match.group(2), _decode(match.group(3), match.group(4))))
        return got

    def receivers(self) -> Counter[str]:
        return Counter(receiver for receiver, _ in self.received())

    def wait_received(self, count: int, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = len(self.received())
            if got >= count:
                return got
            time.sleep(0.2)
        return len(self.received())

    def stop(self) -> None:
        for name in ("smsbox", "fakesmsc", "bearerbox"):
            process = self.processes.pop(name, None)
            if process is None:
                continue
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def __enter__(self) -> KannelLab:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
