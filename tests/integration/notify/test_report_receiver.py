"""The delivery-report receiver process: reports stored by key, refused when malformed, one
receiver per outbox and port, found again by a restarted sender, stopped on request."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from kannel_lab import free_port
from lab_messages import fill

from bascule.cli import main
from bascule.notify.outbox import Outbox
from bascule.notify.receiver import ReceiverUnavailable, ensure_receiver, stop_receiver

pytestmark = pytest.mark.integration


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_reports_reach_the_outbox_through_the_receiver_process(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    messages = fill(outbox, 2)
    with Outbox.open(outbox) as box:
        box.claim(2, "kannel", {"sms"}, 300, time.time())
    port = free_port()
    receiver = ensure_receiver(outbox, port)
    try:
        assert receiver.started_here
        again = ensure_receiver(outbox, port)  # a restarted sender finds the same process
        assert (again.pid, again.started_here) == (receiver.pid, False)
        base = receiver.base_url
        assert status_of(f"{base}?key={messages[0].key}&status=8") == 200
        assert status_of(f"{base}?key={messages[1].key}&status=1") == 200
        assert status_of(f"{base}?key={'0' * 32}&status=1") == 404
        assert status_of(f"{base}?key=not-a-key&status=1") == 400
        assert status_of(f"{base}?key={messages[0].key}&status=delivered") == 400
        with Outbox.open(outbox) as box:
            states = {row["key"]: row["state"] for row in box.rows()}
        assert [states[m.key] for m in messages] == ["sent", "delivered"]
        other = tmp_path / "other.sqlite"
        fill(other, 1)
        with pytest.raises(ReceiverUnavailable, match="another outbox"):
            ensure_receiver(other, port)
    finally:
        stop_receiver(port)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)


def test_a_port_taken_by_another_program_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    outbox = tmp_path / "outbox.sqlite"
    fill(outbox, 1)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        code = main(
            [
                "notify",
                "send",
                "--outbox",
                str(outbox),
                "--gateway",
                "kannel",
                "--kannel-password",
                "x",
                "--dlr-port",
                str(port),
            ],
            {},
        )
    error = capsys.readouterr().err
    assert code == 2 and "taken by another program" in error and "Traceback" not in error
    with Outbox.open(outbox) as box:
        assert box.counts()["queued"] == 1
