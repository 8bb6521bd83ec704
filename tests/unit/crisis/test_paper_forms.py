"""Typing the wards' paper forms in the crisis app: only the clerk (saisie) opens the page and types;
each form goes into the continuity store as SAISIE:<n> with the station's checks; a refusal shows
its one sentence with what was typed kept and stores nothing; times are read in the hospital's zone;
the journal holds ids only; a second registration saying otherwise is stored and the page says so."""

from __future__ import annotations

import contextlib
import html
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from django.test import Client, override_settings
from django.urls import reverse
from tests.unit.crisis.outage_case import OutageTestCase

from bascule.crisis.models import JournalRecord
from bascule.crisis.roles import Role
from bascule.downtime.clerk import record_typed

NOW = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
VITALS = {
    "kind": "vitals",
    "at": "2026-12-06T03:10",
    "heart_rate": "88",
    "systolic": "120",
    "diastolic": "80",
}


def typed(store: Path) -> list[tuple[str, str, str, str, str]]:
    with contextlib.closing(sqlite3.connect(store)) as connection:
        return connection.execute(
            "SELECT id, author, kind, downtime_number, data FROM downtime_entries WHERE station = 'SAISIE' "
            "ORDER BY sequence"
        ).fetchall()


@override_settings(TIME_ZONE="Europe/Paris")
class PaperFormsTest(OutageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.page = reverse("crisis:paper_forms", kwargs={"incident_id": self.incident.pk})

    def as_clerk(self, lang: str = "fr") -> None:
        account = self.accounts[Role.CLERK]
        account.lang = lang
        account.save()
        self.client.force_login(account)

    def post(self, fields: dict[str, str], number: str | None = None) -> tuple[int, str]:
        response = self.client.post(
            self.page, {"downtime_id": number or self.world.new_number, **fields}, follow=True
        )
        return response.status_code, html.unescape(response.content.decode())

    def test_anonymous_is_sent_to_login_and_nothing_is_stored(self) -> None:
        login = reverse("crisis:login")
        for response in (
            self.client.get(self.page),
            self.client.post(self.page, {"kind": "note", "text": "x"}),
        ):
            assert response.status_code == 302 and response["Location"].startswith(login + "?next=")
        assert typed(self.world.store) == []

    def test_every_other_role_is_refused_the_page_and_the_post(self) -> None:
        for role in Role:
            if role == Role.CLERK:
                continue
            self.client.force_login(self.accounts[role])
            assert self.client.get(self.page).status_code == 403, role
            response = self.client.post(
                self.page, {"kind": "note", "downtime_id": self.world.new_number, "text": "x"}
            )
            assert response.status_code == 403, role
            page = html.unescape(
                self.client.get(reverse("crisis:reconciliation", args=[self.incident.pk])).content.decode()
            )
            assert "Saisie des fiches papier" not in page
        assert typed(self.world.store) == []
        assert not JournalRecord.objects.filter(name="paper.typed").exists()

    def test_the_form_is_drawn_from_the_kinds_fields_in_french(self) -> None:
        self.as_clerk()
        reconciliation = html.unescape(
            self.client.get(reverse("crisis:reconciliation", args=[self.incident.pk])).content.decode()
        )
        assert "Saisie des fiches papier" in reconciliation and self.page in reconciliation
        response = self.client.get(self.page, {"kind": "vitals"})
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        page = html.unescape(response.content.decode())
        assert 'data-kind="vitals"' in page and "Constantes" in page
        assert "PA systolique (mmHg)" in page and "Heure de l'acte (obligatoire)" in page
        assert 'type="datetime-local"' in page and "Europe/Paris" in page
        assert 'name="csrfmiddlewaretoken"' in page
        assert "Aucune saisie pour l'instant." in page
        assert ": agent de saisie" in page  # the role in the header, in French
        for english in ("Systolic", "Time of the act", "Record the entry", "Vital signs"):
            assert english not in page, english
        # A kind nobody knows shows the registration form; codes are offered in the reader's words.
        page = html.unescape(self.client.get(self.page, {"kind": "nope"}).content.decode())
        assert 'data-kind="registration"' in page and ">femme</option>" in page

    def test_a_form_in_english(self) -> None:
        self.as_clerk("en")
        page = html.unescape(self.client.get(self.page, {"kind": "administration"}).content.decode())
        assert (
            "Typing paper forms" in page
            and "Dose unit (mg, mL, IU...)" in page
            and ">NOT given</option>" in page
        )
        status, page = self.post({"kind": "note", "text": "fell"})
        assert status == 200 and "Entry SAISIE:1 recorded." in page and "Your last entries" in page

    def test_a_typed_form_is_stored_with_the_hospitals_offset_and_journaled_with_ids_only(self) -> None:
        self.as_clerk()
        status, page = self.post(VITALS)
        assert status == 200
        assert "Saisie SAISIE:1 enregistrée" in page
        rows = typed(self.world.store)
        assert [row[:4] for row in rows] == [("SAISIE:1", "u-saisie", "vitals", self.world.new_number)]
        data = json.loads(rows[0][4])
        assert data["at"] == "2026-12-06T03:10:00+01:00"  # typed in Paris time, winter
        assert (data["heart_rate"], data["systolic"]) == (88.0, 120.0)
        # The clerk's list: key, kind, number.
        assert "<code>SAISIE:1</code>" in page and f"<code>{self.world.new_number}</code>" in page
        journal = JournalRecord.objects.get(name="paper.typed")
        assert journal.actor == "u-saisie" and journal.incident_id_ref == self.incident.pk
        assert journal.payload == {
            "entry": "SAISIE:1",
            "downtime_id": self.world.new_number,
            "kind": "vitals",
        }

    def test_a_refusal_shows_its_sentence_keeps_the_values_and_stores_nothing(self) -> None:
        self.as_clerk()
        refusals = [
            (
                {
                    "kind": "administration",
                    "at": "2026-12-06T03:10",
                    "drug": "Héparine",
                    "status": "given",
                    "dose_value": "5000",
                },
                None,
                "Une dose doit porter son unité",
                "Héparine",
            ),
            (
                {
                    "kind": "phone_result",
                    "at": "2026-12-06T03:10",
                    "test": "Kaliémie",
                    "value": "6,2",
                    "caller": "labo",
                    "read_back": "no",
                },
                None,
                "relu à l'appelant",
                "Kaliémie",
            ),
            (
                {"kind": "note", "text": "Chute au lever"},
                "CHVO-URG1-00003-Q",
                "lettre de contrôle",
                "Chute au lever",
            ),
            (
                {**VITALS, "systolic": "70"},
                None,
                "diastolique n'est pas inférieure",
                'value="2026-12-06T03:10"',
            ),
            (
                {"kind": "registration", "sex": "female"},
                None,
                "doit porter un nom",
                'value="female" selected',
            ),
        ]
        for fields, number, sentence, kept in refusals:
            status, page = self.post(fields, number)
            assert status == 400, fields
            assert sentence in page and kept in page, (sentence, kept)
            if number:
                assert f'value="{number}"' in page
        assert typed(self.world.store) == []
        assert not JournalRecord.objects.filter(name="paper.typed").exists()

    def test_a_post_without_csrf_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.accounts[Role.CLERK])
        response = client.post(self.page, {"kind": "note", "downtime_id": self.world.new_number, "text": "x"})
        assert response.status_code == 403
        assert typed(self.world.store) == []

    def test_a_second_registration_saying_otherwise_is_stored_and_the_page_says_so(self) -> None:
        self.as_clerk()
        status, page = self.post(
            {"kind": "registration", "family": "Autre", "given": "Nom"}, self.world.auto_number
        )
        assert status == 200 and "Saisie SAISIE:1 enregistrée" in page
        assert (
            f"le numéro {self.world.auto_number} a déjà un enregistrement avec d'autres informations" in page
        )
        status, page = self.post({"kind": "registration", "family": "Neuf"}, self.world.missing_number)
        assert "Saisie SAISIE:2 enregistrée" in page and "a déjà un enregistrement" not in page
        # Another clerk's entry is not announced on my page, whatever the address says.
        other = record_typed(self.world.store, "note", self.world.new_number, {"text": "x"}, "u-other", NOW)
        page = html.unescape(self.client.get(self.page, {"done": other.key}).content.decode())
        assert other.key == "SAISIE:3" and "SAISIE:3" not in page and "enregistrée" not in page

    def test_the_status_panel_counts_the_typed_entries(self) -> None:
        self.as_clerk()
        self.post({"kind": "note", "text": "x"}, self.world.missing_number)
        self.client.force_login(self.accounts[Role.OBSERVER])
        page = html.unescape(
            self.client.get(reverse("crisis:reconciliation", args=[self.incident.pk])).content.decode()
        )
        assert "Jamais vus" not in page  # the only missing number now has its form typed

    def test_without_a_store_the_page_says_so(self) -> None:
        self.as_clerk()
        with override_settings(CRISIS_STORE=""):
            page = html.unescape(self.client.get(self.page).content.decode())
            assert "Aucun magasin de continuité n'est configuré" in page
            assert self.client.post(self.page, {"kind": "note", "text": "x"}).status_code == 400

    def test_hostile_values_in_every_field_of_every_kind_answer_no_server_error(self) -> None:
        from bascule.downtime.entries import FIELDS

        hostile = [
            "\x00",
            "x" * 5000,
            "<script>",
            "1e309",
            "NaN",
            "-1",
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "2024-02-30T10:00",
            "10000-01-01T00:00",
            "é" * 3000,
        ]
        client = Client(raise_request_exception=False)
        client.force_login(self.accounts[Role.CLERK])
        errors = []
        for kind, specs in FIELDS.items():
            for spec in (*specs, None):
                for value in hostile:
                    name = spec.name if spec else "downtime_id"
                    data = {"kind": kind, "downtime_id": self.world.new_number, name: value}
                    response = client.post(self.page, data)
                    if response.status_code >= 500 or response.status_code not in (302, 400):
                        errors.append((kind, name, value[:20], response.status_code))
        assert errors == []
        assert client.get(self.page).status_code == 200  # and the list of what was stored still reads
