"""An exercise's outbox: real and exercise messages never share one, and only the file gateway
gets an exercise's messages (checked before sending, and again with every lease)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from bascule.errors import UserError
from bascule.notify.gateways.file import FileGateway
from bascule.notify.outbox import ExerciseOnlyToFile, NewMessage, Outbox, OutboxMessage, message_key
from bascule.notify.sender import GatewayStopped, SendSettings, send_all

FAST = SendSettings(rate=10_000, batch=4, backoff_seconds=0.01, reconcile_seconds=0.1)


def message(i: int, channel: str = "sms") -> NewMessage:
    return NewMessage(
        key=message_key(f"a{i}", "postpone", "v1"),
        activity_id=f"a{i}",
        patient_id=f"p{i}",
        decision="postpone",
        channel=channel,
        address=f"+3363998{i:04d}" if channel == "sms" else f"patient{i}@example.org",
        contact_phone=None,
        problem=None,
        subject="s",
        body=f"[EXERCICE] text {i}",
        lang="fr",
        starts_at="2026-03-10T09:00:00+00:00",
        unit_id="u",
    )


class RecordingGateway:
    """Stands for Kannel or SMTP: records every message handed to it."""

    concurrency = 1
    delivery_reports = False
    channels = frozenset({"sms", "email"})

    def __init__(self, name: str) -> None:
        self.name = name
        self.delivered: list[str] = []

    def deliver(self, message: OutboxMessage) -> str:
        self.delivered.append(message.key)
        return message.key

    def reconcile(self, messages: Sequence[OutboxMessage], outbox: Outbox, deadline: float) -> set[str]:
        return set()

    def close(self) -> None:
        pass


def test_a_new_outbox_is_a_real_one_until_an_exercise_is_queued(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        assert box.exercise_incident() is None
        assert box.enqueue([message(1), message(2)], time.time(), exercise_incident=3) == (2, 0)
        assert box.exercise_incident() == 3
    with Outbox.open(tmp_path / "o.sqlite") as again:  # kept in the file
        assert again.exercise_incident() == 3


def test_an_exercise_with_no_message_still_marks_its_outbox(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        assert box.enqueue([], time.time(), exercise_incident=5) == (0, 0)
        assert box.exercise_incident() == 5
        with pytest.raises(UserError, match="holds the messages of exercise 5; queue real messages"):
            box.enqueue([message(1)], time.time())
        assert box.counts()["queued"] == 0


def test_queueing_the_same_exercise_again_is_harmless(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1)], time.time(), exercise_incident=3)
        assert box.enqueue([message(1), message(2)], time.time(), exercise_incident=3) == (1, 1)
        assert box.exercise_incident() == 3


@pytest.mark.parametrize(
    ("first", "then", "sentence", "french"),
    [
        (None, 4, "holds real messages; queue an exercise into another", "contient des messages réels"),
        (4, None, "holds the messages of exercise 4; queue real messages", "les messages de l’exercice 4"),
        (4, 9, "holds the messages of exercise 4; queue an exercise", "mettez un exercice"),
    ],
)
def test_real_and_exercise_messages_never_share_an_outbox(
    tmp_path: Path, first: int | None, then: int | None, sentence: str, french: str
) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1), message(2)], time.time(), exercise_incident=first)
        before = box.rows()
        with pytest.raises(UserError) as refused:
            box.enqueue([message(3), message(4)], time.time(), exercise_incident=then)
        assert sentence in str(refused.value) and french in refused.value.in_lang("fr")
        assert str(refused.value).count(". ") == 0 and str(refused.value).endswith(".")
        # Nothing changed: the same rows, the same mark.
        assert [tuple(row) for row in box.rows()] == [tuple(row) for row in before]
        assert box.exercise_incident() == first


@pytest.mark.parametrize("gateway", ["kannel", "smtp"])
def test_send_all_refuses_a_real_gateway_for_an_exercise_and_hands_it_nothing(
    tmp_path: Path, gateway: str
) -> None:
    real = RecordingGateway(gateway)
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(i) for i in range(3)] + [message(9, "email")], time.time(), exercise_incident=2)
        with pytest.raises(
            GatewayStopped, match=f"exercise 2, which only the file gateway takes, not {gateway}"
        ):
            send_all(box, real, FAST)
        assert real.delivered == []
        assert box.counts()["queued"] == 4 and box.counts()["sending"] == 0


def test_the_file_gateway_takes_an_exercise(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(i) for i in range(3)], time.time(), exercise_incident=2)
        gateway = FileGateway(tmp_path / "o.sqlite.exercise.jsonl")
        try:
            assert send_all(box, gateway, FAST).sent == 3
        finally:
            gateway.close()
    assert len((tmp_path / "o.sqlite.exercise.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_no_lease_to_a_real_gateway_once_an_exercise_is_in_the_outbox(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1)], time.time(), exercise_incident=6)
        with pytest.raises(ExerciseOnlyToFile):
            box.claim(10, "kannel", {"sms", "email"}, 300, time.time())
        assert box.counts()["sending"] == 0 and box.counts()["queued"] == 1
        assert [m.key for m in box.claim(10, "file", {"sms"}, 300, time.time())] == [message(1).key]


class ExerciseArrivesAfterTheCheck(Outbox):
    """A sender checked an empty outbox (real), then an exercise was queued into it by another
    process before the first lease."""

    def exercise_incident(self) -> int | None:
        found = super().exercise_incident()
        with Outbox.open(self.path) as other:
            other.enqueue([message(1), message(2)], time.time(), exercise_incident=8)
        return found


def test_an_exercise_queued_while_a_real_sender_starts_is_still_never_handed_over(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    Outbox.open(path).close()
    connection_box = Outbox.open(path)
    box = ExerciseArrivesAfterTheCheck(connection_box._connection, path)
    real = RecordingGateway("kannel")
    try:
        with pytest.raises(GatewayStopped, match="exercise 8"):
            send_all(box, real, FAST)
        assert real.delivered == []
        assert box.counts()["queued"] == 2
    finally:
        box.close()
