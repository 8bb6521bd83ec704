"""Idle session expiry, a provisional password that must be changed, and the reader's language."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

_SEEN = "crisis_seen"
_STARTED = "crisis_started"
_SEEN_REFRESH = 300  # write the session at most every 5 minutes, so polling stays cheap


class SessionExpiryMiddleware:
    """Log out a session idle for SESSION_IDLE_SECONDS; the session's age bounds it absolutely.

    A screen's automatic polls are not activity: a board left open on an unattended laptop is
    signed out after the idle time like any other page. When a poll finds itself signed out, the
    whole screen goes to the login page (HX-Redirect) instead of showing it inside the board.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        polling = request.GET.get("live") == "1"
        if request.user.is_authenticated:
            now = time.time()
            seen = float(request.session.get(_SEEN, now))
            started = float(request.session.setdefault(_STARTED, now))
            # Saving the session pushes its stored expiry back: the absolute limit is checked here.
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif not polling and (now - seen > _SEEN_REFRESH or _SEEN not in request.session):
                request.session[_SEEN] = now
        response = self.get_response(request)
        if request.headers.get("HX-Request") and response.status_code == 302:
            login = resolve_url(settings.LOGIN_URL)
            if response["Location"].startswith(login):
                return HttpResponse(status=200, headers={"HX-Redirect": f"{login}?next={request.path}"})
        return response


class PasswordChangeRequired:
    """An account whose password someone else knows (`must_change_password`: the demo's, printed on
    a terminal) reaches nothing but the password change page, sign-out and the language switch
    until its holder has chosen their own; a screen's poll is sent there whole (HX-Redirect)."""

    _ALLOWED = ("crisis:change_password", "crisis:logout", "crisis:language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        held = user.is_authenticated and getattr(user, "must_change_password", False)
        if held and request.path not in {reverse(name) for name in self._ALLOWED}:
            target = reverse("crisis:change_password")
            if request.headers.get("HX-Request"):
                return HttpResponse(status=200, headers={"HX-Redirect": target})
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class LanguageMiddleware:
    """The account's language, else the session's, else the one given at start (the hospital's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = getattr(request.user, "lang", "") or request.session.get("lang", "") or settings.LANGUAGE_CODE
        request.crisis_lang = lang if lang in ("fr", "en") else "fr"
        return self.get_response(request)


# Everything is served from here (no CDN); scripts only from files, never inline or eval'd.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RefuseNulCharactersMiddleware:
    """A query or form value holding a NUL character is no one's typing; PostgreSQL cannot store it
    and would answer an error: such a request is refused at once, in one sentence (400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for values in (request.GET, request.POST):
            if any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values):
                from django.shortcuts import render

                from bascule.i18n import t

                message = t("crisis.bad_request", getattr(request, "crisis_lang", "fr"))
                return render(request, "crisis/refused.html", {"message": message, "back": "/"}, status=400)
        return self.get_response(request)
