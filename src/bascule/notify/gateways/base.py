"""The message gateway port: what the sender needs from Kannel, an SMTP server or a file.

Contract:
- `deliver(message)` hands ONE message over and returns the gateway's reference once the gateway
  has taken it. It raises `TransientFailure` when trying again later may work (connection
  refused, server busy), `PermanentFailure` when this message can never go through this gateway
  (bad address), `GatewayRefused` when no message can (wrong password): the sender stops.
- `reconcile(messages, outbox, deadline)` is called at start for messages a stopped sender had
  leased (it may or may not have handed them over). It returns the keys the gateway is known to
  have taken; the others are queued again. Waiting up to `deadline` (time.monotonic) is allowed.
  A gateway that cannot know (SMTP) returns none: the message goes again with the same key, so
  a repeat can be recognised (at least once there); Kannel and the file gateway know (exactly once).
- The message key travels with the message (Kannel's dlr-url, the e-mail's Message-ID, the
  file's line) so that a receiver can tell a repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bascule.notify.outbox import Outbox, OutboxMessage


class TransientFailure(Exception):
    """The gateway did not take the message this time; try again later."""


class PermanentFailure(Exception):
    """This message can never go through this gateway."""


class GatewayRefused(Exception):
    """The gateway refuses every message (credentials, configuration): stop and tell the user."""


class Gateway(Protocol):
    name: str
    channels: frozenset[str]
    concurrency: int  # how many `deliver` calls may run at once (1: not thread-safe)
    delivery_reports: bool  # whether delivery reports come back (to the outbox) for its messages

    def deliver(self, message: OutboxMessage) -> str: ...

    def reconcile(self, messages: Sequence[OutboxMessage], outbox: Outbox, deadline: float) -> set[str]: ...

    def close(self) -> None: ...
