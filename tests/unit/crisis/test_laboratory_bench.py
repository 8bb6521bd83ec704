"""The laboratory's bench page (issue 19): a scan field for a USB barcode scanner, the result form
and the critical results awaiting a second person; laboratory role only; every POST redirects
back with one sentence (PRG), and a refused one changes nothing in the continuity store."""

from __future__ import annotations

import html
import re
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.test import TestCase, override_settings
from django.urls import reverse

from bascule.crisis.models import Account
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Role
from bascule.downtime.numbers import DowntimeNumber
from bascule.hospital.loading import demo_map_path, load_map
from bascule.impact import assess
from bascule.incident import hits as hit_cases
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.samples import log
from bascule.laboratory.samples.numbers import sample_number
from bascule.scenario import load_scenario
from bascule.snapshot.store import ContinuityStore

# A downtime number (its check character right): the sample log takes only a patient the store
# knows or such a number. The page must never show it.
PATIENT = DowntimeNumber("CHVO", "URG1", 42).text


def stored(store: Path) -> tuple[object, ...]:
    """Everything the sample log keeps, to show a refused post changed nothing."""
    connection = sqlite3.connect(store)
    try:
        return tuple(
            tuple(connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall())
            for table in ("lab_samples", "lab_sample_events", "lab_downtime_results")
        )
    finally:
        connection.close()


def said(page: str) -> str:
    found = re.search(r'data-said="(ok|refused)"><strong>(.*?)</strong>', page)
    assert found is not None, "the page says nothing"
    return f"{found[1]}: {html.unescape(found[2])}"


class BenchTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.tech = Account.objects.create(username="tech1", role=Role.LABORATORY)
        cls.biologist = Account.objects.create(username="bio1", role=Role.LABORATORY)
        cls.others = [
            Account.objects.create(username=f"u-{r.value}", role=r) for r in Role if r != Role.LABORATORY
        ]

    def setUp(self) -> None:
        hospital = load_map("demo")
        scenario = load_scenario("pathology-supplier", hospital)
        menu = reduced_menu(hospital, assess(hospital, scenario.hits))
        self.store = Path(tempfile.mkdtemp(prefix="bascule-bench-")) / "store.sqlite"
        ContinuityStore.open(self.store).close()
        at = datetime.now(UTC) - timedelta(hours=1)
        self.numbers = [
            log.collect(
                self.store,
                hospital,
                menu,
                patient=PATIENT,
                test_id="test-kalium",
                unit="urgences",
                by="ide1",
                at=at,
            ).number
            for _ in range(3)
        ]
        demo = demo_map_path().read_text(encoding="utf-8")
        self.incident = hit_cases.open_incident(STORE, "u-director", "Synnovis", "demo", demo, scenario).id
        self.bench = reverse("crisis:lab_bench", args=[self.incident])
        self.result = reverse("crisis:lab_result", args=[self.incident])
        self.confirm = reverse("crisis:lab_confirm", args=[self.incident])
        self.settings_override = override_settings(CRISIS_STORE=str(self.store))
        self.settings_override.enable()
        self.addCleanup(self.settings_override.disable)

    def scan(self, code: str, step: str = "received", place: str = "labo") -> str:
        response = self.client.post(self.bench, {"code": code, "step": step, "place": place})
        assert response.status_code == 302
        assert response["Location"] == f"{self.bench}?step={step}&place={place}"
        page = self.client.get(response["Location"])
        assert page.status_code == 200
        return page.content.decode()

    def test_only_the_laboratory_opens_the_bench(self) -> None:
        for account in self.others:
            self.client.force_login(account)
            assert self.client.get(self.bench).status_code == 403, account.role
            before = stored(self.store)
            for url in (self.bench, self.result, self.confirm):
                posted = self.client.post(url, {"code": self.numbers[0], "step": "received", "place": "x"})
                assert posted.status_code == 403, (account.role, url)
            assert stored(self.store) == before
        self.client.force_login(self.tech)
        page = html.unescape(self.client.get(self.bench).content.decode())
        assert re.search(r'<input id="b-code" name="code" autofocus', page)
        assert "Vos derniers scans et résultats" in page and "Aucun scan pour l'instant." in page
        # The laboratory's tab links to the bench for the laboratory only.
        lab_page = reverse("crisis:laboratory", args=[self.incident])
        assert self.bench in self.client.get(lab_page).content.decode()
        self.client.force_login(self.others[0])
        assert self.bench not in self.client.get(lab_page).content.decode()

    def test_a_scan_says_the_number_and_its_new_state_once_and_lists_it(self) -> None:
        self.client.force_login(self.tech)
        page = self.scan(self.numbers[0])
        assert said(page) == f"ok: {self.numbers[0]} : reçu."
        assert log.samples_by_number(self.store, [self.numbers[0]])[0].state == "received"
        assert re.findall(r'data-scanned="([^"]+)"', page) == [self.numbers[0]]
        # The step and place chosen stay for the next tube; the field has the focus again.
        assert '<option value="received" selected>' in page and 'value="labo"' in page
        assert "autofocus" in page
        # The sentence is said once: a reload does not repeat it; the place is where this person
        # last scanned, not someone else's.
        reloaded = self.client.get(self.bench).content.decode()
        assert 'data-said="' not in reloaded and '<input id="b-place" name="place" value="labo"' in reloaded
        self.client.force_login(self.biologist)
        assert '<input id="b-place" name="place" value=""' in self.client.get(self.bench).content.decode()
        self.client.force_login(self.tech)
        # Scanned twice: already there, nothing new recorded.
        before = stored(self.store)
        assert said(self.scan(self.numbers[0])) == f"ok: {self.numbers[0]} : déjà reçu."
        assert stored(self.store) == before
        assert PATIENT not in page

    def test_a_refused_scan_says_why_in_one_sentence_and_changes_nothing(self) -> None:
        self.client.force_login(self.tech)
        self.scan(self.numbers[1])
        first = self.numbers[0]
        wrong_check = first[:-1] + ("A" if first[-1] != "A" else "B")
        cases = {
            sample_number(
                999
            ): f"refused: Aucun échantillon {sample_number(999)} n'a été prélevé dans cette base.",
            wrong_check: f"refused: Le caractère de contrôle de {wrong_check!r} est faux : un caractère a été mal copié.",
            "S12": "refused: 'S12' n'est pas un numéro d'échantillon valide (S000001-C, caractère de contrôle compris).",
            "": "refused: Aucun numéro n'a été scanné.",
        }
        before = stored(self.store)
        for code, sentence in cases.items():
            assert said(self.scan(code)) == sentence, code
        # Sent after it was received: out of order.
        assert said(self.scan(self.numbers[1], step="sent")) == (
            f"refused: L'échantillon {self.numbers[1]} est reçu : il ne peut pas être envoyé maintenant."
        )
        # Rejected without its reason.
        assert said(self.scan(first, step="rejected")).startswith(f"refused: L'échantillon {first} ne peut")
        assert stored(self.store) == before
        # A step that is none of the scanner's: a bad request, nothing stored.
        response = self.client.post(self.bench, {"code": first, "step": "resulted", "place": "labo"})
        assert response.status_code == 400
        assert stored(self.store) == before

    def test_results_and_a_critical_value_confirmed_by_a_second_person(self) -> None:
        normal, critical, _ = self.numbers
        self.client.force_login(self.tech)
        for number in (normal, critical):
            self.scan(number)

        def enter(**fields: str) -> str:
            response = self.client.post(self.result, fields)
            assert response.status_code == 302
            return self.client.get(response["Location"]).content.decode()

        page = enter(sample=normal, value="4.1", unit="mmol/L", flag="normal", channel="lab")
        assert said(page) == f"ok: {normal} : résultat enregistré, transmis aux services."
        assert log.results_for_patient(self.store, PATIENT).released[0].value == "4.1"

        # Phoned without being read back to the caller: refused, nothing stored.
        before = stored(self.store)
        page = enter(sample=critical, value="6.9", unit="mmol/L", flag="critical", channel="phone")
        assert said(page).startswith(f"refused: Un résultat reçu par téléphone pour {critical} n'est saisi")
        assert stored(self.store) == before

        page = enter(
            sample=critical, value="6.9", unit="mmol/L", flag="critical", channel="phone", read_back="on"
        )
        assert said(page) == (
            f"ok: {critical} : résultat critique enregistré ; il attend la confirmation d'une deuxième personne."
        )
        assert re.findall(r'data-awaiting-sample="([^"]+)"', page) == [critical]
        assert "saisi par vous : une deuxième personne doit le confirmer" in html.unescape(page)
        ward = log.results_for_patient(self.store, PATIENT)
        assert ward.awaiting_confirmation == 1 and len(ward.released) == 1

        # Whoever entered it cannot confirm it, even by posting the form by hand.
        before = stored(self.store)
        response = self.client.post(self.confirm, {"sample": critical})
        page = self.client.get(response["Location"]).content.decode()
        assert said(page) == (
            f"refused: Le résultat critique de {critical} doit être confirmé par une deuxième personne, "
            "pas par celle qui l'a saisi."
        )
        assert stored(self.store) == before

        self.client.force_login(self.biologist)
        page = self.client.get(self.bench).content.decode()
        assert f'<input type="hidden" name="sample" value="{critical}">' in page
        response = self.client.post(self.confirm, {"sample": critical})
        page = self.client.get(response["Location"]).content.decode()
        assert said(page) == f"ok: {critical} : résultat critique confirmé, transmis aux services."
        assert 'data-awaiting="0"' in page
        ward = log.results_for_patient(self.store, PATIENT)
        assert ward.awaiting_confirmation == 0 and {r.sample for r in ward.released} == {normal, critical}
        assert PATIENT not in page

    def test_hostile_posts_with_a_store_answer_no_server_error(self) -> None:
        from test_hostile_input import HOSTILE

        self.client.force_login(self.tech)
        self.client.raise_request_exception = False
        good = {
            self.bench: {"code": self.numbers[0], "step": "received", "place": "labo"},
            self.result: {"sample": self.numbers[1], "value": "4.1", "unit": "mmol/L", "flag": "normal"},
            self.confirm: {"sample": self.numbers[2]},
        }
        errors = []
        for url, post in good.items():
            for field in (*post, "channel", "read_back", "reason"):
                for value in HOSTILE:
                    response = self.client.post(url, {**post, field: value})
                    if response.status_code >= 500:
                        errors.append((url, field, value[:20]))
        assert errors == []
        # The result posts name a sample never received: however hostile, none was recorded.
        ward = log.results_for_patient(self.store, PATIENT)
        assert ward.released == () and ward.awaiting_confirmation == 0

    def test_in_english(self) -> None:
        self.client.force_login(self.tech)
        self.client.post(reverse("crisis:language"), {"lang": "en"})
        assert said(self.scan(self.numbers[0])) == f"ok: {self.numbers[0]}: received."
        assert (
            said(self.scan(sample_number(999)))
            == f"refused: No sample {sample_number(999)} was collected in this store."
        )
        assert said(self.scan("")) == "refused: No number was scanned."


class BenchWithoutStoreTest(TestCase):
    def test_without_a_store_the_page_says_so_and_a_post_is_refused(self) -> None:
        tech = Account.objects.create(username="tech1", role=Role.LABORATORY)
        demo = demo_map_path().read_text(encoding="utf-8")
        incident = hit_cases.open_incident(
            STORE, "tech1", "Test", "demo", demo, load_scenario("pathology-supplier", load_map("demo"))
        )
        self.client.force_login(tech)
        page = self.client.get(reverse("crisis:lab_bench", args=[incident.id])).content.decode()
        assert 'data-bench="no-store"' in page and "rien ne peut être scanné ni saisi" in page
        for name in ("lab_bench", "lab_result", "lab_confirm"):
            response = self.client.post(
                reverse(f"crisis:{name}", args=[incident.id]),
                {"code": "S000001-C", "step": "received", "place": "x"},
            )
            assert response.status_code == 400, name
