"""Readiness on the demo map and on generated maps: the whole check, and the single points of
failure found by batched propagation against one `assess` per candidate.

.venv/bin/python bench/readiness.py [--quick]   # writes bench/results/readiness.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results" / "readiness.json"


def measure(name: str, repeats: int, per_candidate: bool) -> dict[str, Any]:
    from bascule.hospital.loading import load_map, load_map_text
    from bascule.impact import Hits, assess
    from bascule.readiness import assess_readiness
    from bascule.readiness.map_checks import VITAL_PRIORITIES, Candidate, MapReview
    from bench.impact import generate

    if name == "demo":
        hospital_map = load_map("demo")
    else:
        hospital_map = load_map_text(json.dumps(generate(int(name))), is_json=True)
    _ = hospital_map.graph
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        readiness = assess_readiness(hospital_map)
        times.append(time.perf_counter() - started)
    review = MapReview(hospital_map)
    vital = [p for p in hospital_map.processes if p.priority in VITAL_PRIORITIES]
    candidates: set[Candidate] = set()
    for process in vital:
        candidates |= review.path(process)
    row: dict[str, Any] = {
        "map": name,
        "nodes": len(hospital_map.nodes),
        "candidates": len(candidates),
        "single_points": len(review.single_points),
        "readiness_s": round(statistics.median(times), 3),
        "score": readiness.score,
    }
    if per_candidate:  # what one `assess` per candidate would cost
        started = time.perf_counter()
        for candidate in candidates:
            hits = {"node": Hits(down=(candidate.id,)), "segment": Hits(isolate=(candidate.id,))}
            assess(hospital_map, hits.get(candidate.what, Hits(suppliers=(candidate.id,))))
        row["assess_per_candidate_s"] = round(time.perf_counter() - started, 3)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="the demo map and 2,000 nodes only")
    args = parser.parse_args()
    maps = ["demo", "2000"] if args.quick else ["demo", "2000", "10000", "50000"]
    rows = [measure(name, 3, per_candidate=name in ("demo", "2000", "10000")) for name in maps]
    for row in rows:
        print(json.dumps(row))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
