"""Benchmark of identity matching: downtime registrations against a store population.

    .venv/bin/python bench/run.py matching        (or: .venv/bin/python bench/matching.py [--quick])

Generates the matching test set (bascule.reconcile.testset: French and British names, the paper
errors at their documented rates, the hard cases, a fifth of new patients), then times building
the blocking index and matching every registration, for 1,000 registrations against 20,000
patients and 1,000 against 100,000 (the brief's scale). Writes bench/results/matching.json with
the confusion table (decision x truth), auto precision and recall, and the timings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bascule.reconcile.linkage import PatientIndex  # noqa: E402
from bascule.reconcile.match import match_with_index  # noqa: E402
from bascule.reconcile.testset import confusion, generate_testset  # noqa: E402


def run(population: int, registrations: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    testset = generate_testset(seed=seed, population=population, registrations=registrations)
    generated = time.perf_counter()
    index = PatientIndex(testset.patients)
    indexed = time.perf_counter()
    matches = match_with_index(testset.registrations, index)
    matched = time.perf_counter()
    table = confusion(testset, matches)
    print(f"{registrations} registrations x {population} patients (seed {seed}):")
    print(table.text())
    print(f"index {indexed - generated:.2f} s, matching {matched - indexed:.2f} s")
    return {
        "population": population,
        "registrations": registrations,
        "seed": seed,
        "confusion": table.table,
        "auto_precision": table.auto_precision,
        "auto_recall": table.auto_recall,
        "seconds": {
            "generate": round(generated - started, 3),
            "index": round(indexed - generated, 3),
            "match": round(matched - indexed, 3),
            "match_per_registration_ms": round((matched - indexed) / registrations * 1000, 3),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20,000 patients only")
    args = parser.parse_args()
    sizes = [(20_000, 1_000)] if args.quick else [(20_000, 1_000), (100_000, 1_000)]
    runs = [run(population, registrations, seed=16) for population, registrations in sizes]
    out = ROOT / "bench" / "results" / "matching.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"benchmark": "matching", "runs": runs}, indent=1) + "\n")
    print(f"Results: {out}")
    safe = all(item["auto_precision"] == 1.0 for item in runs)
    return 0 if safe else 1


if __name__ == "__main__":
    raise SystemExit(main())
