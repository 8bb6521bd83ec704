"""The sender against a real Kannel (bearerbox, smsbox, fake SMSC) started on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kannel_lab import PASSWORD, USERNAME, KannelLab, free_port, kannel_available
from lab_messages import fill, french_mobile

from bascule.cli import main
from bascule.notify.outbox import Outbox
from bascule.notify.receiver import stop_receiver

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("Kannel", kannel_available(), "apt install kannel kannel-extras"),
]


REPORT_PORTS: list[int] = []


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KannelLab]:
    with KannelLab(tmp_path_factory.mktemp("kannel")) as lab:
        yield lab
        for port in REPORT_PORTS:  # receivers still waiting for reports
            stop_receiver(port)


def send(outbox: Path, kannel: KannelLab, *extra: str, password: str = PASSWORD) -> int:
    REPORT_PORTS.append(port := free_port())
    return main(
        [
            "notify", "send", "--outbox", str(outbox), "--gateway", "kannel",
            "--kannel-url", kannel.sendsms_url, "--kannel-user", USERNAME, "--kannel-password", password,
            "--dlr-port", str(port), "--rate", "500/s", *extra,
        ],
        {},
    )  # fmt: skip


def test_every_message_reaches_the_smsc_once_with_its_text_and_delivery_report(
    tmp_path: Path, kannel: KannelLab
) -> None:
    before = len(kannel.received())
    outbox = tmp_path / "outbox.sqlite"
    messages = fill(outbox, 40, text="Rendez-vous reporté n°{i} : rappelez le 01 99 00 10 00.")
    assert send(outbox, kannel, "--wait-reports", "20") == 0
    kannel.wait_received(before + 40, 20)
    got = kannel.received()[before:]
    assert sorted(got) == sorted((french_mobile(i), m.body) for i, m in enumerate(messages))
    with Outbox.open(outbox) as box:
        counts = box.counts()
        assert counts["delivered"] == 40, counts
        assert box.reported(m.key for m in messages) == {m.key for m in messages}


def test_queueing_the_same_messages_again_sends_nothing_more(tmp_path: Path, kannel: KannelLab) -> None:
    outbox = tmp_path / "outbox.sqlite"
    fill(outbox, 5)
    assert send(outbox, kannel) == 0
    before = len(kannel.received())
    fill(outbox, 5)  # same keys: ignored
    assert send(outbox, kannel) == 0
    assert kannel.wait_received(before + 1, 2) == before


def test_wrong_password_stops_with_a_sentence_and_keeps_every_message(
    tmp_path: Path, kannel: KannelLab, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = tmp_path / "outbox.sqlite"
    fill(outbox, 3)
    assert send(outbox, kannel, password="wrong") == 2
    error = capsys.readouterr().err
    assert "The gateway refused to send" in error and "Traceback" not in error
    with Outbox.open(outbox) as box:
        assert box.counts()["queued"] == 3


def test_kannel_unreachable_retries_with_backoff_then_fails(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    fill(outbox, 2)
    dead = f"http://127.0.0.1:{free_port()}"
    code = main(
        [
            "notify", "send", "--outbox", str(outbox), "--gateway", "kannel", "--kannel-url", dead,
            "--kannel-password", "x", "--dlr-port", str(free_port()), "--max-attempts", "3", "--backoff", "0.05",
        ],
        {},
    )  # fmt: skip
    assert code == 0
    with Outbox.open(outbox) as box:
        rows = box.rows()
    assert [(row["state"], row["attempts"]) for row in rows] == [("failed", 3), ("failed", 3)]
    assert all("Kannel did not answer" in row["last_error"] for row in rows)
