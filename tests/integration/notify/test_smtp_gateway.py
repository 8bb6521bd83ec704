"""E-mails through a real SMTP server (aiosmtpd) started on loopback by the test."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from kannel_lab import free_port
from lab_messages import fill

from bascule.cli import main
from bascule.notify.outbox import Outbox

pytestmark = pytest.mark.integration

REFUSED = "patient3@example.org"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def send(outbox: Path, port: int) -> int:
    return main(
        [
            "notify", "send", "--outbox", str(outbox), "--gateway", "smtp", "--smtp-host", "127.0.0.1",
            "--smtp-port", str(port), "--smtp-from", "rendez-vous@hopital.example", "--rate", "200/s",
        ],
        {},
    )  # fmt: skip


def test_each_patient_gets_one_email_with_its_key_as_message_id(
    tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    outbox = tmp_path / "outbox.sqlite"
    messages = fill(outbox, 12, channel="email", text="Votre rendez-vous n°{i} est reporté.")
    assert send(outbox, port) == 0
    assert send(outbox, port) == 0  # nothing left to send: nothing sent twice
    got = {tuple(to): message for to, message in mailbox.messages}
    expected = {(m.address,): m for m in messages if m.address != REFUSED}
    assert set(got) == set(expected) and len(mailbox.messages) == 11
    for to, message in got.items():
        sent = expected[to]
        assert message["Message-ID"] == f"<{sent.key}@bascule.invalid>"
        assert message["Subject"] == sent.subject
        assert message.get_payload(decode=True).decode().strip() == sent.body
    with Outbox.open(outbox) as box:
        counts = box.counts()
        (refused,) = box.rows("state = 'failed'")
    assert (counts["sent"], counts["failed"]) == (11, 1)
    assert refused["address"] == REFUSED and "refused the recipient" in refused["last_error"]


def test_a_missing_server_is_retried_then_failed(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    fill(outbox, 1, channel="email")
    code = main(
        [
            "notify", "send", "--outbox", str(outbox), "--gateway", "smtp", "--smtp-port", str(free_port()),
            "--smtp-from", "x@hopital.example", "--max-attempts", "2", "--backoff", "0.05",
        ],
        {},
    )  # fmt: skip
    assert code == 0
    with Outbox.open(outbox) as box:
        ((state, attempts),) = [(row["state"], row["attempts"]) for row in box.rows()]
    assert (state, attempts) == ("failed", 2)
