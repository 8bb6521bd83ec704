"""A journal export opened in a spreadsheet runs no formula; an incident's time of change moves."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bascule.crisis.models import Account, Incident
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP
from bascule.spreadsheet import safe_cell

FORMULAS = ["=1+1", "+33612345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_cells_a_spreadsheet_would_run_get_an_apostrophe() -> None:
    assert [safe_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert [safe_cell(v) for v in ("", "director1", "1=1", "a-b", "{}")] == [
        "",
        "director1",
        "1=1",
        "a-b",
        "{}",
    ]


class JournalCsvTest(TestCase):
    def test_a_user_name_that_is_a_formula_is_neutralised_in_the_export(self) -> None:
        # User names may start with + - @ (Django's ASCII rule): their sign-ins put them first in a cell.
        export = reverse("crisis:journal_csv")  # loads the views, whose receivers journal sign-ins
        for name in ("+sum", "-1", "@A1"):
            self.client.force_login(Account.objects.create(username=name, role=Role.OBSERVER))
        rows = list(csv.reader(io.StringIO(self.client.get(export).content.decode())))
        actors = [row[2] for row in rows[1:]]
        assert actors == ["'+sum", "'-1", "'@A1"]
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


class ChangedAtTest(TestCase):
    def test_every_change_moves_the_time_of_the_last_change(self) -> None:
        director = Account.objects.create(username="director1", role=Role.DIRECTOR)
        incident = Incident.objects.create(
            title="Test",
            map_source="test.yaml",
            map_text=SAMPLE_MAP,
            map_sha256=hashlib.sha256(SAMPLE_MAP.encode()).hexdigest(),
            opened_by=director,
        )
        long_ago = timezone.now() - timedelta(days=1)
        Incident.objects.filter(pk=incident.pk).update(changed_at=long_ago)
        self.client.force_login(director)
        response = self.client.post(
            reverse("crisis:declare", args=[incident.pk]), {"kind": "node", "target": "san"}
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.changed_at > long_ago + timedelta(hours=23)
        assert incident.version == 2
