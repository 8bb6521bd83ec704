"""`make bench`: run every benchmark script of bench/, each writing bench/results/<name>.json.

.venv/bin/python bench/run.py [--quick] [NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"run.py", "reference_impact.py", "memory_diagnosis.py", "__init__.py"}
# Short names for benchmarks whose script says more (`run.py lookup` runs lookup_search.py,
# `run.py station` runs station_viewer.py).
ALIASES = {"lookup": "lookup_search", "station": "station_viewer"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("names", nargs="*", help="only these benchmarks (e.g. impact recovery)")
    args = parser.parse_args()
    scripts = sorted(
        p for p in BENCH.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_")
    )
    if args.names:
        wanted = {ALIASES.get(name, name) for name in args.names}
        scripts = [p for p in scripts if p.stem in wanted]
    failures = []
    for script in scripts:
        print(f"\n== {script.stem} ==", flush=True)
        started = time.perf_counter()
        command = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        if subprocess.run(command, check=False).returncode != 0:
            failures.append(script.stem)
        print(f"({script.stem}: {time.perf_counter() - started:.0f} s)", flush=True)
    if failures:
        print(f"\nBenchmarks that failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"\nResults in {BENCH / 'results'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
