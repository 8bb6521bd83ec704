"""Benchmark of sealed snapshots: seal, verify and open speed (MB/s of store) and the demo's open time.

    .venv/bin/python bench/sealing.py [--quick]

Stores, all following the store contract, made under /tmp and deleted afterwards: the demo
hospital's store; ~100 MB of text-like clinical rows (--quick: ~20 MB); 1 GB of documents (random
1 MB blobs; --quick: 200 MB); and 1 GB mixed, 15 % rows and 85 % documents. Targets: sealing >= 200 MB/s on 2 cores; the demo hospital opens in <= 5 s.
Also measures each sealing stage, and zlib level 1 on the demo store (is compressing worth it?).
Writes bench/results/sealing.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bascule.snapshot.age_format import recipient_bytes  # noqa: E402
from bascule.snapshot.archive_writer import write_archive  # noqa: E402
from bascule.snapshot.census import take_census, take_copy  # noqa: E402
from bascule.snapshot.keys import (  # noqa: E402
    load_identities,
    load_public_key,
    load_signing_key,
    new_key_set,
    parse_recipients,
)
from bascule.snapshot.opening import open_bundle  # noqa: E402
from bascule.snapshot.sealing import SealRequest, seal  # noqa: E402
from bascule.snapshot.verify import verify_bundle  # noqa: E402

MB = 1_000_000
WORDS = [
    "patient",
    "stable",
    "surveillance",
    "glycémie",
    "allergie",
    "pénicilline",
    "douleur",
    "tension",
    "artérielle",
    "hémoglobine",
    "transfusion",
    "bilan",
    "prescription",
    "paracétamol",
    "chambre",
    "lit",
    "service",
    "urgences",
]


def _meta(connection: sqlite3.Connection, hospital: str) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    connection.execute("CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    connection.executemany(
        "INSERT INTO store_meta VALUES (?, ?)",
        [
            ("schema_version", "1"),
            ("hospital_id", hospital),
            ("source", "bench"),
            ("data_time", now),
            ("refreshed_at", now),
        ],
    )


def _observations(connection: sqlite3.Connection, megabytes: int) -> None:
    """Text-like rows (notes, codes, values), as a real continuity store holds: ~520 bytes each."""
    rng = random.Random(1)
    connection.execute(
        "CREATE TABLE observation (id TEXT PRIMARY KEY, version INTEGER, patient_id TEXT, "
        "code TEXT, value REAL, note TEXT)"
    )
    rows = megabytes * MB // 520
    vocabulary = [" ".join(rng.choices(WORDS, k=60)) for _ in range(500)]
    connection.executemany(
        "INSERT INTO observation VALUES (?, 1, ?, ?, ?, ?)",
        (
            (f"obs-{i:09d}", f"pat-{i % 5000:06d}", "718-7", rng.uniform(3, 15), vocabulary[i % 500])
            for i in range(rows)
        ),
    )


def _documents(connection: sqlite3.Connection, megabytes: int) -> None:
    """Documents (scanned letters, reports): 1 MB blobs that do not compress."""
    connection.execute("CREATE TABLE document (id TEXT PRIMARY KEY, version INTEGER, content BLOB)")
    blob = 1 << 20
    connection.executemany(
        "INSERT INTO document VALUES (?, 1, ?)",
        ((f"doc-{i:06d}", os.urandom(blob)) for i in range(megabytes * MB // blob)),
    )


def make_store(path: Path, hospital: str, text_mb: int, document_mb: int) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    _meta(connection, hospital)
    if text_mb:
        _observations(connection, text_mb)
    if document_mb:
        _documents(connection, document_mb)
    connection.commit()
    connection.close()
    return path


CPU_SECONDS: dict[str, float] = {}


def _cpu() -> float:
    """CPU seconds of all our threads and of the child processes we waited for (age runs in one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(action: Callable[[], object], label: str = "") -> tuple[float, object]:
    """Wall seconds (and, under `label`, CPU seconds incl. children: the machine may be shared)."""
    started, cpu = time.perf_counter(), _cpu()
    result = action()
    if label:
        CPU_SECONDS[label] = _cpu() - cpu
    return time.perf_counter() - started, result


def measure(label: str, store: Path, work: Path) -> dict[str, object]:
    keys = new_key_set("bench", work / "keys")
    request = SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        work / "out",
    )
    size = store.stat().st_size
    seal(request)  # warm the page cache and create the baseline, as a running watch has
    os.sync()  # the store's and the first bundle's write-back is not the next seal's work
    seal_seconds, outcome = timed(lambda: seal(request), "seal")
    archive = outcome.archive  # type: ignore[attr-defined]
    public = load_public_key(keys.public_key)
    verify_seconds, _ = timed(lambda: verify_bundle(archive, public, seen_file=work / "seen.json"), "verify")
    identities = load_identities(keys.identity)
    open_seconds, _ = timed(
        lambda: open_bundle(
            archive,
            identities,
            work / "station",
            identity_source="bench",
            public_key=public,
            seen_file=work / "seen.json",
        ),
        "open",
    )
    stages = stage_times(store, work, request)
    return {
        "store": label,
        "store_mb": round(size / MB, 1),
        "bundle_mb": round(archive.stat().st_size / MB, 1),
        "seal_s": round(seal_seconds, 3),
        "seal_mb_s": round(size / MB / seal_seconds, 1),
        "verify_s": round(verify_seconds, 3),
        "verify_mb_s": round(size / MB / verify_seconds, 1),
        "open_s": round(open_seconds, 3),
        "open_mb_s": round(size / MB / open_seconds, 1),
        "stages_s": stages,
        "cpu_s": {k: round(v, 3) for k, v in CPU_SECONDS.items()},
        "seal_mb_per_cpu_s": round(size / MB / CPU_SECONDS["seal"], 1),
    }


