"""Issue 19: a ward's station shows the laboratory's menu as the cell last published it, with the
next bundle: which tests may still be requested, who runs them and how many a day, and those not
run for now with the reason. Before any publication it says to call the laboratory."""

from __future__ import annotations

import html
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from tests.integration.station_viewer.conftest import Client, StationWorld

from bascule.hospital.loading import load_map
from bascule.impact import assess
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.publication import publish_menu
from bascule.scenario import load_scenario


def test_the_wards_station_shows_the_menu_the_laboratory_published(
    station_world: StationWorld, tmp_path: Path
) -> None:
    world = station_world.own_copy(tmp_path)
    store = world.cell / "store.sqlite"

    client = Client(world.app())
    client.login("nadia")
    page = client.get("/laboratory").text
    assert 'id="lab-menu-none"' in page and "appelez le laboratoire avant de prélever" in page
    assert 'href="/laboratory"' in client.get("/units").text  # in the navigation

    hospital = load_map("demo")
    hits = load_scenario("pathology-supplier", hospital).hits.plus(down=["an-dds-groupage"])
    menu = reduced_menu(hospital, assess(hospital, hits))
    publish_menu(store, menu, by="dr.costa", at=world.data_time - timedelta(minutes=10))
    archive = world.seal_again(store)
    world.deliver(archive)

    client = Client(world.app())  # the station started again picks the new bundle up
    client.login("nadia")
    page = html.unescape(client.get("/laboratory").text)
    assert 'id="lab-menu-restricted"' in page and "(dr.costa)" in page
    on = re.search(r'<table class="list" id="lab-menu-on">(.*?)</table>', page, re.S)
    off = re.search(r'<table class="list" id="lab-menu-off">(.*?)</table>', page, re.S)
    assert on is not None and off is not None
    assert set(re.findall(r'data-test="([^"]+)"', off.group(1))) == {"test-hba1c", "test-crossmatch"}
    assert set(re.findall(r'data-test="([^"]+)"', on.group(1))) == {
        t.id for t in hospital.laboratory.tests
    } - {"test-hba1c", "test-crossmatch"}
    # Facts of the demo map, by name: troponin at the ED's point-of-care analyser or the partner lab,
    # 60 a day; the cross-match bench down.
    troponin = re.search(r'<tr data-test="test-troponin">(.*?)</tr>', on.group(1), re.S)
    assert troponin is not None
    assert "Troponine" in troponin.group(1) and "CHU de la Bièvre" in troponin.group(1)
    assert "<td>60</td>" in troponin.group(1) and "critique" in troponin.group(1)
    assert "hépariné vert" in troponin.group(1)  # the tube to fill
    assert "Tout ce qui le réalise est hors service" in off.group(1)


def test_a_damaged_publication_is_said_on_the_page_not_a_server_error(
    station_world: StationWorld, tmp_path: Path
) -> None:
    world = station_world.own_copy(tmp_path)
    store = world.cell / "store.sqlite"
    hospital = load_map("demo")
    publish_menu(store, reduced_menu(hospital, assess(hospital)), by="dr.costa", at=world.data_time)
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE lab_menus SET lines = 'not json'")
    connection.close()
    world.deliver(world.seal_again(store))
    client = Client(world.app())
    client.login("nadia")
    answer = client.get("/laboratory")
    assert answer.status == 200 and 'id="lab-menu-problem"' in answer.text
    assert "publiez-le de nouveau" in html.unescape(answer.text)
