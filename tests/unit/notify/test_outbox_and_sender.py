"""The outbox's idempotency and states, and the sender's crash rules, with the file gateway."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest

from bascule.notify.gateways.base import TransientFailure
from bascule.notify.gateways.file import FileGateway
from bascule.notify.outbox import NewMessage, Outbox, OutboxMessage, message_key
from bascule.notify.sender import SendSettings, send_all

FAST = SendSettings(rate=10_000, batch=4, backoff_seconds=0.01, reconcile_seconds=0.1)


def message(i: int, decision: str = "postpone", version: str = "v1", channel: str = "sms") -> NewMessage:
    return NewMessage(
        key=message_key(f"a{i}", decision, version),
        activity_id=f"a{i}",
        patient_id=f"p{i}",
        decision=decision,
        channel=channel,
        address=None if channel == "none" else f"+3363998{i:04d}",
        contact_phone=None,
        problem="no-contact" if channel == "none" else None,
        subject="s",
        body=f"text {i}",
        lang="fr",
        starts_at="2026-03-10T09:00:00+00:00",
        unit_id="u",
    )


def file_keys(path: Path) -> list[str]:
    return [json.loads(line)["key"] for line in path.read_text().splitlines()]


def test_the_key_depends_on_activity_decision_and_version() -> None:
    assert message_key("a", "postpone", "v1") == message_key("a", "postpone", "v1")
    keys = {
        message_key(*parts)
        for parts in [
            ("a", "postpone", "v1"),
            ("a", "cancel", "v1"),
            ("a", "postpone", "v2"),
            ("b", "postpone", "v1"),
        ]
    }
    assert len(keys) == 4


def test_queueing_twice_never_duplicates(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        assert box.enqueue([message(1), message(2)], time.time()) == (2, 0)
        assert box.enqueue([message(1), message(2), message(2, "divert")], time.time()) == (1, 2)
        assert box.counts()["queued"] == 3


def test_no_contact_is_unreachable_and_listed_at_once(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1, channel="none"), message(2)], time.time())
        assert [row["activity_id"] for row in box.unreached(time.time() - 3600)] == ["a1"]


def test_every_message_is_written_once(tmp_path: Path) -> None:
    path = tmp_path / "messages.jsonl"
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(i) for i in range(10)], time.time())
        gateway = FileGateway(path)
        report = send_all(box, gateway, FAST)
        assert report.sent == 10 and box.counts()["sent"] == 10
        assert send_all(box, gateway, FAST).sent == 0
        gateway.close()
    assert sorted(file_keys(path)) == sorted(message(i).key for i in range(10))


def test_a_crash_between_lease_and_record_neither_loses_nor_repeats(tmp_path: Path) -> None:
    """A sender leased 4 messages, wrote 2 of them and died: the next one writes only the other 2."""
    path = tmp_path / "messages.jsonl"
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(i) for i in range(6)], time.time())
        leased = box.claim(4, "file", {"sms"}, 300, time.time())
        dead = FileGateway(path)
        for item in leased[:2]:
            dead.deliver(item)  # ...and the process died before mark_sent
        dead.close()
        assert len(box.in_doubt()) == 4
        gateway = FileGateway(path)
        report = send_all(box, gateway, FAST)
        gateway.close()
        assert (report.reconciled_taken, report.reconciled_requeued, report.sent) == (2, 2, 4)
        assert box.counts()["sent"] == 6 and not box.in_doubt()
    keys = file_keys(path)
    assert sorted(keys) == sorted(message(i).key for i in range(6)) and len(keys) == 6


def test_a_torn_last_line_is_cut_and_its_message_sent_again(tmp_path: Path) -> None:
    path = tmp_path / "messages.jsonl"
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1)], time.time())
        (leased,) = box.claim(1, "file", {"sms"}, 300, time.time())
        path.write_text('{"key": "' + leased.key + '", "text": "hal')  # died mid-write
        gateway = FileGateway(path)
        send_all(box, gateway, FAST)
        gateway.close()
    assert file_keys(path) == [leased.key]


class FlakyFileGateway(FileGateway):
    """The file gateway, refusing the first `failures` tries of each message as a busy server would."""

    def __init__(self, path: Path, failures: int) -> None:
        super().__init__(path)
        self.failures = failures
        self.tries: dict[str, list[float]] = {}

    def deliver(self, message: OutboxMessage) -> str:
        tries = self.tries.setdefault(message.key, [])
        tries.append(time.monotonic())
        if len(tries) <= self.failures:
            raise TransientFailure("busy")
        return super().deliver(message)


def test_transient_failures_are_retried_with_growing_delays(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1)], time.time())
        gateway = FlakyFileGateway(tmp_path / "m.jsonl", failures=3)
        report = send_all(box, gateway, SendSettings(rate=1000, backoff_seconds=0.05, max_attempts=6))
        gateway.close()
        (row,) = box.rows()
    (tries,) = gateway.tries.values()
    gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert (row["state"], row["attempts"], report.retried) == ("sent", 4, 3)
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2  # 0.05 x 2^(n-1)


def test_retries_stop_after_max_attempts(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(1)], time.time())
        gateway = FlakyFileGateway(tmp_path / "m.jsonl", failures=99)
        report = send_all(box, gateway, SendSettings(rate=1000, backoff_seconds=0.01, max_attempts=3))
        gateway.close()
        (row,) = box.rows()
    assert (row["state"], row["attempts"], report.failed) == ("failed", 3, 1)


def test_delivery_reports_move_states(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "o.sqlite") as box:
        box.enqueue([message(i) for i in range(3)], time.time())
        leased = box.claim(3, "kannel", {"sms"}, 300, time.time())
        box.mark_sent([(m.key, "ok") for m in leased], time.time())
        assert box.record_reports(
            [(leased[0].key, 8), (leased[0].key, 1), (leased[1].key, 16), ("f" * 32, 1)], time.time()
        ) == [True, True, True, False]
        states = {row["key"]: row["state"] for row in box.rows()}
        assert [states[m.key] for m in leased] == ["delivered", "undelivered", "sent"]
        assert box.awaiting_report("kannel") == 1
        unreached = {row["key"] for row in box.unreached(time.time() + 1)}
        assert unreached == {leased[1].key, leased[2].key}


@pytest.mark.parametrize("rate", [0, -1])
def test_a_rate_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="rate"):
        SendSettings(rate=rate)
