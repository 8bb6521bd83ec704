"""The crisis cell's web app held under load: screens left open on the board, the hits, the plan and
the journal poll as their browsers do (htmx, every 2 s, sending the version they show) while three
people of the cell work: one declares and lifts hits, one marks restoration tasks, one writes notes,
decisions and situation reports. Against a real `bascule serve` (waitress, SQLite) on 127.0.0.1.

Records every request's status and latency per endpoint, and the server's resident memory every
5 s. Fails (exit 1) on any 5xx, any request left unanswered, or memory that is not flat: growth
from the end of the warm-up (the first minute) to the end of the run above MEMORY_SLACK_MB or
MEMORY_SLACK_SHARE of the warm-up size, whichever is larger. Writes bench/results/crisis_load.json.

    .venv/bin/python bench/crisis_load.py [--quick] [--minutes 10] [--screens 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bascule.crisis.testing import add_user, serving
from bascule.hospital.loading import load_map
from bascule.scenario import load_scenario

RESULTS = Path(__file__).parent / "results" / "crisis_load.json"
PASSWORD = "Banc-de-charge-mot-de-passe-1"
POLL_SECONDS = 2.0  # live_frame.html: hx-trigger="every 2s"
MEMORY_EVERY_SECONDS = 5.0
# "Flat": what the server holds after the warm-up may grow by 20 MB or 10 %, whichever is larger.
# After the first minute every code path has run and the bounded caches (8 maps, 64 impacts) are
# full or nearly so; what still moves is the allocator's fragmentation and SQLite's page cache, a
# few MB. A leak of 2 KB per poll is 30 MB over the 15,000 polls of a 10-minute run: caught.
MEMORY_SLACK_MB = 20.0
MEMORY_SLACK_SHARE = 0.10

# What an open screen shows, and how many of the screens show it (cycled).
SCREEN_PAGES = ("", "hits/", "", "restoration/", "", "journal/", "", "hits/", "restoration/", "")
PAGE_NAMES = {"": "board", "hits/": "hits", "restoration/": "restoration", "journal/": "journal"}
SCREEN_ROLES = ("observer", "medical", "director", "it")
ACCOUNTS = {"director": "director1", "it": "it1", "medical": "medical1", "observer": "observer1"}
SINCE = re.compile(r"""hx-vals='\{"live": "1", "since": "([^"]*)"\}'""")
STATIC = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")
LIFT = re.compile(r"/hits/(\d+)/lift/")
MARK_FORM = re.compile(r'<form[^>]*action="[^"]*/restoration/mark/"[^>]*>(.*?)</form>', re.DOTALL)
HIDDEN = re.compile(r'name="(node|team)" value="([^"]*)"')


@dataclass
class Tally:
    """Every request of the run: latency per endpoint, status counts, what went unanswered."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    unanswered: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    polls_sent: int = 0
    polls_answered: int = 0
    polls_changed: int = 0

    async def send(self, name: str, call: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await call()
        except httpx.HTTPError as error:
            self.unanswered[f"{name}: {type(error).__name__}"] += 1
            return None
        self.latencies.setdefault(name, []).append(time.perf_counter() - started)
        self.statuses.setdefault(name, Counter())[response.status_code] += 1
        return response

    def server_errors(self) -> int:
        return sum(n for counts in self.statuses.values() for code, n in counts.items() if code >= 500)


@dataclass
class MemoryTrace:
    """The server's resident set size, sampled from /proc (Linux) every few seconds."""

    pid: int
    samples: list[tuple[float, int]] = field(default_factory=list)

    def sample(self, at: float) -> None:
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        kilobytes = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))  # type: ignore[union-attr]
        self.samples.append((at, kilobytes * 1024))

    def at(self, seconds: float) -> int:
        """The first sample taken at or after `seconds` into the run (the last one if none)."""
        return next((rss for t, rss in self.samples if t >= seconds), self.samples[-1][1])

    def end(self) -> int:
        return self.samples[-1][1]


@dataclass(frozen=True)
class LoadPlan:
    screens: int
    seconds: float
    warmup_seconds: float
    memory_every: float = MEMORY_EVERY_SECONDS
    # Seconds between two actions of one person of the cell: with three people at 5 s, 6 s and 8 s
    # about one poll in two sees a change, so both answers (a fresh fragment, a 204) are measured.
    think_seconds: float = 5.0
    seed: int = 14


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


