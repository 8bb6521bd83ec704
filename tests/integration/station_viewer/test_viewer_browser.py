"""The station as a nurse uses it, in Debian's Chromium (Playwright) against a real `bascule
station serve` run in a network namespace that has only the loopback: no network, no directory
service, nothing from the internet. Log in, search with a typo, open a patient, print, see a newer
bundle arrive, see a forged one refused (the good one kept), be logged out by idleness.
Screenshots go to tests/_artifacts/station/."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.station_viewer.conftest import PASSWORD, StationWorld, run
from tests.peers import require_peer

from bascule.snapshot.bundle import signature_path

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "_artifacts" / "station"
PORT = 8765  # free by construction: the namespace has nothing else
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
IDLE_SECONDS = 12

pytestmark = [pytest.mark.integration]


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


@dataclasses.dataclass
class Served:
    world: StationWorld
    pid: int
    log: Path
    chromium: Path  # a wrapper that runs Chromium inside the station's network namespace


@pytest.fixture(scope="module")
def served(station_world: StationWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    require_peer("Chromium", CHROMIUM.exists(), "apt install chromium")
    require_peer("network namespaces (unshare --net, as root)", _namespaces_work(), "run the tests as root")
    folder = tmp_path_factory.mktemp("station-browser")
    root = folder / "station"
    shutil.copytree(station_world.root, root, symlinks=True)
    world = dataclasses.replace(station_world, root=root, clock_at=[])
    run("station", "recording", root, "--code", "3EST1")
    log = folder / "serve.log"
    src = Path(__file__).parents[3] / "src"
    command = (
        f"ip link set lo up && exec {sys.executable} -m bascule station serve {root} --port {PORT} "
        f"--idle {IDLE_SECONDS}s --every 1s --lang fr"
    )
    env = {**os.environ, "PYTHONPATH": f"{src}:{os.environ.get('PYTHONPATH', '')}"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", command], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    wrapper = folder / "chromium-in-station"
    wrapper.write_text(f'#!/bin/sh\nexec nsenter --net=/proc/{process.pid}/ns/net {CHROMIUM} "$@"\n')
    wrapper.chmod(0o700)
    try:
        deadline = time.monotonic() + 60
        while "http://127.0.0.1" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the station never said it was serving"
            time.sleep(0.2)
        yield Served(world, process.pid, log, wrapper)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(served.chromium), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def url(path: str) -> str:
    return f"http://127.0.0.1:{PORT}{path}"


def deliver(world: StationWorld, archive: Path) -> None:
    for path in (archive, signature_path(archive)):  # the signature last: then it has arrived
        shutil.copy(path, world.root / "inbox")


def log_in(browser: Any, name: str = "nadia", viewport: dict[str, int] | None = None) -> Any:
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 768}, locale="fr-FR")
    page = context.new_page()
    page.goto(url("/"))
    assert "/login" in page.url
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(url("/"))
    return page


def test_the_station_is_out_of_reach_of_the_network(served: Served) -> None:
    with pytest.raises(OSError):  # from the host's network, nothing listens: the station has none
        socket.create_connection(("127.0.0.1", PORT), timeout=2).close()


def test_search_with_a_typo_open_print(browser: Any, served: Served) -> None:
    patient = served.world.inpatient
    page = log_in(browser)
    shot(page, "01-search")
    family = patient.family
    typo = family[0] + family[2] + family[1] + family[3:]
    page.fill("#q", typo)
    link = page.locator(f"#hits a[href='/patients/{patient.id}']")
    link.wait_for(timeout=10_000)
    shot(page, "02-hits")
    link.click()
    page.wait_for_url(url(f"/patients/{patient.id}"))
    assert page.locator("#allergies").is_visible()
    assert family.upper() in page.locator("h1").inner_text().upper()
    assert "Données du" in page.locator("#data-time").inner_text()
    shot(page, "03-patient")
    href = page.locator("#print-sheet").get_attribute("href")
    # Fetched by the page itself: the test's own HTTP client is outside the station's namespace.
    status, kind, head = page.evaluate(
        """href => fetch(href).then(async r => [r.status, r.headers.get('content-type'),
            new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))])""",
        href,
    )
    assert (status, kind, head) == (200, "application/pdf", "%PDF-")
    tablet = log_in(browser, "denis", {"width": 800, "height": 1280})
    tablet.goto(url(f"/patients/{patient.id}"))
    shot(tablet, "04-patient-tablet")
    assert tablet.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_newer_bundle_arrives_and_a_forged_one_is_refused(
    browser: Any, served: Served, tmp_path: Path
) -> None:
    world = served.world
    page = log_in(browser)
    page.goto(url(f"/patients/{world.inpatient.id}"))
    before = page.locator("body").get_attribute("data-sequence")
    deliver(world, world.seal_again())
    page.locator("#newer").wait_for(state="visible", timeout=20_000)
    shot(page, "05-newer-arrived")
    page.click("#reload")
    page.wait_for_load_state()
    after = page.locator("body").get_attribute("data-sequence")
    assert int(after or 0) > int(before or 0)
    assert "Nouvelles données reçues" in page.content()
    genuine = world.seal_again()
    forged = tmp_path / genuine.name
    data = bytearray(genuine.read_bytes())
    data[len(data) // 2] ^= 0xFF
    forged.write_bytes(bytes(data))
    shutil.copy(signature_path(genuine), signature_path(forged))
    deliver(world, forged)
    deadline = time.monotonic() + 20
    while True:
        page.reload()
        if page.locator(".alarm").count():
            break
        assert time.monotonic() < deadline, "the forged bundle was never reported"
        time.sleep(1)
    assert page.locator("body").get_attribute("data-sequence") == after
    assert "refusé" in page.locator(".alarm").first.inner_text()
    shot(page, "06-forged-refused")


def test_idleness_logs_out(browser: Any, served: Served) -> None:
    page = log_in(browser)
    page.goto(url(f"/patients/{served.world.inpatient.id}"))
    page.wait_for_url("**/login?idle=1**", timeout=(IDLE_SECONDS + 15) * 1000)
    assert "sans activité" in page.content()
    assert served.world.inpatient.family.upper() not in page.content().upper()
    shot(page, "07-idle-logout")
    page.goto(url("/"))
    assert "/login" in page.url


def test_record_vital_signs_on_paper_no_more(browser: Any, served: Served) -> None:
    patient = served.world.inpatient
    page = log_in(browser, "denis")
    page.goto(url(f"/patients/{patient.id}"))
    page.click("#record-vitals")
    page.fill("#f-heart_rate", "112")
    page.fill("#f-systolic", "95")
    page.fill("#f-diastolic", "60")
    shot(page, "08-record-vitals")
    page.click("#save")
    page.wait_for_url(f"**/patients/{patient.id}?recorded=*")
    assert "enregistrée" in page.locator("#recorded").inner_text()
    assert "112" in page.locator("section.entries").inner_text()
    shot(page, "09-recorded")
