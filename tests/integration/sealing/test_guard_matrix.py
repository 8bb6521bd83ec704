"""The ransomware guard against each record type's deletion and garbling, at once and in steps,
next to normal churn, on the real continuity store (the synthetic hospital written by
ContinuityStore). Run with -s to see the table.

Attacks: deletion or garbling of 10, 30 or 50 % of one table in one refresh, and of 5 % or 20 % of
what is left per refresh over 10 refreshes (with normal churn under them). Garbling writes
printable ciphertext (base64, under 128 bytes for short fields) into every TEXT field but ids and
links, as an encryptor of values would. Churn: each refresh discharges and admits 1 to 5 % of the
patients (with their stays, allergies, alerts, orders and results) and moves some stays.
"""

from __future__ import annotations

import base64
import random
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bascule.hospital.model import CareUnit
from bascule.snapshot.guard import GuardPolicy
from bascule.snapshot.keys import KeySet, load_signing_key, parse_recipients
from bascule.snapshot.sealing import SealOutcome, SealRequest, seal
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital

pytestmark = pytest.mark.integration

TABLES = ("patients", "stays", "allergies", "alerts", "medication_orders", "lab_results")
START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
UNITS = tuple(CareUnit(id=f"ward-{i}", name=f"Ward {i}", site="main", beds=30) for i in range(12))
STEPS = 10


@pytest.fixture(scope="module")
def hospital_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("hospital") / "continuity.sqlite"
    store_hospital(generate(7, "fr", UNITS, START), store, "chsv")
    with ContinuityStore.open(store, readonly=True) as written:  # the store's own API reads it back
        assert all(written.counts().get(table, 0) >= 20 for table in TABLES)
    return store


def _columns(connection: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(row[1], row[2].upper()) for row in connection.execute(f'PRAGMA table_info("{table}")')]


def delete(connection: sqlite3.Connection, table: str, share: float, rng: random.Random) -> None:
    ids = [row[0] for row in connection.execute(f'SELECT id FROM "{table}" ORDER BY id')]
    chosen = rng.sample(ids, round(len(ids) * share))
    connection.executemany(f'DELETE FROM "{table}" WHERE id = ?', [(record,) for record in chosen])


def _ciphertext(value: str, rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(len(value.encode()) + 16)).decode()


def garble(connection: sqlite3.Connection, table: str, share: float, rng: random.Random) -> None:
    """Printable ciphertext in every TEXT field of `share` of the table's (not yet garbled) rows."""
    texts = [
        c for c, kind in _columns(connection, table) if kind == "TEXT" and c != "id" and not c.endswith("_id")
    ]
    texts = [c for c in texts if c != "version"]
    rows = connection.execute(f'SELECT id, {", ".join(texts)} FROM "{table}" ORDER BY id').fetchall()
    total = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    clean = [row for row in rows if not any(v and v.endswith("=") and len(v) >= 24 for v in row[1:])]
    for row in rng.sample(clean, min(round(total * share), len(clean))):
        values = [None if v is None else _ciphertext(v, rng) for v in row[1:]]
        assignments = ", ".join(f'"{c}" = ?' for c in texts)
        connection.execute(f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*values, row[0]])


def churn(connection: sqlite3.Connection, rng: random.Random, serial: list[int]) -> None:
    """Normal life: 1-5 % of the patients leave, about as many arrive (occupancy holds within a
    point), and some stays move bed."""
    linked = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    linked = [t for t in linked if "patient_id" in {c for c, _ in _columns(connection, t)}]
    patients = [row[0] for row in connection.execute("SELECT id FROM patients ORDER BY id")]
    rate = rng.uniform(0.01, 0.05)
    for patient in rng.sample(patients, round(len(patients) * rate)):
        for table in linked:
            connection.execute(f'DELETE FROM "{table}" WHERE patient_id = ?', (patient,))
        connection.execute("DELETE FROM patients WHERE id = ?", (patient,))
    patients = [row[0] for row in connection.execute("SELECT id FROM patients ORDER BY id")]
    for model in rng.sample(patients, round(len(patients) * max(rate + rng.uniform(-0.01, 0.01), 0.01))):
        serial[0] += 1
        new = f"adm-{serial[0]:06d}"
        for table in ("patients", *linked):
            names = [c for c, _ in _columns(connection, table)]
            picked = ", ".join(
                "? || id" if c == "id" else ("?" if c == "patient_id" else f'"{c}"') for c in names
            )
            key = "id" if table == "patients" else "patient_id"
            parameters = [f"{new}-", *([new] if "patient_id" in names else [])]
            connection.execute(
                f'INSERT INTO "{table}" SELECT {picked} FROM "{table}" WHERE {key} = ?', [*parameters, model]
            )
    beds = [row for row in connection.execute("SELECT id, bed FROM stays WHERE bed IS NOT NULL ORDER BY id")]
    for (stay, _), (_, bed) in zip(
        rng.sample(beds, len(beds) // 50), rng.sample(beds, len(beds) // 50), strict=True
    ):
        connection.execute("UPDATE stays SET bed = ?, version = version || 'm' WHERE id = ?", (bed, stay))


@dataclass
class Run:
    outcomes: list[SealOutcome]

    @property
    def accepted(self) -> list[int]:
        return [i for i, outcome in enumerate(self.outcomes, 1) if not outcome.quarantined]


def _refreshes(
    base: Path,
    tmp_path: Path,
    keys: KeySet,
    changes: list[Callable[[sqlite3.Connection, random.Random], None]],
    every: timedelta = timedelta(minutes=30),
) -> Run:
    """Seal the store once (the first good bundle), then once after each change."""
    tmp_path.mkdir(exist_ok=True)
    store = tmp_path / "store.sqlite"
    shutil.copy(base, store)
    request = SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        tmp_path / "out",
        policy=GuardPolicy(),
    )
    first = seal(request, START)
    assert not first.quarantined
    rng = random.Random(11)
    outcomes = []
    for step, change in enumerate(changes, 1):
        with sqlite3.connect(store) as connection:
            change(connection, rng)
        connection.close()
        outcomes.append(seal(request, START + every * step))
    return Run(outcomes)