async def logged_in(base: str, name: str, tally: Tally) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    await client.get("/login/")
    form = {"username": name, "password": PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"]}
    response = await tally.send("login", lambda: client.post("/login/", data=form))
    if response is None or response.status_code != 302:
        raise RuntimeError(f"login of {name} failed: {response.status_code if response else 'no answer'}")
    return client


async def post(
    tally: Tally, name: str, client: httpx.AsyncClient, url: str, data: dict[str, str]
) -> httpx.Response | None:
    """A form posted as the browser does (CSRF token, Referer), then its redirect followed."""
    form = {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"]}
    headers = {"Referer": str(client.base_url.join(url))}
    response = await tally.send(name, lambda: client.post(url, data=form, headers=headers))
    if response is not None and response.status_code in (301, 302, 303):
        location = response.headers["location"]
        await tally.send(f"{name} → page", lambda: client.get(location))
    return response


class Run:
    """One load run against one server: the screens, the three people of the cell, the memory."""

    def __init__(self, base: str, incident: int, plan: LoadPlan, tally: Tally, memory: MemoryTrace) -> None:
        self.base, self.incident, self.plan = base, incident, plan
        self.tally, self.memory = tally, memory
        self.prefix = f"/incidents/{incident}/"
        self.started = 0.0
        self.stop = 0.0
        self.rng = random.Random(plan.seed)

    def running(self) -> bool:
        return time.monotonic() < self.stop

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, min(seconds, self.stop - time.monotonic())))

    async def screen(self, client: httpx.AsyncClient, page: str, offset: float) -> None:
        """Open the page (and its static files, once), then poll its live region like htmx."""
        name = PAGE_NAMES[page]
        url = self.prefix + page
        opened = await self.tally.send(f"page {name}", lambda: client.get(url))
        if opened is None or opened.status_code != 200:
            self.tally.faults[f"page {name} did not open"] += 1
            return
        for asset in sorted(set(STATIC.findall(opened.text))):
            await self.tally.send("static", lambda asset=asset: client.get(asset))  # type: ignore[misc]
        shown = SINCE.search(opened.text)
        if shown is None:
            self.tally.faults[f"page {name} has no live region"] += 1
            return
        since = shown.group(1)
        headers = {"HX-Request": "true", "HX-Target": "live", "HX-Current-URL": self.base + url}
        await self.pause(offset)
        next_poll = time.monotonic()
        while self.running():
            self.tally.polls_sent += 1
            params = {"live": "1", "since": since}
            response = await self.tally.send(
                f"poll {name}",
                lambda: client.get(url, params=params, headers=headers),  # noqa: B023 (awaited at once)
            )
            if response is not None and response.status_code in (200, 204):
                self.tally.polls_answered += 1
            if response is not None and response.status_code == 200:
                self.tally.polls_changed += 1
                fresh = SINCE.search(response.text)
                if fresh is None:
                    self.tally.faults[f"poll {name}: fragment without its version"] += 1
                else:
                    since = fresh.group(1)
            # htmx's `every 2s` fires on a timer, whether or not the last answer was slow.
            next_poll += POLL_SECONDS
            await self.pause(next_poll - time.monotonic())

    async def declarer(self, client: httpx.AsyncClient, targets: list[str]) -> None:
        """IT: declares compromised nodes and lifts declarations, keeping about half of them hit."""
        while self.running():
            impact = await self.tally.send("impact.json", lambda: client.get(self.prefix + "impact.json"))
            declared = (
                {n for n, node in impact.json()["nodes"].items() if node["cause"] == "declared"}
                if impact is not None and impact.status_code == 200
                else set()
            )
            free = [t for t in targets if t not in declared]
            if free and (len(declared) < len(targets) // 2 or self.rng.random() < 0.5):
                target = self.rng.choice(free)
                await post(
                    self.tally,
                    "declare",
                    client,
                    self.prefix + "hits/declare/",
                    {"kind": "node", "target": target},
                )
            else:
                page = await self.tally.send("page hits", lambda: client.get(self.prefix + "hits/"))
                lifts = LIFT.findall(page.text) if page is not None and page.status_code == 200 else []
                if lifts:
                    hit = self.rng.choice(lifts)
                    await post(self.tally, "lift", client, f"{self.prefix}hits/{hit}/lift/", {})
            await self.pause(self.plan.think_seconds)

    async def restorer(self, client: httpx.AsyncClient) -> None:
        """The director: marks restoration tasks started or done (done lifts the hit and re-plans)."""
        while self.running():
            page = await self.tally.send("page restoration", lambda: client.get(self.prefix + "restoration/"))
            forms = MARK_FORM.findall(page.text) if page is not None and page.status_code == 200 else []
            if not forms:
                await post(self.tally, "replan", client, self.prefix + "restoration/replan/", {})
            else:
                form = self.rng.choice(forms)
                fields = dict(HIDDEN.findall(form))
                state = "started" if 'value="started"' in form and self.rng.random() < 0.6 else "done"
                await post(
                    self.tally,
                    f"mark {state}",
                    client,
                    self.prefix + "restoration/mark/",
                    {**fields, "state": state},
                )
            await self.pause(1.6 * self.plan.think_seconds)

    async def scribe(self, client: httpx.AsyncClient) -> None:
        """The medical lead: notes and decisions in the journal, a situation report now and then."""
        written = 0
        while self.running():
            written += 1
            kind = "decision" if written % 3 == 0 else "note"
            text = f"Point {written} : lits de réanimation revus, pas de donnée patient."
            await post(self.tally, kind, client, self.prefix + "journal/notes/", {"kind": kind, "text": text})
            if written % 10 == 0:
                made = await post(self.tally, "sitrep", client, self.prefix + "sitreps/make/", {"lang": "fr"})
                if made is not None and made.status_code == 302:
                    location = made.headers["location"]
                    await self.tally.send("sitrep pdf", lambda: client.get(location + "pdf/"))  # noqa: B023
            await self.pause(1.2 * self.plan.think_seconds)

    async def watch_memory(self) -> None:
        while True:
            self.memory.sample(time.monotonic() - self.started)
            if not self.running():
                return
            await self.pause(self.plan.memory_every)


async def prepared_incident(base: str, tally: Tally, targets: list[str]) -> tuple[httpx.AsyncClient, int]:
    """The director opens the demo incident, declares the ransomware scenario's nodes and plans."""
    director = await logged_in(base, ACCOUNTS["director"], tally)
    form = {"title": "Charge", "demo": "1", "csrfmiddlewaretoken": director.cookies["csrftoken"]}
    opened = await director.post("/incidents/open/", data=form)
    incident = int(re.findall(r"/incidents/(\d+)/", opened.headers["location"])[0])
    for target in targets[: len(targets) // 2]:
        await post(
            tally,
            "declare",
            director,
            f"/incidents/{incident}/hits/declare/",
            {"kind": "node", "target": target},
        )
    await post(tally, "replan", director, f"/incidents/{incident}/restoration/replan/", {})
    return director, incident


async def load(base: str, pid: int, plan: LoadPlan) -> tuple[Tally, MemoryTrace]:
    """Run the load against the server at `base` (process `pid`); return what was seen."""
    tally, memory = Tally(), MemoryTrace(pid)
    targets = list(load_scenario("ransomware", load_map("demo")).down)
    director, incident = await prepared_incident(base, tally, targets)
    it = await logged_in(base, ACCOUNTS["it"], tally)
    medical = await logged_in(base, ACCOUNTS["medical"], tally)
    screens = []
    for i in range(plan.screens):  # one at a time: each login hashes a password on the server
        screens.append(await logged_in(base, ACCOUNTS[SCREEN_ROLES[i % len(SCREEN_ROLES)]], tally))
    run = Run(base, incident, plan, tally, memory)
    run.started = time.monotonic()
    run.stop = run.started + plan.seconds
    await asyncio.gather(
        run.watch_memory(),
        *(
            run.screen(client, SCREEN_PAGES[i % len(SCREEN_PAGES)], i * POLL_SECONDS / plan.screens)
            for i, client in enumerate(screens)
        ),
        run.declarer(it, targets),
        run.restorer(director),
        run.scribe(medical),
    )
    for client in [director, it, medical, *screens]:
        await client.aclose()
    return tally, memory


def run_against_new_server(plan: LoadPlan, data: Path | None = None) -> dict[str, Any]:
    """A fresh data folder and accounts, `bascule serve` on loopback, the load; the summary."""
    data = data or Path(tempfile.mkdtemp(prefix="bascule-bench-load-"))
    env = {**os.environ, "BASCULE_CRISIS_REPLAN_SECONDS": "1"}
    for role, name in ACCOUNTS.items():
        add_user(data, name, role, PASSWORD, env)
    with serving(data, env) as server:
        tally, memory = asyncio.run(load(server.url, server.pid, plan))
        summary = summarise(plan, tally, memory)
        if summary["server_errors"]:
            summary["server_said"] = server.output()[-4000:]
    return summary


def summarise(plan: LoadPlan, tally: Tally, memory: MemoryTrace) -> dict[str, Any]:
    warm, end = memory.at(plan.warmup_seconds), memory.end()
    allowed = max(MEMORY_SLACK_MB * 2**20, MEMORY_SLACK_SHARE * warm)
    endpoints = {
        name: {
            "requests": len(values),
            "statuses": {str(code): n for code, n in sorted(tally.statuses[name].items())},
            "p50_ms": round(1000 * percentile(values, 0.50), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1),
            "p99_ms": round(1000 * percentile(values, 0.99), 1),
        }
        for name, values in sorted(tally.latencies.items())
    }
    return {
        "screens": plan.screens,
        "seconds": plan.seconds,
        "database": "sqlite",
        "cores": os.cpu_count(),
        "requests": sum(len(v) for v in tally.latencies.values()),
        "server_errors": tally.server_errors(),
        "unanswered": dict(tally.unanswered),
        "faults": dict(tally.faults),
        "polls_sent": tally.polls_sent,
        "polls_answered": tally.polls_answered,
        "polls_changed": tally.polls_changed,
        "endpoints": endpoints,
        "rss_warm_mb": round(warm / 2**20, 1),
        "rss_end_mb": round(end / 2**20, 1),
        "rss_max_mb": round(max(rss for _, rss in memory.samples) / 2**20, 1),
        "rss_growth_mb": round((end - warm) / 2**20, 1),
        "rss_allowed_growth_mb": round(allowed / 2**20, 1),
        "rss_samples": [(round(t, 1), round(rss / 2**20, 1)) for t, rss in memory.samples],
        "memory_flat": end - warm <= allowed,
        "warmup_seconds": plan.warmup_seconds,
    }


def failures(summary: dict[str, Any]) -> list[str]:
    said = []
    if summary["server_errors"]:
        said.append(f"{summary['server_errors']} answers 5xx")
    if summary["unanswered"] or summary["polls_answered"] != summary["polls_sent"]:
        said.append(f"unanswered: {summary['unanswered']}")
    if summary["faults"]:
        said.append(f"faults: {summary['faults']}")
    if not summary["memory_flat"]:
        said.append(f"memory grew {summary['rss_growth_mb']} MB (allowed {summary['rss_allowed_growth_mb']})")
    return said


def print_table(summary: dict[str, Any]) -> None:
    print(f"{'endpoint':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for name, row in summary["endpoints"].items():
        statuses = " ".join(f"{code}×{n}" for code, n in row["statuses"].items())
        print(
            f"{name:<22}{row['requests']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}  {statuses}"
        )
    print(
        f"{summary['screens']} screens, {summary['seconds']:.0f} s, {summary['requests']} requests, "
        f"{summary['server_errors']} 5xx; polls {summary['polls_answered']}/{summary['polls_sent']} answered, "
        f"{summary['polls_changed']} with a change"
    )
    print(
        f"server RSS: {summary['rss_warm_mb']} MB after {summary['warmup_seconds']:.0f} s, "
        f"{summary['rss_end_mb']} MB at the end (max {summary['rss_max_mb']}); growth "
        f"{summary['rss_growth_mb']} MB, allowed {summary['rss_allowed_growth_mb']} MB: "
        f"{'flat' if summary['memory_flat'] else 'GROWING'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 minute instead of 10")
    parser.add_argument("--minutes", type=float, default=None, help="duration (default 10)")
    parser.add_argument("--screens", type=int, default=50)
    args = parser.parse_args()
    minutes = args.minutes or (1.0 if args.quick else 10.0)
    seconds = 60 * minutes
    plan = LoadPlan(screens=args.screens, seconds=seconds, warmup_seconds=min(60.0, seconds / 3))
    summary = run_against_new_server(plan)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print_table(summary)
    problems = failures(summary)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if "server_said" in summary:
        print(summary["server_said"], file=sys.stderr)
    print(f"written to {RESULTS}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
