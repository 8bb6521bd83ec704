"""Benchmark of the downtime station viewer (issue 15): a real `bascule station serve` on 127.0.0.1.

    .venv/bin/python bench/run.py station     (or: .venv/bin/python bench/station_viewer.py [--quick])

The hospital is the demo map's synthetic one (seed 42) with every unit's beds scaled up by BED_SCALE,
so that it holds at least 1,000 inpatients and 50,000 records (seed 42 on the plain demo map gives
about 907 and 54,000). It is sealed by a cell key, checked into a station with pinned keys, with one
nurse account and a bearer token, as a hospital makes one. Then:

- first page: seconds from starting the server process to a logged-in page: GET /login answered 200,
  the login form posted (its csrf field and cookie), GET / answered 200. Also when the server said it
  was ready, and how long the Library (check + decrypt + index) takes to open the bundle in this
  process, which is a third of the server's start. Medians of 3 starts (--starts). The server runs
  byte-compiled sources, as an installed Bascule does (see `compiled_sources`).
- search: USERS threads, each with its own HTTP client and the Bearer token, send QUERIES searches
  one after the other with no think time (a harder load than people typing): prefixes of 3 to 6
  letters of real family names, a typo or a swap, birth dates dd/mm/yyyy and ISO, MRNs; every 10th
  search the first patient found (or a known one) is opened, GET /api/patients/ID.
- memory: the server's VmRSS after the run and VmHWM (its peak), from /proc; the decrypted copy of
  the bundle lives in /dev/shm and is reported beside them, since it is memory too.

Writes bench/results/station.json with the figures, the targets and whether each is met.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bascule.cli import main as bascule  # noqa: E402
from bascule.cli.synth import _hospital_facts  # noqa: E402
from bascule.clinical.records import Patient  # noqa: E402
from bascule.scratch import memory_folder  # noqa: E402
from bascule.snapshot.store import ContinuityStore  # noqa: E402
from bascule.sources.synthetic.hospital import generate  # noqa: E402
from bascule.sources.synthetic.to_store import store_hospital  # noqa: E402
from bascule.sources.synthetic.units import map_units  # noqa: E402
from bascule.station.viewer.library import Library  # noqa: E402
from bench.lookup_search import typo  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "station.json"
TARGETS = {
    "first_page_seconds": 2.0,
    "search_p95_ms": 50.0,
    "memory_mb": 300.0,
    "inpatients": 1_000,
    "records": 50_000,
}
BED_SCALE = 1.2  # 1,050 demo beds -> 1,260, about 1,070 inpatients at 85 % occupancy
SEED = 42
NURSE = "banc"
PASSWORD = "banc d'essai du poste de consultation"
READY = re.compile(r"http://127\.0\.0\.1:(\d+)/")


@dataclass(frozen=True)
class Station:
    """A station folder ready to serve, and what the bench needs to type realistic queries."""

    root: Path
    token: str
    inpatients: int
    records: int
    patients: tuple[Patient, ...]  # the inpatients first, then the others
    store_mb: float
    build_seconds: float


def _cli(*argv: str | Path) -> str:
    """Run a bascule command in this process, as the user would type it; what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = bascule([str(a) for a in argv])
    if code != 0:
        raise RuntimeError(f"bascule {argv[0]} {argv[1] if len(argv) > 1 else ''} exited {code}")
    return printed.getvalue()


def make_station(folder: Path, *, bed_scale: float = BED_SCALE, units: int | None = None) -> Station:
    """The synthetic hospital (demo map, beds scaled, optionally only its first `units` units) sealed
    into a new station under `folder`, with one nurse and her bearer token."""
    started = time.perf_counter()
    cell = folder / "cell"
    cell.mkdir(parents=True)
    root = folder / "station"
    chosen = map_units("demo")[:units] if units else map_units("demo")
    scaled = [replace(unit, beds=max(2, round(unit.beds * bed_scale))) for unit in chosen]
    data_time = (datetime.now(UTC) - timedelta(minutes=20)).replace(microsecond=0)
    store_path = cell / "store.sqlite"
    hospital_id, settings = _hospital_facts("demo")
    store_hospital(generate(SEED, "fr", scaled, data_time), store_path, hospital_id, settings)
    with ContinuityStore.open(store_path, readonly=True) as store:
        census = store.census(at=store.data_time)
        inside = [entry.patient_id for unit in census for entry in unit.patients]
        records = sum(store.counts().values())
        everyone = {patient.id: patient for patient in store.records(Patient)}
    first = [everyone[pid] for pid in inside if pid in everyone]
    rest = [patient for pid, patient in sorted(everyone.items()) if pid not in set(inside)]
    _cli("keys", "new", "cell", "--dir", cell)
    _cli("keys", "new", "station", "--dir", cell)
    _cli(
        "snapshot", "seal", "--store", store_path, "--to", cell / "station.age.pub",
        "--sign", cell / "cell.key", "--out", cell / "bundles", "--map", "demo",
    )  # fmt: skip
    _cli(
        "station", "init", root, "--hospital", hospital_id,
        "--trust", cell / "cell.pub", "--identity", cell / "station.age",
    )  # fmt: skip
    for bundle in (cell / "bundles").glob("bascule-*"):
        shutil.copy(bundle, root / "inbox")
    password = cell / "password.txt"
    password.write_text(PASSWORD + "\n")
    _cli("station", "users", "add", root, NURSE, "--role", "nurse", "--password-file", password)
    token = _cli("station", "token", root, NURSE).strip().splitlines()[-1]
    return Station(
        root=root,
        token=token,
        inpatients=len(first),
        records=records,
        patients=tuple(first + rest),
        store_mb=store_path.stat().st_size / 1e6,
        build_seconds=time.perf_counter() - started,
    )


