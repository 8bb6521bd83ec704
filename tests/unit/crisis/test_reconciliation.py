"""The Reconciliation tab: every role reads the status panel (numbers, no patient data); only the
identity officer reads the worklist (registration beside candidate) and decides; each decision is
journaled with ids only; a number already linked is never changed silently."""

from __future__ import annotations

import hashlib
import html

from django.test import TestCase, override_settings
from django.urls import reverse
from tests.downtime_store import STRANGER
from tests.unit.crisis.outage_case import OutageTestCase

from bascule.crisis.models import Account, Incident, JournalRecord
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP
from bascule.downtime.links import links


class ReconciliationPageTest(OutageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.page = reverse("crisis:reconciliation", kwargs={"incident_id": self.incident.pk})
        self.decide_url = reverse("crisis:reconcile_decide", kwargs={"incident_id": self.incident.pk})

    def read(self, role: Role, lang: str = "fr") -> str:
        account = self.accounts[role]
        account.lang = lang
        account.save()
        self.client.force_login(account)
        response = self.client.get(self.page)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        return html.unescape(response.content.decode())

    def patient_values(self) -> list[str]:
        world = self.world
        return [
            world.lookalike.family,
            world.known.family,
            "Zébulon",
            STRANGER["family"],
            str(world.known.mrn),
        ]

    def test_anonymous_is_sent_to_login(self) -> None:
        login = reverse("crisis:login")
        for response in (self.client.get(self.page), self.client.post(self.decide_url, {"decision": "new"})):
            assert response.status_code == 302 and response["Location"].startswith(login + "?next=")
        assert links(self.world.store) == {}

    def test_the_identity_officer_reads_the_worklist_review_first_then_new(self) -> None:
        page = self.read(Role.IDENTITY)
        review, new, auto = (
            page.index(f'data-downtime="{n}"')
            for n in (self.world.review_number, self.world.new_number, self.world.auto_number)
        )
        assert review < new < auto
        assert "À revoir" in page and "Sans patient connu plausible" in page
        # Side by side: the registration's given name, the candidate's names, birth date and MRN.
        assert "Zébulon" in page and self.world.lookalike.given in page
        assert self.world.lookalike.birth_date.strftime("%d/%m/%Y") in page  # type: ignore[union-attr]
        assert str(self.world.lookalike.mrn) in page and self.world.lookalike.id in page
        assert "le prénom diffère" in page and "aucun patient connu n'est plausible" in page
        assert "99,95 %" in page and "100,00 %" in page  # rounded down: 0.999514 is no sure match
        assert (
            page.count("C'est ce patient") == 2 and page.count("Nouveau patient") == 3
        )  # no candidate: no link
        assert 'class="differs"' in page
        assert "jamais vu" in page and self.world.missing_number in page  # the status panel too
        for english in (
            "Reconciliation",
            "Worklist",
            "To review",
            "New patient",
            "the given name differs",
            "female",
        ):
            assert english not in page, english

    def test_the_worklist_in_english(self) -> None:
        page = self.read(Role.IDENTITY, "en")
        assert "Reconciliation" in page and "To review" in page and "the given name differs" in page
        assert "This is the patient" in page and "New patient" in page
        assert self.world.lookalike.birth_date.isoformat() in page  # type: ignore[union-attr]
        assert "Never seen: the ward must find the paper" in page
        assert "99.95%" in page

    def test_other_roles_read_the_status_panel_without_any_patient_data(self) -> None:
        for role in Role:
            if role == Role.IDENTITY:
                continue
            page = self.read(role)
            assert self.world.missing_number in page and "Jamais vus" in page, role
            assert "enregistré, à rapprocher" in page and "en attente d'un patient" in page
            assert "réservée à l'identitovigilance" in page
            for value in self.patient_values():
                assert value not in page, (role, value)
            assert self.world.lookalike.id not in page and "C'est ce patient" not in page

    def test_only_the_identity_officer_decides(self) -> None:
        for role in Role:
            if role == Role.IDENTITY:
                continue
            self.client.force_login(self.accounts[role])
            response = self.client.post(
                self.decide_url,
                {
                    "downtime_id": self.world.review_number,
                    "patient": self.world.lookalike.id,
                    "decision": "patient",
                },
            )
            assert response.status_code == 403, role
        assert links(self.world.store) == {}
        assert not JournalRecord.objects.filter(name="identity.decided").exists()

    def test_confirming_the_candidate_links_and_journals_ids_only(self) -> None:
        self.client.force_login(self.accounts[Role.IDENTITY])
        response = self.client.post(
            self.decide_url,
            {
                "downtime_id": self.world.review_number,
                "patient": self.world.lookalike.id,
                "decision": "patient",
            },
        )
        assert response.status_code == 302 and response["Location"] == self.page
        link = links(self.world.store)[self.world.review_number]
        assert (link.patient_id, link.decision, link.decided_by) == (
            self.world.lookalike.id,
            "confirmed",
            "u-identity",
        )
        (entry,) = JournalRecord.objects.filter(name="identity.decided")
        assert entry.actor == "u-identity" and entry.incident_id_ref == self.incident.pk
        assert entry.payload == {
            "downtime_id": self.world.review_number,
            "patient": self.world.lookalike.id,
            "decision": "confirmed",
        }
        page = self.read(Role.IDENTITY)
        assert f'data-downtime="{self.world.review_number}"' not in page
        assert "rapproché" in page

    def test_declaring_a_new_patient(self) -> None:
        self.client.force_login(self.accounts[Role.IDENTITY])
        response = self.client.post(
            self.decide_url, {"downtime_id": self.world.new_number, "decision": "new"}
        )
        assert response.status_code == 302
        assert links(self.world.store)[self.world.new_number].patient_id is None
        (entry,) = JournalRecord.objects.filter(name="identity.decided")
        assert entry.payload == {"downtime_id": self.world.new_number, "patient": None, "decision": "new"}
        for value in self.patient_values():
            assert value not in str(entry.payload)

    def test_a_linked_number_is_never_changed_silently(self) -> None:
        self.client.force_login(self.accounts[Role.IDENTITY])
        self.client.post(self.decide_url, {"downtime_id": self.world.review_number, "decision": "new"})
        response = self.client.post(
            self.decide_url,
            {
                "downtime_id": self.world.review_number,
                "patient": self.world.lookalike.id,
                "decision": "patient",
            },
        )
        assert response.status_code == 409
        assert "est déjà relié à un nouveau patient" in html.unescape(response.content.decode())
        assert links(self.world.store)[self.world.review_number].patient_id is None
        assert JournalRecord.objects.filter(name="identity.decided").count() == 1

    def test_bad_posts_are_one_sentence_and_change_nothing(self) -> None:
        self.client.force_login(self.accounts[Role.IDENTITY])
        bad = [
            {"downtime_id": self.world.review_number, "patient": "no-such-patient", "decision": "patient"},
            {"downtime_id": self.world.review_number, "patient": "", "decision": "patient"},
            {"downtime_id": self.world.review_number, "decision": "merge"},
            {"downtime_id": "", "decision": "new"},
            {"downtime_id": self.world.new_number[:-1] + "Z", "decision": "new"},
            {"downtime_id": "x" * 10_000, "decision": "new"},
        ]
        for data in bad:
            response = self.client.post(self.decide_url, data)
            assert response.status_code == 400, data
            assert "Traceback" not in response.content.decode()
        assert self.client.get(self.decide_url).status_code == 405
        assert links(self.world.store) == {}
        assert not JournalRecord.objects.filter(name="identity.decided").exists()


class WithoutStoreTest(TestCase):
    def test_without_a_store_the_page_says_so_and_a_decision_is_refused(self) -> None:
        identity = Account.objects.create(username="civ", role=Role.IDENTITY)
        incident = Incident.objects.create(
            title="Panne",
            map_source="test.yaml",
            map_text=SAMPLE_MAP,
            map_sha256=hashlib.sha256(SAMPLE_MAP.encode()).hexdigest(),
            opened_by=identity,
        )
        self.client.force_login(identity)
        with override_settings(CRISIS_STORE=""):
            page = self.client.get(reverse("crisis:reconciliation", kwargs={"incident_id": incident.pk}))
            assert page.status_code == 200 and "BASCULE_CRISIS_STORE" in page.content.decode()
            refused = self.client.post(
                reverse("crisis:reconcile_decide", kwargs={"incident_id": incident.pk}),
                {"downtime_id": "CHVO-URG1-00001-B", "decision": "new"},
            )
            assert refused.status_code == 400
