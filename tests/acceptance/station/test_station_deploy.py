"""What a hospital's IT installs on a ward PC (deploy/station/, docs/station.md "Start it"): the
systemd unit passes `systemd-analyze verify` and keeps the viewer on the loopback, the desktop
launcher passes `desktop-file-validate`, and the kiosk script waits for the viewer and then really
opens it in Chromium, kiosk flags and all, against a running `bascule station serve`."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.peers import require_peer

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy" / "station"
UNIT = DEPLOY / "bascule-station.service"
KIOSK = DEPLOY / "bascule-station-kiosk"
DESKTOP = DEPLOY / "bascule-station.desktop"
INSTALLED_BASCULE = "/opt/bascule/.venv/bin/bascule"  # where docs/station.md installs it
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
PORT = 8765
PASSPHRASE = "une marée basse à Cancale"


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


# ---- the systemd unit ---------------------------------------------------------------------------


def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    require_peer("systemd-analyze", shutil.which("systemd-analyze") is not None, "apt install systemd")
    # verify wants ExecStart's program on this machine: the checkout's bascule stands in for /opt's.
    text = UNIT.read_text(encoding="utf-8")
    assert INSTALLED_BASCULE in text
    unit = tmp_path / UNIT.name
    unit.write_text(text.replace(INSTALLED_BASCULE, str(VENV_BIN / "bascule")), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # an unknown or misspelt key is only a warning


def test_the_unit_serves_the_station_as_its_own_user_on_the_loopback_only() -> None:
    settings = unit_settings()
    assert settings["ExecStart"] == [f"{INSTALLED_BASCULE} station serve /srv/station --port {PORT}"]
    assert settings["User"] == ["bascule"]
    assert settings["Restart"] == ["always"]
    assert settings["IPAddressDeny"] == ["any"]
    assert settings["IPAddressAllow"] == ["localhost"]
    assert settings["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6"]
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["ReadWritePaths"] == ["/srv/station"]  # the station's state and access log
    assert settings["NoNewPrivileges"] == ["yes"]
    assert settings["MemoryMax"] == ["400M"]
    # The decrypted copy: /dev/shm stays (PrivateDevices binds the host's), /tmp is private.
    assert settings["PrivateDevices"] == ["yes"]
    assert settings["PrivateTmp"] == ["yes"]
    assert "InaccessiblePaths" not in settings and "TemporaryFileSystem" not in settings


def test_the_units_command_line_is_one_the_cli_takes(tmp_path: Path) -> None:
    """The same options on a folder that is no station: refused in one sentence, exit 2 (not a usage
    error about the options the unit passes)."""
    command = unit_settings()["ExecStart"][0].split()
    assert command[0] == INSTALLED_BASCULE
    arguments = [str(tmp_path / "nowhere") if a == "/srv/station" else a for a in command[1:]]
    result = subprocess.run(
        [str(VENV_BIN / "bascule"), *arguments], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "No such option" not in result.stderr and "Usage:" not in result.stderr


# ---- the desktop launcher -----------------------------------------------------------------------


def test_the_desktop_launcher_is_valid_and_opens_the_kiosk() -> None:
    validate = shutil.which("desktop-file-validate")
    require_peer("desktop-file-validate", validate is not None, "apt install desktop-file-utils")
    assert validate is not None
    result = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout + result.stderr
    lines = DESKTOP.read_text(encoding="utf-8").splitlines()
    assert "Exec=bascule-station-kiosk" in lines
    assert any(line.startswith("Name[fr]=") for line in lines)


# ---- the kiosk script ---------------------------------------------------------------------------


class FakeViewer:
    """A socket on a free loopback port that refuses connections until `listen()`, then answers every
    request `200 OK`, as the viewer's login page does."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])

    def listen(self) -> None:
        self.socket.listen()
        threading.Thread(target=self._answer, daemon=True).start()

    def _answer(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def fake_chromium(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in browser that writes the arguments it was given, one a line."""
    arguments = tmp_path / "chromium-arguments"
    browser = tmp_path / "chromium"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {arguments}\n', encoding="utf-8")
    browser.chmod(0o700)
    return browser, arguments


def kiosk_environment(port: int, browser: Path, wait: int, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "BASCULE_STATION_PORT": str(port),
        "BASCULE_KIOSK_WAIT": str(wait),
        "BASCULE_CHROMIUM": str(browser),
        **more,
    }


def test_the_kiosk_waits_for_the_viewer_then_starts_chromium_as_a_kiosk_on_it(
    fake_chromium: tuple[Path, Path], tmp_path: Path
) -> None:
    browser, arguments = fake_chromium
    viewer = FakeViewer()
    try:
        kiosk = subprocess.Popen(
            [str(KIOSK)],
            env=kiosk_environment(viewer.port, browser, 120, XDG_RUNTIME_DIR=str(tmp_path)),
            stderr=subprocess.PIPE,
            text=True,
        )
        assert kiosk.poll() is None and not arguments.exists()  # nothing answers yet: it waits
        viewer.listen()
        _, errors = kiosk.communicate(timeout=120)
    finally:
        viewer.close()
    assert kiosk.returncode == 0, errors
    flags = arguments.read_text(encoding="utf-8").splitlines()
    assert "--kiosk" in flags
    assert f"--app=http://127.0.0.1:{viewer.port}/" in flags
    for wanted in (
        "--incognito",
        "--no-first-run",
        "--disable-translate",
        "--disable-features=Translate",
        "--noerrdialogs",
        "--disable-background-networking",
    ):
        assert wanted in flags
    profile = tmp_path / f"bascule-station-kiosk-{os.getuid()}"
    assert f"--user-data-dir={profile}" in flags
    assert profile.stat().st_mode & 0o777 == 0o700


def test_the_kiosk_gives_up_in_one_sentence_when_no_viewer_answers(fake_chromium: tuple[Path, Path]) -> None:
    browser, arguments = fake_chromium
    viewer = FakeViewer()  # bound, never listening: every connection is refused
    try:
        result = subprocess.run(
            [str(KIOSK)],
            env=kiosk_environment(viewer.port, browser, 1),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        viewer.close()
    assert result.returncode == 1
    assert f"does not answer on http://127.0.0.1:{viewer.port}/" in result.stderr
    assert "systemctl start bascule-station" in result.stderr
    assert not arguments.exists()


# ---- the kiosk against a real station, in a network namespace with only the loopback -------------


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False).returncode == 0


def bascule(*arguments: str, cwd: Path) -> None:
    subprocess.run(
        [str(VENV_BIN / "bascule"), *arguments], cwd=cwd, check=True, capture_output=True, timeout=300
    )


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station as docs/station.md makes one: keys, a synthetic hospital sealed, one account."""
    folder = tmp_path_factory.mktemp("ward-pc")
    bascule("keys", "new", "cell", cwd=folder)
    bascule("keys", "new", "station", cwd=folder)
    bascule("synth", "--seed", "42", "--store", "store.sqlite", cwd=folder)
    bascule(
        "snapshot", "seal", "--store", "store.sqlite", "--to", "station.age.pub", "--sign", "cell.key",
        "--out", "bundles/", "--map", "demo", cwd=folder,
    )  # fmt: skip
    bascule("station", "init", "station/", "--hospital", "chvo", "--trust", "cell.pub", "--identity",
            "station.age", cwd=folder)  # fmt: skip
    for bundle in (folder / "bundles").glob("bascule-*"):
        shutil.copy(bundle, folder / "station" / "inbox")
    (folder / "alice.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    bascule("station", "users", "add", "station/", "alice", "--role", "nurse", "--password-file", "alice.txt",
            cwd=folder)  # fmt: skip
    return folder / "station"


def _in_namespace(pid: int, *command: str) -> list[str]:
    return ["nsenter", f"--net=/proc/{pid}/ns/net", *command]


def _pages(pid: int, debug_port: int) -> list[dict[str, str]]:
    """The pages Chromium has open, from its DevTools list, asked from inside the namespace."""
    script = (
        "import json, urllib.request;"
        f"print(urllib.request.urlopen('http://127.0.0.1:{debug_port}/json/list', timeout=5).read().decode())"
    )
    result = subprocess.run(
        _in_namespace(pid, sys.executable, "-c", script),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return list(json.loads(result.stdout)) if result.returncode == 0 else []


@pytest.fixture
def serving(station: Path, tmp_path: Path) -> Iterator[int]:
    """`bascule station serve` as the unit runs it, in a network namespace that has only the
    loopback; yields the namespace's process id."""
    require_peer("network namespaces (unshare --net, as root)", _namespaces_work(), "run the tests as root")
    log = tmp_path / "serve.log"
    command = f"ip link set lo up && exec {VENV_BIN / 'bascule'} station serve {station} --port {PORT}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", command], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        own = os.readlink("/proc/self/ns/net")
        deadline = time.monotonic() + 30
        while os.readlink(f"/proc/{server.pid}/ns/net") == own:  # unshare has not unshared yet
            assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.05)
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        finally:
            if server.poll() is None:  # not stopped by SIGTERM: the test fails, no process is left behind
                server.kill()
                server.wait()


def test_the_kiosk_opens_a_running_station_in_chromium(serving: int, tmp_path: Path) -> None:
    require_peer("Chromium", CHROMIUM.exists(), "apt install chromium")
    debug_port = 9222
    # Started as the server starts: the script waits until the viewer answers.
    environment = {
        **os.environ,
        "BASCULE_CHROMIUM": str(CHROMIUM),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "BASCULE_KIOSK_FLAGS": f"--headless --no-sandbox --disable-gpu --remote-debugging-port={debug_port}",
    }
    kiosk = subprocess.Popen(
        _in_namespace(serving, str(KIOSK)),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert kiosk.poll() is None, "the kiosk or its Chromium stopped"
            login = [
                p
                for p in _pages(serving, debug_port)
                if p.get("url", "").startswith(f"http://127.0.0.1:{PORT}/login")
            ]
            if login and login[0].get("title", "").endswith("— Bascule"):
                break
            assert time.monotonic() < deadline, "Chromium never showed the station's login page"
            time.sleep(0.5)
        assert login[0]["type"] == "page"
    finally:
        os.killpg(kiosk.pid, 15)
        kiosk.wait(timeout=30)
