"""Seal, verify and open a contract store; the clear sentence and exit code of each failure."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest
from tests.unit.sealing.sealing_stores import make_store, set_data_time

from bascule.errors import UserError
from bascule.snapshot.bundle import BreakGlass, BundleName
from bascule.snapshot.folder import SealingFolder
from bascule.snapshot.keys import KeySet, load_identities, load_public_key, load_signing_key, parse_recipients
from bascule.snapshot.minisign import SignatureMismatch
from bascule.snapshot.opening import open_bundle
from bascule.snapshot.sealing import SealRequest, seal
from bascule.snapshot.verify import QuarantinedSnapshot, StaleSnapshot, verify_bundle


def request(store: Path, keys: KeySet, out: Path, **extra: object) -> SealRequest:
    return SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        out,
        **extra,
    )  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store.sqlite")


def test_a_sealed_store_opens_identical_with_its_manifest(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    assert outcome.name == BundleName(1, "20261124T003000Z")
    assert dict(outcome.manifest.counts) == {"patient": 200, "observation": 600}
    opened = open_bundle(
        outcome.archive,
        load_identities(station_keys.identity),
        tmp_path / "station",
        identity_source="station.age",
        public_key=load_public_key(station_keys.public_key),
    )
    manifest = json.loads((tmp_path / "station" / "manifest.json").read_text())
    assert manifest["hospital"] == "chsv" and manifest["sequence"] == 1
    assert manifest["data_time"] == "2026-11-24T00:30:00Z" and manifest["source"].startswith("fhir:")
    assert manifest["counts"] == {"observation": 600, "patient": 200}
    assert manifest["store"]["size"] == opened.store.stat().st_size
    with sqlite3.connect(opened.store) as copy, sqlite3.connect(store) as original:
        query = "SELECT * FROM patient ORDER BY id"
        assert copy.execute(query).fetchall() == original.execute(query).fetchall()
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_live_wal_store_is_copied_consistently(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    writer = sqlite3.connect(store)
    writer.execute("BEGIN")
    writer.execute("INSERT INTO patient (id, version) VALUES ('pat-uncommitted', 1)")
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    writer.rollback()
    writer.close()
    assert outcome.manifest.counts["patient"] == 200


def seal_more(store: Path, keys: KeySet, out: Path, count: int) -> list[BundleName]:
    return [seal(request(store, keys, out, keep=3)).name for _ in range(count)]


def test_sequences_grow_and_current_names_the_newest(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    out = tmp_path / "out"
    names = [seal(request(store, station_keys, out, keep=3)).name for _ in range(5)]
    assert [n.sequence for n in names] == [1, 2, 3, 4, 5]
    folder = SealingFolder(out)
    assert folder.current() == names[-1]
    assert (out / "current").read_text() == names[-1].archive + "\n"
    # The three newest, and the guard's anchor (the first) and anchor to be: never pruned.
    assert [n.sequence for n in folder.bundles()] == [1, 2, 3, 4, 5]
    assert [n.sequence for n in seal_more(store, station_keys, out, 3)] == [6, 7, 8]
    assert [n.sequence for n in folder.bundles()] == [1, 2, 6, 7, 8]
    (out / ".bascule" / "state.json").unlink()  # a lost state file never reuses a number
    assert seal(request(store, station_keys, out, keep=3)).name.sequence == 9


def test_wrong_identity_is_one_sentence(
    tmp_path: Path, store: Path, station_keys: KeySet, other_keys: KeySet
) -> None:
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    with pytest.raises(UserError, match=r"cannot open .* not sealed for this key") as caught:
        open_bundle(
            outcome.archive,
            load_identities(other_keys.identity),
            tmp_path / "station",
            identity_source="intruder.age",
        )
    assert caught.value.exit_code == 2
    assert not (tmp_path / "station" / "store.sqlite").exists()


def test_wrong_public_key_exits_3(
    tmp_path: Path, store: Path, station_keys: KeySet, other_keys: KeySet
) -> None:
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    with pytest.raises(SignatureMismatch, match="not by the public key given") as caught:
        verify_bundle(outcome.archive, load_public_key(other_keys.public_key))
    assert caught.value.exit_code == 3


def test_truncated_bundle_exits_3(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    data = outcome.archive.read_bytes()
    outcome.archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(SignatureMismatch, match="does not match its content") as caught:
        verify_bundle(outcome.archive, load_public_key(station_keys.public_key))
    assert caught.value.exit_code == 3
    with pytest.raises(SignatureMismatch, match="damaged or truncated"):
        open_bundle(
            outcome.archive,
            load_identities(station_keys.identity),
            tmp_path / "station",
            identity_source="station.age",
        )


def test_replayed_older_bundle_exits_3(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    out = tmp_path / "out"
    first = seal(request(store, station_keys, out))
    second = seal(request(store, station_keys, out))
    public = load_public_key(station_keys.public_key)
    state = tmp_path / "seen.json"
    verify_bundle(second.archive, public, seen_file=state)
    verify_bundle(second.archive, public, seen_file=state)  # the same bundle again is fine
    with pytest.raises(
        SignatureMismatch, match=r"bundle 1 of chsv, older than bundle 2 .* replayed"
    ) as caught:
        verify_bundle(first.archive, public, seen_file=state)
    assert caught.value.exit_code == 3


def test_stale_data_exits_4(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    public = load_public_key(station_keys.public_key)
    data_time = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    verify_bundle(outcome.archive, public, max_age=timedelta(hours=2), now=data_time + timedelta(minutes=119))
    with pytest.raises(StaleSnapshot, match=r"3h00 old .* more than the 2h00 allowed") as caught:
        verify_bundle(outcome.archive, public, max_age=timedelta(hours=2), now=data_time + timedelta(hours=3))
    assert caught.value.exit_code == 4


def test_missing_signature_exits_3(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    outcome = seal(request(store, station_keys, tmp_path / "out"))
    (outcome.folder / outcome.name.signature).unlink()
    with pytest.raises(SignatureMismatch, match="has no signature") as caught:
        verify_bundle(outcome.archive, load_public_key(station_keys.public_key))
    assert caught.value.exit_code == 3


def test_break_glass_passphrase_opens_with_the_bundle_identity(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    outcome = seal(
        request(store, station_keys, tmp_path / "out", breakglass=BreakGlass.from_passphrase(b"glass breaks"))
    )
    breakglass = outcome.folder / outcome.name.breakglass
    assert breakglass.stat().st_mode & 0o077 == 0
    with pytest.raises(UserError, match="protected by a passphrase"):
        load_identities(breakglass)
    identities = load_identities(breakglass, b"glass breaks")
    opened = open_bundle(outcome.archive, identities, tmp_path / "glass", identity_source=str(breakglass))
    assert opened.manifest.sequence == 1


def test_a_quarantined_bundle_is_refused_by_verify(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    from tests.unit.sealing import sealing_stores

    out = tmp_path / "out"
    seal(request(store, station_keys, out))
    sealing_stores.rewrite_share(store, 0.9, table="observation")
    outcome = seal(request(store, station_keys, out))
    assert outcome.quarantined and outcome.folder == out / "quarantine"
    with pytest.raises(QuarantinedSnapshot, match="quarantined by the ransomware guard") as caught:
        verify_bundle(outcome.archive, load_public_key(station_keys.public_key))
    assert caught.value.exit_code == 5


def test_store_without_contract_meta_is_refused(tmp_path: Path, station_keys: KeySet) -> None:
    bare = tmp_path / "bare.sqlite"
    with sqlite3.connect(bare) as connection:
        connection.execute("CREATE TABLE patient (id TEXT PRIMARY KEY, version INTEGER)")
    connection.close()
    with pytest.raises(UserError, match="not a continuity store"):
        seal(request(bare, station_keys, tmp_path / "out"))
    with pytest.raises(UserError, match="does not exist"):
        seal(request(tmp_path / "absent.sqlite", station_keys, tmp_path / "out"))
    assert not (tmp_path / "absent.sqlite").exists()


def test_data_time_names_the_bundle(tmp_path: Path, store: Path, station_keys: KeySet) -> None:
    set_data_time(store, "2026-11-24T03:15:00+01:00")
    assert seal(request(store, station_keys, tmp_path / "out")).name.archive == (
        "bascule-00000001-20261124T021500Z.tar.age"
    )


def test_recipients_accept_strings_and_files(tmp_path: Path, station_keys: KeySet) -> None:
    listing = tmp_path / "recipients.txt"
    listing.write_text(f"# the crisis cell\n{station_keys.recipient_text}\n\n")
    assert len(parse_recipients([station_keys.recipient_text, str(listing)])) == 2
    with pytest.raises(UserError, match="not an age X25519 recipient"):
        parse_recipients(["age1notarecipient"])
    assert isinstance(parse_recipients([station_keys.recipient_text])[0], pyrage.x25519.Recipient)


# Well-formed Bech32 of 32 zero bytes: pyrage takes it, but it is a low-order point that no file
# key can be wrapped to.
LOW_ORDER_RECIPIENT = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z"


def test_a_recipient_nothing_can_encrypt_to_is_refused_before_any_work(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    with pytest.raises(UserError, match="not an age X25519 recipient"):
        parse_recipients([LOW_ORDER_RECIPIENT])
    # Through the Python API, with pyrage's own recipient object: refused before the folder is touched.
    unusable = replace(
        request(store, station_keys, tmp_path / "out"),
        recipients=(pyrage.x25519.Recipient.from_str(LOW_ORDER_RECIPIENT),),
    )
    with pytest.raises(UserError, match="cannot be encrypted to"):
        seal(unusable)
    assert not (tmp_path / "out").exists()
    assert seal(request(store, station_keys, tmp_path / "out")).name.sequence == 1


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, station_keys: KeySet) -> None:
    fake = tmp_path / "encrypted-by-ransomware.sqlite"
    fake.write_bytes(b"\x8f" * 8192)
    with pytest.raises(UserError, match="is not a SQLite continuity store"):
        seal(request(fake, station_keys, tmp_path / "out"))
    assert SealingFolder(tmp_path / "out").current() is None


def test_two_sealers_never_write_one_folder_at_once(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    import fcntl

    out = tmp_path / "out"
    seal(request(store, station_keys, out))
    with (out / ".bascule" / "lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(UserError, match="Another Bascule is sealing into"):
            seal(request(store, station_keys, out))
    assert [n.sequence for n in SealingFolder(out).bundles()] == [1]


def test_opening_again_replaces_the_store_and_drops_old_journals(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    out = tmp_path / "out"
    first = seal(request(store, station_keys, out))
    station = tmp_path / "station"
    identities = load_identities(station_keys.identity)
    open_bundle(first.archive, identities, station, identity_source="station.age")
    (station / "store.sqlite-wal").write_bytes(b"stale frames of an older store")
    set_data_time(store, "2026-11-24T01:00:00Z")
    second = seal(request(store, station_keys, out))
    opened = open_bundle(second.archive, identities, station, identity_source="station.age")
    assert opened.manifest.sequence == 2 and not (station / "store.sqlite-wal").exists()
    assert json.loads((station / "manifest.json").read_text())["data_time"] == "2026-11-24T01:00:00Z"
    assert sorted(p.name for p in station.iterdir()) == ["manifest.json", "store.sqlite"]


def test_copy_and_census_see_the_same_state_while_a_writer_commits(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    """Counts in the manifest (census) match the sealed store (copy) although rows keep arriving."""
    import contextlib
    import threading

    stop = threading.Event()

    def write() -> None:
        with contextlib.closing(sqlite3.connect(store)) as writer:
            number = 0
            while not stop.is_set():
                number += 1
                writer.execute("INSERT INTO patient (id, version) VALUES (?, 1)", (f"pat-new-{number}",))
                writer.commit()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        outcomes = [seal(request(store, station_keys, tmp_path / "out")) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    for outcome in outcomes:
        opened = open_bundle(
            outcome.archive,
            load_identities(station_keys.identity),
            tmp_path / f"station-{outcome.manifest.sequence}",
            identity_source="station.age",
        )
        with contextlib.closing(sqlite3.connect(opened.store)) as copy:
            (patients,) = copy.execute("SELECT count(*) FROM patient").fetchone()
        assert outcome.manifest.counts["patient"] == patients
    assert outcomes[-1].manifest.counts["patient"] > 200  # the writer did commit during the seals


def test_sealing_and_opening_first_remove_what_a_killed_run_left(
    tmp_path: Path, store: Path, station_keys: KeySet
) -> None:
    out, station = tmp_path / "out", tmp_path / "station"
    out.mkdir()
    station.mkdir()
    (out / ".tmp-0a1b2c3d4e5f-bascule-00000001-20261124T003000Z.tar.age").write_bytes(b"half a bundle")
    (station / ".tmp-0a1b2c3d4e5f-store.sqlite").write_bytes(b"plaintext patient rows")
    outcome = seal(request(store, station_keys, out))
    assert not list(out.glob(".tmp-*"))
    open_bundle(
        outcome.archive,
        load_identities(station_keys.identity),
        station,
        identity_source="station.age",
        public_key=load_public_key(station_keys.public_key),
    )
    assert sorted(p.name for p in station.iterdir()) == ["manifest.json", "store.sqlite"]
    assert (station / "store.sqlite").stat().st_mode & 0o077 == 0
