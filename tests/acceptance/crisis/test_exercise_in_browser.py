"""A 20-minute exercise run in about a minute in Debian's Chromium against a real `bascule serve`:
a facilitator and two players (the director and the medical lead), each in a browser context of
their own. The facilitator releases an inject early, pauses and resumes the clock, judges the
decision the clock cannot; the director isolates a segment; the medical lead starts a procedure on
the board and records a decision. The players never see what is coming nor what is expected of
them; every page of the incident carries the EXERCICE banner; the report (page and PDF) shows the
decisions on time. Screenshots go to tests/_artifacts/crisis/exercise-*.png."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.crisis_browser import ARTIFACTS, CHROMIUM, PASSWORD, login, shot

from bascule.crisis.testing import add_user, bascule_command, serving

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("Chromium", CHROMIUM.exists(), "apt install chromium"),
]

# 20 exercise minutes at ×20: one real minute. Injects at 0, 5, 10, 15 and 18 min.
SPEED = 20
SCRIPT = """\
bascule_exercise: 1
id: night-drill
title: {fr: "Exercice de nuit : admissions verrouillées", en: "Night drill: admissions locked"}
briefing:
  fr: "3 h du matin. Les serveurs des admissions ne répondent plus."
  en: "3 a.m. The admissions servers are not answering."
map: demo
scenario: admissions-locked
duration: 20m
injects:
  - id: night-it
    at: 0m
    channel: phone
    from: {fr: "Informaticien d'astreinte", en: "IT engineer on call"}
    text:
      fr: "Les partages sont chiffrés ; ça se propage peut-être sur le réseau administratif."
      en: "The shares are encrypted; it may be spreading on the administrative network."
    facilitator:
      fr: "Attendu : isoler le LAN administratif."
      en: "Expected: isolate the administrative LAN."
  - id: ransom-note
    at: 5m
    channel: email
    text:
      fr: "La note demande 10 millions de dollars."
      en: "The note asks for 10 million dollars."
  - id: ed-admissions
    at: 10m
    channel: ward
    from: {fr: "Infirmière d'accueil des urgences", en: "Emergency triage nurse"}
    text:
      fr: "Impossible de créer une admission ni d'imprimer un bracelet."
      en: "We cannot create an admission or print a wristband."
  - id: spread
    at: 15m
    channel: phone
    text:
      fr: "Le serveur d'éditique est chiffré à son tour."
      en: "The patient mail server is encrypted too."
    effects:
      down: [srv-courrier01]
  - id: press
    at: 18m
    channel: press
    from: {fr: "Radio locale", en: "Local radio"}
    text:
      fr: "On nous parle d'une cyberattaque. Confirmez-vous ?"
      en: "We hear of a cyber attack. Do you confirm?"
expected:
  - id: isolate-admin-lan
    text: {fr: "Isoler le LAN administratif", en: "Isolate the administrative LAN"}
    after: night-it
    within: 15m
    when: {isolate: tl-admin-lan}
  - id: no-ransom
    text: {fr: "Décider de ne pas payer la rançon", en: "Decide not to pay the ransom"}
    after: ransom-note
    within: 15m
    when: {decision: ["ne pas payer", "not pay"]}
  - id: provisional-identities
    text: {fr: "Passer les admissions en identités provisoires", en: "Switch admissions to provisional identities"}
    after: ed-admissions
    within: 10m
    when: {procedure: emergency-admission}
  - id: call-staff
    text: {fr: "Rappeler du personnel de nuit", en: "Call in night staff"}
    after: night-it
    within: 20m
