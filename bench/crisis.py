"""Crisis cell under load: 50 simulated screens poll the live board (as htmx does, every 2 s,
sending the version they show) while the director declares hits, against a real `bascule serve`
on SQLite. Reports latency percentiles and errors; writes bench/results/crisis.json.

    .venv/bin/python bench/crisis.py [--quick] [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bascule.crisis.testing import add_user, live_server
from bascule.hospital.loading import load_map
from bascule.scenario import load_scenario

PASSWORD = "Banc-d-essai-mot-de-passe-1"
RESULTS = Path(__file__).parent / "results" / "crisis.json"
POLL_SECONDS = 2.0


async def logged_in(base: str, name: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    await client.get("/login/")
    token = client.cookies["csrftoken"]
    response = await client.post(
        "/login/", data={"username": name, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {name} failed: {response.status_code}")
    return client


async def post(client: httpx.AsyncClient, url: str, data: dict[str, str]) -> httpx.Response:
    return await client.post(
        url,
        data={**data, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": str(client.base_url)},
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(users: int, seconds: float) -> dict[str, object]:
    data = Path(tempfile.mkdtemp(prefix="bascule-bench-crisis-"))
    env = {**os.environ, "BASCULE_CRISIS_REPLAN_SECONDS": "1"}
    add_user(data, "director1", "director", PASSWORD, env)
    add_user(data, "observer1", "observer", PASSWORD, env)
    targets = list(load_scenario("ransomware", load_map("demo")).down)
    with live_server(data, env) as base:
        director = await logged_in(base, "director1")
        opened = await post(director, "/incidents/open/", {"title": "bench", "demo": "1"})
        board = opened.headers["location"]
        incident = int(re.findall(r"/incidents/(\d+)/", board)[0])
        screens = [await logged_in(base, "observer1") for _ in range(users)]

        polls: list[float] = []
        changed_polls: list[float] = []
        unchanged_polls: list[float] = []
        errors: list[str] = []
        declares: list[float] = []
        stop = time.monotonic() + seconds

        async def screen(client: httpx.AsyncClient, offset: float) -> None:
            await asyncio.sleep(offset)
            since = ""
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    response = await client.get(
                        board, params={"live": "1", "since": since}, headers={"HX-Request": "true"}
                    )
                    elapsed = time.perf_counter() - started
                    polls.append(elapsed)
                    if response.status_code == 200:
                        since = response.headers["etag"].strip('"')
                        changed_polls.append(elapsed)
                    elif response.status_code == 204:
                        unchanged_polls.append(elapsed)
                    else:
                        errors.append(f"poll {response.status_code}")
                except httpx.HTTPError as error:
                    errors.append(f"poll {type(error).__name__}")
                await asyncio.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - started)))

        async def declare_hits() -> None:
            # Declarations during the first two thirds, then a quiet third: both poll paths are measured.
            interval = (2 * seconds / 3) / (len(targets) + 1)
            for target in targets:
                await asyncio.sleep(interval)
                if time.monotonic() >= stop:
                    return
                started = time.perf_counter()
                response = await post(
                    director, f"/incidents/{incident}/hits/declare/", {"kind": "node", "target": target}
                )
                declares.append(time.perf_counter() - started)
                if response.status_code != 302:
                    errors.append(f"declare {response.status_code}")

        await asyncio.gather(
            *(screen(c, i * POLL_SECONDS / users) for i, c in enumerate(screens)), declare_hits()
        )
        for client in [director, *screens]:
            await client.aclose()
    return {
        "users": users,
        "seconds": seconds,
        "database": "sqlite",
        "cores": os.cpu_count(),
        "polls": len(polls),
        "polls_with_change": len(changed_polls),
        "polls_unchanged": len(unchanged_polls),
        "poll_p50_ms": round(1000 * percentile(polls, 0.50), 1),
        "poll_p95_ms": round(1000 * percentile(polls, 0.95), 1),
        "poll_p99_ms": round(1000 * percentile(polls, 0.99), 1),
        "changed_poll_p95_ms": round(1000 * percentile(changed_polls, 0.95), 1),
        "unchanged_poll_p95_ms": round(1000 * percentile(unchanged_polls, 0.95), 1),
        "poll_max_ms": round(1000 * max(polls, default=0.0), 1),
        "poll_mean_ms": round(1000 * statistics.fmean(polls), 1) if polls else 0.0,
        "declarations": len(declares),
        "declare_p95_ms": round(1000 * percentile(declares, 0.95), 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "target_p95_ms": 300,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 s instead of 60 s")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    seconds = args.seconds or (15.0 if args.quick else 60.0)
    result = asyncio.run(run(args.users, seconds))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'measure':<24}{'value':>12}")
    for key, value in result.items():
        if key != "error_kinds":
            print(f"{key:<24}{value!s:>12}")
    verdict = "OK" if result["poll_p95_ms"] <= 300 and result["errors"] == 0 else "MISSED"  # type: ignore[operator]
    print(f"target p95 <= 300 ms, no errors: {verdict}; written to {RESULTS}")


if __name__ == "__main__":
    main()
