"""The guard: plausible refreshes are sealed; mass rewrites, mass deletions and garbled text are not."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import delete_share, encrypt_like_ransomware, make_store, rewrite_share

from bascule.snapshot.census import DEFAULT_SCHEME, FINGERPRINT_SCHEMES, looks_garbled, take_census
from bascule.snapshot.folder import SealingFolder
from bascule.snapshot.guard import Baseline, GuardPolicy
from bascule.snapshot.keys import KeySet, load_signing_key, parse_recipients
from bascule.snapshot.sealing import SealRequest, seal


def sealer(store: Path, keys: KeySet, out: Path, policy: GuardPolicy | None = None) -> SealRequest:
    return SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        out,
        policy=policy or GuardPolicy(),
    )


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("Allergie pénicilline; surveillance glycémie", False),
        ("Dupont", False),
        ("", False),
        ('{"code":"718-7","value":12.5,"unit":"g/dL"}', False),
        ("0123456789abcdef" * 8, False),  # hex ids: few symbols
        (base64.b64encode(os.urandom(300)).decode(), True),  # ciphertext as base64
        ("Nom\x00\x01\x02\x03", True),  # control characters
    ],
)
def test_what_looks_garbled(text: str, garbled: bool) -> None:
    assert looks_garbled(text.encode()) is garbled


def test_invalid_utf8_text_is_garbled() -> None:
    assert looks_garbled(b"\xff\xfe\x00ransom")


def test_a_plausible_refresh_is_sealed_and_becomes_the_baseline(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    seal(sealer(store, station_keys, out))
    changed = rewrite_share(store, 0.2)  # 40 of 200 patients (20 % < 30 %), 5 % of 800 records
    outcome = seal(sealer(store, station_keys, out))
    assert not outcome.quarantined and not outcome.verdict.findings
    assert outcome.verdict.changed == changed and outcome.verdict.change_share == pytest.approx(0.05)
    assert SealingFolder(out).current() == outcome.name


def test_a_mass_rewrite_is_quarantined_and_the_last_good_stays_current(
    tmp_path: Path, station_keys: KeySet
) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    good = seal(sealer(store, station_keys, out))
    rewrite_share(store, 0.5, table="observation")  # 300 of 800: 37.5 % > 30 %
    outcome = seal(sealer(store, station_keys, out))
    assert outcome.quarantined and outcome.verdict.too_many_changes
    assert ("change", "observation") in {(f.kind, f.table) for f in outcome.verdict.findings}
    assert outcome.archive.parent == out / "quarantine" and outcome.archive.exists()
    assert SealingFolder(out).current() == good.name
    again = seal(sealer(store, station_keys, out))  # still compared with the last good one
    assert again.quarantined and again.name.sequence == 3


def test_a_mass_deletion_is_quarantined(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    seal(sealer(store, station_keys, out))
    removed = delete_share(store, 0.6)
    outcome = seal(sealer(store, station_keys, out))
    assert outcome.quarantined and outcome.verdict.removed == removed


def test_garbled_records_are_quarantined_even_without_a_baseline(
    tmp_path: Path, station_keys: KeySet
) -> None:
    store = make_store(tmp_path / "store.sqlite")
    garbled = encrypt_like_ransomware(store, 0.4)  # 80 of 800 records: 10 % > 5 %
    outcome = seal(sealer(store, station_keys, tmp_path / "out"))
    assert outcome.quarantined and outcome.verdict.too_many_garbled
    assert outcome.verdict.garbled == garbled and not outcome.verdict.has_baseline
    assert SealingFolder(tmp_path / "out").current() is None


def test_thresholds_are_settable(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    seal(sealer(store, station_keys, out))
    rewrite_share(store, 0.2)  # 40 of 200 patients, 5 % of all records
    outcome = seal(sealer(store, station_keys, out, GuardPolicy(max_change=0.04)))
    assert outcome.quarantined


def test_fingerprints_are_keyed_and_survive_in_the_private_state(
    tmp_path: Path, station_keys: KeySet
) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    seal(sealer(store, station_keys, out))
    baseline = out / ".bascule" / "baseline.json"
    assert baseline.stat().st_mode & 0o077 == 0 and (out / ".bascule").stat().st_mode & 0o077 == 0
    assert b"Dupont" not in baseline.read_bytes() and b"pat-000001" in baseline.read_bytes()
    assert not seal(sealer(store, station_keys, out)).verdict.change_share


def test_garbled_records_are_remembered_while_unchanged(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    few = encrypt_like_ransomware(store, 0.02)  # 4 of 200 patients: 2 %, not over the 2 % limit
    first = seal(sealer(store, station_keys, out))
    assert not first.quarantined and first.verdict.garbled == few
    rewrite_share(store, 0.05)  # other patients change plausibly; the garbled ones stay garbled
    assert seal(sealer(store, station_keys, out)).verdict.garbled == few


def _downgrade(out: Path, store: Path, scheme: str) -> None:
    """Rewrite the folder's baseline as an older one: format 3 in "sha256" (quote() rows), or
    format 2 (keyed BLAKE2b, no scheme named)."""
    path = SealingFolder(out).baseline_path
    current = Baseline.load(path)
    assert current is not None and current.scheme == DEFAULT_SCHEME == "sha256-json"
    old = take_census(store, current.key, "test", scheme=scheme)
    Baseline(current.sequence, current.key, old.fingerprints, old.garbled, scheme).save(path)
    if scheme == "blake2b":
        document = json.loads(path.read_text())
        document["format"] = 2
        del document["scheme"]
        path.write_text(json.dumps(document))


@pytest.mark.parametrize("scheme", ["sha256", "blake2b"])
def test_an_older_baseline_is_still_compared_record_by_record(
    tmp_path: Path, station_keys: KeySet, scheme: str
) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    seal(sealer(store, station_keys, out))
    _downgrade(out, store, scheme)
    changed = rewrite_share(store, 0.2)
    plausible = seal(sealer(store, station_keys, out))
    assert not plausible.quarantined and plausible.verdict.has_baseline
    assert plausible.verdict.changed == changed  # same scheme: only the rewritten records differ
    assert Baseline.load(SealingFolder(out).baseline_path).scheme == scheme  # type: ignore[union-attr]
    rewrite_share(store, 0.9, table="observation")
    assert seal(sealer(store, station_keys, out)).quarantined


@pytest.mark.parametrize(("newer", "older"), [("sha256-json", "sha256"), ("sha256-json", "blake2b")])
def test_schemes_give_different_fingerprints_for_the_same_rows(
    tmp_path: Path, newer: str, older: str
) -> None:
    store = make_store(tmp_path / "store.sqlite", blob_bytes=64)
    new = take_census(store, b"k" * 32, "test", scheme=newer)
    old = take_census(store, b"k" * 32, "test", scheme=older)
    assert new.scheme == newer and new.counts == old.counts
    for table, prints in new.fingerprints.items():
        assert prints.keys() == old.fingerprints[table].keys()
        assert all(len(digest) == 8 for digest in prints.values())
        assert all(prints[record] != old.fingerprints[table][record] for record in prints)


@pytest.mark.parametrize("scheme", FINGERPRINT_SCHEMES)
@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("notes", ["1", b"1", None, "", "null", "NULL", "'1'", '"1"']),  # TEXT: text, BLOB, NULL
        ("version", [1, 1.5, "1.5x", b"1", 2**40, "one"]),  # INTEGER affinity: integer, real, text, BLOB
    ],
)
def test_stored_values_that_differ_only_in_type_have_different_fingerprints(
    tmp_path: Path, scheme: str, column: str, values: list[object]
) -> None:
    """The canonical text of a row tells SQLite's types apart (1, 1.5, '1', x'31', NULL)."""
    store = make_store(tmp_path / "store.sqlite", patients=3, observations=0)
    seen = []
    for value in values:
        with sqlite3.connect(store) as connection:
            connection.execute(f"UPDATE patient SET {column} = ? WHERE id = 'pat-000001'", (value,))
        prints = take_census(store, b"k" * 32, "test", scheme=scheme).fingerprints["patient"]
        seen.append(prints["pat-000001"])
        assert prints.keys() == {"pat-000000", "pat-000001", "pat-000002"}
    assert len(set(seen)) == len(seen)


def test_a_blob_written_into_a_text_column_is_fingerprinted_not_refused(tmp_path: Path) -> None:
    """json_array() refuses BLOBs: such a row (what ransomware may leave) takes the quote() form."""
    store = make_store(tmp_path / "store.sqlite")
    before = take_census(store, b"k" * 32, "test")
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE patient SET family = randomblob(40) WHERE id = 'pat-000003'")
    after = take_census(store, b"k" * 32, "test")
    assert after.counts == before.counts
    changed = [
        r
        for r, digest in after.fingerprints["patient"].items()
        if before.fingerprints["patient"][r] != digest
    ]
    assert changed == ["pat-000003"]