"""

# What only the facilitator's page holds: the injects to come, the decisions expected.
SECRETS = ("[data-coming]", "[data-decision]", "form[action$='/exercise/release/']")
# Polling pages refresh every 2 s; a release due later on the clock is waited for until the whole
# exercise (one real minute at ×20, plus the pause) is over, with room for a loaded machine.
SEEN_MS = 120_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    data = tmp_path_factory.mktemp("exercise-browser")
    env = dict(os.environ)
    for name, role in (("animateur1", "facilitator"), ("director1", "director"), ("medical1", "medical")):
        add_user(data, name, role, PASSWORD, env)
    with serving(data, env) as server:
        try:
            yield server.url, data, env
        finally:
            print(server.output()[-5000:])


def _start(data: Path, env: dict[str, str]) -> int:
    """`bascule exercise start` on the script, accelerated: the incident's number."""
    script = data.parent / "night-drill.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [*bascule_command(), "exercise", "start", str(script), "--speed", str(SPEED), "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
        env={**env, "BASCULE_LANG": "en"},
    )
    found = re.search(r"incident (\d+)", done.stdout)
    assert found, done.stdout
    return int(found.group(1))


def _banner(page: object) -> None:
    """The red EXERCICE banner is on the page."""
    assert page.locator(".exercise-banner").inner_text().strip().startswith("EXERCICE")  # type: ignore[attr-defined]


def _player_sees_no_secret(page: object) -> None:
    for selector in SECRETS:
        assert page.locator(selector).count() == 0, selector  # type: ignore[attr-defined]
    text = page.inner_text("main")  # type: ignore[attr-defined]
    assert "Envoyer maintenant" not in text
    assert "Isoler le LAN administratif" not in text  # an expected decision's words


def _wait_inject(page: object, inject: str) -> None:
    try:
        page.wait_for_selector(f"article[data-inject='{inject}']", timeout=SEEN_MS)  # type: ignore[attr-defined]
    except Exception:
        shot(page, "exercise-DEBUG")
        raise


