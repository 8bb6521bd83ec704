"""The delivery-report endpoint the sender runs on 127.0.0.1 for Kannel's dlr-url callbacks.

GET /dlr?key=<message key>&status=<Kannel dlr value>. Reports are written through the outbox's
one writer; a report for an unknown key is answered 404 and dropped. Nothing is logged.
"""

from __future__ import annotations

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
        query = urllib.parse.parse_qs(url.query)
        key = (query.get("key") or [""])[0]
        status_text = (query.get("status") or [""])[0]
        if url.path != "/dlr" or not _KEY.match(key) or not status_text.isdigit():
            self._answer(400, b"bad report")
            return
        known = self.server.outbox.record_report(key, int(status_text), time.time())
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

    def __init__(self, outbox: Outbox, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.outbox = outbox
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dlr"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="dlr", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()