def stage_times(store: Path, work: Path, request: SealRequest) -> dict[str, float]:
    copy = work / "stage-copy.sqlite"
    copy_s, _ = timed(lambda: take_copy(store, copy))
    census_s, census = timed(lambda: take_census(copy, b"k" * 32, "bench"))
    known = census.fingerprints  # type: ignore[attr-defined]
    again_s, _ = timed(lambda: take_census(copy, b"k" * 32, "bench", known))
    with open(work / "stage.age", "wb", buffering=0) as target:
        encrypt_s, _ = timed(
            lambda: write_archive(
                copy,
                datetime.now(UTC),
                lambda sha, size: b"{}",
                [recipient_bytes(str(recipient)) for recipient in request.recipients],
                target,
            )
        )
    copy.unlink()
    (work / "stage.age").unlink()
    return {
        "copy": round(copy_s, 3),
        "census_first": round(census_s, 3),
        "census_next": round(again_s, 3),
        "hash_tar_encrypt_prehash": round(encrypt_s, 3),
    }


def compression(store: Path) -> dict[str, float]:
    data = store.read_bytes()[: 64 * MB]
    seconds, packed = timed(lambda: zlib.compress(data, 1))
    return {
        "zlib1_mb_s": round(len(data) / MB / seconds, 1),
        "zlib1_ratio": round(len(data) / len(packed), 2),
    }  # type: ignore[arg-type]


def demo_hospital_store(path: Path) -> Path | None:
    """The demo hospital's continuity store, as `bascule demo` makes it (None if the feed is absent)."""
    try:
        from bascule.sources.synthetic.hospital import generate
        from bascule.sources.synthetic.to_store import store_hospital
        from bascule.sources.synthetic.units import map_units
    except ImportError:
        return None
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    store_hospital(generate(42, "fr", map_units("demo"), hour), path, "demo")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    demo_mb, big_mb = (20, 200) if args.quick else (100, 1000)
    results: list[dict[str, object]] = []
    scratch = Path(tempfile.mkdtemp(prefix="bascule-bench-sealing-", dir="/tmp"))
    try:
        hospital = demo_hospital_store(scratch / "hospital.sqlite")
        if hospital is not None:
            results.append(measure("demo hospital", hospital, scratch / "hospital"))
        demo = make_store(scratch / "demo.sqlite", "bench-demo", demo_mb, 0)
        results.append(measure(f"text {demo_mb} MB", demo, scratch / "demo"))
        zlib_figures = compression(demo)
        demo.unlink()
        big = make_store(scratch / "big.sqlite", "bench-big", 0, big_mb)
        results.append(measure(f"blobs {big_mb} MB", big, scratch / "big"))
        big.unlink()
        # A large hospital's store: rows for 15 %, documents for the rest.
        mixed = make_store(scratch / "mixed.sqlite", "bench-mixed", big_mb * 15 // 100, big_mb * 85 // 100)
        results.append(measure(f"mixed {big_mb} MB", mixed, scratch / "mixed"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    document = {
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "quick": args.quick,
        "results": results,
        "compression": zlib_figures,
        "targets": {"seal_mb_s": 200, "demo_open_s": 5},
    }
    out = ROOT / "bench" / "results" / "sealing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall-clock figures suffer when shared)"
    )
    print(
        f"{'store':<14} {'MB':>7} {'seal MB/s':>10} {'MB/cpu-s':>9} {'verify MB/s':>12} {'open MB/s':>10} "
        f"{'open s':>7}  stages (s)"
    )
    for row in results:
        print(
            f"{row['store']:<14} {row['store_mb']:>7} {row['seal_mb_s']:>10} {row['seal_mb_per_cpu_s']:>9} "
            f"{row['verify_mb_s']:>12} {row['open_mb_s']:>10} {row['open_s']:>7}  {row['stages_s']}"
        )
    print(
        f"zlib level 1 on the text store: {zlib_figures['zlib1_mb_s']} MB/s, ratio {zlib_figures['zlib1_ratio']}"
    )
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
