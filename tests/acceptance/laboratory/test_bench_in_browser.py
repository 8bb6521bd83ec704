"""Issue 19 in a browser: a laboratory technician scans the ward's samples at the bench of the
crisis app (typed into the focused field as a USB scanner types: the number, then Enter), enters a
normal result and a critical one taken by phone; a biologist confirms the critical one as the
second person; the store sealed again reaches the ward's station, where the nurse sees both results
on the patient's page. A real `bascule serve` in Debian's Chromium, screenshots looked at."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.crisis_browser import CHROMIUM, PASSWORD, declare_hit, login, open_demo_incident, shot
from tests.integration.station_viewer import conftest as stations
from tests.integration.station_viewer.conftest import StationWorld, station_world  # noqa: F401 (fixture)
from tests.peers import require_peer

from bascule.crisis.testing import add_user, live_server
from bascule.hospital.loading import load_map
from bascule.impact import assess
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.samples import log

pytestmark = pytest.mark.integration
STATION_ARTIFACTS = Path(__file__).parents[2] / "_artifacts" / "station"


@dataclasses.dataclass(frozen=True)
class Bench:
    url: str
    world: StationWorld
    store: Path


@pytest.fixture()
def bench(station_world: StationWorld, tmp_path: Path) -> Iterator[Bench]:  # noqa: F811
    """A real `bascule serve` of the crisis app on a copy of the hospital's continuity store, with
    its own station and cell (the results added here must not look, to the shared cell's seal
    guard, like rows deleted from its next seal)."""
    require_peer("Chromium", CHROMIUM.exists(), "apt install chromium")
    world = station_world.own_copy(tmp_path)
    store = world.cell / "store.sqlite"
    data = tmp_path / "crisis-data"
    data.mkdir()
    env = {**os.environ, "BASCULE_CRISIS_STORE": str(store)}
    for name, role in (("director1", "director"), ("tech1", "laboratory"), ("bio1", "laboratory")):
        add_user(data, name, role, PASSWORD, env)
    with live_server(data, env) as url:
        yield Bench(url, world, store)


def said(page: Any) -> str:
    return str(page.inner_text("[data-said]")).strip()


def test_a_technician_scans_at_the_bench_and_the_nurse_sees_the_results(bench: Bench, browser: Any) -> None:
    world, store = bench.world, bench.store
    mrn = world.inpatient.mrn
    assert mrn is not None
    hospital = load_map("demo")
    menu = reduced_menu(hospital, assess(hospital))
    collected = datetime.now(UTC) - timedelta(minutes=40)
    # Collected on the ward (the labels printed there): potassium and troponin for the inpatient.
    potassium, troponin = (
        log.collect(
            store,
            hospital,
            menu,
            patient=mrn,
            test_id=test,
            unit=world.inpatient_unit,
            by="ide1",
            at=collected,
        ).number
        for test in ("test-kalium", "test-troponin")
    )

    director = login(browser, bench.url, "director1")
    incident = open_demo_incident(director, "Panne du laboratoire")
    # The pathology supplier is declared hit; the reduced menu is published to the wards.
    declare_hit(director, incident, "biolab")
    director.goto(incident + "laboratory/")
    director.click("#publish-lab-menu")
    director.wait_for_selector("[data-published='current']")
    director.context.close()

    tech = login(browser, bench.url, "tech1")
    tech.goto(incident + "laboratory/")
    tech.click("text=Paillasse")
    tech.wait_for_selector("#b-code")
    tech.select_option("#b-step", "received")
    tech.fill("#b-place", "labo")
    tech.focus("#b-code")
    for number in (potassium, troponin):
        # As a USB scanner does: the characters, then Enter, into the focused field.
        tech.keyboard.type(number)
        tech.keyboard.press("Enter")
        tech.wait_for_selector(f"[data-scanned='{number}']")
        assert said(tech) == f"{number} : reçu."
        # The page is back with the field focused for the next tube, step and place kept.
        assert tech.evaluate("document.activeElement.id") == "b-code"
        assert tech.input_value("#b-place") == "labo"
    # A label misread (its check character wrong): refused in one sentence, nothing recorded.
    misread = potassium[:-1] + ("A" if potassium[-1] != "A" else "B")
    tech.keyboard.type(misread)
    tech.keyboard.press("Enter")
    tech.wait_for_selector("[data-said=refused]")
    assert said(tech) == f"Le caractère de contrôle de {misread!r} est faux : un caractère a été mal copié."
    assert tech.evaluate("document.activeElement.id") == "b-code"
    assert {s.number: s.state for s in log.all_samples(store)} == {
        potassium: "received",
        troponin: "received",
    }
    shot(tech, "lab-bench-after-scans")

    tech.fill("#r-sample", potassium)
    tech.fill("#r-value", "4.1")
    tech.fill("#r-unit", "mmol/L")
    tech.select_option("#r-flag", "normal")
    tech.click(".bench-result button")
    tech.wait_for_selector("[data-said=ok]")
    assert said(tech) == f"{potassium} : résultat enregistré, transmis aux services."
    # The partner lab phones the troponin: critical, read back to the caller.
    tech.fill("#r-sample", troponin)
    tech.fill("#r-value", "2.5")
    tech.fill("#r-unit", "µg/L")
    tech.select_option("#r-flag", "critical")
    tech.select_option("#r-channel", "phone")
    tech.check("#r-read-back")
    tech.click(".bench-result button")
    tech.wait_for_selector(f"[data-awaiting-sample='{troponin}']")
    assert "attend la confirmation d'une deuxième personne" in said(tech)
    # Whoever entered it is offered no Confirm button: a second person must.
    assert tech.locator(f"[data-awaiting-sample='{troponin}'] button").count() == 0
    shot(tech, "lab-bench-after-result")
    tech.context.close()

    biologist = login(browser, bench.url, "bio1")
    biologist.goto(incident + "laboratory/bench/")
    biologist.click(f"[data-awaiting-sample='{troponin}'] button")
    biologist.wait_for_selector("[data-awaiting='0']")
    assert said(biologist) == f"{troponin} : résultat critique confirmé, transmis aux services."
    assert mrn not in biologist.content()  # samples by number only
    shot(biologist, "lab-bench-confirmed")
    biologist.context.close()

    # The cell seals the store again; the bundle reaches the ward's station.
    archive = world.seal_again(store)
    world.deliver(archive)
    with served_station(world) as station:
        nurse = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
        nurse.goto(station + "/login")
        nurse.fill("#name", "nadia")
        nurse.fill("#password", stations.PASSWORD)
        nurse.click("form button[type=submit]")
        nurse.wait_for_url(station + "/")
        nurse.goto(f"{station}/patients/{world.inpatient.id}")
        section = nurse.locator("section.downtime-results")
        assert "Résultats rendus sans le système du laboratoire" in section.inner_text()
        potassium_row = nurse.locator(f"tr[data-sample='{potassium}']").inner_text()
        assert "4.1 mmol/L" in potassium_row
        troponin_row = nurse.locator(f"tr[data-sample='{troponin}']").inner_text()
        assert "2.5 µg/L" in troponin_row and "confirmé par bio1" in troponin_row
        assert "par téléphone, relu" in troponin_row
        assert nurse.locator("[data-awaiting]").count() == 0  # nothing left waiting for its second person
        section.scroll_into_view_if_needed()
        shot_station(nurse, "lab-results-on-the-ward")
        nurse.click("#nav-laboratory")
        nurse.wait_for_selector("#lab-menu-restricted")
        assert "director1" in nurse.inner_text("#lab-menu-published")
        assert nurse.locator("#lab-menu-off tr[data-test='test-hba1c']").count() == 1
        assert nurse.locator("#lab-menu-on tr[data-test='test-troponin']").count() == 1
        shot_station(nurse, "lab-menu-on-the-ward")
        nurse.context.close()


@contextlib.contextmanager
def served_station(world: StationWorld) -> Iterator[str]:
    """The ward's station (its WSGI application, as `bascule station serve` runs it) on a free
    loopback port in a thread, stopped at the end; yields its address."""
    from waitress import create_server

    from bascule.station.viewer.serving import close, run_until

    server = create_server(world.app(), host="127.0.0.1", port=0, threads=2)
    stop = threading.Event()
    thread = threading.Thread(target=run_until, args=(server, stop), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=10)
        close(server, timeout=5)


def shot_station(page: Any, name: str) -> None:
    STATION_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(STATION_ARTIFACTS / f"{name}.png"), full_page=True)
