"""A bulk import streams: batches written inside one transaction, so a failed or killed import keeps
nothing, and memory does not grow with the size of the export."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from bascule.errors import UserError
from bascule.snapshot.store import ContinuityStore
from bascule.sources import bulk
from bascule.sources.bulk import import_export

SRC = Path(__file__).resolve().parents[3] / "src"


def observation(number: int) -> dict[str, Any]:
    """A lab result as Synthea writes it in its bulk output (no meta, UUID-like id)."""
    return {
        "resourceType": "Observation",
        "id": f"9b1e7c2a-0000-4000-8000-{number:012d}",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hemoglobin"}]},
        "subject": {"reference": f"Patient/p{number % 97}"},
        "effectiveDateTime": "2024-03-10T08:00:00+01:00",
        "valueQuantity": {"value": 10 + number % 7, "unit": "g/dL", "system": "http://unitsofmeasure.org"},
    }


def export_lines(first: int, count: int) -> bytes:
    return b"".join(json.dumps(observation(n)).encode() + b"\n" for n in range(first, first + count))


def state(store: Path) -> tuple[list[Any], dict[str, str]]:
    with sqlite3.connect(store) as connection:
        return (
            connection.execute("SELECT * FROM lab_results ORDER BY id").fetchall(),
            dict(connection.execute("SELECT key, value FROM store_meta")),
        )


@pytest.fixture
def filled_store(tmp_path: Path) -> Path:
    folder = tmp_path / "before"
    folder.mkdir()
    (folder / "Observation.ndjson").write_bytes(export_lines(0, 30))
    store = tmp_path / "s.sqlite"
    import_export(folder, store)
    return store


def test_a_failing_import_leaves_the_store_as_it_was(
    tmp_path: Path, filled_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(filled_store)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Observation.ndjson").write_bytes(export_lines(1000, 50))
    (folder / "Zz.ndjson").mkdir()  # read after the observations, and unreadable
    monkeypatch.setattr(bulk, "BATCH", 7)
    batches: list[int] = []
    write = ContinuityStore.write
    monkeypatch.setattr(
        ContinuityStore, "write", lambda self, records: (batches.append(1), write(self, records))[1]
    )
    with pytest.raises(UserError, match="nothing was imported"):
        import_export(folder, filled_store)
    assert len(batches) >= 7  # batches were written before the failure...
    assert state(filled_store) == before  # ...and none of them was kept


def test_a_killed_import_leaves_the_store_as_it_was(tmp_path: Path, filled_store: Path) -> None:
    before = state(filled_store)
    folder = tmp_path / "export"
    folder.mkdir()
    os.mkfifo(folder / "Observation.ndjson")
    importer = subprocess.Popen(
        [sys.executable, "-m", "bascule", "snapshot", "import", str(folder), "--store", str(filled_store)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines = export_lines(2000, 5 * bulk.BATCH)
    sent = threading.Event()
    pipe: list[Any] = []

    def feed() -> None:  # blocks until the importer reads; returns once it has read all but a pipe's worth
        pipe.append(open(folder / "Observation.ndjson", "wb"))  # noqa: SIM115 (kept open: no end of file)
        pipe[0].write(lines)
        pipe[0].flush()
        sent.set()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        assert sent.wait(timeout=120), (
            importer.stderr.read() if importer.poll() is not None else "no progress"
        )
        importer.send_signal(signal.SIGKILL)  # several batches written, none committed
        assert importer.wait(timeout=60) == -signal.SIGKILL
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
        for opened in pipe:
            with contextlib.suppress(BrokenPipeError):
                opened.close()
        if importer.stderr is not None:
            importer.stderr.close()
    assert state(filled_store) == before
    with ContinuityStore.open(filled_store) as store:  # and it still opens as a good store
        assert store.counts()["lab_results"] == 30


# VmHWM, not getrusage(): a child's ru_maxrss starts from its parent's peak (kept across fork and exec).
PEAK_RSS = """
import sys
from pathlib import Path
from bascule.cli import main
code = main(["snapshot", "import", sys.argv[1], "--store", sys.argv[2]], environ={})
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(code, status["VmHWM"].split()[0])
"""


def peak_rss_of_import(tmp_path: Path, name: str, resources: int) -> int:
    folder = tmp_path / name
    folder.mkdir()
    with (folder / "Observation.ndjson").open("wb") as out:
        for start in range(0, resources, 5000):
            out.write(export_lines(start, min(5000, resources - start)))
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(folder), str(tmp_path / f"{name}.sqlite")],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak = done.stdout.splitlines()[-1].split()
    assert code == "0", done.stderr
    return int(peak)


def test_memory_does_not_grow_with_the_size_of_the_export(tmp_path: Path) -> None:
    baseline = peak_rss_of_import(tmp_path, "small", 6_000)
    large = peak_rss_of_import(tmp_path, "large", 60_000)  # ten times as many resources (~30 MB)
    # Holding the records in memory would cost about 1 KB each: some 60 MB more, twice the baseline.
    assert large / baseline < 1.25, (baseline, large)
