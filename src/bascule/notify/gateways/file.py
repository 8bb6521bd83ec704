"""The file gateway (demo, drills): one JSON line per message, appended atomically.

Each line is written with a single O_APPEND write and fsynced, so a line is either whole or,
after a crash in the middle of the write, a torn tail without its newline, which is cut off when
the gateway opens the file again. Reconciling is exact: a key is taken if its line is in the file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bascule.notify.outbox import Outbox, OutboxMessage


class FileGateway:
    name = "file"
    concurrency = 1
    delivery_reports = False
    channels = frozenset({"sms", "email"})

    def __init__(self, path: Path, *, sync: bool = True) -> None:
        # Without `sync` a killed process still leaves every written line (the OS holds it); only a
        # power cut could lose the last ones. The demo writes that way, for speed.
        self.path = path
        self.sync = sync
        self._cut_torn_tail()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def _cut_torn_tail(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb+") as file:
            data = file.read()
            if data and not data.endswith(b"\n"):
                file.truncate(data.rfind(b"\n") + 1)
                file.flush()
                os.fsync(file.fileno())

    def deliver(self, message: OutboxMessage) -> str:
        line = {
            "key": message.key,
            "channel": message.channel,
            "to": message.address,
            "subject": message.subject if message.channel == "email" else None,
            "text": message.body,
            "at": time.time(),
        }
        os.write(self._fd, (json.dumps(line, ensure_ascii=False) + "\n").encode())
        if self.sync:
            os.fsync(self._fd)
        return message.key

    def keys_written(self) -> set[str]:
        if not self.path.exists():
            return set()
        keys = set()
        with self.path.open(encoding="utf-8") as file:
            for line in file:
                if line.endswith("\n"):
                    keys.add(json.loads(line)["key"])
        return keys

    def reconcile(self, messages: Sequence[OutboxMessage], outbox: Outbox, deadline: float) -> set[str]:
        written = self.keys_written()
        return {m.key for m in messages if m.key in written}

    def close(self) -> None:
        os.close(self._fd)
