"""The crisis cell's work, page by page: open an incident, declare and lift hits, the isolation
what-if, the board and its cheap polling, notes and decisions, actions, situation reports."""

from __future__ import annotations

import html
import io
from typing import Any

from django.test import TestCase
from django.urls import reverse

from bascule.crisis.models import Account, CellAction, Hit, Incident, JournalRecord, Note, SituationReport
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP


def names(incident: Incident | None = None) -> list[str]:
    records = JournalRecord.objects.order_by("seq")
    if incident is not None:
        records = records.filter(incident_id_ref=incident.pk)
    return [r.name for r in records]


class CrisisTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.director = Account.objects.create(username="director1", role=Role.DIRECTOR)
        cls.medical = Account.objects.create(username="medical1", role=Role.MEDICAL)
        cls.it = Account.objects.create(username="it1", role=Role.IT)

    def open_incident(self) -> Incident:
        self.client.force_login(self.director)
        upload = io.BytesIO(SAMPLE_MAP.encode())
        upload.name = "chtest.yaml"
        response = self.client.post(
            reverse("crisis:open_incident"), {"title": "Rançongiciel", "map_file": upload}
        )
        assert response.status_code == 302
        return Incident.objects.get()

    def declare(self, incident: Incident, kind: str, target: str, **extra: str) -> Any:
        return self.client.post(
            reverse("crisis:declare", args=[incident.pk]), {"kind": kind, "target": target, **extra}
        )


