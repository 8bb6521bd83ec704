"""The delivery-report receiver for Kannel's dlr-url callbacks, on 127.0.0.1.

GET /dlr?key=<message key>&status=<Kannel dlr value>. Reports are written through the receiver's
one writer connection, several per transaction (group commit); a report is answered 200 only once
it is on disk, so Kannel retries any report a crash lost. A report for an unknown key is answered
404 and dropped. Nothing is logged. GET /health answers the outbox path and the process id;
GET /stop ends the receiver.

The receiver runs in its own process (`bascule notify reports`), started by the sender when none
listens on the port: a sender killed in the middle of a batch leaves it running, so the reports of
the messages Kannel took keep arriving and the restarted sender can settle its in-doubt messages
at once (see sender.py). It stops by itself once no message has awaited a report for a while.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bascule.notify.outbox import Outbox

_KEY = re.compile(r"^[0-9a-f]{32}$")


class _Handler(BaseHTTPRequestHandler):
    server: DeliveryReportServer

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/health":
            self._answer(200, f"{self.server.outbox.path.resolve()}\n{os.getpid()}".encode())
            return
        if url.path == "/stop":
            self._answer(200, b"stopping")
            self.server.stopping.set()
            return
        query = urllib.parse.parse_qs(url.query)
        key = (query.get("key") or [""])[0]
        status_text = (query.get("status") or [""])[0]
        if url.path != "/dlr" or not _KEY.match(key) or not status_text.isdigit():
            self._answer(400, b"bad report")
            return
        known = self.server.record(key, int(status_text))
        if known is None:
            self._answer(503, b"not stored")
            return
        self._answer(200 if known else 404, b"ok" if known else b"unknown key")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None  # the query holds message keys only, but access logs are not wanted here


class DeliveryReportServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Kannel sends reports in bursts; a short listen queue resets connections and sends them
    # to smsbox's slow retry queue.
    request_queue_size = 1024

    def __init__(self, outbox: Outbox, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.outbox = outbox
        self._thread: threading.Thread | None = None
        self._writer: threading.Thread | None = None
        self._waiting: queue.Queue[_Pending | None] = queue.Queue()
        self.stopping = threading.Event()
        self.last_report = time.monotonic()

    def record(self, key: str, status: int) -> bool | None:
        """Queue a report for the writer and wait until it is stored: known key, or None on failure."""
        self.last_report = time.monotonic()
        pending = _Pending(key, status)
        self._waiting.put(pending)
        if not pending.done.wait(timeout=30):
            return None
        return pending.known

    def _write_reports(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < 500:
                try:
                    following = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._waiting.put(None)
                    break
                batch.append(following)
            try:
                known = self.outbox.record_reports([(p.key, p.status) for p in batch], time.time())
            except Exception:
                known = [None] * len(batch)  # type: ignore[list-item]
            for pending, was_known in zip(batch, known, strict=True):
                pending.known = was_known
                pending.done.set()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dlr"

    def start(self) -> None:
        self._writer = threading.Thread(target=self._write_reports, name="dlr-writer", daemon=True)
        self._writer.start()
        self._thread = threading.Thread(target=self.serve_forever, name="dlr", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()
        self._waiting.put(None)
        if self._writer is not None:
            self._writer.join()


class _Pending:
    __slots__ = ("done", "key", "known", "status")

    def __init__(self, key: str, status: int) -> None:
        self.key = key
        self.status = status
        self.known: bool | None = None
        self.done = threading.Event()


def serve_until_idle(
    outbox: Outbox, port: int, gateway: str, idle_seconds: float, give_up_seconds: float = 6 * 3600
) -> None:
    """Receive reports until stopped; or until no message of `gateway` awaited one for `idle_seconds`;
    or until no report came for `give_up_seconds` (the gateway is gone: the call centre takes over)."""
    server = DeliveryReportServer(outbox, port)
    server.start()
    idle_since = time.monotonic()
    try:
        while not server.stopping.wait(0.5):
            now = time.monotonic()
            if outbox.awaiting_report(gateway):
                idle_since = now
            elif now - idle_since >= idle_seconds:
                break
            if now - server.last_report >= give_up_seconds:
                break
    finally:
        server.stop()
