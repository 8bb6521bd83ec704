"""Outbox rows for gateway tests: one message per fictional patient, numbers from reserved ranges."""

from __future__ import annotations

import time
from pathlib import Path

from bascule.notify.outbox import NewMessage, Outbox, message_key


def french_mobile(index: int) -> str:
    """+33 6 39 98 xx xx: ARCEP's range for fiction (10,000 numbers)."""
    return f"+3363998{index:04d}"


def fill(
    outbox_path: Path, count: int, channel: str = "sms", text: str = "Rendez-vous reporté n°{i}."
) -> list[NewMessage]:
    messages = [
        NewMessage(
            key=message_key(f"act-{i}", "postpone", "v1"),
            activity_id=f"act-{i}",
            patient_id=f"pat-{i}",
            decision="postpone",
            channel=channel,
            address=french_mobile(i) if channel == "sms" else f"patient{i}@example.org",
            contact_phone=french_mobile(i) if channel == "sms" else None,
            problem=None,
            subject=f"Rendez-vous {i}",
            body=text.format(i=i),
            lang="fr",
            starts_at="2026-03-10T09:00:00+00:00",
            unit_id="consultations-externes",
        )
        for i in range(count)
    ]
    with Outbox.open(outbox_path) as outbox:
        outbox.enqueue(messages, time.time())
    return messages
