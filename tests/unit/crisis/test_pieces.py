"""Smaller pieces: the demo incident, the stored plan, and every word the pages use existing
in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import TestCase

from bascule import incident
from bascule.crisis import messages
from bascule.crisis.demo import DEMO_ACTOR, demo_incident
from bascule.crisis.journal_store import verify_chain
from bascule.crisis.models import Account, JournalRecord
from bascule.crisis.repository import STORE
from bascule.exercise.model import CHANNELS
from bascule.hospital.loading import load_map
from bascule.scenario import load_scenario

TEMPLATES = Path(messages.__file__).parent / "templates"
SOURCES = Path(messages.__file__).parent
INCIDENT = Path(incident.__file__).parent  # the use-cases write most journal entries


class DemoIncidentTest(TestCase):
    def test_demo_incident_carries_the_scenario_once(self) -> None:
        incident = demo_incident("ransomware", "fr")
        scenario = load_scenario("ransomware", load_map("demo"))
        declared = sorted(h.target for h in STORE.repository.active_hits(incident.id))
        assert declared == sorted([*scenario.down, *scenario.isolate, *scenario.suppliers])
        assert incident.reconnect == dict(scenario.reconnect)
        assert demo_incident("ransomware", "fr").id == incident.id
        author = Account.objects.get(username=DEMO_ACTOR)
        assert not author.is_active and not author.has_usable_password()
        assert JournalRecord.objects.filter(actor=DEMO_ACTOR).count() == 1 + len(declared)
        assert verify_chain() is None


# The values the templates add to a key's prefix.
BUILT_KEYS: dict[str, tuple[str, ...]] = {
    "ch_": CHANNELS,
    "ex_outcome_": ("on_time", "late", "missed", "not_played", "pending"),
    "how_": ("auto", "facilitator"),
}


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*TEMPLATES.rglob("*.html"), *SOURCES.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            keys |= set(re.findall(r'{% tr ["\']([a-z0-9_]+)["\'](?!\|)', text))
            # A key built from a prefix and a value ({% tr "ch_"|add:inject.channel %}): every value.
            for prefix in re.findall(r'{% tr ["\']([a-z0-9_]+)["\']\|add:', text):
                keys |= {prefix + value for value in BUILT_KEYS[prefix]}
        keys |= set(re.findall(r'text\(request, "([a-z0-9_]+)"', text))
        keys |= set(re.findall(r't\(\s*"crisis\.([a-z0-9_]+)"', text))
    return keys


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_every_word_used_exists_in_french_and_english(key: str) -> None:
    assert key in messages.MESSAGES
    assert messages.MESSAGES[key]["fr"] and messages.MESSAGES[key]["en"]


def test_every_journal_event_written_has_words() -> None:
    written: set[str] = set()
    for path in [*SOURCES.rglob("*.py"), *INCIDENT.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'(?:record\(request, |append\(\s*)f?"([a-z]+(?:\.[a-z]+)?)"', text))
    # names chosen by an expression or built with f-strings
    written |= {
        "task.started",
        "task.done",
        "note.added",
        "decision.added",
        "hit.declared",
        "isolation.confirmed",
    }
    assert written <= set(messages.EVENTS), written - set(messages.EVENTS)
    assert {"hit.declared", "login", "plan.made"} <= written
