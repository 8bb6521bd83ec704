"""`bascule users`, `bascule journal verify|export` end to end, on a real SQLite file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bascule.crisis.testing import add_user

PASSWORD = "Un-mot-de-passe-solide-1"


def bascule(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bascule", *args], capture_output=True, text=True, input=stdin, timeout=120
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("crisis")
    add_user(directory, "director1", "director", PASSWORD)
    add_user(directory, "admin1", "admin", PASSWORD)
    return directory


def test_users_add_and_list(data_dir: Path) -> None:
    listing = bascule("users", "list", "--data", str(data_dir))
    assert listing.returncode == 0
    assert "director1\tdirector" in listing.stdout and "admin1\tadmin" in listing.stdout
    assert PASSWORD not in listing.stdout


def test_password_is_asked_when_no_file(data_dir: Path) -> None:
    result = bascule(
        "users",
        "add",
        "medical1",
        "--role",
        "medical",
        "--data",
        str(data_dir),
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.returncode == 0, result.stderr
    assert "medical1\tmedical" in bascule("users", "list", "--data", str(data_dir)).stdout


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["director1", "--role", "director"], PASSWORD, "already exists"),
        (["nurse1", "--role", "nurse"], PASSWORD, "Unknown role 'nurse'"),
        (["weak1", "--role", "observer"], "password", "was not created"),
        (["Jean Dupont", "--role", "observer"], PASSWORD, "was not created"),
    ],
)
def test_refusals_are_one_sentence_exit_2(
    data_dir: Path, args: list[str], password: str, message: str
) -> None:
    secret = data_dir / "pw.txt"
    secret.write_text(password + "\n")
    result = bascule("users", "add", *args, "--password-file", str(secret), "--data", str(data_dir))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_password_file_is_one_sentence(tmp_path: Path) -> None:
    result = bascule(
        "users",
        "add",
        "x1",
        "--role",
        "it",
        "--password-file",
        str(tmp_path / "none"),
        "--data",
        str(tmp_path),
    )
    assert result.returncode == 2 and "Cannot read a password" in result.stderr


def test_journal_verify_export_and_tampering(data_dir: Path, tmp_path: Path) -> None:
    intact = bascule("journal", "verify", "--data", str(data_dir))
    assert intact.returncode == 0 and "intact" in intact.stdout
    csv_text = bascule("journal", "export", "--csv", "--data", str(data_dir)).stdout
    assert csv_text.splitlines()[0].startswith("seq,") and "user.added" in csv_text
    pdf = tmp_path / "journal.pdf"
    assert bascule("journal", "export", "--pdf", "--out", str(pdf), "--data", str(data_dir)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert bascule("journal", "export", "--data", str(data_dir)).returncode == 2

    with sqlite3.connect(data_dir / "crisis.sqlite3") as db:
        db.execute("UPDATE crisis_journalrecord SET actor = 'someone' WHERE seq = 2")
    edited = bascule("journal", "verify", "--data", str(data_dir))
    assert edited.returncode == 3 and "entry 2" in edited.stderr and "changed" in edited.stderr
    with sqlite3.connect(data_dir / "crisis.sqlite3") as db:
        db.execute("UPDATE crisis_journalrecord SET actor = 'cli' WHERE seq = 2")
    assert bascule("journal", "verify", "--data", str(data_dir)).returncode == 0
    with sqlite3.connect(data_dir / "crisis.sqlite3") as db:
        last = db.execute("SELECT max(seq) FROM crisis_journalrecord").fetchone()[0]
        db.execute("DELETE FROM crisis_journalrecord WHERE seq = ?", (last,))
    deleted = bascule("journal", "verify", "--data", str(data_dir))
    assert deleted.returncode == 3 and f"entries after {last - 1} are missing" in deleted.stderr


def test_serve_on_a_busy_port_is_one_sentence(data_dir: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = bascule("serve", "--port", str(port), "--data", str(data_dir))
    assert result.returncode == 2
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
