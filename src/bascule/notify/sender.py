"""Handing the outbox to a gateway at a set rate, with retries, without losing or repeating a message.

The crash rules (kill -9 at any instant):
1. A message is leased (state `sending`, committed with a full sync) BEFORE the gateway is called,
   and marked `sent` after. So a crash leaves it queued (never handed: it goes later), sent
   (done), or leased: in doubt.
2. At start, before anything new is sent, in-doubt messages are reconciled with the gateway
   (`Gateway.reconcile`): Kannel's delivery reports carrying the message key (received by a
   report process that outlives the sender, see dlr.py), or the file gateway's own file, say
   which ones it took; those are marked sent, the others are queued again. Only then does
   sending resume. So a message the gateway took is never sent twice, and one it never took is
   never lost. SMTP cannot tell: in-doubt e-mails go again with the same Message-ID (at least
   once, recognisable as a repeat).
3. A transient failure puts the message back with an exponential backoff (base x 2^(tries-1),
   capped); after `max_attempts` tries it is `failed` and listed for the call centre.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from bascule.notify.gateways.base import Gateway, GatewayRefused, PermanentFailure, TransientFailure
from bascule.notify.outbox import ExerciseOnlyToFile, Outbox, OutboxMessage


@dataclass(frozen=True, slots=True)
class SendSettings:
    rate: float = 50.0  # messages per second handed to the gateway
    batch: int = 50
    lease_seconds: float = 300.0
    max_attempts: int = 6
    backoff_seconds: float = 2.0
    backoff_cap_seconds: float = 600.0
    reconcile_seconds: float = 15.0
    report_wait_seconds: float = 0.0  # after the last message, how long at most to wait for reports

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("the rate must be positive")
        if self.batch < 1 or self.max_attempts < 1:
            raise ValueError("batch and max_attempts are at least 1")

    def backoff(self, attempts: int) -> float:
        return float(min(self.backoff_cap_seconds, self.backoff_seconds * 2 ** max(0, attempts - 1)))


@dataclass(slots=True)
class SendReport:
    reconciled_taken: int = 0
    reconciled_requeued: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    elapsed_seconds: float = 0.0
    sending_seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Messages handed over per second while sending (reconciling and waiting for reports apart)."""
        return self.sent / self.sending_seconds if self.sending_seconds > 0 else 0.0


class GatewayStopped(Exception):
    """The gateway refused every message; the reason is a sentence without patient data."""


def reconcile(outbox: Outbox, gateway: Gateway, settings: SendSettings, report: SendReport) -> None:
    doubtful = outbox.in_doubt()
    if not doubtful:
        return
    mine = [m for m in doubtful if m.gateway in (None, gateway.name)]
    taken = gateway.reconcile(mine, outbox, time.monotonic() + settings.reconcile_seconds)
    outbox.mark_sent([(key, "reconciled") for key in taken], time.time())
    outbox.release(m.key for m in mine if m.key not in taken)
    report.reconciled_taken += len(taken)
    report.reconciled_requeued += len(mine) - len(taken)


def send_all(
    outbox: Outbox,
    gateway: Gateway,
    settings: SendSettings,
    progress: Callable[[int], None] | None = None,
) -> SendReport:
    """Reconcile, then send every due message of the gateway's channels; returns what happened.
    An exercise's outbox is handed to the file gateway only: no real message leaves in an exercise."""
    exercise = outbox.exercise_incident()
    if exercise is not None and gateway.name != "file":
        raise GatewayStopped(str(ExerciseOnlyToFile(exercise, gateway.name)))
    report = SendReport()
    started = time.monotonic()
    reconcile(outbox, gateway, settings, report)
    interval = 1.0 / settings.rate
    next_slot = sending_started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, gateway.concurrency), thread_name_prefix="deliver") as pool:
        _send_batches(outbox, gateway, settings, report, pool, interval, next_slot, progress)
    report.sending_seconds = time.monotonic() - sending_started
    if settings.report_wait_seconds > 0 and gateway.delivery_reports:
        deadline = time.monotonic() + settings.report_wait_seconds
        while outbox.awaiting_report(gateway.name) and time.monotonic() < deadline:
            time.sleep(0.2)
    report.elapsed_seconds = time.monotonic() - started
    return report


def _send_batches(
    outbox: Outbox,
    gateway: Gateway,
    settings: SendSettings,
    report: SendReport,
    pool: ThreadPoolExecutor,
    interval: float,
    next_slot: float,
    progress: Callable[[int], None] | None,
) -> None:
    while True:
        try:
            batch = outbox.claim(
                settings.batch, gateway.name, gateway.channels, settings.lease_seconds, time.time()
            )
        except ExerciseOnlyToFile as exercise:  # an exercise was queued into it while sending
            raise GatewayStopped(str(exercise)) from None
        if not batch:
            waiting, due = outbox.pending(gateway.channels)
            if waiting == 0 or due is None:
                break
            time.sleep(max(0.05, min(due - time.time(), settings.backoff_cap_seconds)))
            continue
        taken: list[tuple[str, str]] = []
        refused: GatewayRefused | None = None
        # The batch is leased: its messages are handed over concurrently (up to the gateway's
        # `concurrency`), each at its rate slot; the outcomes are recorded once all have come back.
        futures: list[tuple[OutboxMessage, Future[str]]] = []
        for message in batch:
            pause = next_slot - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            next_slot = max(next_slot + interval, time.monotonic() - interval)
            futures.append((message, pool.submit(gateway.deliver, message)))
        for message, future in futures:
            try:
                taken.append((message.key, future.result()))
            except TransientFailure as error:
                _count(report, str(error))
                if message.attempts >= settings.max_attempts:
                    outbox.mark_failed(message.key, str(error))
                    report.failed += 1
                else:
                    outbox.mark_retry(
                        message.key, str(error), time.time() + settings.backoff(message.attempts)
                    )
                    report.retried += 1
            except PermanentFailure as error:
                _count(report, str(error))
                outbox.mark_failed(message.key, str(error))
                report.failed += 1
            except GatewayRefused as error:
                refused = error
        if refused is not None:
            outbox.mark_sent(taken, time.time())
            # What the gateway refused was never handed over: back in the queue, no try counted.
            outbox.release(m.key for m in batch if m.key not in {key for key, _ in taken})
            raise GatewayStopped(str(refused))
        outbox.mark_sent(taken, time.time())
        report.sent += len(taken)
        if progress is not None:
            progress(len(batch))


def _count(report: SendReport, error: str) -> None:
    report.errors[error] = report.errors.get(error, 0) + 1
