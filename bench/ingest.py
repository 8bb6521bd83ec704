"""Bulk import at scale: a ~1 GB FHIR NDJSON export streamed into a new continuity store.

    .venv/bin/python bench/ingest.py [--quick]

The export is the demo hospital (seed 42) replicated with new ids until it weighs ~1 GB (--quick:
~50 MB), written as Synthea writes its bulk output: no meta.lastUpdated (every record gets a content
version), one file per type, with the `$export` manifest (transactionTime). It is imported by
`bascule snapshot import` in a child process, whose resources/s and peak RSS are measured; then
imported again (--quick only: the second import must write nothing). Targets: >= 10,000
resources/s, peak RSS <= 300 MB. Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bascule.sources.synthetic.hospital import generate  # noqa: E402
from bascule.sources.synthetic.units import map_units  # noqa: E402

TARGETS = {"resources_per_s": 10_000, "peak_rss_mb": 300}
MARK = "~r~"  # put after every id and reference of the template, replaced by each copy's number

CHILD = """
import json, sys, time
from pathlib import Path
from bascule.cli import main
started, cpu = time.perf_counter(), time.process_time()
code = main(["snapshot", "import", sys.argv[1], "--store", sys.argv[2], "--json"], environ={})
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
# VmHWM, not getrusage: the latter counts the parent's peak, inherited through fork and exec.
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(json.dumps({"code": code, "seconds": seconds, "cpu_seconds": cpu_seconds,
                  "peak_rss_kb": int(status["VmHWM"].split()[0])}))
"""


def _marked(value: Any, key: str = "") -> Any:
    """The resource with MARK after its id and every reference, so that copies are distinct records."""
    if isinstance(value, dict):
        return {k: _marked(v, k) for k, v in value.items() if k != "meta"}
    if isinstance(value, list):
        return [_marked(item) for item in value]
    if key in ("id", "reference") and isinstance(value, str):
        return value + MARK
    return value


def templates() -> dict[str, list[str]]:
    """The demo hospital's resources as NDJSON lines, per type, marked for copying."""
    now = datetime.now(UTC).replace(microsecond=0)
    hospital = generate(42, "en", map_units("demo"), now)
    lines: dict[str, list[str]] = {}
    for resource in hospital.all_resources():
        lines.setdefault(resource["resourceType"], []).append(
            json.dumps(_marked(resource), ensure_ascii=False, separators=(",", ":"))
        )
    return lines


def copies(lines: list[str], count: int) -> Iterator[str]:
    for number in range(count):
        suffix = f"-{number}"
        for line in lines:
            yield line.replace(MARK, suffix)


def write_export(folder: Path, target_bytes: int) -> tuple[int, int]:
    """Write the replicated export and its manifest; return (resources, bytes)."""
    per_type = templates()
    one_copy = sum(len(line) + 1 for lines in per_type.values() for line in lines)
    count = max(1, round(target_bytes / one_copy))
    resources = 0
    for kind, lines in per_type.items():
        with (folder / f"{kind}.ndjson").open("w", encoding="utf-8") as out:
            for line in copies(lines, count):
                out.write(line)
                out.write("\n")
                resources += 1
    manifest = {
        "transactionTime": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request": "https://ehr.example.org/fhir/$export",
        "requiresAccessToken": True,
        "output": [{"type": kind, "url": f"https://ehr.example.org/bulk/{kind}.ndjson"} for kind in per_type],
        "error": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    size = sum(path.stat().st_size for path in folder.glob("*.ndjson"))
    return resources, size


def run_import(folder: Path, store: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(store)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    if figures["code"] != 0:
        raise SystemExit(f"the import failed: {done.stderr.strip()}")
    figures["document"] = json.loads("\n".join(lines[:-1]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="~50 MB instead of ~1 GB")
    args = parser.parse_args()
    target_mb = 50 if args.quick else 1024
    scratch = Path(tempfile.mkdtemp(prefix="bascule-ingest-"))
    try:
        export = scratch / "export"
        export.mkdir()
        resources, size = write_export(export, target_mb << 20)
        first = run_import(export, scratch / "store.sqlite")
        again = run_import(export, scratch / "store.sqlite") if args.quick else None
        store_mb = (scratch / "store.sqlite").stat().st_size / 2**20
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    imported = first["document"]["imported"]
    results = {
        "quick": args.quick,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "resources": resources,
        "export_mb": round(size / 2**20, 1),
        "imported": imported,
        "rejected": first["document"]["rejected_total"],
        "seconds": round(first["seconds"], 1),
        "resources_per_s": round(imported / first["seconds"]),
        # What one free core does: the wall-clock rate suffers when the machine is shared.
        "resources_per_cpu_s": round(imported / first["cpu_seconds"]),
        "mb_per_s": round(size / 2**20 / first["seconds"], 1),
        "peak_rss_mb": round(first["peak_rss_kb"] / 1024, 1),
        "store_mb": round(store_mb, 1),
        "second_import_written": again["document"]["written"] if again else None,
        "targets": TARGETS,
    }
    out = ROOT / "bench" / "results" / "ingest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall-clock figures suffer when shared)"
    )
    print(
        f"{'export MB':>10} {'resources':>10} {'res/s':>8} {'res/cpu-s':>10} {'MB/s':>6} {'peak RSS MB':>12} "
        f"{'store MB':>9}"
    )
    print(
        f"{results['export_mb']:>10} {resources:>10} {results['resources_per_s']:>8} "
        f"{results['resources_per_cpu_s']:>10} {results['mb_per_s']:>6} {results['peak_rss_mb']:>12} "
        f"{results['store_mb']:>9}"
    )
    if again is not None:
        print(f"second import of the same export: {again['document']['written']} rows written")
    print(f"targets: >= {TARGETS['resources_per_s']} resources/s, peak RSS <= {TARGETS['peak_rss_mb']} MB")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
