"""The restoration page as the IT lead and the director use it: saying when an isolated segment or a
supplier is expected back re-plans with it; a plan, a board's ETAs or a situation report made before
the last change of the situation say so, and stop saying so once made again."""

from __future__ import annotations

import html
import io
from typing import Any

from django.test import TestCase
from django.urls import reverse

from bascule.crisis.models import Account, Incident, JournalRecord
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP

OUT_OF_DATE = "Calculé avant le dernier changement"
REPORT_OUT_OF_DATE = "Ce point a été préparé avant le dernier changement"
ETAS_OUT_OF_DATE = "Les retours estimés viennent d'un plan calculé avant le dernier changement"


class ReturnTimesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.director = Account.objects.create(username="director1", role=Role.DIRECTOR)
        cls.it = Account.objects.create(username="it1", role=Role.IT)
        cls.medical = Account.objects.create(username="medical1", role=Role.MEDICAL)

    def setUp(self) -> None:
        self.client.force_login(self.director)
        upload = io.BytesIO(SAMPLE_MAP.encode())
        upload.name = "chtest.yaml"
        self.client.post(reverse("crisis:open_incident"), {"title": "Rançongiciel", "map_file": upload})
        self.incident = Incident.objects.get()
        declare = reverse("crisis:declare", args=[self.incident.pk])
        self.client.post(declare, {"kind": "node", "target": "san"})
        self.client.post(declare, {"kind": "segment", "target": "clinical-lan", "confirmed": "1"})
        self.client.post(declare, {"kind": "supplier", "target": "pathlab"})
        self.client.force_login(self.it)

    def page(self, name: str, *args: int) -> str:
        response = self.client.get(reverse(f"crisis:{name}", args=[self.incident.pk, *args]))
        assert response.status_code == 200
        return html.unescape(response.content.decode())

    def set_return(self, **posted: str) -> Any:
        return self.client.post(reverse("crisis:return_time", args=[self.incident.pk]), posted)

    def stored(self) -> tuple[Any, ...]:
        self.incident.refresh_from_db()
        return (
            dict(self.incident.reconnect),
            dict(self.incident.supplier_back),
            self.incident.plans.count(),
            JournalRecord.objects.count(),
        )

    def test_a_return_time_in_hours_or_as_a_date_re_plans_with_it(self) -> None:
        page = self.page("restoration")
        assert 'value="segment:clinical-lan"' in page and 'value="supplier:pathlab"' in page
        assert "non renseigné : jamais dans le plan" in page
        assert self.set_return(target="segment:clinical-lan", hours="12").status_code == 302
        plan = self.incident.plans.order_by("-id").first()
        assert plan is not None and plan.plan_json["processes"]["outpatient"]["eta_hours"] == 12.0
        # The same moment typed as a local date and time (the server's zone, like due times).
        from django.utils import timezone

        back = timezone.localtime(self.incident.opened_at) + timezone.timedelta(hours=30, minutes=30)
        typed = back.strftime("%Y-%m-%dT%H:%M")
        assert self.set_return(target="supplier:pathlab", at=typed).status_code == 302
        self.incident.refresh_from_db()
        assert self.incident.reconnect == {"clinical-lan": 12.0}
        assert 30.0 <= self.incident.supplier_back["pathlab"] <= 30.5
        entries = JournalRecord.objects.filter(name="return.set").order_by("seq")
        assert [(e.actor, e.payload["kind"], e.payload["target"]) for e in entries] == [
            ("it1", "segment", "clinical-lan"),
            ("it1", "supplier", "pathlab"),
        ]
        page = self.page("restoration")
        assert 'data-return="clinical-lan"' in page and "(H+12.0)" in page
        assert OUT_OF_DATE not in page
        journal = self.page("journal")
        assert "Date de retour attendue" in journal

    def test_refused_return_times_are_one_sentence_and_change_nothing(self) -> None:
        before = self.stored()
        for posted, sentence in [
            ({"target": "segment:clinical-lan", "hours": "-3"}, "Date de retour hors limites"),
            ({"target": "segment:clinical-lan", "hours": "99999"}, "Date de retour hors limites"),
            ({"target": "segment:clinical-lan", "hours": "demain"}, "Date de retour illisible"),
            ({"target": "segment:clinical-lan", "hours": "inf"}, "Date de retour illisible"),
            ({"target": "segment:clinical-lan", "at": "2020-01-01T10:00"}, "Date de retour hors limites"),
            ({"target": "segment:clinical-lan", "at": "0001-01-01T00:00"}, "Date de retour illisible"),
            ({"target": "segment:clinical-lan"}, "Donnez la date de retour"),
            ({"target": "segment:dc-core", "hours": "4"}, "n'est ni un segment isolé"),
            ({"target": "supplier:nobody", "hours": "4"}, "n'est ni un segment isolé"),
            ({"target": "node:san", "hours": "4"}, "n'est ni un segment isolé"),
            ({"hours": "4"}, "n'est ni un segment isolé"),
        ]:
            response = self.set_return(**posted)
            assert response.status_code == 400, posted
            assert sentence in html.unescape(response.content.decode()), posted
        assert self.stored() == before

    def test_only_it_and_the_director_say_when_things_come_back(self) -> None:
        self.client.force_login(self.medical)
        before = self.stored()
        assert self.set_return(target="segment:clinical-lan", hours="4").status_code == 403
        assert 'name="hours"' not in self.page("restoration")
        assert self.stored() == before

    def test_a_plan_made_before_a_new_hit_is_never_shown_as_current(self) -> None:
        assert self.client.post(reverse("crisis:replan", args=[self.incident.pk])).status_code == 302
        assert OUT_OF_DATE not in self.page("restoration")
        assert ETAS_OUT_OF_DATE not in self.page("board")
        self.client.post(
            reverse("crisis:declare", args=[self.incident.pk]), {"kind": "node", "target": "dc01"}
        )
        assert OUT_OF_DATE in self.page("restoration")
        assert ETAS_OUT_OF_DATE in self.page("board")
        self.client.post(reverse("crisis:replan", args=[self.incident.pk]))
        assert OUT_OF_DATE not in self.page("restoration")
        assert ETAS_OUT_OF_DATE not in self.page("board")

    def test_a_report_made_before_the_last_change_says_so(self) -> None:
        self.client.force_login(self.director)
        self.client.post(reverse("crisis:replan", args=[self.incident.pk]))
        made = self.client.post(reverse("crisis:make_sitrep", args=[self.incident.pk]), {"lang": "fr"})
        report = made["Location"]
        assert REPORT_OUT_OF_DATE not in html.unescape(self.client.get(report).content.decode())
        assert REPORT_OUT_OF_DATE not in self.page("sitreps")
        self.client.post(
            reverse("crisis:declare", args=[self.incident.pk]), {"kind": "node", "target": "dc01"}
        )
        assert REPORT_OUT_OF_DATE in html.unescape(self.client.get(report).content.decode())
        assert REPORT_OUT_OF_DATE in self.page("sitreps")
        # A report made now warns that its ETAs come from the plan made before dc01 was declared.
        again = self.client.post(reverse("crisis:make_sitrep", args=[self.incident.pk]), {"lang": "fr"})
        page = html.unescape(self.client.get(again["Location"]).content.decode())
        assert REPORT_OUT_OF_DATE not in page
        assert "Ces retours viennent d'un plan calculé avant le dernier changement" in page