# ---- what a ward types ----------------------------------------------------------------------------


def _born(patient: Patient, form: str) -> str:
    born: date | None = patient.birth_date
    return format(born, form) if born else patient.family


def make_queries(
    patients: tuple[Patient, ...], inpatients: int, count: int, seed: int
) -> list[tuple[str, str]]:
    """(kind, text) pairs; four in five about an inpatient, one in five about anyone in the store."""
    chance = random.Random(seed)
    makers: list[tuple[str, Callable[[Patient], str]]] = [
        ("prefix", lambda p: p.family[: chance.randint(3, 6)].lower()),
        ("prefix", lambda p: p.family[: chance.randint(3, 6)]),
        ("prefix", lambda p: p.family[: chance.randint(3, 6)].upper()),
        ("typo", lambda p: typo(p.family.lower(), chance) if len(p.family) >= 5 else p.family),
        ("full_name", lambda p: f"{p.family} {p.given}"),
        ("birth_date", lambda p: _born(p, "%d/%m/%Y")),
        ("iso_date", lambda p: _born(p, "%Y-%m-%d")),
        ("mrn", lambda p: p.mrn or p.family),
    ]
    queries = []
    for _ in range(count):
        kind, maker = chance.choice(makers)
        pool = patients[:inpatients] if chance.random() < 0.8 or inpatients == len(patients) else patients
        queries.append((kind, maker(chance.choice(pool))))
    return queries


# ---- the server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    started: float  # perf_counter at Popen
    ready_seconds: float | None = None
    output: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used: what its start costs whatever the load."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_kb(self) -> dict[str, int]:
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        return {
            key: int(found.group(1))
            for key in ("VmRSS", "VmHWM")
            if (found := re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE))
        }


def compiled_sources(folder: Path) -> dict[str, str]:
    """The environment of a server whose Python sources are already byte-compiled, as they are once
    Bascule is installed. Where PYTHONDONTWRITEBYTECODE is set, src/ would be compiled again at every
    start (half a second the station does not spend): the server runs a compiled copy of src/ in
    `folder` instead, so that nothing is written into the checkout."""
    copy = folder / "src"
    shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__"))
    environment = dict(os.environ, PYTHONPATH=str(copy), COLUMNS="200")
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(copy)],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return environment


