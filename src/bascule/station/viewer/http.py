"""The little HTTP the viewer needs, on plain WSGI: a request, a response, cookies, and the
headers every answer carries (no cache of patient data, nothing loaded from elsewhere, no framing)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

MAX_FORM = 64 * 1024

SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)

REASONS = {
    200: "OK",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    421: "Misdirected Request",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    cookies: dict[str, str]
    headers: Mapping[str, str]
    address: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> Request:
        query = {
            k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
        }
        form: dict[str, str] = {}
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_FORM:
                raise ValueError("form too large")
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            form = {
                k: v[0]
                for k, v in parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True).items()
            }
        cookie = SimpleCookie()
        try:
            cookie.load(str(environ.get("HTTP_COOKIE", "")))
        except Exception:  # a malformed cookie header is no cookie
            cookie = SimpleCookie()
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        raw_path = str(environ.get("PATH_INFO", "/"))
        try:  # WSGI hands the path as latin-1 decoded bytes
            path = raw_path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = raw_path
        return cls(
            method,
            path,
            query,
            form,
            {k: morsel.value for k, morsel in cookie.items()},
            headers,
            str(environ.get("REMOTE_ADDR", "")),
        )

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def set_cookie(self, name: str, value: str, *, max_age: int | None = None) -> None:
        parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        self.headers.append(("Set-Cookie", "; ".join(parts)))

    def wsgi(self, start_response: Any, method: str) -> Iterable[bytes]:
        headers = [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))]
        headers.extend(SECURITY_HEADERS)
        headers.extend(self.headers)
        start_response(f"{self.status} {REASONS.get(self.status, '')}", headers)
        return [b""] if method == "HEAD" else [self.body]


def html(body: str, status: int = 200) -> Response:
    return Response(status, body.encode("utf-8"))


def as_json(data: Any, status: int = 200) -> Response:
    return Response(
        status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"
    )


def redirect(location: str) -> Response:
    return Response(302, b"", headers=[("Location", location)])
