"""An exercise in the crisis app's pages: the banner on every page, the facilitator's page and what
the players may not see, releases and marks through the pages, the board's fallback-procedure
button, EXERCICE on the printed situation report, and the after-action report."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

from bascule.crisis.models import Account, Incident, JournalRecord, StartedProcedure
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP, sample_script
from bascule.incident import exercise as exercises
from bascule.incident import hits as hit_cases


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF (pdftotext)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
    return [page for page in text.stdout.split("\f") if page.strip()]


class ExercisePagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.facilitator = Account.objects.create(username="anim1", role=Role.FACILITATOR)
        cls.director = Account.objects.create(username="director1", role=Role.DIRECTOR)
        cls.medical = Account.objects.create(username="medical1", role=Role.MEDICAL)
        cls.admin = Account.objects.create(username="admin1", role=Role.ADMIN)

    def setUp(self) -> None:
        started = exercises.start_exercise(
            STORE, "anim1", sample_script(), "sample.yaml", SAMPLE_MAP, automatic=False
        )
        self.incident = Incident.objects.get(pk=started.incident.id)
        self.real = Incident.objects.get(
            pk=hit_cases.open_incident(STORE, "director1", "Incident réel", "sample.yaml", SAMPLE_MAP).id
        )

    def page(self, name: str, account: Account, incident: Incident | None = None) -> str:
        self.client.force_login(account)
        response = self.client.get(reverse(f"crisis:{name}", args=[(incident or self.incident).pk]))
        assert response.status_code == 200, (name, response.status_code)
        return response.content.decode()

    def test_every_page_of_an_exercise_says_so_and_a_real_incidents_never(self) -> None:
        for name in ("board", "hits", "journal", "actions", "sitreps", "restoration", "exercise"):
            assert "CE N&#x27;EST PAS UN INCIDENT RÉEL" in self.page(name, self.director), name
        for name in ("board", "hits", "journal"):
            assert "exercise-banner" not in self.page(name, self.director, self.real), name
        self.client.force_login(self.director)
        assert self.client.get(reverse("crisis:exercise", args=[self.real.pk])).status_code == 404
        home = self.client.get(reverse("crisis:home")).content.decode()
        assert home.count('class="exercise-tag"') == 1

    def test_players_see_the_injects_received_never_those_to_come_nor_what_is_expected(self) -> None:
        self.client.force_login(self.facilitator)
        response = self.client.post(
            reverse("crisis:exercise_release", args=[self.incident.pk]), {"inject": "lan"}
        )
        assert response.status_code == 302
        player = self.page("exercise", self.director)
        assert "Poste chiffré au bloc." in player
        assert "Le laboratoire ne répond plus." not in player  # not released yet: to come
        assert "Isoler le LAN clinique" not in player and "Envoyer maintenant" not in player
        facilitator = self.page("exercise", self.facilitator)
        assert "Le laboratoire ne répond plus." in facilitator and "Envoyer maintenant" in facilitator
        assert "Isoler le LAN clinique" in facilitator
        # The live strip names the last message on every live page.
        assert "Horloge de l&#x27;exercice" in self.page("board", self.medical)

    def test_only_the_facilitator_releases_pauses_and_judges(self) -> None:
        self.client.force_login(self.director)
        for name, data in (
            ("exercise_release", {"inject": "lan"}),
            ("exercise_clock", {"move": "pause"}),
            ("exercise_mark", {"decision": "press", "met": "1"}),
        ):
            assert (
                self.client.post(reverse(f"crisis:{name}", args=[self.incident.pk]), data).status_code == 403
            )
        assert STORE.exercises.releases(self.incident.pk) == []
        self.client.force_login(self.facilitator)
        clock = reverse("crisis:exercise_clock", args=[self.incident.pk])
        assert self.client.post(clock, {"move": "pause"}).status_code == 302
        again = self.client.post(clock, {"move": "pause"})
        assert again.status_code == 400 and "déjà en pause" in again.content.decode()
        mark = reverse("crisis:exercise_mark", args=[self.incident.pk])
        assert self.client.post(mark, {"decision": "press", "met": "1"}).status_code == 302
        assert self.client.post(mark, {"decision": "nope", "met": "1"}).status_code == 400
        assert [m.decision_id for m in STORE.exercises.marks(self.incident.pk)] == ["press"]

    def test_the_board_starts_a_fallback_procedure_for_the_medical_lead_only(self) -> None:
        board = self.page("board", self.medical)
        assert "Déclencher la procédure" in board
        assert "Déclencher la procédure" not in self.page("board", self.facilitator)
        start = reverse("crisis:start_procedure", args=[self.incident.pk])
        self.client.force_login(self.facilitator)
        assert self.client.post(start, {"process": "transfusion"}).status_code == 403
        self.client.force_login(self.medical)
        assert self.client.post(start, {"process": "transfusion"}).status_code == 302
        assert self.client.post(start, {"process": "pharmacy"}).status_code == 400  # up
        assert list(StartedProcedure.objects.values_list("process", flat=True)) == ["transfusion"]
        assert "Procédure déclenchée à" in self.page("board", self.director)
        assert JournalRecord.objects.filter(name="procedure.started").count() == 1

    def test_the_printed_situation_report_says_exercise_on_every_page(self) -> None:
        self.client.force_login(self.director)
        made = self.client.post(reverse("crisis:make_sitrep", args=[self.incident.pk]), {"lang": "fr"})
        assert made.status_code == 302
        pdf = self.client.get(made["Location"] + "pdf/")
        pages = pdf_text(pdf.content)
        assert pages and all("EXERCICE" in page for page in pages)

    def test_the_after_action_report_for_the_cell_not_for_the_accounts_administrator(self) -> None:
        self.client.force_login(self.facilitator)
        self.client.post(reverse("crisis:exercise_release", args=[self.incident.pk]), {"inject": "call"})
        self.client.post(
            reverse("crisis:exercise_improve", args=[self.incident.pk]),
            {"text": "Fiche réflexe presse", "owner_role": "communications"},
        )
        page = self.client.get(reverse("crisis:exercise_report", args=[self.incident.pk])).content.decode()
        assert "Fiche réflexe presse" in page and "Transfusion sur papier" in page
        self.client.force_login(self.director)
        pdf = self.client.get(reverse("crisis:exercise_report_pdf", args=[self.incident.pk]))
        assert pdf.status_code == 200 and all("EXERCICE" in p for p in pdf_text(pdf.content))
        self.client.force_login(self.admin)
        assert self.client.get(reverse("crisis:exercise_report", args=[self.incident.pk])).status_code == 403

    def test_the_facilitator_starts_an_embedded_exercise_from_the_home_page(self) -> None:
        self.client.force_login(self.director)
        assert "Lancer un exercice" not in self.client.get(reverse("crisis:home")).content.decode()
        start = reverse("crisis:start_exercise")
        assert self.client.post(start, {"script": "containment", "speed": "10"}).status_code == 403
        self.client.force_login(self.facilitator)
        home = self.client.get(reverse("crisis:home")).content.decode()
        assert "Lancer un exercice" in home and 'value="group-pcs-blocked"' in home
        assert self.client.post(start, {"script": "containment", "speed": "0"}).status_code == 400
        assert self.client.post(start, {"script": "../secret", "speed": "10"}).status_code == 400
        before = Incident.objects.count()
        started = self.client.post(start, {"script": "containment", "speed": "10"})
        assert started.status_code == 302 and Incident.objects.count() == before + 1
        incident = Incident.objects.order_by("-pk").first()
        assert (
            incident is not None
            and incident.exercise
            and started["Location"].endswith(f"/incidents/{incident.pk}/exercise/")
        )
        assert STORE.exercises.releases(incident.pk)  # the messages of minute 0 are out