@contextlib.contextmanager
def serving(root: Path, environment: dict[str, str]) -> Iterator[Server]:
    """`bascule station serve ROOT` in its own process on a free port; stopped (SIGTERM) at the end."""
    port = _free_port()
    command = [sys.executable, "-m", "bascule", "station", "serve", str(root), "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    )
    server = Server(process, port, started)

    def listen() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if server.ready_seconds is None and READY.search(line):
                server.ready_seconds = time.perf_counter() - started
            server.output.append(line.rstrip())

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    try:
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def first_page(server: Server, timeout: float = 120.0) -> dict[str, float]:
    """Seconds from the server's start to GET /login 200, then to a logged-in GET / 200."""
    with httpx.Client(base_url=server.base, timeout=30) as client:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError("the server stopped: " + " | ".join(server.output[-5:]))
            if time.perf_counter() - server.started > timeout:
                raise RuntimeError("the server did not answer in time")
            try:
                page = client.get("/login")
            except httpx.TransportError:
                time.sleep(0.02)
                continue
            break
        login_seconds = time.perf_counter() - server.started
        if page.status_code != 200:
            raise RuntimeError(f"GET /login answered {page.status_code}")
        csrf = re.search(r'name="csrf" value="([^"]*)"', page.text)
        if csrf is None:
            raise RuntimeError("no csrf field on the login page")
        form = {"csrf": csrf.group(1), "name": NURSE, "password": PASSWORD, "next": "/"}
        posted = client.post("/login", data=form)
        if posted.status_code not in (302, 303):
            raise RuntimeError(f"POST /login answered {posted.status_code}")
        home = client.get("/")
        if home.status_code != 200:
            raise RuntimeError(f"GET / answered {home.status_code}")
        return {
            "login_page_seconds": login_seconds,
            "first_page_seconds": time.perf_counter() - server.started,
            "first_page_cpu_seconds": server.cpu_seconds(),
        }


# ---- the users ------------------------------------------------------------------------------------


@dataclass
class Tally:
    search_ms: list[float] = field(default_factory=list)
    open_ms: list[float] = field(default_factory=list)
    by_kind_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)
    found_none: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def one_user(
    server: Server, token: str, queries: list[tuple[str, str]], known: str, tally: Tally, go: threading.Event
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base, headers=headers, timeout=60) as client:
        go.wait()
        for number, (kind, text) in enumerate(queries, start=1):
            began = time.perf_counter()
            try:
                answer = client.get("/api/patients", params={"q": text})
            except httpx.HTTPError as error:
                with tally.lock:
                    tally.unanswered[type(error).__name__] += 1
                continue
            elapsed = (time.perf_counter() - began) * 1000
            hits = answer.json().get("patients", []) if answer.status_code == 200 else []
            with tally.lock:
                tally.statuses[answer.status_code] += 1
                tally.search_ms.append(elapsed)
                tally.by_kind_ms.setdefault(kind, []).append(elapsed)
                tally.found_none += not hits
            if number % 10:
                continue
            patient_id = hits[0]["id"] if hits else known
            began = time.perf_counter()
            try:
                opened = client.get(f"/api/patients/{patient_id}")
            except httpx.HTTPError as error:
                with tally.lock:
                    tally.unanswered[type(error).__name__] += 1
                continue
            elapsed = (time.perf_counter() - began) * 1000
            with tally.lock:
                tally.statuses[opened.status_code] += 1
                tally.open_ms.append(elapsed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values), 2) if values else 0.0,
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2) if values else 0.0,
    }


def library_open_seconds(root: Path) -> float:
    """What the server's Library takes to check, decrypt and index the bundle, timed in this process."""
    library = Library(root, timedelta(hours=2), memory=memory_folder())
    try:
        started = time.perf_counter()
        library.refresh()
        elapsed = time.perf_counter() - started
        with library.leased() as bundle:
            if bundle is None:
                raise RuntimeError("the library opened no bundle: " + str(library.status.problem))
        return elapsed
    finally:
        library.close()


def run_bench(
    station: Station, *, users: int, queries: int, starts: int = 3, seed: int = 7
) -> dict[str, Any]:
    """Serve the station in a subprocess, measure, stop it; the figures (not yet judged). The server
    is started `starts` times (the last one takes the load) and the start figures are medians: on a
    shared machine one start alone says more about the neighbours than about the station."""
    library_seconds = statistics.median(library_open_seconds(station.root) for _ in range(starts))
    environment = compiled_sources(station.root.parent)
    tally = Tally()
    started: list[dict[str, float]] = []
    for _ in range(starts - 1):
        with serving(station.root, environment) as server:
            started.append(first_page(server) | {"ready_seconds": server.ready_seconds or 0.0})
    with serving(station.root, environment) as server:
        started.append(first_page(server))
        go = threading.Event()
        known = station.patients[0].id
        threads = [
            threading.Thread(
                target=one_user,
                args=(
                    server,
                    station.token,
                    make_queries(station.patients, station.inpatients, queries, seed + n),
                    known,
                    tally,
                    go,
                ),
            )
            for n in range(users)
        ]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        go.set()
        for thread in threads:
            thread.join()
        load_seconds = time.perf_counter() - began
        memory = server.memory_kb()
        started[-1]["ready_seconds"] = server.ready_seconds or 0.0

    def median(figure: str) -> float:
        return round(statistics.median(start[figure] for start in started), 2)

    return {
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "inpatients": station.inpatients,
        "patients": len(station.patients),
        "records": station.records,
        "store_mb": round(station.store_mb, 1),
        "station_build_seconds": round(station.build_seconds, 1),
        "library_open_seconds": round(library_seconds, 2),
        "starts": starts,
        "server_ready_seconds": median("ready_seconds"),
        "login_page_seconds": median("login_page_seconds"),
        "first_page_seconds": median("first_page_seconds"),
        "first_page_seconds_each": [round(start["first_page_seconds"], 2) for start in started],
        "first_page_cpu_seconds": median("first_page_cpu_seconds"),
        "users": users,
        "queries_per_user": queries,
        "load_seconds": round(load_seconds, 2),
        "requests_per_second": round((len(tally.search_ms) + len(tally.open_ms)) / load_seconds, 1),
        "search": _spread(tally.search_ms),
        "patient_open": _spread(tally.open_ms),
        "search_by_kind_p95_ms": {
            kind: round(percentile(values, 0.95), 2) for kind, values in sorted(tally.by_kind_ms.items())
        },
        "searches_with_no_hit": tally.found_none,
        "statuses": {str(code): count for code, count in sorted(tally.statuses.items())},
        "unanswered": dict(tally.unanswered),
        "rss_mb": round(memory.get("VmRSS", 0) / 1024, 1),
        "peak_rss_mb": round(memory.get("VmHWM", 0) / 1024, 1),
    }


