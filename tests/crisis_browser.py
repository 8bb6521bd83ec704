"""The crisis cell's application in Debian's Chromium (Playwright): the `browser` fixture (one
Chromium per test module; a module may define its own, as the station's does), signing in, and
screenshots into tests/_artifacts/crisis/. Registered for every test by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "_artifacts" / "crisis"
PASSWORD = "Un-mot-de-passe-solide-1"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def login(browser: object, server: str, name: str) -> object:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/")
    assert "/login/" in page.url
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def open_demo_incident(page: object, title: str) -> str:
    """Open an incident on the demo hospital from the home page; the incident board's address."""
    page.fill("input[name=title]", title)  # type: ignore[attr-defined]
    page.check("input[name=demo]")  # type: ignore[attr-defined]
    page.click("form[action$='/incidents/open/'] button")  # type: ignore[attr-defined]
    page.wait_for_selector(".summary")  # type: ignore[attr-defined]
    return str(page.url)  # type: ignore[attr-defined]


def declare_hit(page: object, board: str, target: str) -> None:
    """Declare `target` (a node, segment or supplier id) hit from the incident's Declare page."""
    page.goto(board + "hits/")  # type: ignore[attr-defined]
    page.fill("input[type=search]", target)  # type: ignore[attr-defined]
    page.click(f"#results tr[data-target='{target}'] button")  # type: ignore[attr-defined]
    page.wait_for_selector(f"tr[data-hit='{target}']")  # type: ignore[attr-defined]
