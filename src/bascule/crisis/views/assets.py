"""The vendored static files (htmx, the style sheet), served from memory without a login: the
login page needs them, and a laptop cut off from everything has no CDN."""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@cache
def _load(name: str) -> tuple[bytes, str, str]:
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR not in path.parents or not path.is_file():
        raise Http404("no such asset")
    body = path.read_bytes()
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return body, content_type, hashlib.sha256(body).hexdigest()[:16]


@login_not_required
def asset(request: HttpRequest, path: str) -> HttpResponse:
    body, content_type, digest = _load(path)
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    return HttpResponse(
        body, content_type=content_type, headers={"ETag": etag, "Cache-Control": "max-age=3600"}
    )
