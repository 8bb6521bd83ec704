"""Benchmark of the paper kits: the whole demo hospital (~900 patients, every unit) and one unit.

    .venv/bin/python bench/kits.py [--quick]

Builds the demo hospital's store (seed 42) under /tmp, then prints, each run in a fresh process so
that its peak memory is its own: every unit with 2 worker processes, and the largest unit and the
emergency unit alone (1 process). Targets: whole hospital <= 60 s on 2 cores, one unit <= 3 s, peak
memory <= 1 GB (the whole process tree's resident memory, sampled every 50 ms, at its peak). --quick prints
five units instead of all. Writes bench/results/kits.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bascule.hospital.loading import load_map  # noqa: E402
from bascule.kits.batch import print_kits  # noqa: E402
from bascule.snapshot.store import ContinuityStore  # noqa: E402
from bascule.sources.synthetic.hospital import generate  # noqa: E402
from bascule.sources.synthetic.to_store import store_hospital  # noqa: E402
from bascule.sources.synthetic.units import map_units  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
TARGETS = {"hospital_seconds": 60.0, "unit_seconds": 3.0, "peak_mb": 1024.0}


def build_store(folder: Path) -> tuple[Path, float]:
    started = time.perf_counter()
    path = folder / "store.sqlite"
    hospital = generate(
        42, "fr", map_units("demo"), datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    )
    store_hospital(hospital, path, load_map("demo").hospital.id)
    return path, time.perf_counter() - started


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (from /proc), in MB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        rss[int(entry.name)] = int(fields[21]) * PAGE
    wanted = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    total = sum(rss.get(pid, 0) for pid in wanted)
    return total / 1e6


class _Sampler(threading.Thread):
    """The peak of the whole process tree's memory, sampled every 50 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _tree_rss_mb(os.getpid()))


def _own_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scenario(store: str, units: list[str] | None, out: str, workers: int, queue: Any) -> None:
    sampler = _Sampler()
    sampler.start()
    started = time.perf_counter()
    run = print_kits(Path(store), load_map("demo"), units, Path(out), "fr", "a4", workers=workers)
    seconds = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    queue.put(
        {
            "kits": len(run.files),
            "patients": sum(kit.patients for kit in run.files),
            "pages": run.pages,
            "mb": round(run.size / 1e6, 2),
            "seconds": round(seconds, 2),
            "pages_per_second": round(run.pages / seconds, 1),
            "parent_peak_mb": round(_own_peak_mb(), 1),
            "peak_mb": round(max(sampler.peak, _own_peak_mb()), 1),
        }
    )


def measure(store: Path, units: list[str] | None, out: Path, workers: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_scenario, args=(str(store), units, str(out), workers, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="five units instead of the whole hospital")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bascule-bench-kits-") as scratch:
        folder = Path(scratch)
        store, build_seconds = build_store(folder)
        with ContinuityStore.open(store, readonly=True) as opened:
            census = sorted(opened.census(), key=lambda unit: -unit.occupied)
        biggest = census[0].unit_id
        every = None if not args.quick else [unit.unit_id for unit in census[:5]]
        results: dict[str, Any] = {
            "quick": args.quick,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg()[0],
            "store_build_seconds": round(build_seconds, 1),
            "inpatients": sum(unit.occupied for unit in census),
            "units": len(census),
            "targets": TARGETS,
        }
        results["hospital"] = measure(store, every, folder / "all", workers=2)
        results["largest_unit"] = {"unit": biggest, **measure(store, [biggest], folder / "one", workers=1)}
        results["emergency_unit"] = {
            "unit": "urgences",
            **measure(store, ["urgences"], folder / "urg", workers=1),
        }
    results["met"] = {
        "hospital_seconds": args.quick or results["hospital"]["seconds"] <= TARGETS["hospital_seconds"],
        "unit_seconds": results["largest_unit"]["seconds"] <= TARGETS["unit_seconds"],
        "peak_mb": results["hospital"]["peak_mb"] <= TARGETS["peak_mb"],
    }
    target = ROOT / "bench" / "results" / "kits.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"demo hospital: {results['inpatients']} inpatients in {results['units']} units (load {results['load_average']:.1f})"
    )
    print(f"{'run':<28}{'kits':>5}{'patients':>9}{'pages':>7}{'MB':>7}{'s':>8}{'pages/s':>9}{'peak MB':>9}")
    for name in ("hospital", "largest_unit", "emergency_unit"):
        row = results[name]
        label = name if "unit" not in row else f"{name} ({row['unit']})"
        print(
            f"{label:<28}{row['kits']:>5}{row['patients']:>9}{row['pages']:>7}{row['mb']:>7}"
            f"{row['seconds']:>8}{row['pages_per_second']:>9}{row['peak_mb']:>9}"
        )
    print(f"targets met: {results['met']}  ->  {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
