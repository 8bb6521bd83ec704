"""An administrator at the command line disables an account, gives it a new password and lifts a
lockout, while a real `bascule serve` answers the people signing in."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bascule.crisis.testing import add_user, live_server

PASSWORD = "Un-mot-de-passe-solide-1"
NEW_PASSWORD = "Autre-mot-de-passe-solide-2"


def bascule(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bascule", *args], capture_output=True, text=True, timeout=120
    )


_OPEN: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def sign_in(base: str, name: str, password: str) -> httpx.Client:
    """A browser-like client after posting the login form; `.last` is the login's answer."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    _OPEN.append(client)
    form = client.get("/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": name, "password": password, "next": "/"},
    )
    client.last = answer  # type: ignore[attr-defined]
    return client


def signed_in(client: httpx.Client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("crisis")
    add_user(directory, "medical1", "medical", PASSWORD)
    return directory


def test_disable_enable_reset_and_unlock_from_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    with live_server(data_dir) as base:
        doctor = sign_in(base, "medical1", PASSWORD)
        assert signed_in(doctor)

        done = bascule("users", "disable", "medical1", "--data", str(data_dir))
        assert done.returncode == 0, done.stderr
        assert not signed_in(doctor)
        assert sign_in(base, "medical1", PASSWORD).last.status_code == 200  # type: ignore[attr-defined]
        assert "medical1\tmedical\tdisabled" in bascule("users", "list", "--data", str(data_dir)).stdout

        assert bascule("users", "enable", "medical1", "--data", str(data_dir)).returncode == 0
        doctor = sign_in(base, "medical1", PASSWORD)
        assert signed_in(doctor)

        secret = tmp_path / "new-password"
        secret.write_text(NEW_PASSWORD + "\n")
        done = bascule(
            "users", "reset-password", "medical1", "--password-file", str(secret), "--data", str(data_dir)
        )
        assert done.returncode == 0, done.stderr
        assert NEW_PASSWORD not in done.stdout + done.stderr
        assert not signed_in(doctor)
        assert signed_in(sign_in(base, "medical1", NEW_PASSWORD))

        # 10 failures lock the name at this address; the name is unlocked by name, then by address.
        for unlock in (["medical1"], ["--address", "127.0.0.1"]):
            answers = [sign_in(base, "medical1", f"guess-{n}").last.status_code for n in range(10)]  # type: ignore[attr-defined]
            assert answers[-1] == 429
            assert sign_in(base, "medical1", NEW_PASSWORD).last.status_code == 429  # type: ignore[attr-defined]
            done = bascule("users", "unlock", *unlock, "--data", str(data_dir))
            assert done.returncode == 0 and "unlocked" in done.stdout, done.stderr
            assert signed_in(sign_in(base, "medical1", NEW_PASSWORD))

    journal = bascule("journal", "export", "--csv", "--data", str(data_dir))
    assert journal.returncode == 0, journal.stderr
    for name in ("user.disabled", "user.enabled", "user.password_reset", "login.locked", "login.unlocked"):
        assert name in journal.stdout
    assert NEW_PASSWORD not in journal.stdout and "guess-" not in journal.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["disable", "nobody"], 'There is no account "nobody".'),
        (["enable", "nobody"], 'There is no account "nobody".'),
        (["unlock"], "Give an account name or --address ADDRESS"),
        (["unlock", "medical1", "--address", "10.0.0.1"], "Give an account name or --address ADDRESS"),
    ],
)
def test_refusals_are_one_sentence_exit_2(data_dir: Path, args: list[str], message: str) -> None:
    result = bascule("users", *args, "--data", str(data_dir))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_weak_new_password_is_refused(data_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "weak"
    secret.write_text("court\n")
    result = bascule(
        "users", "reset-password", "medical1", "--password-file", str(secret), "--data", str(data_dir)
    )
    assert result.returncode == 2 and "Password refused" in result.stderr
