"""`bascule demo --serve` as a new user meets it: the demo incident served, an account made and its
provisional password printed (to be changed at the first sign-in), the demo's continuity store
behind the Activity tab, and where the data lives. `bascule serve` says where its data lives too."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bascule.cli import main
from bascule.crisis.testing import free_port

SCRIPT = """
import sys
from pathlib import Path
from rich.console import Console
from bascule.cli.serve import serve_demo
serve_demo(Path(sys.argv[1]), "en", Console(), "127.0.0.1", int(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `bascule demo` leaves for `--serve`: its continuity store."""
    out = tmp_path_factory.mktemp("bascule-demo")
    assert main(["synth", "--seed", "42", "--store", str(out / "store.sqlite")], {}) == 0
    return out


def started(out: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """The demo server, and what it printed before listening."""
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(out), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert process.stdout is not None
    printed = ""
    while "Continuity store" not in printed and "No continuity store" not in printed:
        line = process.stdout.readline()
        assert line, f"the demo server stopped: {process.stderr.read() if process.stderr else ''}"
        printed += line
    return process, printed


def wait_for(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(base + "/login/", timeout=1)
            return
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.3)


@contextlib.contextmanager
def demo_server(out: Path) -> Iterator[tuple[str, str]]:
    """`serve_demo` on a free port; yields its base URL and what it printed, stopped at the end."""
    port = free_port()
    process, printed = started(out, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base, process)
        yield base, printed
    finally:
        process.terminate()
        process.communicate(timeout=20)


@contextlib.contextmanager
def signed_in(base: str, name: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base) as client:
        client.get("/login/")
        answer = client.post(
            "/login/",
            data={"username": name, "password": password, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        )
        assert answer.status_code == 302, "the printed account does not sign in"
        yield client


CHOSEN = "Mot-de-passe-choisi-par-moi-5"


def choose_own_password(client: httpx.Client, printed: str) -> None:
    """The first sign-in with the printed password leads to the password change; once made, on."""
    held = client.get("/incidents/1/")
    assert held.status_code == 302 and held.headers["Location"] == "/password/?next=%2Fincidents%2F1%2F"
    assert "provisional password" in client.get(held.headers["Location"]).text
    changed = client.post(
        "/password/",
        data={
            "current": printed,
            "new": CHOSEN,
            "again": CHOSEN,
            "next": "/incidents/1/",
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
    )
    assert changed.status_code == 302 and changed.headers["Location"] == "/incidents/1/"


def printed_password(printed: str) -> str:
    found = re.search(
        r"Account: demo .* provisional password \(to change at first sign-in, replaced at every start\): (\S+)",
        printed,
    )
    assert found, printed
    return found.group(1)


def test_the_demo_opens_ready_to_sign_in_with_its_activity(demo_out: Path) -> None:
    with demo_server(demo_out) as (base, printed):
        assert f"Demo crisis cell: {base}/incidents/1/" in printed
        assert f"Crisis cell data: {(demo_out / 'crisis').resolve()}" in printed
        assert f"Continuity store (Activity tab): {(demo_out / 'store.sqlite').resolve()}" in printed
        with signed_in(base, "demo", printed_password(printed)) as client:
            choose_own_password(client, printed_password(printed))
            board = client.get("/incidents/1/")
            assert board.status_code == 200
            assert "Ransomware" in board.text and 'data-section="uncovered"' in board.text
            assert "Estimated back" in board.text  # the first plan was made
            activity = client.get("/incidents/1/triage/")
            assert activity.status_code == 200
            assert "Activity read from the continuity store" in activity.text
            assert "No continuity store is configured" not in activity.text
        with httpx.Client(base_url=base) as stranger:  # the demo's author account never signs in
            stranger.get("/login/")
            refused = stranger.post(
                "/login/",
                data={
                    "username": "bascule-demo",
                    "password": "",
                    "csrfmiddlewaretoken": stranger.cookies["csrftoken"],
                },
            )
            assert refused.status_code == 200 and "Wrong user name or password" in refused.text


def test_each_start_replaces_the_password(demo_out: Path) -> None:
    with demo_server(demo_out) as (_, printed):
        first = printed_password(printed)
    with demo_server(demo_out) as (base, printed):
        second = printed_password(printed)
        assert second != first
        with httpx.Client(base_url=base) as client:
            client.get("/login/")
            stale = client.post(
                "/login/",
                data={
                    "username": "demo",
                    "password": first,
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                },
            )
            assert stale.status_code == 200, "the previous one-time password still signs in"
        with signed_in(base, "demo", second) as client:  # provisional again, though changed before
            choose_own_password(client, second)
            assert client.get("/incidents/1/").status_code == 200


def bascule(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BASCULE_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bascule", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "COLUMNS": "200"},
    )


def test_serve_says_where_its_data_lives(tmp_path: Path, demo_out: Path) -> None:
    with socket.socket() as busy:  # it says so before listening: a taken port ends it right after
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        data = tmp_path / "cell"
        store = demo_out / "store.sqlite"
        english = bascule("serve", "--port", port, "--data", str(data), "--store", str(store), "--lang", "en")
        french = bascule("serve", "--port", port, "--data", str(data))
    assert english.returncode == 2 and "Traceback" not in english.stderr
    assert f"Crisis cell data: {data.resolve()}" in english.stdout
    assert f"Database: {(data / 'crisis.sqlite3').resolve()}" in english.stdout
    assert f"Continuity store (Activity tab): {store.resolve()}" in english.stdout
    assert f"bascule users add NAME --role director --data {data}" in english.stdout
    assert (data / "crisis.sqlite3").is_file()
    assert f"Données de la cellule de crise : {data.resolve()}" in french.stdout
    assert "Pas de magasin de continuité" in french.stdout


def test_serve_refuses_a_store_that_is_not_there(tmp_path: Path) -> None:
    result = bascule("serve", "--data", str(tmp_path / "cell"), "--store", str(tmp_path / "nowhere.sqlite"))
    assert result.returncode == 2
    assert "Il n'y a pas de magasin de continuité" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "cell").exists()  # refused before anything was made
