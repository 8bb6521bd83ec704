"""The journal tamper suite: what someone with the database (and, for some, the data folder) can do
to the crisis journal, done by hand on a real journal that `bascule serve` wrote, and what
`bascule journal verify` says of it. Every tampering is detected and names the first entry that
differs; an untouched journal, a long one, or one served again after a restart, is intact.

The journal is made once per database (SQLite, and PostgreSQL when its binaries are installed) by a
real server with an anchor folder (a share on another host in real life), then copied for each
tampering (the data folder, and the PostgreSQL database as a template).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.peers import require_peer

from bascule.crisis.testing import (
    SAMPLE_MAP,
    add_user,
    bascule_command,
    free_port,
    postgres_bin,
    postgres_server,
)
from bascule.journal import GENESIS_HASH, Checkpoint, JournalEntry, chain_hash
from bascule.journal_anchor import sign
from bascule.snapshot.minisign import SecretKey

PASSWORD = "Un-mot-de-passe-solide-1"
DECISION = "Déclencher le plan blanc"


@dataclass(frozen=True)
class Journal:
    """A crisis data folder, its anchor folder, and its database when it is not the folder's SQLite."""

    data: Path
    anchor: Path
    database_url: str = ""

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        return {**env, "DATABASE_URL": self.database_url} if self.database_url else env


def bascule(journal: Journal, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*bascule_command(), *args], capture_output=True, text=True, timeout=300, env=journal.env
    )


@contextmanager
def serving(journal: Journal) -> Iterator[httpx.Client]:
    """`bascule serve --anchor` on a free port, signed in as the director."""
    port = free_port()
    data, anchor = str(journal.data), str(journal.anchor)
    command = [*bascule_command(), "serve", "--port", str(port), "--data", data, "--anchor", anchor]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=journal.env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.communicate()[1][-2000:]
                    raise AssertionError(f"bascule serve did not start: {error}") from None
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            client.get("/login/")
            signed_in = post(client, "/login/", {"username": "director1", "password": PASSWORD})
            assert signed_in.status_code == 302
            yield client
    finally:
        process.terminate()
        process.communicate(timeout=20)


def post(client: httpx.Client, path: str, data: dict[str, str], **extra: Any) -> httpx.Response:
    return client.post(path, data={**data, "csrfmiddlewaretoken": client.cookies["csrftoken"]}, **extra)


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    require_peer("PostgreSQL", postgres_bin() is not None, "initdb on PATH or in pg_config --bindir")
    with postgres_server() as url:
        yield url


def with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pristine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Journal:
    """A journal written by the cell's work: an account, an incident, hits, a decision, a note, a
    situation report, then a restart of the server and a new sign-in."""
    root = tmp_path_factory.mktemp("journal")
    url = ""
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")
        admin(server, "CREATE DATABASE pristine")
        url = with_database(server, "pristine")
    journal = Journal(root / "data", root / "anchor", url)
    journal.anchor.mkdir()
    journal.data.mkdir()
    add_user(journal.data, "director1", "director", PASSWORD, env=journal.env)
    with serving(journal) as client:
        upload = {"map_file": ("chtest.yaml", io.BytesIO(SAMPLE_MAP.encode()), "application/x-yaml")}
        opened = post(client, "/incidents/open/", {"title": "Rançongiciel"}, files=upload)
        assert opened.status_code == 302
        for target in ("san", "dc01"):
            declared = post(client, "/incidents/1/hits/declare/", {"kind": "node", "target": target})
            assert declared.status_code < 400
        for kind, text in (("decision", DECISION), ("note", "Sauvegardes")):
            assert (
                post(client, "/incidents/1/journal/notes/", {"kind": kind, "text": text}).status_code == 302
            )
        made = post(client, "/incidents/1/sitreps/make/", {"lang": "en"})
        assert made.status_code == 302
        report = client.get(made.headers["Location"]).text
        assert "Signed journal checkpoint:" in report
    with serving(journal):
        pass  # signing in again after a restart adds an entry
    return journal


