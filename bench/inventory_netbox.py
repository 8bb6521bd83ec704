"""Benchmark of the NetBox import: 5,000 NetBox objects read through pynetbox into an Inventory.

    .venv/bin/python bench/run.py inventory_netbox   (or: .venv/bin/python bench/inventory_netbox.py [--quick])

Generates NetBox 4.1 answers (tests/integration/inventory/netbox_shapes.generated: 10 sites, 100 VLANs
and prefixes, 20 clusters, 3,000 devices, 1,700 VMs, 45 circuits...), serves them on 127.0.0.1 with
the test suite's replay server (pages of 1,000, NetBox's default MAX_PAGE_SIZE), and times
read_netbox. Target: at most 60 s. Writes bench/results/inventory_netbox.json.
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
sys.path.insert(0, str(ROOT))

from tests.integration.inventory.netbox_replay import TOKEN, NetboxReplay, serving  # noqa: E402
from tests.integration.inventory.netbox_shapes import generated  # noqa: E402

from bascule.durable import write_atomically  # noqa: E402
from bascule.inventory.netbox import read_netbox  # noqa: E402

TARGET_SECONDS = 60.0


def run(objects: int) -> dict[str, Any]:
    answers = generated(objects)
    served = sum(len(records) for records in answers.values())
    with serving(NetboxReplay(answers)) as replay:
        started = time.perf_counter()
        inventory = read_netbox(replay.url, TOKEN, {"suppliers": "both"})
        seconds = time.perf_counter() - started
    print(
        f"{served} NetBox objects -> {len(inventory.items)} items, {len(inventory.segments)} segments, "
        f"{len(inventory.suppliers)} suppliers in {seconds:.2f} s ({len(replay.requests)} requests)"
    )
    return {
        "objects": served,
        "items": len(inventory.items),
        "segments": len(inventory.segments),
        "suppliers": len(inventory.suppliers),
        "requests": len(replay.requests),
        "seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS,
        "within_target": seconds <= TARGET_SECONDS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1,000 objects only")
    args = parser.parse_args()
    runs = [run(1_000)] if args.quick else [run(1_000), run(5_000)]
    out = ROOT / "bench" / "results" / "inventory_netbox.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {"benchmark": "inventory_netbox", "netbox_api": "4.1", "runs": runs}
    write_atomically(out, (json.dumps(document, indent=1) + "\n").encode(), 0o644)
    print(f"Results: {out}")
    return 0 if all(item["within_target"] for item in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
