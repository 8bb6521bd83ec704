"""What the crisis pages read (bascule.incident.reading), played the same way against the in-memory
twin and against the crisis database, as tests/unit/crisis/test_incident_usecases.py does for writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bascule.crisis.testing import SAMPLE_MAP
from bascule.incident import cell, reading, restoration, sitrep
from bascule.incident import hits as hit_cases
from bascule.incident.memory import MemoryStore
from bascule.incident.ports import IncidentStore

ACCOUNTS = ("director1", "it1")
FAST = restoration.Planning(time_limit=0.5)


def ticking_clock() -> Any:
    moments = (datetime.now(UTC) + timedelta(seconds=n) for n in range(10**9))
    return lambda: next(moments)


@pytest.fixture(params=["memory", "django"])
def store(request: pytest.FixtureRequest) -> Iterator[IncidentStore]:
    if request.param == "memory":
        yield MemoryStore(clock=ticking_clock(), accounts=ACCOUNTS)
        return
    from django.db import transaction

    from bascule.crisis.models import Account
    from bascule.crisis.repository import DjangoStore

    with transaction.atomic():
        for name in ACCOUNTS:
            Account.objects.create(username=name, role="director")
        yield DjangoStore()
        transaction.set_rollback(True)


def test_an_unknown_incident_is_none(store: IncidentStore) -> None:
    assert reading.find_incident(store, 999_999) is None


def test_the_situation_follows_the_hits(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    calm = reading.situation(store, incident)
    assert calm.hits == () and calm.impact.summary().get("down", 0) == 0
    hit = hit_cases.declare_hit(store, incident.id, "director1", "node", "san")
    found = reading.find_incident(store, incident.id)
    assert found is not None and found.version > incident.version
    hit_now = reading.situation(store, found)
    assert [h.id for h in hit_now.hits] == [hit.id]
    assert hit_now.impact.status("san") == "down"
    assert reading.current_impact(store, found).summary() == hit_now.impact.summary()
    assert "san" in hit_now.hospital.nodes


def test_the_live_keys_move_with_every_change(store: IncidentStore) -> None:
    before = reading.incidents_version(store)
    assert before.key == "all.0.0" and before.changed_at is None
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    opened = reading.incidents_version(store)
    assert opened.count == 1 and opened.key != before.key and opened.changed_at is not None
    hit_cases.declare_hit(store, incident.id, "director1", "node", "san")
    found = reading.find_incident(store, incident.id)
    assert found is not None
    assert reading.live_key(found) == f"{incident.id}.{found.version}" != reading.live_key(incident)
    assert reading.incidents_version(store).key != opened.key


def test_the_list_of_incidents_has_summaries_newest_first(store: IncidentStore) -> None:
    first = hit_cases.open_incident(store, "director1", "first", "chtest.yaml", SAMPLE_MAP)
    second = hit_cases.open_incident(store, "director1", "second", "chtest.yaml", SAMPLE_MAP)
    hit_cases.declare_hit(store, first.id, "director1", "node", "san")
    listed = reading.incidents_with_summaries(store)
    assert [i.id for i, _ in listed] == [second.id, first.id]
    assert listed[1][1] == reading.current_impact(store, listed[1][0]).summary() != listed[0][1]


def test_the_latest_plan_says_when_the_situation_changed_after_it(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    assert reading.latest_plan(store, incident) is None
    hit_cases.declare_hit(store, incident.id, "director1", "node", "san")
    restoration.replan(store, incident.id, "director1", FAST)
    current = reading.find_incident(store, incident.id)
    assert current is not None
    latest = reading.latest_plan(store, current)
    assert latest is not None and latest.stale_since is None and latest.etas
    cell.record_note(store, incident.id, "director1", "note", "call the supplier")
    changed = reading.find_incident(store, incident.id)
    assert changed is not None
    stale = reading.latest_plan(store, changed)
    assert stale is not None and stale.plan.id == latest.plan.id
    assert stale.stale_since == changed.changed_at


def test_the_journal_page_is_the_incident_s_newest_entries(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    other = hit_cases.open_incident(store, "director1", "other", "chtest.yaml", SAMPLE_MAP)
    cell.record_note(store, incident.id, "director1", "note", "first")
    cell.record_note(store, incident.id, "director1", "decision", "second")
    page = reading.journal_page(store, incident.id)
    seqs = [e.seq for e in page.entries]
    assert seqs == sorted(seqs, reverse=True) and all(s > 0 for s in seqs)
    assert [e.name for e in page.entries][-1] == "incident.opened"
    assert [(n.kind, n.text) for n in page.notes] == [("decision", "second"), ("note", "first")]
    assert page.count == len(store.journal.incident_entries(incident.id)) + len(
        store.journal.incident_entries(other.id)
    )
    assert reading.journal_page(store, other.id).notes == ()


def test_the_journal_page_stops_at_its_limit(store: IncidentStore, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    for n in range(3):
        cell.record_note(store, incident.id, "director1", "note", f"n{n}")
    monkeypatch.setattr(reading, "JOURNAL_PAGE_ENTRIES", 2)
    monkeypatch.setattr(reading, "JOURNAL_PAGE_NOTES", 2)
    page = reading.journal_page(store, incident.id)
    assert len(page.entries) == 2 and [n.text for n in page.notes] == ["n2", "n1"]
    assert page.count == len(store.journal.incident_entries(incident.id))


def test_reports_newest_first_by_incident_and_language(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    other = hit_cases.open_incident(store, "director1", "other", "chtest.yaml", SAMPLE_MAP)
    assert (
        reading.sitreps(store, incident.id) == []
        and reading.latest_sitrep_in(store, incident.id, "fr") is None
    )
    french = sitrep.make_sitrep(store, incident.id, "director1", "fr", UTC)
    english = sitrep.make_sitrep(store, incident.id, "director1", "en", UTC)
    assert [r.id for r in reading.sitreps(store, incident.id)] == [english.id, french.id]
    found = reading.latest_sitrep_in(store, incident.id, "fr")
    assert found is not None and found.id == french.id
    shown = reading.sitrep(store, incident.id, english.id)
    assert shown is not None and shown.lang == "en" and shown.created_by == "director1"
    assert reading.sitrep(store, other.id, english.id) is None


def test_actions_by_status_then_due_date_undated_first(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    other = hit_cases.open_incident(store, "director1", "other", "chtest.yaml", SAMPLE_MAP)
    soon = datetime.now(UTC) + timedelta(hours=1)
    later = soon + timedelta(hours=1)
    late = cell.add_action(store, incident.id, "director1", "late", owner_user="it1", due_at=later)
    undated = cell.add_action(store, incident.id, "director1", "undated", owner_user="it1")
    early = cell.add_action(store, incident.id, "director1", "early", owner_user="it1", due_at=soon)
    done = cell.add_action(store, incident.id, "director1", "done", owner_user="it1")
    cell.add_action(store, other.id, "director1", "elsewhere", owner_user="it1")
    assert cell.set_action_status(store, incident.id, "director1", done.id, "done")
    listed = reading.actions(store, incident.id)
    assert [a.id for a in listed] == [done.id, undated.id, early.id, late.id]
    assert listed[1].owner_user == "it1" and listed[0].status == "done"
