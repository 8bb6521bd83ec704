"""`bascule station users|token|audit` as an administrator and a privacy officer run them."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from tests.peers import require_peer
from tests.station_folder import make_station

from bascule.cli import main
from bascule.station.access_log import AccessLog
from bascule.station.accounts import Account, StationAccounts
from bascule.station.state import Layout

pytestmark = pytest.mark.integration
GOOD = "correct horse battery"


@pytest.fixture
def station(tmp_path: Path) -> Path:
    return make_station(tmp_path)


@pytest.fixture
def passphrase(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(GOOD + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), environ={})
    out, err = capsys.readouterr()
    return code, out, err


def add_alice(station: Path, passphrase: Path) -> None:
    assert (
        main(
            [
                "station",
                "users",
                "add",
                str(station),
                "alice",
                "--role",
                "nurse",
                "--password-file",
                str(passphrase),
            ],
            environ={},
        )
        == 0
    )


def private_files(station: Path) -> dict[str, bytes]:
    folder = station / ".station"
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_add_list_disable_enable_unlock(
    station: Path, passphrase: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "station",
        "users",
        "add",
        str(station),
        "alice",
        "--role",
        "nurse",
        "--password-file",
        str(passphrase),
    )
    assert code == 0 and "Account alice (nurse) created" in out
    code, out, _ = run(capsys, "station", "users", "list", str(station))
    assert (code, out) == (0, "alice\tnurse\tactive\n")
    code, out, _ = run(capsys, "station", "users", "disable", str(station), "alice", "--lang", "fr")
    assert code == 0 and "Compte alice désactivé" in out
    code, out, _ = run(capsys, "station", "users", "list", str(station), "--json")
    assert json.loads(out) == [{"name": "alice", "role": "nurse", "active": False, "locked_until": None}]
    assert run(capsys, "station", "users", "enable", str(station), "alice")[0] == 0
    accounts = StationAccounts(Layout(station))
    for _ in range(5):
        with pytest.raises(Exception, match="Wrong name"):
            accounts.authenticate("alice", "wrong passphrase", datetime.now(UTC))
    code, out, _ = run(capsys, "station", "users", "list", str(station))
    assert out.startswith("alice\tnurse\tactive, locked until ")
    assert run(capsys, "station", "users", "unlock", str(station), "alice")[0] == 0
    assert accounts.authenticate("alice", GOOD, datetime.now(UTC)) == Account("alice", "nurse")


def test_add_prompts_twice_hidden_without_a_file(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, object]] = []

    def prompt(text: str, **options: object) -> str:
        asked.append(options)
        return "une marée basse à Cancale"

    monkeypatch.setattr(typer, "prompt", prompt)
    assert run(capsys, "station", "users", "add", str(station), "bob", "--role", "doctor")[0] == 0
    assert asked == [{"hide_input": True, "confirmation_prompt": True}]
    assert (
        StationAccounts(Layout(station))
        .authenticate("bob", "une marée basse à Cancale", datetime.now(UTC))
        .role
        == "doctor"
    )


def test_token_prints_only_the_token(
    station: Path, passphrase: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_alice(station, passphrase)
    capsys.readouterr()
    code, out, err = run(capsys, "station", "token", str(station), "alice", "--valid", "1h")
    assert (code, err) == (0, "")
    token = out.strip()
    assert out == token + "\n" and re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    accounts = StationAccounts(Layout(station))
    assert accounts.account_for_token(token, datetime.now(UTC)) == Account("alice", "nurse")
    assert accounts.account_for_token(token, datetime.now(UTC) + timedelta(minutes=61)) is None


def test_breakglass_cards(station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    cards = tmp_path / "codes.pdf"
    code, out, err = run(
        capsys,
        "station",
        "users",
        "breakglass",
        str(station),
        "--count",
        "4",
        "--role",
        "doctor",
        "--out",
        str(cards),
    )
    assert code == 0 and "4 emergency code(s) (doctor, serials 1 to 4)" in out
    assert os.stat(cards).st_mode & 0o777 == 0o600
    text = subprocess.run(
        ["pdftotext", "-layout", str(cards), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) == 2
    assert pages[0].count("Code d'accès d'urgence / Emergency access code") == 3
    assert "Usable once" in pages[1] and "chvo" in pages[1] and "Serial 4" in pages[1]
    codes = re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", text)
    assert len(codes) == 4
    for printed in codes:
        assert printed not in out + err
        assert printed.encode() not in (station / ".station" / "accounts.json").read_bytes()
    accounts = StationAccounts(Layout(station))
    assert accounts.use_breakglass(codes[2], datetime.now(UTC)) == Account("breakglass-3", "doctor", True)
    with pytest.raises(Exception, match="already used"):
        accounts.use_breakglass(codes[2], datetime.now(UTC))


def test_breakglass_never_overwrites(
    station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = tmp_path / "codes.pdf"
    cards.write_bytes(b"earlier cards")
    before = private_files(station)
    code, _, err = run(capsys, "station", "users", "breakglass", str(station), "--out", str(cards))
    assert code == 2 and err.count("\n") == 1 and "already exists" in err
    assert cards.read_bytes() == b"earlier cards"
    assert private_files(station) == before


def fill_log(station: Path) -> AccessLog:
    log = AccessLog(Layout(station))
    start = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    log.record("alice", "login", start)
    log.record("alice", "search", start, detail="2")
    log.record("alice", "open_patient", start, patient_id="pat-1", unit_id="cardio")
    log.record("alice", "logout", start)
    return log


def test_audit_jsonl_and_csv(station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = fill_log(station)
    code, out, _ = run(capsys, "station", "audit", str(station), "--out", str(tmp_path / "audit.jsonl"))
    assert code == 0 and "4 access-log entries exported" in out and "root" in out
    assert (tmp_path / "audit.jsonl").read_bytes() == log.path.read_bytes()
    assert os.stat(tmp_path / "audit.jsonl").st_mode & 0o777 == 0o600
    code, out, _ = run(
        capsys, "station", "audit", str(station), "--out", str(tmp_path / "audit.csv"), "--format", "csv"
    )
    assert code == 0
    with open(tmp_path / "audit.csv", newline="", encoding="utf-8") as exported:
        rows = list(csv.DictReader(exported))
    assert [row["action"] for row in rows] == ["login", "search", "open_patient", "logout"]
    assert rows[2]["patient"] == "pat-1" and rows[2]["unit"] == "cardio" and rows[1]["detail"] == "2"
    assert rows[0]["seq"] == "1" and rows[0]["patient"] == "" and len(rows[3]["hash"]) == 64


def test_the_csv_shows_a_typed_formula_as_text(
    station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AccessLog(Layout(station)).record('=HYPERLINK("http://x","y")', "login_failed", datetime.now(UTC))
    assert (
        run(capsys, "station", "audit", str(station), "--out", str(tmp_path / "a.csv"), "--format", "csv")[0]
        == 0
    )
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as exported:
        (row,) = list(csv.DictReader(exported))
    assert row["user"] == '\'=HYPERLINK("http://x","y")'


def test_audit_of_a_tampered_log_exits_3_and_still_exports(
    station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = fill_log(station)
    log.path.write_bytes(log.path.read_bytes().replace(b"pat-1", b"pat-2"))
    out_file = tmp_path / "audit.csv"
    code, _, err = run(capsys, "station", "audit", str(station), "--out", str(out_file), "--format", "csv")
    assert code == 3
    assert (
        err == "Error: The access log was tampered with: line 3 was edited; the export "
        f"{out_file} holds it as found.\n"
    )
    assert "pat-2" in out_file.read_text(encoding="utf-8")


def _append_while_exported(root: str, count: int) -> None:
    log = AccessLog(Layout(Path(root)))
    for number in range(count):
        log.record("alice", "open_patient", datetime.now(UTC), patient_id=f"pat-{number}")


def test_audit_while_the_station_appends(
    station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = multiprocessing.get_context("spawn").Process(
        target=_append_while_exported, args=(str(station), 150)
    )
    writer.start()
    exports = 0
    try:
        while writer.is_alive() or exports == 0:
            exports += 1
            code, _, err = run(
                capsys, "station", "audit", str(station), "--out", str(tmp_path / f"audit-{exports}.jsonl")
            )
            assert code == 0, err
    finally:
        writer.join(timeout=120)
    assert writer.exitcode == 0
    assert run(capsys, "station", "audit", str(station), "--out", str(tmp_path / "final.jsonl"))[0] == 0
    assert len((tmp_path / "final.jsonl").read_bytes().splitlines()) == 150


COMMANDS = [
    ["station", "users", "add", "{dir}", "bob", "--role", "nurse", "--password-file", "{pw}"],
    ["station", "users", "list", "{dir}"],
    ["station", "users", "disable", "{dir}", "alice"],
    ["station", "users", "enable", "{dir}", "alice"],
    ["station", "users", "unlock", "{dir}", "alice"],
    ["station", "users", "breakglass", "{dir}", "--out", "{tmp}/cards.pdf"],
    ["station", "token", "{dir}", "alice"],
    ["station", "audit", "{dir}", "--out", "{tmp}/audit.jsonl"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[1:3]))
@pytest.mark.parametrize("folder", ["missing", "plain", "exposed"])
def test_not_a_station_is_one_sentence(
    argv: list[str],
    folder: str,
    station: Path,
    passphrase: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / folder
    if folder == "plain":
        target.mkdir()
    if folder == "exposed":
        target = station
        (station / ".station").chmod(0o755)
    filled = [part.format(dir=target, pw=passphrase, tmp=tmp_path) for part in argv]
    code, out, err = run(capsys, *filled)
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "cards.pdf").exists() and not (tmp_path / "audit.jsonl").exists()


REFUSED = [
    (
        ["station", "users", "add", "{dir}", "alice", "--role", "nurse", "--password-file", "{pw}"],
        "already exists",
    ),
    (
        ["station", "users", "add", "{dir}", "bob", "--role", "surgeon", "--password-file", "{pw}"],
        "Unknown role",
    ),
    (
        ["station", "users", "add", "{dir}", "bob smith", "--role", "nurse", "--password-file", "{pw}"],
        "account name",
    ),
    (
        ["station", "users", "add", "{dir}", "bob", "--role", "nurse", "--password-file", "{tmp}/weak"],
        "most common",
    ),
    (
        ["station", "users", "add", "{dir}", "bob", "--role", "nurse", "--password-file", "{tmp}/none"],
        "Cannot read",
    ),
    (["station", "users", "disable", "{dir}", "bob"], "no account 'bob'"),
    (["station", "users", "enable", "{dir}", "bob"], "no account 'bob'"),
    (["station", "users", "unlock", "{dir}", "bob"], "no account 'bob'"),
    (
        ["station", "users", "breakglass", "{dir}", "--role", "janitor", "--out", "{tmp}/c.pdf"],
        "Unknown role",
    ),
    (
        ["station", "users", "breakglass", "{dir}", "--count", "0", "--out", "{tmp}/c.pdf"],
        "between 1 and 1000",
    ),
    (["station", "users", "breakglass", "{dir}", "--out", "{tmp}/no/c.pdf"], "does not exist"),
    (["station", "token", "{dir}", "bob"], "no account 'bob'"),
    (["station", "token", "{dir}", "alice", "--valid", "soon"], "--valid"),
    (["station", "audit", "{dir}", "--out", "{tmp}/a.xml", "--format", "xml"], "Unknown export format"),
    (["station", "audit", "{dir}", "--out", "{pw}"], "already exists"),
]


@pytest.mark.parametrize(
    ("argv", "says"), REFUSED, ids=lambda value: value if isinstance(value, str) else None
)
def test_a_refused_command_changes_nothing(
    argv: list[str],
    says: str,
    station: Path,
    passphrase: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_alice(station, passphrase)
    fill_log(station)
    (tmp_path / "weak").write_text("password123\n", encoding="utf-8")
    capsys.readouterr()
    before = private_files(station)
    code, out, err = run(capsys, *(part.format(dir=station, pw=passphrase, tmp=tmp_path) for part in argv))
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1 and says in err
    assert private_files(station) == before
    assert not (tmp_path / "c.pdf").exists() and not (tmp_path / "a.xml").exists()
