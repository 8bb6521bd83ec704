"""Issue 19's acceptance, following the Synnovis timeline on the demo hospital, through the faces
people use: the crisis cell's application (a real `bascule serve` in Chromium) and the `bascule lab`
and `bascule blood` commands.

The pathology supplier is hit at dawn; the director declares it and the Laboratory tab shows the
menu shrink; it is published to the wards. A request off the menu and one past a test's daily cap
are refused at request time. Through the day 500 samples are collected and followed by scanning:
most received at the laboratory, a run of creatinines sent to the partner laboratory with three
tubes lost on the way; results entered, critical troponins phoned, read back and confirmed by a
second person (never the one who took the call). The board counts, at every moment, the samples
without a result after 4 hours and those lost in transport. The blood bank issues O-negative in
emergencies until its stock falls below the threshold: the Laboratory tab and the one-page sheet
for the supplier say so.

The bulk of the collections (500 requests from the wards) goes through the use-case the `lab
collect` command calls, as a day's paper requests typed in; every other step is a command or a page."""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from tests.crisis_browser import CHROMIUM, PASSWORD, declare_hit, login, open_demo_incident, shot
from tests.lab_store import demo_store, known_mrns
from tests.peers import require_peer

from bascule.cli import main
from bascule.crisis.testing import add_user, live_server
from bascule.downtime.numbers import DowntimeNumber
from bascule.hospital.loading import load_map
from bascule.impact import assess
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.samples import log
from bascule.scenario import load_scenario

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
DAWN = NOW - timedelta(hours=10)
# The day's requests by test, within the demo map's daily caps (kalium 150, hb 150, creat 100, ...).
DAY = {
    "test-kalium": 120,
    "test-hb": 120,
    "test-creat": 80,  # sent to the partner laboratory (CHU de la Bièvre)
    "test-glucose": 60,
    "test-troponin": 40,
    "test-blood-gas": 30,
    "test-inr": 20,
    "test-crp": 10,
    "test-group-screen": 10,
    "test-crossmatch": 10,
}


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def run(args: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str]:
    """A command as a French-speaking user runs it, with `stdin` typed in (a scanner's lines)."""
    with mock.patch("sys.stdin", io.StringIO(stdin)):
        code = main(args, environ={"USER": "labo", "LANG": "fr_FR.UTF-8"})
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture()
def cell(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    require_peer("Chromium", CHROMIUM.exists(), "apt install chromium")
    store = demo_store(tmp_path / "store")
    data = tmp_path / "crisis-data"
    data.mkdir()
    env = {**os.environ, "BASCULE_CRISIS_STORE": str(store)}
    add_user(data, "director1", "director", PASSWORD, env)
    with live_server(data, env) as url:
        yield url, store


def board_counts(page: Any) -> tuple[int, int]:
    found = re.search(r'data-lab-late="(\d+)" data-lab-lost="(\d+)"', page.content())
    assert found is not None, "the board has no laboratory line"
    return int(found[1]), int(found[2])


def test_the_synnovis_day_on_the_demo_hospital(
    cell: tuple[str, Path], browser: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url, store = cell
    hospital = load_map("demo")
    mrns = known_mrns(store)

    # 06:00 — the pathology supplier is hit; the director declares it.
    director = login(browser, url, "director1")
    board = open_demo_incident(director, "Prestataire de biologie attaqué")
    declare_hit(director, board, "biolab")

    # The menu shrinks: HbA1c has no runner without the laboratory system. It is published.
    director.goto(board + "laboratory/")
    assert director.get_attribute("[data-lab-state]", "data-lab-state") == "restricted"
    assert director.locator("tr[data-test='test-hba1c'][data-off='1']").count() == 1
    assert director.locator("[data-published='none']").count() == 1
    director.click("#publish-lab-menu")
    director.wait_for_selector("[data-published='current']")
    shot(director, "synnovis-01-menu-published")

    # Requests off the menu or past the cap are refused when made, with the reason.
    hits = ["--scenario", "pathology-supplier"]
    code, said = run(
        ["lab", "collect", "--store", str(store), "--patient", mrns[0], "--test", "test-hba1c",
         "--unit", "urgences", *hits, "--when", iso(DAWN)],
        capsys,
    )  # fmt: skip
    assert code == 2 and "aucun automate ni laboratoire partenaire ne réalise test-hba1c" in said

    # 06:00 to 15:30 — the day's 500 requests.
    menu = reduced_menu(hospital, assess(hospital, load_scenario("pathology-supplier", hospital).hits))
    collected: dict[str, list[tuple[str, datetime]]] = {test: [] for test in DAY}
    count = 0
    for test, many in DAY.items():
        for _ in range(many):
            at = DAWN + timedelta(minutes=(count * 7) % 500)  # the tests mixed over 8 h 20
            number = log.collect(
                store, hospital, menu, patient=mrns[count % len(mrns)], test_id=test,
                unit="urgences", by="ide.jour", at=at,
            ).number  # fmt: skip
            collected[test].append((number, at))
            count += 1
    assert count == 500
    # The cross-match bench takes 20 a day: ten more fill it, the 21st is refused.
    for index in range(10):  # collected, never sent: they will be late like any other
        log.collect(
            store, hospital, menu, patient=mrns[index], test_id="test-crossmatch", unit="bloc-operatoire",
            by="ide.bloc", at=DAWN + timedelta(minutes=index),
        )  # fmt: skip
    never_sent = 10
    code, said = run(
        ["lab", "collect", "--store", str(store), "--patient", mrns[1], "--test", "test-crossmatch",
         "--unit", "bloc-operatoire", *hits, "--when", iso(NOW - timedelta(minutes=5))],
        capsys,
    )  # fmt: skip
    assert code == 2 and "20" in said

    # The creatinines go to the partner laboratory in one run; three tubes never arrive.
    creatinines = [number for number, _ in collected["test-creat"]]
    code, said = run(
        ["lab", "run", "start", "--store", str(store), "chu-bievre", "--when", iso(DAWN)], capsys
    )
    assert code == 0
    run_id = re.search(r"RUN-\d+", said)
    assert run_id is not None
    code, _ = run(
        ["lab", "run", "add", "--store", str(store), run_id[0], "--when", iso(NOW - timedelta(hours=1))],
        capsys,
        stdin="\n".join(creatinines) + "\n",
    )
    assert code == 0
    assert (
        run(
            [
                "lab",
                "run",
                "depart",
                "--store",
                str(store),
                run_id[0],
                "--when",
                iso(NOW - timedelta(hours=1)),
            ],
            capsys,
        )[0]
        == 0
    )
    lost = creatinines[10:13]
    arrived_at_partner = [n for n in creatinines if n not in lost]
    code, said = run(
        ["lab", "run", "receive", "--store", str(store), run_id[0], "--as", "bievre",
         "--when", iso(NOW - timedelta(minutes=30))],
        capsys,
        stdin="\n".join(arrived_at_partner) + "\n",
    )  # fmt: skip
    assert code == 0 and all(number in said for number in lost)

    # Everything else is scanned on arrival at the laboratory, as the scanner types the labels.
    at_lab = [(n, at) for test, rows in collected.items() if test != "test-creat" for n, at in rows]
    code, said = run(
        ["lab", "scan", "--store", str(store), "--step", "received", "--at", "labo",
         "--when", iso(NOW - timedelta(minutes=20))],
        capsys,
        stdin="\n".join(n for n, _ in at_lab) + "\n",
    )  # fmt: skip
    assert code == 0

    # Results: all but the 25 earliest potassiums at the lab and 7 creatinines at the partner lab
    # (their analysers backlogged), entered as the paper results come back.
    backlog = {n for n, _ in sorted(collected["test-kalium"], key=lambda row: row[1])[:25]}
    backlog |= set(arrived_at_partner[:7])
    troponins = [n for n, _ in collected["test-troponin"]]
    phoned = troponins[:3]
    for number, _at in [*at_lab, *((n, None) for n in arrived_at_partner)]:
        if number in backlog or number in phoned:
            continue
        log.enter_result(
            store, number, value="4.0", unit="mmol/L", flag="normal", by="tech.jour",
            at=NOW - timedelta(minutes=10),
        )  # fmt: skip

    # Three critical troponins come by phone: read back, then confirmed by a second person.
    for number in phoned:
        code, said = run(
            ["lab", "result", "--store", str(store), number, "--value", "2.4", "--unit", "µg/L",
             "--flag", "critical", "--phone", "--read-back", "--as", "bio.roux"],
            capsys,
        )  # fmt: skip
        assert code == 0
    code, said = run(["lab", "confirm", "--store", str(store), phoned[0], "--as", "bio.roux"], capsys)
    assert code == 2  # the one who took the call cannot be the second person
    for number in phoned[:2]:
        assert run(["lab", "confirm", "--store", str(store), number, "--as", "bio.leroy"], capsys)[0] == 0
    code, said = run(["lab", "results", "--store", str(store), "--patient", mrns[0], "--json"], capsys)
    assert code == 0

    # The board: without a result 4 h after collection (the demo's hours), and lost in transport.
    four_hours_ago = NOW - timedelta(hours=4)
    resulted = {n for rows in collected.values() for n, _ in rows} - backlog - set(lost)
    expected_late = never_sent + sum(
        1
        for rows in collected.values()
        for number, at in rows
        if at <= four_hours_ago and number not in resulted
    )
    assert expected_late > 25  # the backlog's early potassiums, creatinines and lost tubes at least
    director.goto(board)
    assert board_counts(director) == (expected_late, 3)
    shot(director, "synnovis-02-board")
    director.goto(board + "laboratory/")
    shown_lost = {e.get_attribute("data-lost") for e in director.locator("[data-lost]").all()}
    assert shown_lost == set(lost)
    assert mrns[0] not in director.content()  # numbers only, never the patient

    # The blood bank: twelve O-negative units in stock; emergencies take them one by one.
    soon = iso(NOW + timedelta(days=20))
    delivery = tmp_path / "delivery.csv"
    delivery.write_text(
        "donation,component,group,expires\n"
        + "".join(f"FR123 26 {900000 + n},red_cells,O-,{soon}\n" for n in range(12))
        + "".join(f"FR123 26 {910000 + n},red_cells,O+,{soon}\n" for n in range(25)),
        encoding="utf-8",
    )
    assert run(["blood", "receive", "--store", str(store), "--delivery", str(delivery)], capsys)[0] == 0
    for index in range(5):  # young women and patients whose sex is not known: O-negative
        number = DowntimeNumber("CHVO", "URG1", 100 + index).text
        extra = ["--sex", "F", "--age", "30"] if index % 2 else []
        code, said = run(
            ["blood", "emergency", "--store", str(store), "--downtime-number", number, *extra], capsys
        )
        assert code == 0 and "O-" in said
    code, said = run(
        ["blood", "emergency", "--store", str(store), "--mrn", mrns[2], "--sex", "M", "--age", "60"], capsys
    )
    assert code == 0 and "O+" in said  # a man: O-positive, sparing O-negative
    assert (
        run(
            ["blood", "alert", "--store", str(store), "--level", "amber", "--note", "EFS : tension O-"],
            capsys,
        )[0]
        == 0
    )

    director.goto(board + "laboratory/")
    assert director.locator("tr[data-stock='red_cells O-'][data-below='1']").count() == 1
    assert director.get_attribute("[data-blood-alert]", "data-blood-alert") == "amber"
    shot(director, "synnovis-03-laboratory")

    sheet = tmp_path / "blood-sheet.pdf"
    assert run(["blood", "sheet", "--store", str(store), "--out", str(sheet)], capsys)[0] == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True, check=True
    ).stdout
    o_negative = re.search(r"^Globules rouges O-\s+(\d+)\s.*?\s(\d+)\s+(\S+)\s+SOUS LE SEUIL$", text, re.M)
    assert o_negative is not None, text
    assert (o_negative[1], o_negative[2]) == ("7", "8")  # 12 received, 5 issued; threshold 8
    assert "Culots O délivrés en urgence (24 h) : O- 5, O+ 1" in text
