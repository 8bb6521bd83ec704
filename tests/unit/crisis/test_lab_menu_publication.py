"""Issue 19: the cell publishes the laboratory's menu to the wards from the Laboratory tab; the tab
says when it was published and whether the wards still see the menu the hits give; only the
director and the medical lead may publish; publishing is kept in the cell's log of decisions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.test import TestCase, override_settings
from django.urls import reverse

from bascule.crisis.models import Account
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Role
from bascule.hospital.loading import demo_map_path, load_map
from bascule.incident import hits as hit_cases
from bascule.laboratory.publication import latest_menu
from bascule.scenario import load_scenario
from bascule.snapshot.store import ContinuityStore


class PublishTheMenuTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.director = Account.objects.create(username="dir", role=Role.DIRECTOR)
        cls.medical = Account.objects.create(username="dr.costa", role=Role.MEDICAL)
        cls.observer = Account.objects.create(username="obs", role=Role.OBSERVER)

    def setUp(self) -> None:
        self.store = Path(tempfile.mkdtemp(prefix="bascule-lab-menu-")) / "store.sqlite"
        ContinuityStore.open(self.store).close()
        demo = demo_map_path().read_text(encoding="utf-8")
        scenario = load_scenario("pathology-supplier", load_map("demo"))
        self.incident = hit_cases.open_incident(STORE, "dir", "Synnovis", "demo", demo, scenario).id

    def page(self) -> str:
        return self.client.get(reverse("crisis:laboratory", args=[self.incident])).content.decode()

    def publish(self) -> int:
        return self.client.post(reverse("crisis:publish_lab_menu", args=[self.incident])).status_code

    def test_published_then_out_of_date_when_a_hit_changes_the_menu_then_published_again(self) -> None:
        with override_settings(CRISIS_STORE=str(self.store)):
            self.client.force_login(self.medical)
            page = self.page()
            assert 'data-published="none"' in page and 'id="publish-lab-menu"' in page
            assert self.publish() == 302
            published = latest_menu(self.store)
            assert published is not None and published.by == "dr.costa" and published.restricted
            assert 'data-published="current"' in self.page()
            notes = STORE.repository.latest_notes(self.incident, 10)
            assert any("Menu du laboratoire publié aux services : 13 examen(s)" in n.text for n in notes)

            # The cross-match bench goes down: what the wards see is no longer the menu.
            hit_cases.declare_hit(STORE, self.incident, "dir", "node", "an-dds-groupage")
            assert 'data-published="stale"' in self.page()
            assert self.publish() == 302
            again = latest_menu(self.store)
            assert again is not None and again.as_menu(load_map("demo")).line("test-crossmatch") is not None
            assert 'data-published="current"' in self.page()

    def test_an_observer_sees_the_state_but_may_not_publish(self) -> None:
        with override_settings(CRISIS_STORE=str(self.store)):
            self.client.force_login(self.observer)
            page = self.page()
            assert 'data-published="none"' in page and 'id="publish-lab-menu"' not in page
            assert self.publish() == 403
            assert latest_menu(self.store) is None

    def test_a_get_does_not_publish(self) -> None:
        with override_settings(CRISIS_STORE=str(self.store)):
            self.client.force_login(self.director)
            response = self.client.get(reverse("crisis:publish_lab_menu", args=[self.incident]))
            assert response.status_code == 405
            assert latest_menu(self.store) is None

    def test_without_a_store_publishing_is_refused_in_one_sentence(self) -> None:
        with override_settings(CRISIS_STORE=""):
            self.client.force_login(self.director)
            response = self.client.post(reverse("crisis:publish_lab_menu", args=[self.incident]))
            assert response.status_code == 400
            assert "le menu ne peut pas être publié aux services" in response.content.decode()
