"""Benchmark of the CSV import: a 5,000-row inventory in our layout (servers, VMs, databases,
services and applications in dependency layers, pools of workstations) read, drafted into a map,
validated and written as YAML. Target:
at most 10 s. Writes bench/results/inventory_csv.json.

    .venv/bin/python bench/run.py inventory_csv   (or: .venv/bin/python bench/inventory_csv.py [--quick])
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results" / "inventory_csv.json"
TARGET_SECONDS = 10.0

from bascule.durable import write_atomically  # noqa: E402
from bascule.inventory.csv_layout import read_csv_layout  # noqa: E402
from bascule.inventory.importing import import_map, refuse_if_invalid  # noqa: E402


def inventory_csv(rows: int) -> str:
    """`rows` items in layers: each needs one or two items of the layer below (ids only)."""
    lines = ["id,name,kind,type,site,segment,supplier,needs,restore_hours,skills,count"]
    layers = ("server", "vm", "database", "service", "application")
    per_layer = rows // len(layers)
    for layer, kind in enumerate(layers):
        for n in range(per_layer):
            item = f"{kind}-{n:05d}"
            below = (
                ""
                if layer == 0
                else "|".join(f"{layers[layer - 1]}-{(n + k) % per_layer:05d}" for k in range(1 + n % 2))
            )
            kind_of = "application" if kind == "application" else "asset"
            segment = f"seg-{n % 20:02d}" if kind_of == "asset" else ""
            count = "40" if kind == "server" and n % 50 == 0 else ""
            lines.append(
                f"{item},{kind.title()} {n},{kind_of},{kind},main,{segment},,{below},{1 + n % 8},windows,{count}"
            )
    return "\n".join(lines) + "\n"


def run(rows: int) -> dict[str, Any]:
    text = inventory_csv(rows)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "map.yaml"
        started = time.perf_counter()
        inventory = read_csv_layout(text, "inventory.csv")
        result = import_map(inventory, {"id": "bench", "name": "Bench"}, None)
        refuse_if_invalid(result, out)
        write_atomically(out, result.text.encode("utf-8"))
        seconds = time.perf_counter() - started
        written = len(result.text)
    print(
        f"inventory_csv: {rows} rows -> map of {written:,} characters in {seconds:.2f} s (target {TARGET_SECONDS:g} s)"
    )
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS,
        "yaml_characters": written,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="500 rows instead of 5,000")
    arguments = parser.parse_args()
    result = run(500 if arguments.quick else 5000)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS, json.dumps(result, indent=2).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