def _attack(kind: str, table: str, share: float) -> Callable[[sqlite3.Connection, random.Random], None]:
    action = delete if kind == "deletion" else garble
    return lambda connection, rng: action(connection, table, share, rng)


def _with_churn(
    attack: Callable[[sqlite3.Connection, random.Random], None],
) -> Callable[[sqlite3.Connection, random.Random], None]:
    serial = [50_000]

    def both(connection: sqlite3.Connection, rng: random.Random) -> None:
        churn(connection, rng, serial)
        attack(connection, rng)

    return both


ROWS: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _table() -> Iterator[None]:
    """Prints the table of what the tests saw once they have run (pytest -s shows it)."""
    yield
    print("\n" + "\n".join(sorted(ROWS)))


def _row(label: str, cells: list[str]) -> None:
    ROWS.append(f"{label:<36} {' '.join(cells)}")


@pytest.mark.parametrize("kind", ["deletion", "garbling"])
@pytest.mark.parametrize("table", TABLES)
def test_an_attack_on_one_table_is_quarantined_at_once(
    hospital_store: Path, tmp_path: Path, station_keys: KeySet, table: str, kind: str
) -> None:
    cells = []
    for share in (0.10, 0.30, 0.50):
        run = _refreshes(hospital_store, tmp_path / f"{share}", station_keys, [_attack(kind, table, share)])
        cells.append(f"{int(share * 100)}%:{'accepted' if run.accepted else 'quarantined'}")
        assert not run.accepted, (table, kind, share)
    _row(f"{table} {kind} at once", cells)


@pytest.mark.parametrize("step", [0.05, 0.20])
@pytest.mark.parametrize("kind", ["deletion", "garbling"])
@pytest.mark.parametrize("table", TABLES)
def test_an_attack_in_steps_is_stopped_by_the_anchor(
    hospital_store: Path, tmp_path: Path, station_keys: KeySet, table: str, kind: str, step: float
) -> None:
    """Steps under churn: once one refresh is quarantined, every later one is, and what was
    accepted before stays under the anchor's limit."""
    run = _refreshes(
        hospital_store, tmp_path, station_keys, [_with_churn(_attack(kind, table, step))] * STEPS
    )
    accepted = run.accepted
    first_refused = next(i for i in range(1, STEPS + 1) if i not in accepted)
    assert accepted == list(range(1, first_refused)), (table, kind, step, accepted)
    policy = GuardPolicy()
    assert 1 - (1 - step) ** len(accepted) <= policy.anchor_shrink, (table, kind, step, accepted)
    lost = f"{(1 - (1 - step) ** len(accepted)) * 100:.0f}%"
    _row(
        f"{table} {kind} {int(step * 100)}% steps",
        [f"first refused: {first_refused}", f"let through: {lost}"],
    )


@pytest.mark.parametrize("every", [timedelta(minutes=30), timedelta(hours=8)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_normal_churn_is_never_quarantined(
    hospital_store: Path, tmp_path: Path, station_keys: KeySet, seed: int, every: timedelta
) -> None:
    serial = [seed * 10_000]

    def life(connection: sqlite3.Connection, rng: random.Random) -> None:
        churn(connection, random.Random(rng.random() + seed), serial)

    run = _refreshes(hospital_store, tmp_path, station_keys, [life] * STEPS, every)
    findings = [
        (i, f.kind, f.table, round(f.share, 3))
        for i, o in enumerate(run.outcomes, 1)
        for f in o.verdict.findings
    ]
    assert len(run.accepted) == STEPS, findings
    _row(f"churn seed {seed} every {every}", [f"accepted {len(run.accepted)}/{STEPS}"])
