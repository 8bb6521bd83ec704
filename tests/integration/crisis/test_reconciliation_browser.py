"""The Reconciliation tab in a real browser (Debian's Chromium through Playwright) against a real
`bascule serve` reading a continuity store after an outage: the identity officer reads the
worklist, confirms the candidate of the registration to review, and the number leaves the list; the
director reads the status panel and no patient's name. Screenshots go to tests/_artifacts/crisis/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.crisis_browser import CHROMIUM, PASSWORD, login, shot
from tests.downtime_store import DowntimeWorld, make_downtime_world

from bascule.crisis.testing import add_user, live_server
from bascule.downtime.links import links

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("Chromium", CHROMIUM.exists(), "apt install chromium"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DowntimeWorld:
    return make_downtime_world(tmp_path_factory.mktemp("outage"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, world: DowntimeWorld) -> Iterator[str]:
    data = tmp_path_factory.mktemp("crisis-reconcile")
    env = {**os.environ, "BASCULE_CRISIS_STORE": str(world.store)}
    for name, role in (("director1", "director"), ("civ1", "identity")):
        add_user(data, name, role, PASSWORD, env)
    with live_server(data, env) as url:
        yield url


def test_the_identity_officer_works_through_the_worklist(
    browser: object, server: str, world: DowntimeWorld, tmp_path: Path
) -> None:
    director = login(browser, server, "director1")
    director.fill("input[name=title]", "Panne du DPI")  # type: ignore[attr-defined]
    director.check("input[name=demo]")  # type: ignore[attr-defined]
    director.click("form[action$='/incidents/open/'] button")  # type: ignore[attr-defined]
    director.wait_for_selector(".summary")  # type: ignore[attr-defined]
    reconciliation = director.url + "reconciliation/"  # type: ignore[attr-defined]
    director.click("nav.incident a:has-text('Rapprochement')")  # type: ignore[attr-defined]
    director.wait_for_selector("[data-section=status]")  # type: ignore[attr-defined]
    shown = director.inner_text("main")  # type: ignore[attr-defined]
    assert world.missing_number in shown and world.lookalike.family not in shown
    shot(director, "20-reconciliation-director")

    officer = login(browser, server, "civ1")
    officer.goto(reconciliation)  # type: ignore[attr-defined]
    item = f"article[data-downtime='{world.review_number}']"
    officer.wait_for_selector(item)  # type: ignore[attr-defined]
    assert world.lookalike.family in officer.inner_text(item)  # type: ignore[attr-defined]
    shot(officer, "21-reconciliation-worklist")
    officer.click(f"{item} button[value=patient]")  # type: ignore[attr-defined]
    officer.wait_for_selector("[data-section=worklist]")  # type: ignore[attr-defined]
    assert officer.locator(item).count() == 0  # type: ignore[attr-defined]
    assert links(world.store)[world.review_number].patient_id == world.lookalike.id
    shot(officer, "22-reconciliation-after-decision")
