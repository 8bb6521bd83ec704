"""The laboratory's page (issue 19): the demo hospital's reduced menu under the incident's hits,
following them as they are declared and lifted; read by every role."""

from __future__ import annotations

import html
import re

from django.test import TestCase
from django.urls import reverse

from bascule.crisis.models import Account
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Role
from bascule.hospital.loading import demo_map_path, load_map
from bascule.incident import hits as hit_cases
from bascule.incident import reading
from bascule.scenario import Scenario, load_scenario


def shown_tests(page: str) -> tuple[set[str], set[str]]:
    on = set(re.findall(r'<tr data-test="([^"]+)">', page))
    off = set(re.findall(r'<tr data-test="([^"]+)" data-off="1">', page))
    return on, off


class LaboratoryPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.observer = Account.objects.create(username="obs", role=Role.OBSERVER)
        cls.director = Account.objects.create(username="dir", role=Role.DIRECTOR)

    def open(self, scenario: Scenario) -> int:
        demo = demo_map_path().read_text(encoding="utf-8")
        incident = hit_cases.open_incident(STORE, "dir", "Synnovis", "demo", demo, scenario)
        return incident.id

    def page(self, incident_id: int) -> str:
        self.client.force_login(self.observer)
        response = self.client.get(reverse("crisis:laboratory", args=[incident_id]))
        assert response.status_code == 200
        return response.content.decode()

    def test_the_pathology_supplier_hit_shrinks_the_menu_and_lifting_it_restores_it(self) -> None:
        hospital = load_map("demo")
        incident_id = self.open(load_scenario("pathology-supplier", hospital))
        page = self.page(incident_id)
        on, off = shown_tests(page)
        assert 'data-lab-state="restricted"' in page
        # By hand from the demo map: HbA1c has no runner without the LIMS; the 13 others have one.
        assert off == {"test-hba1c"}
        assert on == {t.id for t in hospital.laboratory.tests} - {"test-hba1c"}
        assert "Analyseur délocalisé de troponine et d'hCG (urgences)" in html.unescape(page)
        assert "CHU de la Bièvre" in page  # runners by name, not id

        # The point-of-care troponin analyser goes down too: troponin still runs at the partner lab.
        hit_cases.declare_hit(STORE, incident_id, "dir", "node", "an-urg-tropo")
        on, off = shown_tests(self.page(incident_id))
        assert "test-troponin" in on

        # Every hit lifted: the full menu, no cap shown.
        for hit in reading.active_hits(STORE, incident_id):
            hit_cases.lift_hit(STORE, incident_id, hit.id, "dir")
        page = self.page(incident_id)
        assert 'data-lab-state="full"' in page and shown_tests(page)[1] == set()

    def test_a_map_without_a_laboratory_section_says_so(self) -> None:
        from bascule.crisis.testing import SAMPLE_MAP

        incident = hit_cases.open_incident(STORE, "dir", "Test", "sample", SAMPLE_MAP, Scenario())
        assert "ne décrit pas le menu dégradé" in self.page(incident.id)


