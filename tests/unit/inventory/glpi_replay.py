"""A replay of GLPI 10.0's REST API over the recorded answers of tests/corpus/glpi/api: as an
httpx.MockTransport handler for unit tests, and as a real HTTP server on 127.0.0.1 (port 0).

It checks the tokens as GLPI does (user_token in Authorization at initSession, App-Token on every
call, Session-Token after), pages with `range` and Content-Range, and answers errors as GLPI does:
a JSON list ["ERROR_CODE", "message"].
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ANSWERS = Path(__file__).resolve().parents[2] / "corpus" / "glpi" / "api"
USER_TOKEN = "u7Bq2XkPz9LmWcV4sRt8"
APP_TOKEN = "a3Fh6JnYe1QoZxD5gKp0"
SESSION = "83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"
_RANGE = re.compile(r"^(\d+)-(\d+)$")


def recorded(itemtype: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((ANSWERS / f"{itemtype}.json").read_text(encoding="utf-8"))
    return rows


def _error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json=[code, message])


@dataclass
class GlpiReplay:
    """One GLPI. `answers` overrides what an itemtype answers (a callable gets the request);
    `calls` lists the paths and ranges asked, `killed` whether the session was closed."""

    app_token: str = APP_TOKEN
    answers: dict[str, Callable[[httpx.Request], httpx.Response]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    killed: bool = False
    expire_after: int | None = None  # the session ends after this many item pages

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not path.startswith("/apirest.php/"):
            return httpx.Response(404, text="<html><body>Not Found</body></html>")
        endpoint = path.removeprefix("/apirest.php/").strip("/")
        self.calls.append(f"{endpoint}?{request.url.params.get('range', '')}".rstrip("?"))
        if self.app_token and request.headers.get("App-Token") != self.app_token:
            if "App-Token" not in request.headers:
                return _error(400, "ERROR_APP_TOKEN_PARAMETERS_MISSING", "missing parameter app_token")
            return _error(400, "ERROR_WRONG_APP_TOKEN_PARAMETER", "parameter app_token seems wrong")
        if endpoint in self.answers:
            return self.answers[endpoint](request)
        if endpoint == "initSession":
            authorization = request.headers.get("Authorization", "")
            if not authorization:
                return _error(400, "ERROR_LOGIN_PARAMETERS_MISSING", "parameter(s) login, password missing")
            if authorization != f"user_token {USER_TOKEN}":
                return _error(401, "ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid")
            return httpx.Response(200, json={"session_token": SESSION})
        if request.headers.get("Session-Token") != SESSION:
            return _error(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")
        if endpoint == "killSession":
            self.killed = True
            return httpx.Response(200, json=True)
        if self.expire_after is not None:
            if self.expire_after == 0:
                return _error(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")
            self.expire_after -= 1
        if not (ANSWERS / f"{endpoint}.json").exists():
            return _error(
                400,
                "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                "resource not found or not an instance of CommonDBTM",
            )
        return self.page(recorded(endpoint), request)

    @staticmethod
    def page(rows: list[dict[str, Any]], request: httpx.Request) -> httpx.Response:
        """GLPI's paging: `range=START-END` inclusive (default 0-49), Content-Range START-END/TOTAL,
        206 when more rows remain, 400 ERROR_RANGE_EXCEED_TOTAL past the end."""
        found = _RANGE.match(request.url.params.get("range", "0-49"))
        if found is None:
            return _error(400, "ERROR_RANGE_EXCEED_TOTAL", "range is not valid")
        start, end = int(found.group(1)), int(found.group(2))
        if rows and start >= len(rows):
            return _error(400, "ERROR_RANGE_EXCEED_TOTAL", "Provided range exceed total count of data")
        chunk = rows[start : end + 1]
        last = start + len(chunk) - 1
        status = 206 if last < len(rows) - 1 else 200
        return httpx.Response(status, json=chunk, headers={"Content-Range": f"{start}-{last}/{len(rows)}"})


@contextmanager
def served(replay: GlpiReplay) -> Iterator[str]:
    """`replay` served over real HTTP on 127.0.0.1 (a port the system picks); yields its apirest.php URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            request = httpx.Request("GET", f"http://127.0.0.1{self.path}", headers=dict(self.headers.items()))
            answer = replay(request)
            body = answer.read()
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/apirest.php"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
