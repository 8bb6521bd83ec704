"""Sessions expire, cookies are guarded, passwords use argon2 and the secret key is never in the repo."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import TestCase
from django.urls import reverse

from bascule.crisis.models import Account
from bascule.crisis.roles import Role
from bascule.crisis.secrets import database_settings, load_or_create_secret_key
from bascule.errors import UserError


class SessionTest(TestCase):
    def test_idle_session_is_logged_out(self) -> None:
        self.client.force_login(Account.objects.create(username="obs", role=Role.OBSERVER))
        assert self.client.get(reverse("crisis:home")).status_code == 200
        session = self.client.session
        session["crisis_seen"] = time.time() - settings.SESSION_IDLE_SECONDS - 1
        session.save()
        response = self.client.get(reverse("crisis:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("crisis:login"))

    def test_session_and_csrf_settings(self) -> None:
        assert settings.SESSION_COOKIE_AGE == 12 * 3600 and not settings.SESSION_SAVE_EVERY_REQUEST
        assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Strict"
        assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
        assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE

    def test_pages_carry_a_content_security_policy(self) -> None:
        response = self.client.get(reverse("crisis:login"))
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"

    def test_csrf_is_enforced(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(Account.objects.create(username="dir", role=Role.DIRECTOR))
        assert client.post(reverse("crisis:open_incident"), {"title": "x", "demo": "1"}).status_code == 403

    def test_passwords_are_hashed_with_argon2(self) -> None:
        account = Account(username="adm", role=Role.ADMIN)
        account.set_password("Un-mot-de-passe-solide-1")
        assert identify_hasher(account.password).algorithm == "argon2"


def test_secret_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = load_or_create_secret_key(tmp_path / "data")
    assert load_or_create_secret_key(tmp_path / "data") == first
    assert stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode) == 0o600
    assert len(first) >= 50


def test_a_truncated_secret_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(UserError, match="too short"):
        load_or_create_secret_key(tmp_path)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"ENGINE": "django.db.backends.sqlite3", "NAME": "/d/crisis.sqlite3"}),
        ({"BASCULE_CRISIS_DB": "/x/y.db"}, {"ENGINE": "django.db.backends.sqlite3", "NAME": "/x/y.db"}),
        (
            {"DATABASE_URL": "postgresql://cell:s%40cret@db.local:5433/crisis"},
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "crisis",
                "USER": "cell",
                "PASSWORD": "s@cret",
                "HOST": "db.local",
                "PORT": "5433",
            },
        ),
    ],
)
def test_database_settings(environ: dict[str, str], expected: dict[str, str]) -> None:
    result = database_settings(environ, Path("/d"))
    assert {k: result[k] for k in expected} == expected


def test_sqlite_runs_in_wal_mode() -> None:
    assert "journal_mode=WAL" in database_settings({}, Path("/d"))["OPTIONS"]["init_command"]


def test_unknown_database_scheme_is_one_sentence() -> None:
    with pytest.raises(UserError, match="postgresql://"):
        database_settings({"DATABASE_URL": "mysql://x/y"}, Path("/d"))


class PollingSessionTest(TestCase):
    def test_polls_are_not_activity_and_a_signed_out_poll_redirects_the_screen(self) -> None:
        self.client.force_login(Account.objects.create(username="obs2", role=Role.OBSERVER))
        self.client.get(reverse("crisis:home"))
        session = self.client.session
        session["crisis_seen"] = time.time() - 60
        session.save()
        self.client.get(reverse("crisis:home"), {"live": "1", "since": "x"})
        assert self.client.session["crisis_seen"] == session["crisis_seen"]
        session = self.client.session
        session["crisis_seen"] = time.time() - settings.SESSION_IDLE_SECONDS - 1
        session.save()
        response = self.client.get(
            "/incidents/1/", {"live": "1", "since": "x"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert response["HX-Redirect"].startswith(reverse("crisis:login"))

    def test_unknown_host_names_are_refused(self) -> None:
        assert self.client.get(reverse("crisis:login"), headers={"Host": "evil.example"}).status_code == 400


class AbsoluteSessionTest(TestCase):
    def test_a_busy_session_still_ends_after_twelve_hours(self) -> None:
        self.client.force_login(Account.objects.create(username="dir3", role=Role.DIRECTOR))
        assert self.client.get(reverse("crisis:home")).status_code == 200
        session = self.client.session
        session["crisis_started"] = time.time() - 12 * 3600 - 1
        session["crisis_seen"] = time.time()
        session.save()
        response = self.client.get(reverse("crisis:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("crisis:login"))