_copies = iter(range(1_000_000))


@pytest.fixture
def journal(pristine: Journal, tmp_path: Path) -> Journal:
    """A copy of the pristine journal (data folder, anchor, database) to tamper with."""
    root = tmp_path / "copy"
    shutil.copytree(pristine.data.parent, root, symlinks=True)
    url = ""
    if pristine.database_url:
        name = f"copy{next(_copies)}"
        admin(pristine.database_url, f"CREATE DATABASE {name} TEMPLATE pristine")
        url = with_database(pristine.database_url, name)
    copy = Journal(root / "data", root / "anchor", url)
    (copy.data / "journal-anchors").write_text(f"{copy.anchor}\n", encoding="utf-8")
    return copy


class Database:
    """Raw SQL on the journal's database, SQLite or PostgreSQL, with `?` placeholders."""

    def __init__(self, journal: Journal) -> None:
        self.postgres = bool(journal.database_url)
        if self.postgres:
            import psycopg

            self.connection: Any = psycopg.connect(journal.database_url, autocommit=True)
        else:
            self.connection = sqlite3.connect(journal.data / "crisis.sqlite3", isolation_level=None)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.connection.execute(sql.replace("?", "%s") if self.postgres else sql, params)

    def rows(self) -> list[tuple[Any, ...]]:
        found = self.execute(
            "SELECT id, seq, name, created, actor, incident_id_ref, payload FROM crisis_journalrecord ORDER BY seq"
        ).fetchall()
        return [
            (
                row_id,
                seq,
                name,
                created
                if isinstance(created, datetime)
                else datetime.fromisoformat(created).replace(tzinfo=UTC),
                actor,
                incident,
                payload if isinstance(payload, dict) else json.loads(payload),
            )
            for row_id, seq, name, created, actor, incident, payload in found
        ]

    def dump(self) -> str:
        if self.postgres:
            return str(self.execute("SELECT * FROM crisis_journalrecord").fetchall())
        return "\n".join(self.connection.iterdump())

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def database(journal: Journal) -> Database:
    return Database(journal)


def verify(journal: Journal, *extra: str) -> tuple[int, dict[str, Any]]:
    result = bascule(journal, "journal", "verify", "--data", str(journal.data), "--json", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def rechain(db: Database, start: int) -> None:
    """What a careful intruder does after editing rows from `start` on: recompute the hashes of the
    chain from there, and the head row, as the journal did before it was keyed."""
    previous = GENESIS_HASH
    for row_id, seq, name, created, actor, incident, payload in db.rows():
        if seq < start:
            previous = db.execute("SELECT hash FROM crisis_journalrecord WHERE id = ?", (row_id,)).fetchone()[
                0
            ]
            continue
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in payload.items()}
        digest = chain_hash(previous, JournalEntry(seq, name, created, actor, incident, values))
        db.execute(
            "UPDATE crisis_journalrecord SET previous_hash = ?, hash = ? WHERE id = ?",
            (previous, digest, row_id),
        )
        previous = digest
    db.execute("UPDATE crisis_journalhead SET seq = (SELECT count(*) FROM crisis_journalrecord)")


def seq_of(db: Database, name: str) -> int:
    return int(db.execute("SELECT seq FROM crisis_journalrecord WHERE name = ?", (name,)).fetchone()[0])


def entry_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM crisis_journalrecord").fetchone()[0])