class IncidentTest(CrisisTestCase):
    def test_open_incident_keeps_the_map_and_its_hash(self) -> None:
        incident = self.open_incident()
        assert incident.map_text == SAMPLE_MAP
        assert len(incident.map_sha256) == 64
        assert names(incident) == ["incident.opened"]
        assert JournalRecord.objects.get(name="incident.opened").payload == {
            "map_sha256": incident.map_sha256
        }

    def test_invalid_map_is_refused_with_its_problems_and_nothing_stored(self) -> None:
        self.client.force_login(self.director)
        upload = io.BytesIO(SAMPLE_MAP.replace("needs: [lims]", "needs: [lism]").encode())
        upload.name = "bad.yaml"
        response = self.client.post(reverse("crisis:open_incident"), {"title": "x", "map_file": upload})
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        # Located, and in the page's language (French by default), like the rest of the page.
        assert (
            "bad.yaml:18 processes[0].needs[0] : id inconnu « lism » (vouliez-vous dire « lims » ?)" in page
        )
        assert "unknown id" not in page
        assert not Incident.objects.exists()

    def test_declare_search_and_lift(self) -> None:
        incident = self.open_incident()
        found = self.client.get(reverse("crisis:search", args=[incident.pk]), {"q": "EHR"}).content.decode()
        assert 'data-target="ehr"' in found and 'data-target="ehr-db"' in found
        assert 'data-target="transfusion"' not in found  # care processes are not declared
        assert self.declare(incident, "node", "san").status_code == 302
        assert self.declare(incident, "node", "san").status_code == 409
        assert self.declare(incident, "node", "nope").status_code == 400
        assert self.declare(incident, "supplier", "pathlab").status_code == 302
        board = self.client.get(reverse("crisis:board", args=[incident.pk])).content.decode()
        assert 'data-process="admissions" data-section="uncovered"' in board
        assert 'data-process="transfusion" data-section="fallback"' in board
        assert "Transfusion sur papier" in board and "Groupe O si urgence vitale" in board
        # "Because" chains are read by name (ehr-db and san have none in this map: their ids).
        assert "Admissions ← Dossier patient ← ehr-db ← san" in board
        hit = Hit.objects.get(target="san")
        self.client.post(reverse("crisis:lift", args=[incident.pk, hit.pk]))
        board = self.client.get(reverse("crisis:board", args=[incident.pk])).content.decode()
        assert 'data-process="admissions" data-section="up"' in board
        assert names(incident) == ["incident.opened", "hit.declared", "hit.declared", "hit.lifted"]

    def test_refusals_quote_what_was_typed_safely(self) -> None:
        incident = self.open_incident()
        attack = "<script>alert(1)</script>"
        page = self.client.get(reverse("crisis:whatif", args=[incident.pk]), {"segment": attack})
        assert page.status_code == 400
        assert attack not in page.content.decode() and "&lt;script&gt;" in page.content.decode()
        declared = self.client.post(
            reverse("crisis:declare", args=[incident.pk]),
            {"kind": "node", "target": attack},
            headers={"Referer": "https://evil.example/x"},
        )
        assert declared.status_code == 400 and 'href="/x"' in declared.content.decode()

    def test_isolation_needs_its_what_if_first(self) -> None:
        incident = self.open_incident()
        response = self.declare(incident, "segment", "clinical-lan")
        assert response.status_code == 302 and "whatif" in response["Location"]
        assert not Hit.objects.exists()
        page = self.client.get(response["Location"]).content.decode()
        assert 'data-process="outpatient"' in page and "pcs-wards" in page
        assert 'data-process="admissions"' not in page
        assert self.declare(incident, "segment", "clinical-lan", confirmed="1").status_code == 302
        assert Hit.objects.get().kind == "segment"
        assert names(incident)[-1] == "isolation.confirmed"
        # Once isolated, the same what-if has nothing more to take down.
        again = self.client.get(reverse("crisis:whatif", args=[incident.pk]), {"segment": "clinical-lan"})
        assert 'data-process="outpatient"' not in again.content.decode()

    def test_unchanged_poll_is_cheap_and_a_change_shows(self) -> None:
        incident = self.open_incident()
        url = reverse("crisis:board", args=[incident.pk])
        first = self.client.get(url)
        key = first["ETag"].strip('"')
        assert self.client.get(url, {"live": "1", "since": key}).status_code == 204
        self.declare(incident, "node", "san")
        changed = self.client.get(url, {"live": "1", "since": key})
        assert changed.status_code == 200
        assert changed.content.decode().lstrip().startswith('<div id="live"')
        assert 'data-section="uncovered"' in changed.content.decode()

    def test_an_unchanged_poll_reads_the_incidents_once(self) -> None:
        """Fifty screens poll every 2 s: a poll that finds nothing new costs one small query about
        incidents (beside the session and the account of the signed-in user), whatever the page."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        incident = self.open_incident()
        self.declare(incident, "node", "san")
        for url in (
            reverse("crisis:board", args=[incident.pk]),
            reverse("crisis:journal", args=[incident.pk]),
            reverse("crisis:restoration", args=[incident.pk]),
            reverse("crisis:home"),
        ):
            key = self.client.get(url)["ETag"].strip('"')
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(url, {"live": "1", "since": key}).status_code == 204
            read = [q["sql"] for q in queries.captured_queries if "django_session" not in q["sql"]]
            read = [sql for sql in read if not sql.startswith('SELECT "crisis_account"')]
            assert len(read) == 1 and '"crisis_incident"' in read[0], (url, read)

    def test_home_and_what_if_refresh_too(self) -> None:
        incident = self.open_incident()
        home = self.client.get(reverse("crisis:home"))
        key = home["ETag"].strip('"')
        assert self.client.get(reverse("crisis:home"), {"live": "1", "since": key}).status_code == 204
        whatif = reverse("crisis:whatif", args=[incident.pk])
        page = self.client.get(whatif, {"segment": "clinical-lan"}).content.decode()
        assert f'hx-get="{whatif}?segment=clinical-lan"' in page
        self.declare(incident, "node", "dc01")
        self.declare(incident, "node", "dc02")
        assert self.client.get(reverse("crisis:home"), {"live": "1", "since": key}).status_code == 200
        # With the directory already down, the ward PCs are down already: isolating takes nothing more.
        after = self.client.get(
            whatif, {"segment": "clinical-lan", "live": "1", "since": "old"}
        ).content.decode()
        assert "Rien de plus ne serait mis à l" in after and 'data-process="outpatient"' not in after

    def test_language_is_chosen_by_the_reader(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        url = reverse("crisis:board", args=[incident.pk])
        assert "SANS PROCÉDURE" in self.client.get(url).content.decode()
        self.client.post(reverse("crisis:language"), {"lang": "en", "next": url})
        assert "DOWN — NO FALLBACK" in self.client.get(url).content.decode()

    def test_impact_document_and_home_summary(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        document = self.client.get(reverse("crisis:impact_json", args=[incident.pk])).json()
        assert document["processes"]["admissions"] == {
            "status": "down",
            "priority": 2,
            "fallback": None,
            "uncovered": True,
        }
        assert document["nodes"]["ehr"]["via"] == ["ehr", "ehr-db", "san"]
        home = html.unescape(self.client.get(reverse("crisis:home")).content.decode())
        assert "1 · À L'ARRÊT — SANS PROCÉDURE" in home

    def test_infrastructure_and_suppliers(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "supplier", "pathlab")
        infra = self.client.get(reverse("crisis:infrastructure", args=[incident.pk])).content.decode()
        assert 'data-node="lims"' in infra and "fournisseur à l&#x27;arrêt" in infra
        suppliers = self.client.get(reverse("crisis:suppliers", args=[incident.pk])).content.decode()
        assert 'data-supplier="pathlab"' in suppliers and "Laboratoire" in suppliers


class JournalTest(CrisisTestCase):
    def test_notes_and_decisions_keep_text_out_of_the_journal(self) -> None:
        incident = self.open_incident()
        url = reverse("crisis:add_note", args=[incident.pk])
        self.client.post(url, {"kind": "decision", "text": "Déclencher le plan blanc"})
        self.client.force_login(self.it)
        assert self.client.post(url, {"kind": "decision", "text": "x"}).status_code == 403
        assert self.client.post(url, {"kind": "note", "text": "Sauvegardes intactes"}).status_code == 302
        assert [n.kind for n in Note.objects.order_by("id")] == ["decision", "note"]
        entries = JournalRecord.objects.filter(name__in=["decision.added", "note.added"])
        assert len(entries) == 2
        for entry in entries:
            assert set(entry.payload) == {"note", "sha256"}
        page = self.client.get(reverse("crisis:journal", args=[incident.pk])).content.decode()
        assert "Déclencher le plan blanc" in page and "intact" in page.lower()

    def test_edited_and_deleted_entries_show_on_the_page(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        self.declare(incident, "node", "dc01")
        url = reverse("crisis:journal", args=[incident.pk])
        target = JournalRecord.objects.get(name="hit.declared", payload__target="dc01")
        JournalRecord.objects.filter(pk=target.pk).update(payload={"kind": "node", "target": "dc02"})
        page = html.unescape(self.client.get(url).content.decode())
        assert f"CHAÎNE ROMPUE à l'entrée {target.seq}" in page
        JournalRecord.objects.filter(pk=target.pk).update(payload=target.payload)
        assert "CHAÎNE ROMPUE" not in self.client.get(url).content.decode()
        middle = JournalRecord.objects.get(name="hit.declared", payload__target="san")
        middle.delete()
        assert f"CHAÎNE ROMPUE à l'entrée {middle.seq}" in html.unescape(
            self.client.get(url).content.decode()
        )

    def test_logins_are_journaled_without_the_typed_name(self) -> None:
        Account.objects.create(username="comm1", role=Role.COMMUNICATIONS).set_password("x")
        user = Account.objects.get(username="comm1")
        user.set_password("Un-mot-de-passe-solide-1")
        user.save()
        self.client.post(reverse("crisis:login"), {"username": "Jean Dupont", "password": "nope"})
        self.client.post(
            reverse("crisis:login"), {"username": "comm1", "password": "Un-mot-de-passe-solide-1"}
        )
        assert names() == ["login.failed", "login"]
        assert "Jean" not in str(list(JournalRecord.objects.values()))

    def test_exports(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        csv_text = self.client.get(reverse("crisis:journal_csv")).content.decode()
        assert csv_text.splitlines()[0].startswith("seq,created,actor")
        assert "hit.declared" in csv_text
        pdf = self.client.get(reverse("crisis:journal_pdf"))
        assert pdf.content.startswith(b"%PDF")


class ActionsAndReportsTest(CrisisTestCase):
    def test_actions_with_owner_due_time_and_status(self) -> None:
        incident = self.open_incident()
        url = reverse("crisis:add_action", args=[incident.pk])
        assert self.client.post(url, {"title": "Appeler le labo", "owner_role": "it"}).status_code == 302
        assert self.client.post(url, {"title": "x"}).status_code == 400
        assert (
            self.client.post(url, {"title": "x", "owner_user": "it1", "due_at": "demain"}).status_code == 400
        )
        self.client.post(
            url, {"title": "Prévenir l'ARS", "owner_user": "medical1", "due_at": "2020-01-01T08:00"}
        )
        page = self.client.get(reverse("crisis:actions", args=[incident.pk])).content.decode()
        assert "Appeler le labo" in page and "EN RETARD" in page
        action = CellAction.objects.get(title="Appeler le labo")
        self.client.post(reverse("crisis:action_status", args=[incident.pk, action.pk]), {"status": "done"})
        assert CellAction.objects.get(pk=action.pk).status == "done"

    def test_situation_report_says_what_changed(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        self.client.post(
            reverse("crisis:add_note", args=[incident.pk]), {"kind": "decision", "text": "Plan blanc"}
        )
        make = reverse("crisis:make_sitrep", args=[incident.pk])
        first = self.client.post(make, {"lang": "fr"})
        assert first.status_code == 302
        html = self.client.get(first["Location"]).content.decode()
        assert "Premier point de situation" in html and "Plan blanc" in html and "Admissions" in html
        self.declare(incident, "supplier", "pathlab")
        second = self.client.post(make, {"lang": "en"})
        report = SituationReport.objects.order_by("-id").first()
        assert report is not None and report.lang == "en"
        assert "Newly down: Transfusion sanguine" in report.content["change_lines"]
        assert "Declared since: Laboratoire partenaire" in report.content["change_lines"]
        last = JournalRecord.objects.order_by("-seq").first()
        assert (
            last is not None
            and report.content["journal_head"]
            == f"{last.seq - 1}:{JournalRecord.objects.get(seq=last.seq - 1).hash}"
        )  # the entry before "sitrep.made" itself
        assert report.content["decision_lines"] == []  # decisions since the last report only
        pdf = self.client.get(second["Location"] + "pdf/")
        assert pdf.content.startswith(b"%PDF")


class RestorationTest(CrisisTestCase):
    def test_plan_gantt_tasks_and_etas(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        self.declare(incident, "node", "dc01")
        self.declare(incident, "node", "dc02")
        url = reverse("crisis:restoration", args=[incident.pk])
        assert self.client.post(reverse("crisis:replan", args=[incident.pk])).status_code == 302
        page = self.client.get(url).content.decode()
        assert 'data-task="san"' in page and "<svg" in page
        assert 'data-eta="admissions"' in page
        board = self.client.get(reverse("crisis:board", args=[incident.pk])).content.decode()
        assert "Retour estimé" in board
        mark = reverse("crisis:mark_task", args=[incident.pk])
        assert self.client.post(mark, {"node": "san", "state": "started", "team": "infra"}).status_code == 302
        plan = incident.plans.order_by("-id").first()
        assert plan is not None
        san = next(t for t in plan.plan_json["tasks"] if t["node"] == "san")
        assert san["team"] == "infra"
        assert self.client.post(mark, {"node": "dc01", "state": "done"}).status_code == 302
        assert not Hit.objects.filter(target="dc01", lifted_at__isnull=True).exists()
        latest = incident.plans.order_by("-id").first()
        assert latest is not None and "dc01" not in {t["node"] for t in latest.plan_json["tasks"]}
        assert names(incident)[-5:] == ["task.started", "plan.made", "task.done", "hit.lifted", "plan.made"]
        assert self.client.post(mark, {"node": "ehr", "state": "done"}).status_code == 400
        self.client.force_login(self.medical)
        assert self.client.post(mark, {"node": "san", "state": "done"}).status_code == 403

    def test_task_lists_name_what_they_bring_back(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        self.declare(incident, "node", "ehr")
        self.client.post(reverse("crisis:replan", args=[incident.pk]))
        url = reverse("crisis:restoration", args=[incident.pk])
        page = self.client.get(url).content.decode()
        # The engineers' list: the name, and the id they look the node up by.
        assert '<strong>Dossier patient</strong> <span class="muted">(ehr)</span>' in page
        brings_back = [line for line in page.splitlines() if 'class="muted">→ ' in line]
        assert brings_back and all("Admissions" in line and "Pharmacie" in line for line in brings_back)
        assert not any("admissions" in line or "pharmacy" in line for line in brings_back)
        self.client.force_login(self.it)
        self.client.post(reverse("crisis:mark_task", args=[incident.pk]), {"node": "ehr", "state": "done"})
        page = self.client.get(url).content.decode()
        done = page[page.index("<h2>Tâches terminées") :]
        assert 'Dossier patient <span class="muted">(ehr)</span> · it1' in done

    def test_drawings_escape_the_names_of_the_map(self) -> None:
        self.client.force_login(self.director)
        hostile = SAMPLE_MAP.replace('name: "Dossier patient"', 'name: "<script>alert(1)</script>"')
        upload = io.BytesIO(hostile.encode())
        upload.name = "hostile.yaml"
        self.client.post(reverse("crisis:open_incident"), {"title": "x", "map_file": upload})
        incident = Incident.objects.get()
        self.declare(incident, "node", "san")
        self.client.post(reverse("crisis:replan", args=[incident.pk]))
        for name in ("diagram", "restoration", "board", "infrastructure"):
            page = self.client.get(reverse(f"crisis:{name}", args=[incident.pk])).content.decode()
            assert "<script>alert" not in page, name

    def test_diagram_is_embedded_and_coloured(self) -> None:
        incident = self.open_incident()
        self.declare(incident, "node", "san")
        page = self.client.get(reverse("crisis:diagram", args=[incident.pk])).content.decode()
        assert "<svg" in page