class BloodOnTheLaboratoryPageTest(TestCase):
    """With the continuity store configured, the page shows the blood stock against the map's
    thresholds and follows every write to the store; the one-page sheet downloads as PDF."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.observer = Account.objects.create(username="obs", role=Role.OBSERVER)

    def test_o_negative_below_its_threshold_is_marked_and_the_poll_sees_new_units(self) -> None:
        import tempfile
        from datetime import UTC, datetime
        from pathlib import Path

        from django.test import override_settings
        from tests.blood_bank import empty_store, make_unit

        from bascule.laboratory.blood import bank

        folder = Path(tempfile.mkdtemp(prefix="bascule-lab-page-"))
        store = empty_store(folder)
        now = datetime.now(UTC)
        for serial in range(1, 4):  # 3 O- units: the demo map's threshold for O- is 8
            bank.receive(store, make_unit(serial, "O-", at=now), "labo1")
        demo = demo_map_path().read_text(encoding="utf-8")
        incident = hit_cases.open_incident(
            STORE, "obs", "Synnovis", "demo", demo, load_scenario("pathology-supplier", load_map("demo"))
        )
        url = reverse("crisis:laboratory", args=[incident.id])
        self.client.force_login(self.observer)
        with override_settings(CRISIS_STORE=str(store)):
            page = self.client.get(url).content.decode()
            assert re.search(
                r'<tr data-stock="red_cells O-" data-below="1"><td><strong>Globules rouges O-', page
            )
            assert 'data-blood-alert="normal"' in page
            key = re.search(r'"since": "([^"]+)"', page)
            assert key is not None
            assert self.client.get(url, {"live": "1", "since": key[1]}).status_code == 204
            for serial in range(4, 12):  # 11 O- units: above the threshold now
                bank.receive(store, make_unit(serial, "O-", at=now), "labo1")
            polled = self.client.get(url, {"live": "1", "since": key[1]})
            assert polled.status_code == 200
            assert 'data-stock="red_cells O-">' in polled.content.decode()
            sheet = self.client.get(reverse("crisis:blood_sheet", args=[incident.id]))
            assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
            assert sheet.content.startswith(b"%PDF")

    def test_without_a_store_the_page_says_so_and_the_sheet_is_not_found(self) -> None:
        demo = demo_map_path().read_text(encoding="utf-8")
        incident = hit_cases.open_incident(STORE, "obs", "Test", "demo", demo, Scenario())
        self.client.force_login(self.observer)
        page = self.client.get(reverse("crisis:laboratory", args=[incident.id])).content.decode()
        assert "pas de stock de sang" in page
        assert self.client.get(reverse("crisis:blood_sheet", args=[incident.id])).status_code == 404


class SamplesOnTheBoardTest(TestCase):
    """Issue 19: the count of samples not resulted after the map's hours, and of those lost in
    transport, is always on the board; the laboratory's page lists each by number (no patient)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.observer = Account.objects.create(username="obs", role=Role.OBSERVER)

    def test_late_and_lost_samples_are_counted_on_the_board_and_listed_on_the_laboratory_page(self) -> None:
        import tempfile
        from datetime import UTC, datetime, timedelta
        from pathlib import Path

        from django.test import override_settings

        from bascule.impact import assess
        from bascule.laboratory.menu import reduced_menu
        from bascule.laboratory.samples import log

        hospital = load_map("demo")
        scenario = load_scenario("pathology-supplier", hospital)
        menu = reduced_menu(hospital, assess(hospital, scenario.hits))
        from tests.lab_store import demo_store, known_mrns

        store = demo_store(Path(tempfile.mkdtemp(prefix="bascule-lab-board-")))
        mrn = known_mrns(store)[0]
        now = datetime.now(UTC)
        old, recent = now - timedelta(hours=5), now - timedelta(minutes=30)

        def collect(at: datetime, test: str = "test-kalium") -> str:
            sample = log.collect(
                store,
                hospital,
                menu,
                patient=mrn,
                test_id=test,
                unit="urgences",
                by="ide1",
                at=at,
            )
            return sample.number

        late = [collect(old) for _ in range(3)]  # 5 h ago, never resulted: late (the demo says 4 h)
        collect(recent)  # 30 min ago: not late yet
        resulted = collect(old)
        log.scan(store, [resulted], "received", actor="tech", place="lab", at=old + timedelta(hours=1))
        log.enter_result(
            store, resulted, value="4.1", unit="mmol/L", flag="normal", by="tech", at=old + timedelta(hours=2)
        )
        travelling = [collect(old, "test-lipase") for _ in range(2)]
        log.scan(store, travelling, "sent", actor="ide1", place="urgences", at=old)
        run = log.start_run(store, hospital, "chu-bievre", by="coursier", at=old)
        log.add_to_run(store, run.id, travelling, actor="coursier", at=old)
        log.depart(store, run.id, at=old)
        log.receive_run(store, run.id, travelling[:1], actor="bievre", at=old + timedelta(hours=1))

        demo = demo_map_path().read_text(encoding="utf-8")
        incident = hit_cases.open_incident(STORE, "obs", "Synnovis", "demo", demo, scenario)
        self.client.force_login(self.observer)
        with override_settings(CRISIS_STORE=str(store)):
            board = self.client.get(reverse("crisis:board", args=[incident.id])).content.decode()
            # Late: the 3 never sent and the 2 of the run (one lost, one received but not resulted).
            assert 'data-lab-late="5" data-lab-lost="1"' in board
            assert "5 prélèvement(s) sans résultat après 4 h, 1 perdu(s) en transport" in board
            page = self.client.get(reverse("crisis:laboratory", args=[incident.id])).content.decode()
            assert set(re.findall(r'data-late="([^"]+)"', page)) == {*late, *travelling}
            assert re.findall(r'data-lost="([^"]+)"', page) == [travelling[1]]
            assert mrn not in page and mrn not in board  # ids only
