"""Reliability: 10,000 texts through a real Kannel while the sender is killed (kill -9) three times
and restarted. Every patient gets exactly one message, as counted by the fake SMSC, and the
outbox agrees."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from kannel_lab import PASSWORD, USERNAME, KannelLab, free_port, kannel_available
from lab_messages import fill, french_mobile

from bascule.notify.receiver import stop_receiver

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("Kannel", kannel_available(), "apt install kannel kannel-extras"),
]

PATIENTS = 10_000
KILLS = 3


@pytest.fixture
def kannel(tmp_path: Path) -> Iterator[KannelLab]:
    with KannelLab(tmp_path / "kannel") as lab:
        yield lab


def handed_over(outbox: Path) -> int:
    with sqlite3.connect(f"{outbox.resolve().as_uri()}?mode=ro", uri=True, timeout=30) as db:
        (count,) = db.execute("SELECT count(*) FROM messages WHERE state IN ('sent', 'delivered')").fetchone()
    return int(count)


def test_ten_thousand_texts_three_kills_each_patient_gets_exactly_one(
    tmp_path: Path, kannel: KannelLab, request: pytest.FixtureRequest
) -> None:
    outbox = tmp_path / "outbox.sqlite"
    messages = fill(outbox, PATIENTS)
    dlr_port = free_port()  # fixed across restarts: pending delivery reports come back to it
    command = [
        sys.executable, "-m", "bascule", "notify", "send", "--outbox", str(outbox), "--gateway", "kannel",
        "--kannel-url", kannel.sendsms_url, "--kannel-user", USERNAME, "--kannel-password", PASSWORD,
        "--dlr-port", str(dlr_port), "--rate", "5000/s", "--reconcile-seconds", "6", "--connections", "12",
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    request.addfinalizer(lambda: stop_receiver(dlr_port))
    rng = random.Random(8)
    kill_points = sorted(rng.sample(range(1_000, 9_000), KILLS))
    outputs: list[str] = []
    for point in kill_points:
        sender = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment)
        deadline = time.monotonic() + 120
        while handed_over(outbox) < point and sender.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if sender.poll() is not None:
            assert sender.stdout is not None
            pytest.fail(f"the sender finished before it could be killed: {sender.stdout.read().decode()}")
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait()
        assert sender.stdout is not None
        outputs.append(sender.stdout.read().decode())
        sender.stdout.close()
    final = subprocess.run(
        [*command, "--wait-reports", "60"], capture_output=True, text=True, env=environment, timeout=300
    )
    assert final.returncode == 0, final.stdout + final.stderr
    outputs.append(final.stdout)

    # The phones' side: the fake SMSC got one message per patient, with its text, and no more.
    kannel.wait_received(PATIENTS, 60)
    time.sleep(2)  # anything still in flight would show up now
    received = kannel.received()
    per_receiver: dict[str, int] = {}
    for receiver, _ in received:
        per_receiver[receiver] = per_receiver.get(receiver, 0) + 1
    repeated = {r: n for r, n in per_receiver.items() if n > 1}
    assert not repeated, f"{len(repeated)} patients got more than one message"
    assert len(received) == PATIENTS
    assert sorted(received) == sorted((french_mobile(i), m.body) for i, m in enumerate(messages))

    # The outbox agrees: every message handed over once, with its delivery report.
    with sqlite3.connect(outbox) as db:
        states = dict(db.execute("SELECT state, count(*) FROM messages GROUP BY state").fetchall())
        reported = db.execute("SELECT count(DISTINCT key) FROM delivery_reports").fetchone()[0]
        settled_by_report = db.execute(
            "SELECT count(*) FROM messages WHERE gateway_ref IS NULL OR gateway_ref = 'reconciled'"
        ).fetchone()[0]
    assert states == {"delivered": PATIENTS}
    assert reported == PATIENTS
    # The crash window was really hit: messages handed over by a sender killed before it could
    # record it were settled by their delivery reports, not sent again.
    assert settled_by_report > 0, outputs
    # A clean end stops the report receiver the killed senders left running.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{dlr_port}/health", timeout=2)
