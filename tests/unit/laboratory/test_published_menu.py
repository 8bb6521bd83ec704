"""The laboratory's menu published to the wards (issue 19): what a publication keeps, how a
station reads it back with its own map, and when it no longer says what the hits say."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bascule.errors import UserError
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.impact import assess
from bascule.laboratory.menu import Menu, reduced_menu
from bascule.laboratory.publication import latest_menu, publish_menu
from bascule.laboratory.published_menu import lines_from_json, lines_json, publication
from bascule.scenario import load_scenario
from bascule.snapshot.store import ContinuityStore

AT = datetime(2026, 12, 6, 7, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def hospital() -> HospitalMap:
    return load_map("demo")


def supplier_menu(hospital: HospitalMap, *down: str) -> Menu:
    """The menu when the pathology supplier is hit, and `down` too."""
    hits = load_scenario("pathology-supplier", hospital).hits.plus(down=down)
    return reduced_menu(hospital, assess(hospital, hits))


def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    ContinuityStore.open(path).close()
    return path


def test_a_publication_read_back_with_the_map_is_the_menu_it_was_made_from(hospital: HospitalMap) -> None:
    menu = supplier_menu(hospital)
    published = publication(menu, by="dr.mercier", at=AT)
    again = published.as_menu(hospital)
    assert again == menu
    assert published.matches(menu)
    assert lines_from_json(json.loads(json.dumps(lines_json(published.lines)))) == published.lines


def test_a_publication_no_longer_matches_once_another_runner_goes_down(hospital: HospitalMap) -> None:
    published = publication(supplier_menu(hospital), by="dr.mercier", at=AT)
    # The cross-match runner goes down: the cross-match test leaves the menu.
    later = supplier_menu(hospital, "an-dds-groupage")
    crossmatch = later.line("test-crossmatch")
    assert crossmatch is not None and crossmatch.state == "off"
    assert not published.matches(later)
    assert not published.matches(reduced_menu(hospital, assess(hospital)))  # the LIMS back: full menu


def test_a_test_the_stations_map_no_longer_has_is_left_out(hospital: HospitalMap) -> None:
    import dataclasses

    published = publication(supplier_menu(hospital), by="dr.mercier", at=AT)
    kept = dataclasses.replace(hospital.laboratory, tests=hospital.laboratory.tests[1:])
    shorter = dataclasses.replace(hospital, laboratory=kept)
    assert [line.id for line in published.as_menu(shorter).lines] == [t.id for t in kept.tests]


def test_the_latest_publication_is_the_one_read(hospital: HospitalMap, tmp_path: Path) -> None:
    path = store(tmp_path)
    assert latest_menu(path) is None
    publish_menu(path, supplier_menu(hospital), by="dr.mercier", at=AT)
    later = supplier_menu(hospital, "an-dds-groupage")
    publish_menu(path, later, by="dr.costa", at=AT + timedelta(hours=2))
    found = latest_menu(path)
    assert found is not None and found.by == "dr.costa" and found.at == AT + timedelta(hours=2)
    assert found.matches(later)


def test_publishing_without_a_name_is_refused_and_stores_nothing(
    hospital: HospitalMap, tmp_path: Path
) -> None:
    path = store(tmp_path)
    with pytest.raises(UserError, match="who publishes"):
        publish_menu(path, supplier_menu(hospital), by="  ", at=AT)
    assert latest_menu(path) is None


def test_two_publications_at_the_same_instant_keep_the_first(hospital: HospitalMap, tmp_path: Path) -> None:
    path = store(tmp_path)
    publish_menu(path, supplier_menu(hospital), by="dr.mercier", at=AT)
    with pytest.raises(UserError, match="already published"):
        publish_menu(path, supplier_menu(hospital, "an-dds-groupage"), by="dr.costa", at=AT)
    found = latest_menu(path)
    assert found is not None and found.by == "dr.mercier"


def test_a_damaged_publication_is_said_in_one_sentence(hospital: HospitalMap, tmp_path: Path) -> None:
    path = store(tmp_path)
    publish_menu(path, supplier_menu(hospital), by="dr.mercier", at=AT)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE lab_menus SET lines = '[{\"id\": 1}]'")
    with pytest.raises(UserError, match="damaged; publish the menu again"):
        latest_menu(path)
