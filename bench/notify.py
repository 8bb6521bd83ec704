"""Benchmark of activity triage and patient notifications.

    .venv/bin/python bench/notify.py [--quick]

- Triage of the demo hospital: the synthetic store (seed 42) holds ~6,000 activities over 14 days;
  time to read them and propose for each under the ransomware scenario (target <= 2 s), median of
  several runs, and the pure rules alone.
- Messages handed to a real Kannel (bearerbox, smsbox, fake SMSC on loopback) per second by
  `send_all`, with delivery reports on (target >= 100/s), and the time until the fake SMSC has them.
- E-mails handed to a real SMTP server (aiosmtpd on loopback) per second.
Writes bench/results/notify.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "integration" / "notify"))

from bascule.cli import main  # noqa: E402
from bascule.cli.triage import run_triage  # noqa: E402
from bascule.hospital.loading import load_map  # noqa: E402
from bascule.impact import assess  # noqa: E402
from bascule.notify.outbox import Outbox  # noqa: E402
from bascule.notify.receiver import ensure_receiver, stop_receiver  # noqa: E402
from bascule.notify.sender import SendSettings, send_all  # noqa: E402
from bascule.scenario import load_scenario  # noqa: E402
from bascule.triage import tally, triage  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "notify.json"


def bench_triage(folder: Path, runs: int) -> dict[str, object]:
    store = folder / "store.sqlite"
    started = time.perf_counter()
    assert main(["synth", "--seed", "42", "--store", str(store)], {}) == 0
    synth_seconds = time.perf_counter() - started
    hospital = load_map("demo")
    scenario = load_scenario("ransomware", hospital)
    times, rule_times = [], []
    run = None
    for _ in range(runs):
        started = time.perf_counter()
        run = run_triage(hospital, scenario, store, None, 14)
        times.append(time.perf_counter() - started)
        activities = [item.activity for item in run.scheduled.values()]
        started = time.perf_counter()
        triage(hospital, assess(hospital, scenario.hits), activities)
        rule_times.append(time.perf_counter() - started)
    assert run is not None
    counts = tally(run.proposals)
    return {
        "activities": len(run.proposals),
        "days": 14,
        "store_build_seconds": round(synth_seconds, 2),
        "triage_seconds_median": round(statistics.median(times), 3),
        "triage_seconds_max": round(max(times), 3),
        "rules_only_seconds_median": round(statistics.median(rule_times), 3),
        "target_seconds": 2.0,
        "counts": {f"{d}/{k}": n for (d, k), n in sorted(counts.by_decision_kind.items())},
    }


def bench_kannel(folder: Path, count: int) -> dict[str, object]:
    from kannel_lab import PASSWORD, USERNAME, KannelLab, free_port, kannel_available
    from lab_messages import fill

    from bascule.notify.gateways.kannel import KannelGateway, KannelSettings

    if not kannel_available():
        return {"skipped": "Kannel is not installed"}
    outbox_path = folder / "kannel-outbox.sqlite"
    fill(outbox_path, count)
    with KannelLab(folder / "kannel") as lab, Outbox.open(outbox_path) as outbox:
        port = free_port()
        receiver = ensure_receiver(outbox_path, port)
        try:
            gateway = KannelGateway(
                KannelSettings(
                    "127.0.0.1", lab.sendsms_port, USERNAME, PASSWORD, receiver.base_url, connections=12
                )
            )
            started = time.perf_counter()
            report = send_all(outbox, gateway, SendSettings(rate=100_000, batch=100))
            received = lab.wait_received(count, 120)
            at_smsc = time.perf_counter() - started
            deadline = time.monotonic() + 60
            while outbox.awaiting_report("kannel") and time.monotonic() < deadline:
                time.sleep(0.2)
            reports_seconds = time.perf_counter() - started
            delivered = outbox.counts()["delivered"]
        finally:
            stop_receiver(port)
    return {
        "messages": count,
        "handed_per_second": round(report.rate, 1),
        "handing_seconds": round(report.sending_seconds, 2),
        "all_at_smsc_seconds": round(at_smsc, 2),
        "received_at_smsc": received,
        "all_delivery_reports_seconds": round(reports_seconds, 2),
        "delivered_reports": delivered,
        "connections": 12,
        "target_per_second": 100,
    }


def bench_smtp(folder: Path, count: int) -> dict[str, object]:
    from aiosmtpd.controller import Controller
    from kannel_lab import free_port
    from lab_messages import fill

    from bascule.notify.gateways.smtp import SmtpGateway, SmtpSettings

    class Sink:
        received = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            Sink.received += 1
            return "250 OK"

    outbox_path = folder / "smtp-outbox.sqlite"
    fill(outbox_path, count, channel="email")
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with Outbox.open(outbox_path) as outbox:
            gateway = SmtpGateway(SmtpSettings("127.0.0.1", port, "rendez-vous@hopital.example"))
            report = send_all(outbox, gateway, SendSettings(rate=100_000, batch=100))
            gateway.close()
    finally:
        controller.stop()
    return {
        "messages": count,
        "handed_per_second": round(report.rate, 1),
        "handing_seconds": round(report.sending_seconds, 2),
        "received": Sink.received,
    }


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages and runs")
    quick = parser.parse_args().quick
    with tempfile.TemporaryDirectory(prefix="bascule-bench-notify-") as temporary:
        folder = Path(temporary)
        results = {
            "quick": quick,
            "triage_demo_14_days": bench_triage(folder, 3 if quick else 7),
            "kannel": bench_kannel(folder, 1000 if quick else 5000),
            "smtp": bench_smtp(folder, 300 if quick else 2000),
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    triage_result, kannel, smtp = results["triage_demo_14_days"], results["kannel"], results["smtp"]
    print(f"{'measure':<44} {'value':>10} {'target':>10}")
    print(
        f"{'triage, demo hospital 14 days (s, median)':<44} {triage_result['triage_seconds_median']:>10} {'<= 2':>10}"
    )
    print(f"{'  of which the rules alone (s)':<44} {triage_result['rules_only_seconds_median']:>10} {'':>10}")
    print(f"{'  activities':<44} {triage_result['activities']:>10} {'':>10}")
    if "skipped" not in kannel:
        print(f"{'Kannel: messages handed per second':<44} {kannel['handed_per_second']:>10} {'>= 100':>10}")
        print(f"{'Kannel: all at the fake SMSC (s)':<44} {kannel['all_at_smsc_seconds']:>10} {'':>10}")
        print(
            f"{'Kannel: all delivery reports (s)':<44} {kannel['all_delivery_reports_seconds']:>10} {'':>10}"
        )
    print(f"{'SMTP: e-mails handed per second':<44} {smtp['handed_per_second']:>10} {'':>10}")
    print(f"Written: {RESULTS}")


if __name__ == "__main__":
    main_bench()
