"""Static files: served without a login, with cache headers, from a list made once (an attacker's
path variants grow nothing and `..` reaches nothing). TLS: HSTS and secure cookies when it is on,
forwarded headers believed only from the configured proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.test import Client, RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware

from bascule.crisis.models import Account, JournalRecord
from bascule.crisis.roles import Role
from bascule.crisis.tls import TlsSettings
from bascule.errors import UserError

HTMX = "/static/crisis/htmx.min.js"
VARIANTS = (
    ["/static/crisis/" + "./" * n + "htmx.min.js" for n in range(1, 400)]
    + ["/static/crisis/" + "x/../" * n + "htmx.min.js" for n in range(1, 400)]
    + [f"/static/crisis/htmx.min.js/{n}" for n in range(400)]
    + [
        "/static/../settings.py",
        "/static/crisis/../../settings.py",
        "/static/crisis/%2e%2e/%2e%2e/settings.py",
        "/static/crisis/..%2f..%2fsettings.py",
        "/static//etc/passwd",
        "/static/crisis/../templates/crisis/base.html",
    ]
)


class StaticFilesTest(SimpleTestCase):
    def test_a_static_file_is_served_without_login_with_cache_headers(self) -> None:
        client = Client()
        response = client.get(HTMX)
        assert response.status_code == 200
        # Read to the end, the test client's wrapper closes the file.
        assert b"htmx" in b"".join(response.streaming_content)
        assert response["Cache-Control"] == "max-age=3600, public"
        assert "Access-Control-Allow-Origin" not in response
        assert response["X-Content-Type-Options"] == "nosniff"
        again = client.get(HTMX, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and b"".join(again.streaming_content) == b""

    def test_path_variants_grow_nothing_and_reach_nothing(self) -> None:
        def not_found(request: HttpRequest) -> HttpResponse:
            return HttpResponseNotFound()

        static = WhiteNoiseMiddleware(not_found)
        listed = dict(static.files)
        factory = RequestFactory()
        for path in VARIANTS:
            assert static(factory.get(path)).status_code == 404, path
        assert static.files == listed and HTMX in listed

    def test_traversal_through_the_whole_application_finds_nothing(self) -> None:
        client = Client()
        for path in VARIANTS[-6:]:
            response = client.get(path)
            assert response.status_code in (302, 404), (path, response.status_code)
            assert b"SECRET_KEY" not in response.content


PROXY = "127.0.0.1"
TLS_ON = {
    "TLS": TlsSettings(True, TlsSettings.from_environment({"BASCULE_CRISIS_TLS": "1"}).trusted_proxies),
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@override_settings(**TLS_ON)
class TlsTest(TestCase):
    def test_over_https_through_the_proxy_pages_carry_hsts_and_secure_cookies(self) -> None:
        response = Client().get(reverse("crisis:login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response.cookies["csrftoken"]["secure"]

    def test_a_client_claiming_https_itself_is_not_believed(self) -> None:
        response = Client().get(
            reverse("crisis:login"), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https"
        )
        assert response.status_code == 301 and response["Location"].startswith("https://")
        assert "Strict-Transport-Security" not in response

    def test_the_address_counted_and_journaled_is_the_one_the_proxy_saw(self) -> None:
        account = Account(username="it1", role=Role.IT)
        account.set_password("Un-mot-de-passe-solide-1")
        account.save()
        login = reverse("crisis:login")
        through_proxy = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https"}
        Client().post(
            login, {"username": "it1", "password": "x"}, HTTP_X_FORWARDED_FOR="10.7.7.7", **through_proxy
        )
        # A forged header added by the client before the proxy's own is ignored.
        Client().post(
            login,
            {"username": "it1", "password": "x"},
            HTTP_X_FORWARDED_FOR="1.2.3.4, 10.7.7.8",
            **through_proxy,
        )
        addresses = [r.payload["address"] for r in JournalRecord.objects.filter(name="login.failed")]
        assert addresses == ["10.7.7.7", "10.7.7.8"]


def test_tls_settings_come_from_the_environment() -> None:
    assert not TlsSettings.from_environment({}).enabled
    assert TlsSettings.from_environment({}).trusted_proxies == ()
    on = TlsSettings.from_environment({"BASCULE_CRISIS_TLS": "1"})
    assert on.enabled and on.trusts("127.0.0.1") and on.trusts("::1") and not on.trusts("10.0.0.1")
    listed = TlsSettings.from_environment(
        {"BASCULE_CRISIS_TLS": "1", "BASCULE_CRISIS_TRUSTED_PROXIES": "10.0.0.0/24, 192.168.1.4"}
    )
    assert listed.trusts("10.0.0.9") and listed.trusts("192.168.1.4") and not listed.trusts("127.0.0.1")
    with pytest.raises(UserError, match="BASCULE_CRISIS_TRUSTED_PROXIES"):
        TlsSettings.from_environment({"BASCULE_CRISIS_TRUSTED_PROXIES": "caddy.local"})


@pytest.mark.parametrize(("tls", "expected"), [("1", [True, True, 31536000]), ("", [False, False, 0])])
def test_the_settings_module_turns_tls_on_from_the_environment(
    tmp_path: Path, tls: str, expected: list[object]
) -> None:
    probe = (
        "import json; from bascule.crisis import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS]))"
    )
    env = {**os.environ, "BASCULE_CRISIS_DIR": str(tmp_path), "BASCULE_CRISIS_TLS": tls}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == expected
