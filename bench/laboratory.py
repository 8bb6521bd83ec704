"""The laboratory in downtime at the Synnovis scale: a sample log of one to fourteen days of 500
samples a day (collected, scanned received, most resulted), and what the cell asks of it every
poll: the board's count of late samples and of samples lost in transport. The count lets the store
pick the candidates (unresulted, old enough); the baseline, measured in the same run, reads the
whole log and filters in Python. Also the blood bank's stock report over a ledger of that size.

.venv/bin/python bench/laboratory.py [--quick]   # writes bench/results/laboratory.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "results" / "laboratory.json"
A_DAY = 500
# A day's 500 requests, well within the demo map's daily caps.
MIX = {
    "test-kalium": 120,
    "test-hb": 120,
    "test-creat": 80,
    "test-glucose": 60,
    "test-blood-gas": 60,
    "test-inr": 40,
    "test-crp": 20,
}
TESTS = tuple(test for test, many in MIX.items() for _ in range(many))


def median_of(repeats: int, call: Any) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def measure(days: int, folder: Path, per_day: int = A_DAY) -> dict[str, Any]:
    from bascule.downtime.numbers import DowntimeNumber
    from bascule.hospital.loading import load_map
    from bascule.impact import assess
    from bascule.laboratory.blood import bank
    from bascule.laboratory.blood.ledger import parse_recipient
    from bascule.laboratory.blood.units import BloodUnit
    from bascule.laboratory.menu import reduced_menu
    from bascule.laboratory.samples import log
    from bascule.scenario import load_scenario
    from bascule.snapshot.store import ContinuityStore

    hospital = load_map("demo")
    menu = reduced_menu(hospital, assess(hospital, load_scenario("pathology-supplier", hospital).hits))
    store = folder / f"store-{days}.sqlite"
    ContinuityStore.open(store).close()
    now = datetime.now(UTC)
    start = now - timedelta(days=days)
    collected = []
    started = time.perf_counter()
    for day in range(days):
        for index in range(per_day):
            at = start + timedelta(days=day, seconds=index * 100)
            number = DowntimeNumber("CHVO", "URG1", (day * per_day + index) % 99999 + 1).text
            sample = log.collect(
                store, hospital, menu, patient=number, test_id=TESTS[(index * 7) % A_DAY],
                unit="urgences", by="ide", at=at,
            )  # fmt: skip
            collected.append((sample.number, at))
    collect_s = time.perf_counter() - started
    started = time.perf_counter()
    log.scan(store, [n for n, _ in collected], "received", actor="tech", place="labo", at=now)
    scan_s = time.perf_counter() - started
    for position, (number, at) in enumerate(collected):
        if position % 10:  # one in ten never resulted: late
            log.enter_result(
                store,
                number,
                value="4.0",
                unit="mmol/L",
                flag="normal",
                by="tech",
                at=at + timedelta(hours=1),
            )

    board_s, late = median_of(15, lambda: len(log.late_samples(store, hospital, now)))

    def whole_log() -> int:
        hours = hospital.laboratory.late_after_hours
        return sum(1 for s in log.all_samples(store) if s.late(now, hours))

    baseline_s, late_again = median_of(15, whole_log)
    assert late == late_again, "the store's pick and the whole log disagree"
    lost_s, _ = median_of(15, lambda: log.lost_in_transport(store))

    expires = now + timedelta(days=30)
    blood_units = days * per_day * 60 // A_DAY  # about 60 red cell units a day through the bank
    for serial in range(blood_units):
        group = ("O-", "O+", "A+", "B+")[serial % 4]
        unit = BloodUnit(f"FR123 26 {serial:06d}", "red_cells", group, expires, now - timedelta(days=1))
        bank.receive(store, unit, "labo")
        if serial % 3 == 0:
            recipient = parse_recipient(downtime=DowntimeNumber("CHVO", "BLOC", serial % 99999 + 1).text)
            bank.issue(store, unit.donation, recipient, "labo", now)
    stock_s, _ = median_of(5, lambda: bank.stock_report(store, hospital.laboratory.blood_bank, now))
    return {
        "days": days,
        "samples": len(collected),
        "collect_per_s": round(len(collected) / collect_s),
        "scan_batch_s": round(scan_s, 3),
        "late": late,
        "board_late_ms": round(board_s * 1000, 2),
        "whole_log_ms": round(baseline_s * 1000, 2),
        "ratio": round(baseline_s / board_s, 1),
        "lost_ms": round(lost_s * 1000, 2),
        "blood_units": blood_units,
        "stock_report_ms": round(stock_s * 1000, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="one day and three days only")
    args = parser.parse_args()
    sizes = [1, 3] if args.quick else [1, 7, 14]
    with tempfile.TemporaryDirectory(prefix="bascule-bench-lab-") as folder:
        rows = [measure(days, Path(folder)) for days in sizes]
    print(
        f"{'days':>5}{'samples':>9}{'collect/s':>11}{'late':>7}{'board ms':>10}{'whole log ms':>14}{'x':>6}{'stock ms':>10}"
    )
    for row in rows:
        print(
            f"{row['days']:>5}{row['samples']:>9}{row['collect_per_s']:>11}{row['late']:>7}"
            f"{row['board_late_ms']:>10}{row['whole_log_ms']:>14}{row['ratio']:>6}{row['stock_report_ms']:>10}"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