def test_a_facilitator_and_two_players_run_an_accelerated_exercise(
    browser: object, served: tuple[str, Path, dict[str, str]]
) -> None:
    server, data, env = served
    facilitator = login(browser, server, "animateur1")
    director = login(browser, server, "director1")
    medical = login(browser, server, "medical1")
    incident = _start(data, env)
    base = f"{server}/incidents/{incident}/"

    # Everyone opens the exercise page; the clock has released the first inject.
    for page in (facilitator, director, medical):
        page.goto(base + "exercise/")  # type: ignore[attr-defined]
        _banner(page)
        _wait_inject(page, "night-it")
    for page in (director, medical):
        _player_sees_no_secret(page)
    assert facilitator.locator("tr[data-coming='ed-admissions']").count() == 1  # type: ignore[attr-defined]

    # The facilitator hands the emergency department's call over ahead of its time.
    facilitator.click("tr[data-coming='ed-admissions'] button")  # type: ignore[attr-defined]
    facilitator.wait_for_selector("article[data-inject='ed-admissions']")  # type: ignore[attr-defined]
    _wait_inject(medical, "ed-admissions")
    _player_sees_no_secret(medical)

    # The director isolates the administrative LAN: search, what-if, confirm.
    director.goto(base + "hits/")  # type: ignore[attr-defined]
    _banner(director)
    director.fill("input[type=search]", "tl-admin-lan")  # type: ignore[attr-defined]
    director.click("#results tr[data-target='tl-admin-lan'] a")  # type: ignore[attr-defined]
    director.wait_for_selector("h1")  # type: ignore[attr-defined]
    assert "tl-admin-lan" in director.inner_text("h1")  # type: ignore[attr-defined]
    _banner(director)
    director.click("form button.danger")  # type: ignore[attr-defined]
    director.wait_for_selector("tr[data-hit='tl-admin-lan']")  # type: ignore[attr-defined]

    # The medical lead starts the provisional identities on the board.
    medical.goto(base)  # type: ignore[attr-defined]
    _banner(medical)
    medical.wait_for_selector(".exercise-strip")  # type: ignore[attr-defined]
    medical.click("button[name=process][value='emergency-admission']")  # type: ignore[attr-defined]
    medical.wait_for_selector("[data-started='emergency-admission']")  # type: ignore[attr-defined]
    _player_sees_no_secret(medical)
    shot(medical, "exercise-board-strip")

    # The facilitator pauses and resumes; the players' strip says the exercise is paused.
    facilitator.click("button[name=move][value=pause]")  # type: ignore[attr-defined]
    facilitator.wait_for_selector("button[name=move][value=resume]")  # type: ignore[attr-defined]
    medical.wait_for_selector(".exercise-strip:has-text('EN PAUSE')", timeout=SEEN_MS)  # type: ignore[attr-defined]
    facilitator.click("button[name=move][value=resume]")  # type: ignore[attr-defined]
    facilitator.wait_for_selector("button[name=move][value=pause]")  # type: ignore[attr-defined]
    # The facilitator judges the decision no act can show.
    facilitator.click("tr[data-decision='call-staff'] button[name=met][value='1']")  # type: ignore[attr-defined]
    facilitator.wait_for_selector("tr[data-decision='call-staff'].ex-on_time")  # type: ignore[attr-defined]

    # The ransom note comes with the clock; the medical lead records the decision in the journal.
    medical.goto(base + "exercise/")  # type: ignore[attr-defined]
    _wait_inject(medical, "ransom-note")
    _player_sees_no_secret(medical)
    medical.goto(base + "journal/")  # type: ignore[attr-defined]
    _banner(medical)
    medical.fill("textarea[name=text]", "Nous décidons de ne pas payer la rançon ; plainte déposée.")  # type: ignore[attr-defined]
    medical.click("button[name=kind][value=decision]")  # type: ignore[attr-defined]
    medical.wait_for_selector("text=ne pas payer la rançon")  # type: ignore[attr-defined]

    # The rest comes with the clock, to the players' page, without reloading it.
    director.goto(base + "exercise/")  # type: ignore[attr-defined]
    for inject in ("spread", "press"):
        _wait_inject(director, inject)
    _player_sees_no_secret(director)
    shot(director, "exercise-player")
    facilitator.goto(base + "exercise/")  # type: ignore[attr-defined]
    facilitator.wait_for_selector("text=Tous les messages ont été envoyés")  # type: ignore[attr-defined]
    for decision in ("isolate-admin-lan", "no-ransom", "provisional-identities", "call-staff"):
        facilitator.wait_for_selector(f"tr[data-decision='{decision}'].ex-on_time")  # type: ignore[attr-defined]
    shot(facilitator, "exercise-facilitator")
    # At minute 20 the exercise ends on its own: the players' strip says so, the end button goes.
    director.wait_for_selector(".exercise-strip:has-text('TERMINÉ')", timeout=SEEN_MS)  # type: ignore[attr-defined]
    facilitator.wait_for_selector(".ex-state:has-text('TERMINÉ')", timeout=SEEN_MS)  # type: ignore[attr-defined]
    assert facilitator.locator("button[name=move]").count() == 0  # type: ignore[attr-defined]

    # The report: the page, then the PDF.
    facilitator.goto(base + "exercise/report/")  # type: ignore[attr-defined]
    report = facilitator.inner_text("body")  # type: ignore[attr-defined]
    for words in (
        "Isoler le LAN administratif",
        "Décider de ne pas payer la rançon",
        "Passer les admissions en identités provisoires",
        "Rappeler du personnel de nuit",
    ):
        assert words in report
    # Played: the script's 20 minutes, not the minutes until someone looked.
    assert re.search(r"Durée jouée\s+T\+00:20", report), report[:600]
    shot(facilitator, "exercise-report")
    with facilitator.expect_download() as download:  # type: ignore[attr-defined]
        facilitator.evaluate(  # type: ignore[attr-defined]
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            base + "exercise/report.pdf",
        )
    pdf = ARTIFACTS / "exercise-report.pdf"
    download.value.save_as(str(pdf))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert pages
    for page_text in pages:
        assert "EXERCICE" in page_text
    whole = "\n".join(pages)
    assert "Isoler le LAN administratif" in whole
    assert "Rappeler du personnel de nuit" in whole
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "exercise-report-pdf")], check=True
    )
    assert sorted(ARTIFACTS.glob("exercise-report-pdf*.png"))
