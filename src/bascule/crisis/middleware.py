"""Idle session expiry and the reader's language."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_SEEN = "crisis_seen"
_SEEN_REFRESH = 300  # write the session at most every 5 minutes, so polling stays cheap


class SessionExpiryMiddleware:
    """Log out a session idle for SESSION_IDLE_SECONDS; the cookie's age bounds it absolutely.

    Polling counts as activity only when the screen is visible (htmx stops polling hidden tabs
    is not guaranteed, so the absolute limit still applies).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            seen = float(request.session.get(_SEEN, now))
            if now - seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif now - seen > _SEEN_REFRESH or _SEEN not in request.session:
                request.session[_SEEN] = now
        return self.get_response(request)


class LanguageMiddleware:
    """The account's language, else the session's, else the one given at start (the hospital's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = getattr(request.user, "lang", "") or request.session.get("lang", "") or settings.LANGUAGE_CODE
        request.crisis_lang = lang if lang in ("fr", "en") else "fr"
        return self.get_response(request)
