"""Clinical data feed: the synthetic hospital through a real FHIR server and the HL7 feed.

Measures, on the demo hospital (seed 42): making it straight into a store; a full FHIR pull from the
Medplum peer (resources/s), next to the peer's own raw listing speed (the same pages fetched and
not even parsed: the limit the pull cannot beat); an incremental refresh after 1 % of the records
changed; HL7 v2 messages/s over MLLP (one sender, ACK awaited per message, as senders do); the store
size. Writes bench/results/clinical.json and prints a table.

    .venv/bin/python bench/clinical.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from hl7.client import MLLPClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "fhir"))

from medplum_peer import MedplumPeer

from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_pull import incremental_since, pull
from bascule.sources.fhir_records import RESOURCE_TYPES
from bascule.sources.fhir_source import HttpFhirSource
from bascule.sources.hl7_listener import Hl7Listener
from bascule.sources.synthetic.hospital import SyntheticHospital, generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

LOWER_IS_BETTER = {"incremental_refresh_s", "store_mb"}
RESULTS = Path(__file__).parent / "results" / "clinical.json"
TARGETS = {
    "full_pull_resources_per_s": 3000,
    "incremental_refresh_s": 10.0,
    "hl7_messages_per_s": 500,
    "store_mb": 500,
}


def raw_listing(base_url: str, page_size: int) -> tuple[int, float]:
    """Fetch every page of every type without parsing the resources: the server's own speed."""
    count, started = 0, time.perf_counter()
    with httpx.Client(timeout=300) as client:
        for kind in RESOURCE_TYPES:
            offset = 0
            while True:
                body = client.get(
                    f"{base_url}/{kind}", params={"_count": page_size, "_offset": offset}
                ).content
                returned = body.count(b'"resource":{')
                count += returned
                offset += returned
                if returned < page_size:
                    break
    return count, time.perf_counter() - started


def change_one_percent(peer: MedplumPeer, hospital: SyntheticHospital) -> int:
    """Update 1 % of all records through the FHIR API (PUT), as an EHR would during a shift."""
    rng = random.Random(11)
    every = hospital.all_resources()
    chosen = rng.sample(every, max(1, len(every) // 100))
    with httpx.Client(timeout=60) as client:
        for resource in chosen:
            updated = {key: value for key, value in resource.items() if key != "meta"}
            updated.setdefault("extension", []).append(
                {"url": "https://bascule.example.org/bench", "valueInteger": 1}
            )
            answer = client.put(f"{peer.base_url}/{resource['resourceType']}/{resource['id']}", json=updated)
            answer.raise_for_status()
    return len(chosen)


def hl7_messages(count: int) -> list[str]:
    messages = []
    for n in range(count):
        mrn = 900000 + n % 400
        stamp = f"202603101{n // 3600 % 10}{n // 60 % 60:02d}{n % 60:02d}"
        if n % 3 == 0:
            body = (
                f"ADT^A01^ADT_A01|B{n}|P|2.5\rPID|1||{mrn}^^^H^MR||Bench^Patient{n}||19600101|F\r"
                f"PV1|1|I|ward-{n % 20}^{n % 30}^A"
            )
        elif n % 3 == 1:
            body = f"ADT^A08^ADT_A08|B{n}|P|2.5\rPID|1||{mrn}^^^H^MR||Bench^Patient{n}||19600101|F"
        else:
            body = (
                f"ORU^R01^ORU_R01|B{n}|P|2.5\rPID|1||{mrn}^^^H^MR||Bench^Patient{n}\rOBR|1||L{n}|CHEM\r"
                "OBX|1|NM|2823-3^Potassium^LN||4.4|mmol/L|3.5-5.1|N|||F\r"
                "OBX|2|NM|2951-2^Sodium^LN||139|mmol/L|136-145|N|||F"
            )
        messages.append(f"MSH|^~\\&|PAS|H|BASCULE|H|{stamp}||{body}")
    return messages


def hl7_speed(folder: Path, count: int) -> float:
    store = ContinuityStore.open(folder / "hl7.sqlite")
    listener = Hl7Listener(store)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ports: queue.Queue[int] = queue.Queue()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(listener.serve("127.0.0.1", 0, stop, ports.put))
    )
    thread.start()
    port = ports.get(timeout=30)
    messages = hl7_messages(count)
    started = time.perf_counter()
    with MLLPClient("127.0.0.1", port) as client:
        for message in messages:
            answer = client.send_message(message)
            if b"MSA|AA" not in answer:
                raise RuntimeError(f"message refused: {answer!r}")
    elapsed = time.perf_counter() - started
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    loop.close()
    store.close()
    return count / elapsed


def run(quick: bool, page_sizes: list[int]) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bascule-bench-clinical-"))
    units = map_units("demo")
    if quick:
        units = units[:4]
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    hospital = generate(42, "en", units, now)
    generated = time.perf_counter() - started
    store_hospital(hospital, folder / "synth.sqlite", "bench")
    synth_seconds = time.perf_counter() - started
    total = sum(hospital.counts().values())
    results: dict[str, Any] = {
        "resources": total,
        "inpatients": hospital.counts()["Encounter"],
        "synth_generate_s": round(generated, 2),
        "synth_to_store_s": round(synth_seconds, 2),
        "quick": quick,
    }
    with MedplumPeer() as peer:
        started = time.perf_counter()
        peer.load(hospital.all_resources())
        results["peer_load_s"] = round(time.perf_counter() - started, 2)
        for size in page_sizes:
            listed, seconds = raw_listing(peer.base_url, size)
            results[f"peer_raw_listing_resources_per_s_count{size}"] = round(listed / seconds)
            path = folder / f"store-{size}.sqlite"
            with HttpFhirSource(peer.base_url, page_size=size) as source:
                report = pull(source, path, since=None)
            results[f"full_pull_s_count{size}"] = round(report.seconds, 2)
            results[f"full_pull_resources_per_s_count{size}"] = round(report.kept / report.seconds)
            # Share of the peer's own listing speed the pull reaches (1.0: the server is the limit).
            results[f"full_pull_share_of_peer_speed_count{size}"] = round(
                report.kept / report.seconds / (listed / seconds), 2
            )
            results["full_pull_rejects"] = results.get("full_pull_rejects", 0) + len(report.rejects)
        results["changed_records"] = change_one_percent(peer, hospital)
        with HttpFhirSource(peer.base_url, page_size=page_sizes[0]) as source:
            refresh = pull(source, path, since=incremental_since(path, source))
        results["incremental_refresh_s"] = round(refresh.seconds, 2)
        results["incremental_refresh_records"] = refresh.kept
    with ContinuityStore.open(path) as store:
        store.set_meta()  # a write, so that the checkpoint below folds the WAL into the file
    results["store_mb"] = round(path.stat().st_size / 1e6, 1)
    results["hl7_messages_per_s"] = round(hl7_speed(folder, 300 if quick else 3000))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="four care units and 300 HL7 messages")
    parser.add_argument("--count", type=int, nargs="+", default=[1000, 5000], help="FHIR _count per page")
    arguments = parser.parse_args()
    results = run(arguments.quick, arguments.count)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    width = max(len(key) for key in results)
    for key, value in results.items():
        target = TARGETS.get(key.split("_count")[0])
        verdict = ""
        if target is not None and isinstance(value, int | float):
            lower = key in LOWER_IS_BETTER
            good = value <= target if lower else value >= target
            verdict = f"  target {'<=' if lower else '>='} {target}: {'met' if good else 'NOT MET'}"
        print(f"{key:<{width}}  {value}{verdict}")


if __name__ == "__main__":
    main()
