"""What the crisis cell does in the browser when a change cannot be completed: one sentence and a
400, and nothing stored changed (no hit left active without its journal entry, no task marked
without its plan). Found by a security probe of issue 14, each used to answer 500."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from tests.unit.crisis.test_incident_usecases import failing_planner

from bascule.crisis.models import (
    Account,
    CellAction,
    Hit,
    Incident,
    JournalRecord,
    SituationReport,
    StoredPlan,
    TaskProgress,
)
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP
from bascule.incident import restoration

SPACED = SAMPLE_MAP.replace("{id: pcs-wards,", '{id: "pcs wards",').replace(
    "needs: [pcs-wards]", 'needs: ["pcs wards"]'
)


def stored() -> tuple[Any, ...]:
    """Everything the crisis database holds about incidents, to compare before and after."""
    return (
        list(Incident.objects.values_list("id", "version")),
        list(Hit.objects.values_list("kind", "target", "lifted_at")),
        list(TaskProgress.objects.values_list("node", "state")),
        StoredPlan.objects.count(),
        CellAction.objects.count(),
        SituationReport.objects.count(),
        list(JournalRecord.objects.values_list("seq", "name")),
    )


class UnitsOfWorkTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.director = Account.objects.create(username="director1", role=Role.DIRECTOR)
        cls.it = Account.objects.create(username="it1", role=Role.IT)

    def open_incident(self, text: str) -> Incident:
        self.client.force_login(self.director)
        upload = io.BytesIO(text.encode())
        upload.name = "map.yaml"
        response = self.client.post(reverse("crisis:open_incident"), {"title": "Panne", "map_file": upload})
        assert response.status_code == 302
        return Incident.objects.get()

    def test_declaring_a_map_id_with_a_space_is_refused_and_nothing_is_declared(self) -> None:
        incident = self.open_incident(SPACED)
        before = stored()
        response = self.client.post(
            reverse("crisis:declare", args=[incident.pk]), {"kind": "node", "target": "pcs wards"}
        )
        assert response.status_code == 400
        assert "journal" in response.content.decode()
        assert stored() == before

    @mock.patch.object(restoration, "plan", failing_planner)
    def test_a_task_whose_replanning_fails_is_not_marked(self) -> None:
        incident = self.open_incident(SAMPLE_MAP)
        for node in ("san", "dc01"):
            self.client.post(reverse("crisis:declare", args=[incident.pk]), {"kind": "node", "target": node})
        self.client.force_login(self.it)
        before = stored()
        response = self.client.post(
            reverse("crisis:mark_task", args=[incident.pk]), {"node": "dc01", "state": "done"}
        )
        assert response.status_code == 400
        assert "No team can restore san" in response.content.decode()
        assert stored() == before

    def test_a_sitrep_in_an_unknown_language_is_refused(self) -> None:
        incident = self.open_incident(SAMPLE_MAP)
        before = stored()
        response = self.client.post(reverse("crisis:make_sitrep", args=[incident.pk]), {"lang": "xx"})
        assert response.status_code == 400
        assert stored() == before

    def test_an_action_due_in_year_one_is_refused(self) -> None:
        incident = self.open_incident(SAMPLE_MAP)
        before = stored()
        for due in ("0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31T23:59"):
            response = self.client.post(
                reverse("crisis:add_action", args=[incident.pk]),
                {"title": "Appeler", "owner_role": "it", "due_at": due},
            )
            assert response.status_code == 400, due
        assert stored() == before

    def test_a_change_moves_the_incident_changed_time(self) -> None:
        incident = self.open_incident(SAMPLE_MAP)
        self.client.post(reverse("crisis:declare", args=[incident.pk]), {"kind": "node", "target": "san"})
        assert Incident.objects.get().changed_at > incident.changed_at
