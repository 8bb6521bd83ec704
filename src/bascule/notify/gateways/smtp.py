"""E-mail through an SMTP server (smtplib), for patients with no mobile number.

The message's key is its Message-ID, so a message sent again after a crash can be recognised
as the same one by any mail client. SMTP cannot say whether a message was taken before a crash:
in-doubt messages are sent again (at least once, with the same Message-ID).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING

from bascule.notify.gateways.base import GatewayRefused, PermanentFailure, TransientFailure

if TYPE_CHECKING:
    from bascule.notify.outbox import Outbox, OutboxMessage


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0


class SmtpGateway:
    name = "smtp"
    concurrency = 1
    delivery_reports = False
    channels = frozenset({"email"})

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._client is None:
            settings = self.settings
            try:
                client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
                if settings.starttls:
                    client.starttls(context=ssl.create_default_context())
                if settings.username:
                    client.login(settings.username, settings.password)
            except smtplib.SMTPAuthenticationError as error:
                raise GatewayRefused(f"the SMTP server refused the login ({error.smtp_code})") from None
            except (OSError, smtplib.SMTPException) as error:
                raise TransientFailure(f"the SMTP server did not answer ({type(error).__name__})") from None
            self._client = client
        return self._client

    def deliver(self, message: OutboxMessage) -> str:
        email = EmailMessage()
        email["From"] = self.settings.sender
        email["To"] = message.address or ""
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        message_id = f"<{message.key}@bascule.invalid>"
        email["Message-ID"] = message_id
        email.set_content(message.body)
        client = self._connect()
        try:
            client.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("the SMTP server refused the recipient") from None
        except smtplib.SMTPResponseException as error:
            self._drop()
            if 400 <= error.smtp_code < 500:
                raise TransientFailure(f"the SMTP server deferred the message ({error.smtp_code})") from None
            raise PermanentFailure(f"the SMTP server refused the message ({error.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise TransientFailure(f"the SMTP connection failed ({type(error).__name__})") from None
        return message_id

    def _drop(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            finally:
                self._client = None

    def reconcile(self, messages: Sequence[OutboxMessage], outbox: Outbox, deadline: float) -> set[str]:
        return set()

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._client.quit()
            self._client = None
