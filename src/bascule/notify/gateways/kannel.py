"""Kannel's HTTP `sendsms` interface (smsbox), with delivery reports on a per-message dlr-url.

Each message asks for every delivery report (dlr-mask 31) at a URL that carries its key, served
on 127.0.0.1 by the report receiver (dlr.py), a process of its own that the sender starts and
that a killed sender leaves running. Kannel's bearerbox reports "taken by the SMSC" (8) as soon
as the SMSC acknowledges the message; smsbox retries a report it could not hand over
(`http-request-retry`, one retry per `http-queue-delay`), which covers a receiver that died too.

That makes a crash safe: a message leased by a sender that died is in doubt. If Kannel took it,
its report reaches the outbox (at once through the surviving receiver, or through smsbox's
retries once a receiver listens again on the same port) and the message is marked sent; if no
report came when the reconcile window closes, Kannel never had it, and it is sent again. The
window must exceed the time Kannel takes to hand a message to the SMSC (plus smsbox's retry
backlog when the receiver died as well); the retry span must exceed the time nothing listens.
smsbox answers a request that asks for reports in ~15 ms, so several run at once (`connections`).
"""

from __future__ import annotations

import http.client
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bascule.notify.gateways.base import GatewayRefused, PermanentFailure, TransientFailure

if TYPE_CHECKING:
    from bascule.notify.outbox import Outbox, OutboxMessage

DLR_MASK_ALL = 31
# GSM 03.38 basic alphabet: a text made only of these travels as 7-bit, else as UCS-2.
_GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@dataclass(frozen=True, slots=True)
class KannelSettings:
    host: str
    port: int
    username: str
    password: str
    dlr_base_url: str  # e.g. http://127.0.0.1:13099/dlr
    sender: str = ""
    timeout: float = 10.0
    # smsbox answers a request that asks for delivery reports in ~15 ms: keep several in flight.
    connections: int = 8


class KannelGateway:
    name = "kannel"
    delivery_reports = True
    channels = frozenset({"sms"})

    def __init__(self, settings: KannelSettings) -> None:
        self.settings = settings
        self.concurrency = max(1, settings.connections)

    def _query(self, message: OutboxMessage) -> str:
        text = message.body
        dlr_url = f"{self.settings.dlr_base_url}?key={message.key}&status=%d"
        parameters = {
            "username": self.settings.username,
            "password": self.settings.password,
            "to": message.address or "",
            "text": text,
            "charset": "UTF-8",
            "coding": "0" if set(text) <= _GSM7 else "2",
            "dlr-mask": str(DLR_MASK_ALL),
            "dlr-url": dlr_url,
        }
        if self.settings.sender:
            parameters["from"] = self.settings.sender
        return "/cgi-bin/sendsms?" + urllib.parse.urlencode(parameters)

    def deliver(self, message: OutboxMessage) -> str:
        # One connection per message: smsbox answers kept-alive connections far more slowly.
        connection = http.client.HTTPConnection(
            self.settings.host, self.settings.port, timeout=self.settings.timeout
        )
        try:
            connection.request("GET", self._query(message))
            response = connection.getresponse()
            reply = response.read().decode("utf-8", "replace").strip()
        except (OSError, http.client.HTTPException) as error:
            raise TransientFailure(f"Kannel did not answer ({type(error).__name__})") from None
        finally:
            connection.close()
        if response.status in (200, 202):
            return reply
        if response.status == 403:
            raise GatewayRefused(f"Kannel refused the credentials ({reply})")
        if response.status >= 500 or response.status == 429:
            raise TransientFailure(f"Kannel is busy ({response.status} {reply})")
        raise PermanentFailure(f"Kannel refused the message ({response.status} {reply})")

    def reconcile(self, messages: Sequence[OutboxMessage], outbox: Outbox, deadline: float) -> set[str]:
        """Wait for the delivery reports of in-doubt messages until all came or the window closes."""
        keys = {m.key for m in messages}
        taken: set[str] = set()
        while True:
            taken |= outbox.reported(keys - taken)
            if taken == keys or time.monotonic() >= deadline:
                return taken
            time.sleep(0.2)

    def close(self) -> None:
        return None
