"""A Django test case for the crisis app's pages over a continuity store after an outage: one
account per role, an open incident, and, for each test, its own copy of a store holding downtime
numbers, entries and registrations (tests/downtime_store.py), set as the app's CRISIS_STORE."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import ClassVar

from django.test import TestCase, override_settings
from tests.downtime_store import DowntimeWorld, copy_world, make_downtime_world

from bascule.crisis.models import Account, Incident
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP

_FOLDER = Path(tempfile.mkdtemp(prefix="bascule-outage-web-"))
_WORLD: list[DowntimeWorld] = []


def base_world() -> DowntimeWorld:
    """The store made once per run; each test reads a copy of it."""
    if not _WORLD:
        _WORLD.append(make_downtime_world(_FOLDER / "base"))
    return _WORLD[0]


class OutageTestCase(TestCase):
    accounts: ClassVar[dict[Role, Account]]
    incident: ClassVar[Incident]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.accounts = {role: Account.objects.create(username=f"u-{role.value}", role=role) for role in Role}
        cls.incident = Incident.objects.create(
            title="Panne DPI",
            map_source="test.yaml",
            map_text=SAMPLE_MAP,
            map_sha256=hashlib.sha256(SAMPLE_MAP.encode()).hexdigest(),
            opened_by=cls.accounts[Role.DIRECTOR],
        )

    def setUp(self) -> None:
        self.world = copy_world(base_world(), _FOLDER / self.id())
        settings = override_settings(CRISIS_STORE=str(self.world.store))
        settings.enable()
        self.addCleanup(settings.disable)
