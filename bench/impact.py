"""Benchmark of the map and impact engine (issue 2).

Generated maps of 1k, 10k and 100k nodes (about 5 needs per node, some `any`/`at_least`
groups, layered like a real hospital: infrastructure, then applications, then care
processes). For each size, in a fresh subprocess (so peak memory is that size's own):
JSON and YAML load time, first assess (graph compile), median assess time, median what-if
time, and the same assess done by the plain pure-Python evaluator of bench/reference_impact.py
as the baseline.

    .venv/bin/python bench/impact.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

RESULTS = ROOT / "bench" / "results" / "impact.json"
TARGETS = {"assess_ms": 50.0, "speedup": 10.0, "what_if_ms": 50.0, "json_load_s": 3.0, "peak_mb": 1024.0}


def generate(nodes: int, seed: int = 7) -> dict[str, Any]:
    """A layered map document of about `nodes` nodes, deterministic from `seed`."""
    rng = random.Random(seed)
    segments = [{"id": f"seg{i}"} for i in range(max(4, nodes // 200))]
    suppliers = [{"id": f"sup{i}"} for i in range(max(2, nodes // 2000))]
    tiers = 8
    per_tier = [[] for _ in range(tiers)]  # type: list[list[str]]
    assets, applications, processes = [], [], []
    process_count = max(5, nodes // 10)
    application_count = nodes * 3 // 10
    asset_count = nodes - process_count - application_count
    for i in range(asset_count + application_count):
        tier = 0 if i < max(20, nodes // 20) else 1 + (i * (tiers - 1)) // (asset_count + application_count)
        tier = min(tier, tiers - 1)
        node_id = f"n{i}"
        entry: dict[str, Any] = {"id": node_id, "segment": rng.choice(segments)["id"]}
        if rng.random() < 0.05:
            entry["supplier"] = rng.choice(suppliers)["id"]
        earlier = [n for t in range(tier) for n in per_tier[t][-200:]]
        if earlier:
            entry["needs"] = _needs(rng, earlier)
        per_tier[tier].append(node_id)
        (assets if i < asset_count else applications).append(entry)
    everything = [n for tier in per_tier for n in tier[-400:]]
    for i in range(process_count):
        processes.append(
            {
                "id": f"p{i}",
                "priority": rng.randint(1, 4),
                "needs": _needs(rng, everything),
                **({"fallback": "paper"} if rng.random() < 0.8 else {}),
            }
        )
    return {
        "bascule": 1,
        "hospital": {"id": "bench", "name": f"Generated {nodes}"},
        "segments": segments,
        "suppliers": suppliers,
        "assets": assets,
        "applications": applications,
        "processes": processes,
        "procedures": [{"id": "paper", "title": "Paper", "steps": ["Write it down"]}],
    }


def _needs(rng: random.Random, pool: list[str]) -> list[Any]:
    needs: list[Any] = []
    for _ in range(rng.randint(3, 7)):
        roll = rng.random()
        if roll < 0.15:
            needs.append({"any": rng.sample(pool, min(len(pool), rng.randint(2, 3)))})
        elif roll < 0.22 and len(pool) >= 3:
            members = rng.sample(pool, 3)
            needs.append({"at_least": 2, "of": members})
        else:
            needs.append(rng.choice(pool))
    # Duplicated plain ids in one node's needs are harmless but noisy: keep the first.
    seen: set[str] = set()
    unique = []
    for requirement in needs:
        key = json.dumps(requirement, sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(requirement)
    return unique


def measure(nodes: int, repeats: int) -> dict[str, Any]:
    """Runs inside the subprocess for one size."""
    import yaml

    from bascule import assess, load_map
    from bascule.impact import Hits, what_if_isolate
    from bench.reference_impact import evaluate

    document = generate(nodes)
    folder = Path(tempfile.mkdtemp(prefix="bascule-bench-"))
    json_path, yaml_path = folder / "map.json", folder / "map.yaml"
    json_path.write_text(json.dumps(document), encoding="utf-8")
    yaml_path.write_text(
        yaml.dump(document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)), encoding="utf-8"
    )

    started = time.perf_counter()
    hospital_map = load_map(json_path)
    json_load = time.perf_counter() - started
    started = time.perf_counter()
    _ = hospital_map.graph
    compile_time = time.perf_counter() - started

    rng = random.Random(11)
    ids = list(hospital_map.nodes)
    segment_ids = [s.id for s in hospital_map.segments]
    scenarios = [
        Hits(tuple(rng.sample(ids[: len(ids) // 3], 20)), (rng.choice(segment_ids),), ())
        for _ in range(repeats)
    ]
    assess_times = []
    for hits in scenarios:
        started = time.perf_counter()
        assess(hospital_map, hits)
        assess_times.append(time.perf_counter() - started)
    what_if_times = []
    for hits in scenarios:
        before = assess(hospital_map, hits)
        started = time.perf_counter()
        result = what_if_isolate(hospital_map, hits, [rng.choice(segment_ids)], before=before)
        _ = result.newly_down, result.newly_degraded
        what_if_times.append(time.perf_counter() - started)
    # Peak memory of the product's own path (JSON load, compile, assess, what-if), before the
    # baseline evaluator and the YAML load add their own objects.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline_times = []
    for hits in scenarios[: max(1, min(3, repeats))]:
        started = time.perf_counter()
        evaluate(hospital_map, hits.down, hits.isolate, hits.suppliers)
        baseline_times.append(time.perf_counter() - started)
    sample = scenarios[0]
    impact = assess(hospital_map, sample)
    started = time.perf_counter()
    impact.to_json()
    to_json_time = time.perf_counter() - started
    started = time.perf_counter()
    load_map(yaml_path)
    yaml_load = time.perf_counter() - started
    assess_ms = statistics.median(assess_times) * 1000
    baseline_ms = statistics.median(baseline_times) * 1000
    return {
        "nodes": len(hospital_map.nodes),
        "levels": len(hospital_map.graph.levels),
        "json_load_s": round(json_load, 3),
        "yaml_load_s": round(yaml_load, 3),
        "compile_s": round(compile_time, 3),
        "assess_ms": round(assess_ms, 2),
        "assess_p95_ms": round(sorted(assess_times)[int(0.95 * (len(assess_times) - 1))] * 1000, 2),
        "what_if_ms": round(statistics.median(what_if_times) * 1000, 2),
        "baseline_ms": round(baseline_ms, 1),
        "speedup": round(baseline_ms / assess_ms, 1),
        "to_json_ms": round(to_json_time * 1000, 1),
        "down_in_sample": int((impact.status_array == 2).sum()),
        "peak_mb": round(peak_mb, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer repeats")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeats)))
        return 0
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    rows = []
    for size in sizes:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--repeats",
                str(5 if args.quick else args.repeats),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(output.stdout.strip().splitlines()[-1]))
    largest = rows[-1]
    verdict = {
        "assess_ms": largest["assess_ms"] <= TARGETS["assess_ms"],
        "speedup": largest["speedup"] >= TARGETS["speedup"],
        "what_if_ms": largest["what_if_ms"] <= TARGETS["what_if_ms"],
        "json_load_s": largest["json_load_s"] <= TARGETS["json_load_s"],
        "peak_mb": largest["peak_mb"] <= TARGETS["peak_mb"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"benchmark": "impact", "rows": rows, "targets": TARGETS, "targets_met_at_largest": verdict},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    columns = [
        "nodes",
        "levels",
        "json_load_s",
        "yaml_load_s",
        "compile_s",
        "assess_ms",
        "what_if_ms",
        "baseline_ms",
        "speedup",
        "peak_mb",
    ]
    print(" | ".join(f"{c:>11}" for c in columns))
    for row in rows:
        print(" | ".join(f"{row[c]!s:>11}" for c in columns))
    print(
        f"targets at {largest['nodes']} nodes: "
        + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in verdict.items())
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
