"""A NetBox stand-in: serves recorded list answers of NetBox's REST API on 127.0.0.1 (port 0).

It does what pynetbox relies on: `Authorization: Token ...` checked (a wrong token gets NetBox's
403 {"detail": "Invalid token"}), list endpoints /api/<app>/<endpoint>/ paged by limit/offset with
`count`, `next` and `previous` (limit 0 or above `max_page_size` gives `max_page_size`, as NetBox's
MAX_PAGE_SIZE), 404 for anything else. `failure` switches every answer to a failure: "unauthorized"
(401), "forbidden" (403, no permission), "rate-limited" (429), "server-error" (500), "garbage" (200, an HTML page),
"wrong-json" (200, JSON that is not a list answer), "json-list" (200, a JSON list of numbers).

Answers are `{"dcim/devices": [record, ...], ...}`; tests/corpus/netbox/<app>.<endpoint>.json
holds the recorded ones (NetBox 4.1 serializers), `load_recorded()` reads them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "netbox"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
FAILURES = ("unauthorized", "forbidden", "rate-limited", "server-error", "garbage", "wrong-json", "json-list")


def load_recorded() -> dict[str, list[dict[str, Any]]]:
    """The recorded answers, keyed "app/endpoint" (file dcim.devices.json -> "dcim/devices")."""
    return {
        path.stem.replace(".", "/"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CORPUS.glob("*.json"))
    }


@dataclass
class NetboxReplay:
    answers: Mapping[str, Sequence[Mapping[str, Any]]]
    token: str = TOKEN
    max_page_size: int = 1000
    failure: str | None = None
    requests: list[str] = field(default_factory=list)
    headers_seen: list[str] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str, query: str, authorization: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of `path`?`query`."""
        self.requests.append(f"{path}?{query}" if query else path)
        self.headers_seen.append(authorization)
        if self.failure == "unauthorized":
            return _json(401, {"detail": "Authentication credentials were not provided."})
        if authorization != f"Token {self.token}":
            return _json(403, {"detail": "Invalid token"})
        if self.failure == "forbidden":
            return _json(403, {"detail": "You do not have permission to perform this action."})
        if self.failure == "rate-limited":
            return _json(429, {"detail": "Request was throttled."})
        if self.failure == "server-error":
            return 500, "text/html", b"<h1>Server Error (500)</h1>"
        if self.failure == "garbage":
            return 200, "text/html", b"<html><body>Welcome to nginx!</body></html>"
        if self.failure == "wrong-json":
            return _json(200, {"status": "ok"})
        if self.failure == "json-list":
            return _json(200, [1, 2, 3])
        key = path.removeprefix("/api/").strip("/")
        if not path.startswith("/api/") or key not in self.answers:
            return _json(404, {"detail": "Not found."})
        records = self.answers[key]
        params = parse_qs(query)
        limit = int(params.get("limit", ["0"])[0]) or self.max_page_size
        limit = min(limit, self.max_page_size)
        offset = int(params.get("offset", ["0"])[0])
        page = list(records[offset : offset + limit])
        base = f"{self.url}{path}"
        after = offset + limit
        return _json(
            200,
            {
                "count": len(records),
                "next": f"{base}?{urlencode({'limit': limit, 'offset': after})}"
                if after < len(records)
                else None,
                "previous": f"{base}?{urlencode({'limit': limit, 'offset': max(offset - limit, 0)})}"
                if offset
                else None,
                "results": page,
            },
        )


def _json(status: int, body: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(body).encode()


@contextmanager
def serving(replay: NetboxReplay) -> Iterator[NetboxReplay]:
    """Serve `replay` on 127.0.0.1 (a free port); `replay.url` is NetBox's root while inside."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, content_type, body = replay.answer(
                parts.path, parts.query, self.headers.get("Authorization", "")
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("API-Version", "4.1")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
