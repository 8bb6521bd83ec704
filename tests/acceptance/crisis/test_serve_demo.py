"""`serve_demo` (what `bascule demo --serve` calls): the demo incident served, its URL printed with
how to create the first account, and nobody able to sign in before one is created."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from bascule.crisis.testing import add_user, free_port

PASSWORD = "Un-mot-de-passe-solide-1"
SCRIPT = """
import sys
from pathlib import Path
from rich.console import Console
from bascule.cli.serve import serve_demo
serve_demo(Path(sys.argv[1]), "en", Console(), "127.0.0.1", int(sys.argv[2]))
"""


def test_demo_is_served_with_its_incident(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(base + "/login/", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the demo server did not start"
                time.sleep(0.3)
        with httpx.Client(base_url=base) as client:
            client.get("/login/")
            refused = client.post(
                "/login/",
                data={
                    "username": "bascule-demo",
                    "password": "",
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                },
            )
            assert refused.status_code == 200 and "Wrong user name or password" in refused.text
        add_user(tmp_path / "crisis", "director1", "director", PASSWORD)
        with httpx.Client(base_url=base) as client:
            client.get("/login/")
            signed_in = client.post(
                "/login/",
                data={
                    "username": "director1",
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                },
            )
            assert signed_in.status_code == 302
            board = client.get("/incidents/1/")
            assert board.status_code == 200
            assert "Ransomware" in board.text and 'data-section="uncovered"' in board.text
            assert "Estimated back" in board.text  # the first plan was made
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=20)
    assert f"Demo crisis cell: {base}/incidents/1/" in out
    assert "bascule users add NAME --role director --data" in out
