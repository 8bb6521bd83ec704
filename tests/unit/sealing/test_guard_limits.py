"""The guard's limits that an attacker cannot walk around: per table, floors, short ciphertext,
the long-lived anchor, and thresholds from the map."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import delete_share, make_store

from bascule.hospital.model import GuardSettings
from bascule.snapshot.census import looks_garbled, odd_shape, shape
from bascule.snapshot.folder import SealingFolder
from bascule.snapshot.guard import ANCHOR_AGE, Baseline, GuardPolicy, next_anchor, policy_from
from bascule.snapshot.keys import KeySet, load_signing_key, parse_recipients
from bascule.snapshot.sealing import SealRequest, seal

START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def sealer(
    store: Path, keys: KeySet, out: Path, keep: int = 48, policy: GuardPolicy | None = None
) -> SealRequest:
    return SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        out,
        keep=keep,
        policy=policy or GuardPolicy(),
    )


def _encrypt_names(store: Path, share: float) -> int:
    """Short printable ciphertext (base64 of 16-24 bytes) in the names of `share` of the patients."""
    with sqlite3.connect(store) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM patient ORDER BY id")]
        chosen = ids[: int(len(ids) * share)]
        connection.executemany(
            "UPDATE patient SET family = ?, given = ? WHERE id = ?",
            [
                (base64.b64encode(os.urandom(16)).decode(), base64.b64encode(os.urandom(20)).decode(), record)
                for record in chosen
            ],
        )
    connection.close()
    return len(chosen)


def test_short_ciphertext_is_not_garbled_on_its_own_but_is_in_a_name_column() -> None:
    names = {shape(name): 50 for name in ("Dupont", "Le Gall", "Müller-Kahn", "O'Neil")}
    cipher = base64.b64encode(os.urandom(16)).decode()  # "==" at its end: never in a name
    assert not looks_garbled(cipher.encode())  # printable and under 128 bytes: what the old test missed
    assert odd_shape(names, cipher.encode())
    assert not odd_shape(names, b"Bernard-Dupont")  # a new mix of the column's usual traits
    assert not odd_shape({shape("Dupont"): 5}, cipher.encode())  # too few values to judge a column


def test_encrypting_some_patients_names_is_quarantined(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    good = seal(sealer(store, station_keys, out), START)
    garbled = _encrypt_names(store, 0.1)  # 20 of 200 patients, 2.5 % of all records
    outcome = seal(sealer(store, station_keys, out), START + timedelta(minutes=30))
    assert outcome.quarantined and outcome.verdict.garbled == garbled
    assert [(f.kind, f.table) for f in outcome.verdict.findings] == [("garbled", "patient")]
    assert SealingFolder(out).current() == good.name


def test_losing_the_observations_is_not_hidden_by_the_patients(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite", patients=2000, observations=100)
    out = tmp_path / "out"
    seal(sealer(store, station_keys, out), START)
    with sqlite3.connect(store) as connection:
        connection.execute("DELETE FROM observation WHERE rowid % 5 = 0")  # 20 of 100; 1 % of all records
    connection.close()
    outcome = seal(sealer(store, station_keys, out), START + timedelta(minutes=30))
    assert outcome.quarantined and outcome.verdict.change_share < 0.02
    assert ("shrink", "observation") in {(f.kind, f.table) for f in outcome.verdict.findings}


def test_steps_add_up_against_the_anchor_which_is_kept(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite")
    out = tmp_path / "out"
    lenient = GuardPolicy(max_shrink=0.08)  # 5 % steps pass each refresh: only the anchor stops them
    seal(sealer(store, station_keys, out, 1, lenient), START)
    outcomes = []
    for step in range(1, 6):
        delete_share(store, 0.05, seed=step)
        outcomes.append(
            seal(sealer(store, station_keys, out, 1, lenient), START + timedelta(minutes=30 * step))
        )
    accepted = [o for o in outcomes if not o.quarantined]
    assert 1 <= len(accepted) < len(outcomes)
    refused = outcomes[len(accepted)]
    assert {f.kind for f in refused.verdict.findings} >= {
        "anchor-shrink"
    } and refused.verdict.anchor_sequence == 1
    anchor = Baseline.load(out / ".bascule" / "anchor.json")
    assert anchor is not None and anchor.sequence == 1 and anchor.sealed_at == START  # not pruned with keep=1
    # The anchors' bundles stay too, with keep=1: the last copy known good before the steps (and the
    # anchor to be), beside the current one; every other one is pruned.
    candidate = Baseline.load(out / ".bascule" / "anchor-next.json")
    current = (out / "current").read_text().strip()
    kept = sorted(p.name for p in out.glob("bascule-*.tar.age"))
    anchors = {1, candidate.sequence if candidate else 1}
    assert kept == sorted({current, *(n for n in kept if int(n.split("-")[1]) in anchors)})
    assert kept[0].startswith("bascule-00000001-") and len(kept) == len(
        anchors | {int(current.split("-")[1])}
    )
    assert (out / f"{kept[0]}.minisig").exists()


def _baseline(sequence: int, at: datetime) -> Baseline:
    return Baseline(sequence, b"k" * 32, {}, sealed_at=at)


def test_the_anchor_is_the_first_good_bundle_until_one_is_a_day_old() -> None:
    first, second = _baseline(1, START), _baseline(2, START + timedelta(hours=1))
    anchor, candidate = next_anchor(None, None, first, START)
    assert (anchor, candidate) == (first, None)
    anchor, candidate = next_anchor(anchor, candidate, second, second.sealed_at)  # type: ignore[arg-type]
    assert (anchor, candidate) == (first, second)
    third = _baseline(3, START + ANCHOR_AGE)
    assert next_anchor(anchor, candidate, third, START + ANCHOR_AGE) == (first, second)  # 23 h: not yet
    fourth = _baseline(4, START + ANCHOR_AGE + timedelta(hours=1))
    assert next_anchor(anchor, candidate, fourth, START + ANCHOR_AGE + timedelta(hours=1)) == (second, fourth)


def test_thresholds_come_from_the_defaults_then_the_map_then_the_command_line() -> None:
    assert policy_from(None) == GuardPolicy()
    settings = GuardSettings(max_change=0.2, max_shrink=0.05, floors=(("alerts", 0.99),))
    policy = policy_from(settings, max_change=0.1, max_garbled=None)
    assert (policy.max_change, policy.max_shrink, policy.max_garbled) == (
        0.1,
        0.05,
        GuardPolicy().max_garbled,
    )
    assert dict(policy.floors) == {"alerts": 0.99}
    with pytest.raises(ValueError, match="between 0 and 1"):
        GuardPolicy(floors={"alerts": 1.5})


def test_a_baseline_keeps_its_links_and_reads_the_older_plain_form(tmp_path: Path) -> None:
    prints = {"obs": {"o1": b"a" * 8, "o2": b"b" * 8, "o3": b"c" * 8}}
    links = {"obs": {"o1": "p1", "o3": "p1"}}
    baseline = Baseline(4, b"k" * 32, prints, links=links, sealed_at=START)
    path = tmp_path / "baseline.json"
    baseline.save(path)
    loaded = Baseline.load(path)
    assert loaded is not None and loaded.fingerprints == prints
    assert loaded.links == {"obs": {"o1": "p1", "o2": None, "o3": "p1"}}
    document = json.loads(path.read_text())
    assert "p1" in document["links"]["obs"]["patients"] and "o1" not in json.dumps(document["links"])
    document["links"] = {"obs": {"o1": "p1", "o3": "p1"}}  # how baselines stored them before
    path.write_text(json.dumps(document))
    older = Baseline.load(path)
    assert older is not None and older.links == links
    document["links"] = {"obs": {"patients": ["p1"], "index": "AQAAAA=="}}  # one index for three records
    path.write_text(json.dumps(document))
    assert Baseline.load(path) is None  # damaged: as good as none, never a traceback