def test_an_untouched_journal_is_intact_and_its_checkpoint_is_printed(journal: Journal) -> None:
    data = journal.data
    code, report = verify(journal)
    assert code == 0 and report["intact"] and report["findings"] == []
    with database(journal) as db:
        count = entry_count(db)
        last = db.execute("SELECT hash FROM crisis_journalrecord ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert report["entries"] == count and report["notes_checked"] == 2
    assert report["latest_checkpoint"]["count"] == count and report["latest_checkpoint"]["head"] == last
    assert {(c["anchor"], c["state"]) for c in report["checkpoints"]} == {(False, "valid"), (True, "valid")}
    text = bascule(journal, "journal", "verify", "--data", str(data), "--lang", "fr")
    assert text.returncode == 0
    assert (
        f"La main courante est intacte : {count} entrées vérifiées" in text.stdout
        and last[:12] in text.stdout
    )


def test_a_row_rewritten_with_its_chain_recomputed(journal: Journal) -> None:
    with database(journal) as db:
        target = seq_of(db, "incident.opened")
        db.execute("UPDATE crisis_journalrecord SET actor = 'someone' WHERE seq = ?", (target,))
        rechain(db, target)
    code, report = verify(journal)
    assert code == 3 and report["first"]["seq"] == target and report["first"]["kind"] == "changed"


def test_rows_deleted_and_the_rest_renumbered(journal: Journal) -> None:
    with database(journal) as db:
        first_hit = seq_of(db, "hit.declared")
        db.execute("DELETE FROM crisis_journalrecord WHERE name = 'hit.declared'")
        db.execute("UPDATE crisis_journalrecord SET seq = seq + 1000000")  # out of the unique index's way
        kept = db.execute("SELECT id FROM crisis_journalrecord ORDER BY seq").fetchall()
        for position, (row_id,) in enumerate(kept, start=1):
            db.execute("UPDATE crisis_journalrecord SET seq = ? WHERE id = ?", (position, row_id))
        rechain(db, first_hit)
    code, report = verify(journal)
    assert code == 3 and report["first"]["seq"] == first_hit and report["first"]["kind"] == "changed"


def test_the_tail_cut_with_the_head_row(journal: Journal) -> None:
    data = journal.data
    with database(journal) as db:
        count = entry_count(db)
        db.execute("DELETE FROM crisis_journalrecord WHERE seq > ?", (count - 3,))
        db.execute("UPDATE crisis_journalhead SET seq = ?", (count - 3,))
    code, report = verify(journal)
    assert code == 3 and report["first"]["seq"] == count - 2 and report["first"]["kind"] == "cut"
    result = bascule(journal, "journal", "verify", "--data", str(data))
    assert result.returncode == 3
    assert f"tampered with at entry {count - 2}: entries after {count - 3} are missing" in result.stderr


def test_a_wipe(journal: Journal) -> None:
    with database(journal) as db:
        db.execute("DELETE FROM crisis_journalrecord")
        db.execute("DELETE FROM crisis_journalhead")
    code, report = verify(journal)
    assert code == 3 and report["entries"] == 0
    assert report["first"]["seq"] == 1 and report["first"]["kind"] == "cut"


def test_a_decision_text_edited_in_the_notes_table(journal: Journal) -> None:
    data = journal.data
    with database(journal) as db:
        db.execute("UPDATE crisis_note SET text = 'Ne rien déclencher' WHERE kind = 'decision'")
        decided = seq_of(db, "decision.added")
    code, report = verify(journal)
    assert code == 3 and report["first"]["seq"] == decided and report["first"]["kind"] == "note_changed"
    french = bascule(journal, "journal", "verify", "--data", str(data), "--lang", "fr")
    assert f"altérée à l'entrée {decided} : le texte de la décision" in french.stderr
    assert (
        "Ne rien déclencher" not in french.stderr + french.stdout
    )  # the journal's output holds no free text


def test_a_deleted_checkpoint_is_caught_by_its_anchored_copy(journal: Journal) -> None:
    data, anchor = journal.data, journal.anchor
    for checkpoint in data.glob("journal-*.checkpoint"):
        checkpoint.unlink()
    with database(journal) as db:
        count = entry_count(db)
        db.execute("DELETE FROM crisis_journalrecord WHERE seq = ?", (count,))
        db.execute("UPDATE crisis_journalhead SET seq = ?", (count - 1,))
    code, report = verify(journal)
    assert code == 3 and report["first"]["seq"] == count and report["first"]["kind"] == "cut"
    assert "checkpoint_missing" in {f["kind"] for f in report["findings"]}
    (data / "journal-anchors").unlink()  # the note of where anchors are, gone too: name it
    code, report = verify(journal, "--anchor", str(anchor))
    assert code == 3 and report["first"]["kind"] == "cut"


def test_a_checkpoint_forged_without_the_key_is_refused(journal: Journal) -> None:
    data, anchor = journal.data, journal.anchor
    forger = SecretKey.generate()
    with database(journal) as db:
        count = entry_count(db)
        db.execute("DELETE FROM crisis_journalrecord WHERE seq = ?", (count,))
        db.execute("UPDATE crisis_journalhead SET seq = ?", (count - 1,))
        head = db.execute("SELECT hash FROM crisis_journalrecord ORDER BY seq DESC LIMIT 1").fetchone()[0]
    for place in [*data.glob("journal-*.checkpoint"), *anchor.glob("journal-*.checkpoint")]:
        journal_id = place.name.removeprefix("journal-").removesuffix(".checkpoint")
        forged = Checkpoint(journal_id, count - 1, head, datetime.now(UTC))
        place.write_text(sign(forged, forger), encoding="utf-8")
    code, report = verify(journal)
    assert code == 3
    assert {f["kind"] for f in report["findings"]} == {"checkpoint_forged"}
    assert all(c["state"] == "forged" for c in report["checkpoints"])


def test_a_deleted_key_cannot_vouch_for_anything(journal: Journal) -> None:
    data, anchor = journal.data, journal.anchor
    (data / "private" / "journal.key").unlink()
    result = bascule(journal, "journal", "verify", "--data", str(data))
    assert result.returncode == 3 and "intact" not in result.stdout + result.stderr
    assert (
        "The journal cannot be vouched for: the journal's key" in result.stderr
        and "is missing" in result.stderr
    )
    served = bascule(
        journal, "serve", "--port", str(free_port()), "--data", str(data), "--anchor", str(anchor)
    )
    assert served.returncode == 3 and "Traceback" not in served.stderr
    assert "restore it from a backup" in served.stderr


def test_the_key_and_checkpoints_are_private_and_outside_the_database(journal: Journal) -> None:
    data = journal.data
    private = data / "private"
    assert private.stat().st_mode & 0o777 == 0o700
    assert (private / "journal.key").stat().st_mode & 0o777 == 0o600
    key = (private / "journal.key").read_text().strip()
    with database(journal) as db:
        dump = db.dump()
    assert key not in dump


LONG_JOURNAL = """
import sys
from pathlib import Path
from bascule.crisis import runtime
runtime.configure(Path(sys.argv[1]), anchors=[Path(sys.argv[2])])
from bascule.crisis import journal_store
for number in range(int(sys.argv[3])):
    journal_store.append("hit.declared", "it1", None, {"kind": "node", "target": f"srv{number}"})
"""


def test_a_long_journal_is_intact_and_a_cut_of_one_entry_shows(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "data", tmp_path / "anchor")
    journal.anchor.mkdir()
    subprocess.run(
        [sys.executable, "-c", LONG_JOURNAL, str(journal.data), str(journal.anchor), "3000"],
        check=True,
        timeout=600,
        env=journal.env,
    )
    code, report = verify(journal)
    assert code == 0 and report["entries"] == 3000 and report["latest_checkpoint"]["count"] == 3000
    with database(journal) as db:
        db.execute("DELETE FROM crisis_journalrecord WHERE seq = 3000")
        db.execute("UPDATE crisis_journalhead SET seq = 2999")
    code, report = verify(journal)
    assert code == 3 and report["first"]["seq"] == 3000 and report["first"]["kind"] == "cut"