def judge(results: dict[str, Any]) -> dict[str, bool]:
    return {
        "first_page_seconds": results["first_page_seconds"] <= TARGETS["first_page_seconds"],
        "search_p95_ms": results["search"]["p95_ms"] <= TARGETS["search_p95_ms"],
        "memory_mb": results["peak_rss_mb"] <= TARGETS["memory_mb"],
        "inpatients": results["inpatients"] >= TARGETS["inpatients"],
        "records": results["records"] >= TARGETS["records"],
    }


def table(results: dict[str, Any]) -> str:
    met = results["met"]
    mark = {True: "ok", False: "MISSED"}
    search, opened = results["search"], results["patient_open"]
    rows = [
        ("inpatients / patients", f"{results['inpatients']} / {results['patients']}", ">= 1000", met["inpatients"]),
        ("records in the store", f"{results['records']}", ">= 50000", met["records"]),
        ("library open (median)", f"{results['library_open_seconds']} s", "", None),
        ("server ready line (median)", f"{results['server_ready_seconds']} s", "", None),
        (
            f"first page, median of {results['starts']}",
            f"{results['first_page_seconds']} s {results['first_page_seconds_each']}",
            "<= 2 s",
            met["first_page_seconds"],
        ),
        ("  server CPU time until then", f"{results['first_page_cpu_seconds']} s", "", None),
        (
            f"search x{search['count']} p50/p95/p99",
            f"{search['p50_ms']} / {search['p95_ms']} / {search['p99_ms']} ms",
            "p95 <= 50 ms",
            met["search_p95_ms"],
        ),
        (
            f"patient open x{opened['count']} p50/p95/p99",
            f"{opened['p50_ms']} / {opened['p95_ms']} / {opened['p99_ms']} ms",
            "",
            None,
        ),
        ("server RSS after / peak", f"{results['rss_mb']} / {results['peak_rss_mb']} MB", "peak <= 300 MB", met["memory_mb"]),
        ("decrypted copy in /dev/shm", f"{results['store_mb']} MB", "", None),
    ]  # fmt: skip
    lines = [f"{'':<32} {'measured':<26} {'target':<16} met"]
    for name, value, target, ok in rows:
        lines.append(f"{name:<32} {value:<26} {target:<16} {'' if ok is None else mark[ok]}")
    lines.append(
        f"{results['users']} users x {results['queries_per_user']} searches in {results['load_seconds']} s "
        f"({results['requests_per_second']} req/s), statuses {results['statuses']}, "
        f"unanswered {results['unanswered']}, {results['searches_with_no_hit']} searches found nobody; "
        f"{results['cpus']} CPUs, load {results['load_average']}"
    )
    lines.append(
        "search p95 by kind: " + ", ".join(f"{k} {v} ms" for k, v in results["search_by_kind_p95_ms"].items())
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="three units, 40 searches per user")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--queries", type=int, default=200, help="searches per user")
    parser.add_argument("--starts", type=int, default=3, help="server starts (first page: their median)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bascule-bench-station-") as folder:
        station = make_station(Path(folder), units=3 if args.quick else None)
        results = run_bench(
            station, users=args.users, queries=40 if args.quick else args.queries, starts=args.starts
        )
    results["quick"] = args.quick
    results["bed_scale"] = BED_SCALE
    results["seed"] = SEED
    results["targets"] = TARGETS
    results["met"] = judge(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
