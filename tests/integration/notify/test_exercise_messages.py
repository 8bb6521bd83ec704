"""No message leaves through Kannel or SMTP during an exercise, whatever the configuration: the real
Kannel (bearerbox, smsbox, fake SMSC) and a real SMTP server run, `notify send` is given their full
valid settings, and neither gets a message of the exercise; a real incident's messages, queued the
same way from the same store, do reach them (the control).

The commands that open the crisis database (exercise start, notify queue --incident) run in their
own process: Django's settings are process-wide, and other tests of the run may have set them."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kannel_lab import PASSWORD, USERNAME, KannelLab, free_port, kannel_available
from test_smtp_gateway import Mailbox
from tests.peers import require_peer

from bascule.cli import main
from bascule.crisis.testing import bascule_command
from bascule.notify.gateways.kannel import KannelGateway, KannelSettings
from bascule.notify.outbox import Outbox
from bascule.notify.receiver import stop_receiver
from bascule.notify.sender import GatewayStopped, SendSettings, send_all

pytestmark = pytest.mark.integration

CALL_CENTRE = "01 99 00 10 00"
SENDER = "rendez-vous@hopital.example"
REPORT_PORTS: list[int] = []


@dataclass(frozen=True)
class Crisis:
    """A crisis data folder holding an exercise and a real incident on the demo map, and one
    pristine outbox of each, queued from the same continuity store."""

    folder: Path
    store: Path
    data: Path
    exercise: int
    real: int
    exercise_outbox: Path
    real_outbox: Path

    def copy(self, outbox: Path, to: Path) -> Path:
        """A fresh copy of a pristine outbox: each test sends its own."""
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{outbox}{suffix}").exists():
                shutil.copy(f"{outbox}{suffix}", f"{to}{suffix}")
        return to


def bascule(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*bascule_command(), *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "BASCULE_CALL_CENTRE": CALL_CENTRE},
        timeout=300,
    )


def queue(crisis_store: Path, data: Path, outbox: Path, incident: int) -> subprocess.CompletedProcess[str]:
    return bascule(
        "notify", "queue", "--store", str(crisis_store), "--outbox", str(outbox), "--incident", str(incident),
        "--data", str(data), "--days", "2",
    )  # fmt: skip


def rows(outbox: Path) -> list[tuple[object, ...]]:
    """Every message row and the exercise mark, to tell that nothing changed."""
    with sqlite3.connect(f"{outbox.resolve().as_uri()}?mode=ro", uri=True) as db:
        messages = db.execute("SELECT * FROM messages ORDER BY id").fetchall()
        mark = db.execute("SELECT * FROM exercise").fetchall()
    return [*messages, ("exercise", *mark)]


@pytest.fixture(scope="module")
def crisis(tmp_path_factory: pytest.TempPathFactory) -> Crisis:
    folder = tmp_path_factory.mktemp("crisis")
    store, data = folder / "store.sqlite", folder / "data"
    data.mkdir()
    assert main(["synth", "--seed", "7", "--store", str(store)], {}) == 0
    started = bascule(
        "exercise", "start", "ransomware-night", "--data", str(data), "--manual", "--lang", "en"
    )
    assert started.returncode == 0, started.stderr
    found = re.search(r"incident (\d+)", started.stdout)
    assert found is not None, started.stdout
    exercise = int(found.group(1))
    # A real incident in the same crisis database: the demo's ransomware incident.
    opened = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from bascule.incident import wiring; "
            "wiring.crisis_store({}, Path(sys.argv[1])); "
            "incident = wiring.demo_incident('ransomware', 'fr'); "
            "assert not incident.exercise; print(incident.id)",
            str(data),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert opened.returncode == 0, opened.stderr
    real = int(opened.stdout.strip())
    assert real != exercise
    exercise_outbox, real_outbox = folder / "exercise.sqlite", folder / "real.sqlite"
    for outbox, incident in ((exercise_outbox, exercise), (real_outbox, real)):
        queued = queue(store, data, outbox, incident)
        assert queued.returncode == 0, queued.stderr
    return Crisis(folder, store, data, exercise, real, exercise_outbox, real_outbox)


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KannelLab]:
    require_peer("Kannel", kannel_available(), "apt install kannel kannel-extras")
    with KannelLab(tmp_path_factory.mktemp("kannel")) as lab:
        yield lab
        for port in REPORT_PORTS:  # receivers still waiting for reports
            stop_receiver(port)


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def send_kannel(outbox: Path, kannel: KannelLab) -> int:
    REPORT_PORTS.append(port := free_port())
    return main(
        [
            "notify", "send", "--outbox", str(outbox), "--gateway", "kannel",
            "--kannel-url", kannel.sendsms_url, "--kannel-user", USERNAME, "--kannel-password", PASSWORD,
            "--dlr-port", str(port), "--from", "HOPITAL", "--rate", "500/s",
        ],
        {},
    )  # fmt: skip


def send_smtp(outbox: Path, port: int) -> int:
    return main(
        [
            "notify", "send", "--outbox", str(outbox), "--gateway", "smtp", "--smtp-host", "127.0.0.1",
            "--smtp-port", str(port), "--smtp-from", SENDER, "--rate", "500/s",
        ],
        {},
    )  # fmt: skip


def queued_messages(outbox: Path) -> dict[str, tuple[str, str]]:
    """key -> (channel, text) of every message with an address."""
    with sqlite3.connect(f"{outbox.resolve().as_uri()}?mode=ro", uri=True) as db:
        found = db.execute("SELECT key, channel, body FROM messages WHERE channel != 'none'").fetchall()
    return {key: (channel, body) for key, channel, body in found}


def exercise_texts(kannel: KannelLab, seconds: float = 5.0) -> list[str]:
    """Texts of an exercise the fake SMSC got (the first part of each starts with the word), waiting up to `seconds`
    for one to show up: anything handed to Kannel reaches it within that (see the control)."""
    deadline = time.monotonic() + seconds
    while True:
        found = [text for _, text in kannel.received() if "EXERCICE" in text]
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.2)


def phone_numbers(outbox: Path) -> set[str]:
    with sqlite3.connect(f"{outbox.resolve().as_uri()}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT address FROM messages WHERE channel = 'sms'")}


def assert_written_to_the_exercise_file(outbox: Path, gateway: str, incident: int, error: str) -> None:
    written_to = Path(f"{outbox}.exercise.jsonl")
    assert error.strip() == (
        f"EXERCISE (incident {incident}): no message is handed to {gateway}; they are written to {written_to}."
    )
    lines = [json.loads(line) for line in written_to.read_text(encoding="utf-8").splitlines()]
    expected = queued_messages(outbox)
    assert len(expected) > 0 and {c for c, _ in expected.values()} == {"sms", "email"}
    assert {line["key"]: (line["channel"], line["text"]) for line in lines} == expected
    assert len(lines) == len(expected)  # each once
    assert all(line["text"].startswith("[EXERCICE] ") for line in lines)
    assert all(line["subject"].startswith("[EXERCICE] ") for line in lines if line["channel"] == "email")
    with Outbox.open(outbox, create=False) as box:
        assert box.counts()["sent"] == len(expected) and box.counts()["queued"] == 0
        assert {row["gateway"] for row in box.rows("state = 'sent'")} == {"file"}


def test_an_exercise_sent_to_kannel_reaches_no_phone_and_is_written_to_its_file(
    crisis: Crisis, kannel: KannelLab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = crisis.copy(crisis.exercise_outbox, tmp_path / "exercise.sqlite")
    capsys.readouterr()
    assert send_kannel(outbox, kannel) == 0
    error = capsys.readouterr().err
    assert exercise_texts(kannel) == []
    assert_written_to_the_exercise_file(outbox, "kannel", crisis.exercise, error)


def test_an_exercise_sent_to_smtp_reaches_no_mailbox_and_is_written_to_its_file(
    crisis: Crisis, smtp: tuple[Mailbox, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mailbox, port = smtp
    outbox = crisis.copy(crisis.exercise_outbox, tmp_path / "exercise.sqlite")
    capsys.readouterr()
    assert send_smtp(outbox, port) == 0
    error = capsys.readouterr().err
    assert mailbox.messages == []
    assert_written_to_the_exercise_file(outbox, "smtp", crisis.exercise, error)


def test_the_control_a_real_incidents_messages_do_reach_kannel_and_smtp(
    crisis: Crisis,
    kannel: KannelLab,
    smtp: tuple[Mailbox, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailbox, port = smtp
    outbox = crisis.copy(crisis.real_outbox, tmp_path / "real.sqlite")
    expected = queued_messages(outbox)
    texts = sorted(text for channel, text in expected.values() if channel == "sms")
    mails = sorted(text for channel, text in expected.values() if channel == "email")
    assert texts and mails and not any("EXERCICE" in text for _, text in expected.values())
    before = len(kannel.received())
    capsys.readouterr()
    assert send_kannel(outbox, kannel) == 0
    assert send_smtp(outbox, port) == 0
    assert "EXERCISE" not in capsys.readouterr().err
    # Long texts arrive in several parts: every patient's phone got its text, and none other did.
    phones = phone_numbers(outbox)
    deadline = time.monotonic() + 60
    while (
        set(receiver for receiver, _ in kannel.received()[before:]) != phones and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert {receiver for receiver, _ in kannel.received()[before:]} == phones
    assert len(kannel.received()) - before >= len(texts)
    assert sorted(m.get_payload(decode=True).decode().strip() for _, m in mailbox.messages) == mails
    assert not Path(f"{outbox}.exercise.jsonl").exists()


@pytest.mark.parametrize(
    ("into", "incident", "sentence"),
    [
        ("exercise", "real", "holds the messages of exercise {exercise}; queue real messages into another"),
        ("real", "exercise", "holds real messages; queue an exercise into another outbox file."),
    ],
)
def test_real_and_exercise_messages_never_share_an_outbox(
    crisis: Crisis, tmp_path: Path, into: str, incident: str, sentence: str
) -> None:
    outbox = crisis.copy(getattr(crisis, f"{into}_outbox"), tmp_path / f"{into}.sqlite")
    before = rows(outbox)
    refused = queue(crisis.store, crisis.data, outbox, getattr(crisis, incident))
    assert refused.returncode == 2
    error = refused.stderr.strip()
    assert sentence.format(exercise=crisis.exercise) in error
    assert "\n" not in error and "Traceback" not in error
    assert rows(outbox) == before


def test_send_all_with_a_kannel_gateway_on_an_exercise_outbox_stops_and_sends_nothing(
    crisis: Crisis, kannel: KannelLab, tmp_path: Path
) -> None:
    outbox = crisis.copy(crisis.exercise_outbox, tmp_path / "exercise.sqlite")
    pristine = rows(outbox)
    gateway = KannelGateway(
        KannelSettings(
            "127.0.0.1",
            kannel.sendsms_port,
            USERNAME,
            PASSWORD,
            f"http://127.0.0.1:{free_port()}/dlr",
        )
    )
    try:
        with Outbox.open(outbox, create=False) as box, pytest.raises(GatewayStopped) as stopped:
            send_all(box, gateway, SendSettings(rate=500))
    finally:
        gateway.close()
    assert f"exercise {crisis.exercise}, which only the file gateway takes, not kannel" in str(stopped.value)
    assert exercise_texts(kannel) == []
    assert rows(outbox) == pristine
