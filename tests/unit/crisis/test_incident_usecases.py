"""The use-cases of an incident, played the same way against the in-memory twin and against the
crisis database (SQLite here; PostgreSQL when tests/integration/crisis/test_postgres.py reruns this
folder with DATABASE_URL). Each change and its journal entries are kept together or not at all."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn

import pytest

from bascule.clinical.records import Activity
from bascule.clinical.views import ScheduledActivity
from bascule.crisis.testing import SAMPLE_MAP
from bascule.errors import MapError, ScenarioError, UserError
from bascule.hospital.loading import demo_map_path, load_map
from bascule.impact import Hits
from bascule.incident import cell, restoration, sitrep
from bascule.incident import hits as hit_cases
from bascule.incident import triage as pipeline
from bascule.incident.memory import MemoryStore
from bascule.incident.ports import IncidentStore
from bascule.incident.refusals import (
    AlreadyHit,
    ConfirmationNeeded,
    InvalidField,
    MissingField,
    NoSuchIncident,
    NotAnId,
    ReturnTimeOutOfRange,
    UnknownTarget,
)
from bascule.scenario import Scenario, load_scenario
from bascule.triage import Proposal

ACCOUNTS = ("director1", "it1")
FAST = restoration.Planning(time_limit=0.5)


def failing_planner(*_args: object, **_kwargs: object) -> NoReturn:
    """The planner refusing the scenario (maps whose nodes no team can restore are refused when
    loaded now, so the failure is made here): what a re-plan raising looks like."""
    raise UserError("No team can restore san: no team has its skills.")


SPACED = SAMPLE_MAP.replace("{id: pcs-wards,", '{id: "pcs wards",').replace(
    "needs: [pcs-wards]", 'needs: ["pcs wards"]'
)


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


def ticking_clock() -> Any:
    """Now, one second later at every reading: the twin's writes never share a time."""
    moments = (datetime.now(UTC) + timedelta(seconds=n) for n in range(10**9))
    return lambda: next(moments)


def journal_names(store: IncidentStore, incident_id: int) -> list[str]:
    """Every entry name of the incident, in order, read back through the port."""
    names = [
        "incident.opened",
        "hit.declared",
        "isolation.confirmed",
        "hit.lifted",
        "task.started",
        "task.done",
        "plan.made",
        "return.set",
    ]
    found: list[tuple[Any, str]] = []
    for name in names:
        found += [(line, name) for line in store.journal.entries(incident_id, name)]
    return sorted(name for _, name in found)


def snapshot(store: IncidentStore, incident_id: int) -> tuple[Any, ...]:
    """What a screen would show of the incident: its version, hits, progress, plan, journal."""
    incident = store.repository.incident(incident_id)
    assert incident is not None
    plan = store.repository.latest_plan(incident_id)
    return (
        incident.version,
        [(h.kind, h.target) for h in store.repository.active_hits(incident_id)],
        sorted((p.node, p.state) for p in store.repository.progress(incident_id)),
        plan.id if plan else None,
        (dict(incident.reconnect), dict(incident.supplier_back)),
        journal_names(store, incident_id),
        store.journal.head(),
    )


def test_opening_an_incident_keeps_the_map_and_journals_it(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "  Rançongiciel ", "chtest.yaml", SAMPLE_MAP)
    assert incident.title == "Rançongiciel"
    assert store.repository.incident(incident.id) == incident
    [line] = store.journal.entries(incident.id, "incident.opened")
    assert (line.actor, dict(line.payload)) == ("director1", {"map_sha256": incident.map_sha256})


def test_an_invalid_map_or_no_title_opens_nothing(store: IncidentStore) -> None:
    with pytest.raises(MapError):
        hit_cases.open_incident(store, "director1", "x", "bad.yaml", SAMPLE_MAP.replace("[lims]", "[lism]"))
    with pytest.raises(MissingField):
        hit_cases.open_incident(store, "director1", "  ", "chtest.yaml", SAMPLE_MAP)
    assert store.repository.all_incidents() == []
    assert store.journal.head() == "0"


def test_declaring_and_lifting_a_hit_changes_the_impact_and_the_journal(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    hit = hit_cases.declare_hit(store, incident.id, "director1", "node", "san")
    after = store.repository.incident(incident.id)
    assert after is not None and after.version > incident.version
    assert hit_cases.current_impact(store, after).status("admissions") == "down"
    assert hit_cases.lift_hit(store, incident.id, hit.id, "it1") is not None
    assert hit_cases.lift_hit(store, incident.id, hit.id, "it1") is None  # twice changes nothing
    assert hit_cases.current_impact(store, after).status("admissions") == "up"
    assert journal_names(store, incident.id) == ["hit.declared", "hit.lifted", "incident.opened"]


@pytest.mark.parametrize(
    ("kind", "target", "confirmed", "refusal"),
    [
        ("node", "nowhere", False, UnknownTarget),
        ("node", "admissions", False, UnknownTarget),  # a care process is not declared, it follows
        ("segment", "dc01", True, UnknownTarget),
        ("rumour", "dc01", False, UnknownTarget),
        ("segment", "dc-core", False, ConfirmationNeeded),
    ],
)
def test_refused_declarations_change_nothing(
    store: IncidentStore, kind: str, target: str, confirmed: bool, refusal: type[UserError]
) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    before = snapshot(store, incident.id)
    with pytest.raises(refusal):
        hit_cases.declare_hit(store, incident.id, "director1", kind, target, confirmed=confirmed)
    assert snapshot(store, incident.id) == before


def test_the_same_hit_twice_is_one_declaration(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    hit_cases.declare_hit(store, incident.id, "director1", "supplier", "pathlab")
    before = snapshot(store, incident.id)
    with pytest.raises(AlreadyHit):
        hit_cases.declare_hit(store, incident.id, "it1", "supplier", "pathlab")
    assert snapshot(store, incident.id) == before


def test_a_map_id_the_journal_cannot_hold_is_refused_and_nothing_is_declared(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "spaced.yaml", SPACED)
    before = snapshot(store, incident.id)
    with pytest.raises(NotAnId):
        hit_cases.declare_hit(store, incident.id, "director1", "node", "pcs wards")
    assert snapshot(store, incident.id) == before


def test_a_journal_refusal_inside_a_unit_of_work_undoes_the_change(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    before = snapshot(store, incident.id)
    with pytest.raises(ValueError), store.unit_of_work():
        store.repository.add_hit(incident.id, "node", "dc01", "director1")
        store.repository.bump(incident.id)
        store.journal.append("hit.declared", "director1", incident.id, {"target": "free text here"})
    assert snapshot(store, incident.id) == before


def test_isolating_a_segment_after_its_what_if(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    what_if = hit_cases.isolation_what_if(store, incident.id, "dc-core")
    assert "admissions" in {p.id for p in what_if.processes_newly_down}
    hit_cases.declare_hit(store, incident.id, "director1", "segment", "dc-core", confirmed=True)
    assert journal_names(store, incident.id) == ["incident.opened", "isolation.confirmed"]
    with pytest.raises(UnknownTarget):
        hit_cases.isolation_what_if(store, incident.id, "nowhere")


def test_marking_tasks_replans_and_done_lifts_the_declaration(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    for node in ("san", "ehr-db"):
        hit_cases.declare_hit(store, incident.id, "director1", "node", node)
    first = restoration.replan(store, incident.id, "it1", FAST)
    assert {t["node"] for t in first.plan_json["tasks"]} == {"san", "ehr-db"}
    restoration.mark_task(store, incident.id, "it1", "san", "started", "infra", FAST)
    done = restoration.mark_task(store, incident.id, "it1", "san", "done", planning=FAST)
    assert {t["node"] for t in done.plan_json["tasks"]} == {"ehr-db"}
    assert [h.target for h in store.repository.active_hits(incident.id)] == ["ehr-db"]
    assert journal_names(store, incident.id).count("plan.made") == 3
    assert store.repository.latest_plan(incident.id) == done


@pytest.mark.parametrize(
    ("node", "state", "team"),
    [
        ("dc01", "started", ""),
        ("san", "finished", ""),
        ("san", "started", "nobody"),
        ("admissions", "done", ""),
    ],
)
def test_marking_what_is_not_a_declared_task_is_refused(
    store: IncidentStore, node: str, state: str, team: str
) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    hit_cases.declare_hit(store, incident.id, "director1", "node", "san")
    before = snapshot(store, incident.id)
    with pytest.raises(UnknownTarget):
        restoration.mark_task(store, incident.id, "it1", node, state, team, FAST)
    assert snapshot(store, incident.id) == before


def test_a_mark_whose_replanning_fails_is_not_kept(
    store: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(restoration, "plan", failing_planner)
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    for node in ("san", "dc01"):
        hit_cases.declare_hit(store, incident.id, "director1", "node", node)
    before = snapshot(store, incident.id)
    with pytest.raises(UserError, match="No team can restore san"):
        restoration.mark_task(store, incident.id, "it1", "dc01", "done", planning=FAST)
    assert snapshot(store, incident.id) == before
    assert [h.target for h in store.repository.active_hits(incident.id)] == ["san", "dc01"]


def test_an_unknown_incident_is_one_sentence(store: IncidentStore) -> None:
    with pytest.raises(NoSuchIncident, match="no incident 404"):
        hit_cases.declare_hit(store, 404, "director1", "node", "dc01")
    with pytest.raises(NoSuchIncident):
        restoration.replan(store, 404, "it1", FAST)


def test_notes_and_decisions_keep_their_text_out_of_the_journal(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    note = cell.record_note(store, incident.id, "it1", "note", "  Serveurs éteints à 9 h  ")
    decision = cell.record_decision(store, incident.id, "director1", "Plan blanc déclenché")
    assert note.text == "Serveurs éteints à 9 h"
    [line] = store.journal.entries(incident.id, "decision.added")
    assert dict(line.payload) == {
        "note": decision.id,
        "sha256": hashlib.sha256(b"Plan blanc d\xc3\xa9clench\xc3\xa9").hexdigest(),
    }
    assert [n.text for n in store.repository.notes(incident.id, "decision")] == ["Plan blanc déclenché"]
    before = snapshot(store, incident.id)
    with pytest.raises(MissingField):
        cell.record_note(store, incident.id, "it1", "note", "   ")
    assert snapshot(store, incident.id) == before


def test_actions_need_an_owner_and_a_sensible_due_time(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    roles = ("director", "it")
    due = store.now() + timedelta(hours=4)
    action = cell.add_action(store, incident.id, "director1", "Appeler l'ARS", "it1", "", due, roles)
    assert (action.owner_user, action.status) == ("it1", "open")
    before = snapshot(store, incident.id)
    for title, owner, role, when, refusal in [
        ("", "it1", "", None, MissingField),
        ("x", "ghost", "", None, MissingField),  # no such account, no role
        ("x", "", "janitor", None, MissingField),
        ("x", "", "it", datetime(1, 1, 1, tzinfo=UTC), InvalidField),
    ]:
        with pytest.raises(refusal):
            cell.add_action(store, incident.id, "director1", title, owner, role, when, roles)
    assert snapshot(store, incident.id) == before
    assert cell.set_action_status(store, incident.id, "it1", action.id, "done")
    assert not cell.set_action_status(store, incident.id, "it1", 999999, "done")
    with pytest.raises(UnknownTarget):
        cell.set_action_status(store, incident.id, "it1", action.id, "forgotten")
    assert store.repository.open_actions(incident.id) == []


def test_a_sitrep_says_what_changed_since_the_last_one(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    hit_cases.declare_hit(store, incident.id, "director1", "node", "san")
    first = sitrep.make_sitrep(store, incident.id, "director1", "en", UTC)
    assert first.content["sections"]["admissions"] == "uncovered"
    assert first.content["journal_head"] != "0"
    hit_cases.declare_hit(store, incident.id, "director1", "supplier", "pathlab")
    second = sitrep.make_sitrep(store, incident.id, "director1", "en", UTC)
    # What changed, by the names people know (the supplier's and the care process's), not map ids.
    assert "Declared since: Laboratoire partenaire" in second.content["change_lines"]
    assert "Newly down: Transfusion sanguine" in second.content["change_lines"]
    assert not any("pathlab" in line or "transfusion" in line for line in second.content["change_lines"])
    assert second.content["declared_lines"] == [
        "compromised: san",  # a node without a name keeps its id
        "supplier down: Laboratoire partenaire",
    ]
    assert [line.payload["sitrep"] for line in store.journal.entries(incident.id, "sitrep.made")] == [
        first.id,
        second.id,
    ]


def _proposal(activity: str, decision: str) -> Proposal:
    start = datetime(2026, 3, 10, 9, tzinfo=UTC)
    return Proposal(
        activity, "p-" + activity, "surgery", "u1", start, "routine", "act-surgery", decision, "down"
    )  # type: ignore[arg-type]


def test_approvals_are_journal_entries_of_ids(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    proposals = [_proposal("a1", "cancel"), _proposal("a2", "cancel"), _proposal("a3", "maintain")]
    window = pipeline.TriageWindow(
        hit_cases.hospital_map(store, incident.id), proposals, {}, {}, UTC, date(2026, 3, 10), 7, None
    )
    assert (
        pipeline.approve_group(
            store, incident.id, "director1", window, "2026-03-10", "u1", "surgery", "cancel"
        )
        == 2
    )
    assert pipeline.approved_groups(store, incident.id) == {
        ("2026-03-10", "u1", "surgery", "cancel"): "director1"
    }
    pipeline.approve_exception(store, incident.id, "it1", "doctor", "a1", window)
    pipeline.approve_exception(store, incident.id, "director1", "director", "a1", window)
    assert [(a.activity_id, a.role, a.actor) for a in pipeline.approvals(store, incident.id)] == [
        ("a1", "doctor", "it1"),
        ("a1", "director", "director1"),
    ]
    before = snapshot(store, incident.id), pipeline.approvals(store, incident.id)
    with pytest.raises(UnknownTarget):
        pipeline.approve_group(
            store, incident.id, "director1", window, "2026-03-11", "u1", "surgery", "cancel"
        )
    with pytest.raises(UnknownTarget):
        pipeline.approve_exception(store, incident.id, "it1", "doctor", "not-in-window", window)
    with pytest.raises(InvalidField):
        pipeline.approve_exception(store, incident.id, "it1", "nurse", "a1", window)
    assert (snapshot(store, incident.id), pipeline.approvals(store, incident.id)) == before


def test_an_incident_opened_on_a_scenario_declares_it_at_once(store: IncidentStore) -> None:
    scenario = Scenario(
        hits=Hits(down=("san",), isolate=("clinical-lan",), suppliers=("pathlab",)),
        reconnect={"clinical-lan": 5.0},
    )
    incident = hit_cases.open_incident(store, "director1", "Exercice", "chtest.yaml", SAMPLE_MAP, scenario)
    assert hit_cases.current_scenario(store, incident) == Scenario(
        name=f"incident-{incident.id}", hits=scenario.hits, reconnect={"clinical-lan": 5.0}
    )
    assert journal_names(store, incident.id) == [
        "hit.declared",
        "hit.declared",
        "incident.opened",
        "isolation.confirmed",
    ]
    planned = restoration.replan(store, incident.id, "director1", FAST)
    assert planned.plan_json["processes"]["outpatient"]["eta_hours"] == 5.0
    with pytest.raises(ScenarioError):
        hit_cases.open_incident(
            store, "director1", "x", "chtest.yaml", SAMPLE_MAP, Scenario(hits=Hits(down=("nowhere",)))
        )
    assert len(store.repository.all_incidents()) == 1


@dataclass(frozen=True)
class _Unit:
    id: str
    name: str


class ActivityTwin:
    """Scheduled activity in memory, in place of the continuity store."""

    timezone = UTC
    data_time = datetime(2026, 3, 10, 6, tzinfo=UTC)

    def __init__(self, *activities: Activity) -> None:
        self._activities = activities

    def activities(self, start: datetime, end: datetime) -> list[ScheduledActivity]:
        return [
            ScheduledActivity(
                activity=a, family="Patient", given="Test", phone=None, email=None, practitioner=None
            )
            for a in self._activities
            if start <= a.start < end
        ]

    def units(self) -> list[_Unit]:
        return [_Unit("u-bloc", "Bloc opératoire")]


def _surgery(activity_id: str, day: int) -> Activity:
    start = datetime(2026, 3, day, 9, tzinfo=UTC)
    return Activity(
        id=activity_id, version="1", patient_id="p1", kind="surgery", start=start, unit_id="u-bloc"
    )


def test_the_triage_of_an_incident_follows_its_hits_and_its_approved_exceptions(store: IncidentStore) -> None:
    demo = demo_map_path().read_text(encoding="utf-8")
    scenario = load_scenario("ransomware", load_map("demo"))
    incident = hit_cases.open_incident(store, "director1", "Démo", "demo", demo, scenario)
    source = ActivityTwin(_surgery("op-1", 10), _surgery("op-2", 11), _surgery("op-late", 30))
    window = pipeline.incident_triage(store, incident.id, source, days=7)
    assert (window.first_day, window.last_day) == (date(2026, 3, 10), date(2026, 3, 16))
    assert {p.activity_id: p.decision for p in window.proposals} == {"op-1": "cancel", "op-2": "cancel"}
    assert window.unit_names == {"u-bloc": "Bloc opératoire"}
    pipeline.approve_exception(store, incident.id, "it1", "doctor", "op-1", window)
    pipeline.approve_exception(store, incident.id, "director1", "director", "op-1", window)
    again = pipeline.incident_triage(store, incident.id, source, days=7)
    assert {p.activity_id: p.decision for p in again.proposals} == {"op-1": "maintain", "op-2": "cancel"}
    for hit in store.repository.active_hits(incident.id):
        hit_cases.lift_hit(store, incident.id, hit.id, "director1")
    lifted = pipeline.incident_triage(store, incident.id, source, days=7)
    assert {p.decision for p in lifted.proposals} == {"maintain"}


def test_a_return_time_is_journaled_and_the_plan_made_again_with_it(store: IncidentStore) -> None:
    scenario = Scenario(hits=Hits(down=("san",), isolate=("clinical-lan",), suppliers=("pathlab",)))
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP, scenario)
    first = restoration.replan(store, incident.id, "it1", FAST)
    assert first.plan_json["processes"]["outpatient"]["eta_hours"] is None  # never back, so far
    replanned = restoration.set_return_time(
        store, incident.id, "it1", "segment", "clinical-lan", 12, planning=FAST
    )
    assert replanned.plan_json["processes"]["outpatient"]["eta_hours"] == 12.0
    later = incident.opened_at + timedelta(hours=30, minutes=15)
    restoration.set_return_time(
        store, incident.id, "director1", "supplier", "pathlab", at=later, planning=FAST
    )
    now = store.repository.incident(incident.id)
    assert now is not None
    assert (dict(now.reconnect), dict(now.supplier_back)) == ({"clinical-lan": 12.0}, {"pathlab": 30.25})
    assert (
        store.repository.latest_plan(incident.id).plan_json["processes"]["transfusion"]["eta_hours"] == 30.25
    )  # type: ignore[union-attr]
    lines = store.journal.entries(incident.id, "return.set")
    assert [(line.actor, dict(line.payload)) for line in lines] == [
        ("it1", {"kind": "segment", "target": "clinical-lan", "hours": 12.0}),
        ("director1", {"kind": "supplier", "target": "pathlab", "hours": 30.25}),
    ]
    assert journal_names(store, incident.id).count("plan.made") == 3


@pytest.mark.parametrize(
    ("kind", "target", "hours", "at_hours", "refusal"),
    [
        ("segment", "clinical-lan", -1.0, None, ReturnTimeOutOfRange),
        ("segment", "clinical-lan", None, -0.5, ReturnTimeOutOfRange),  # before the incident opened
        ("supplier", "pathlab", 24.0 * 400, None, ReturnTimeOutOfRange),  # more than a year: a slip
        ("supplier", "pathlab", float("nan"), None, ReturnTimeOutOfRange),
        ("segment", "clinical-lan", None, None, MissingField),
        ("segment", "nowhere", 4.0, None, UnknownTarget),
        ("segment", "dc-core", 4.0, None, UnknownTarget),  # known, but not isolated
        ("supplier", "clinical-lan", 4.0, None, UnknownTarget),  # a segment is not a supplier
        ("node", "san", 4.0, None, UnknownTarget),
    ],
)
def test_a_refused_return_time_changes_nothing(
    store: IncidentStore,
    kind: str,
    target: str,
    hours: float | None,
    at_hours: float | None,
    refusal: type[UserError],
) -> None:
    scenario = Scenario(hits=Hits(down=("san",), isolate=("clinical-lan",), suppliers=("pathlab",)))
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP, scenario)
    restoration.replan(store, incident.id, "it1", FAST)
    before = snapshot(store, incident.id)
    at = None if at_hours is None else incident.opened_at + timedelta(hours=at_hours)
    with pytest.raises(refusal):
        restoration.set_return_time(store, incident.id, "it1", kind, target, hours, at, FAST)
    assert snapshot(store, incident.id) == before


def test_a_plan_or_report_made_before_the_last_change_is_out_of_date(store: IncidentStore) -> None:
    incident = hit_cases.open_incident(store, "director1", "t", "chtest.yaml", SAMPLE_MAP)
    hit_cases.declare_hit(store, incident.id, "director1", "node", "san")

    def current() -> Any:
        found = store.repository.incident(incident.id)
        assert found is not None
        return found

    made = restoration.replan(store, incident.id, "it1", FAST)
    report = sitrep.make_sitrep(store, incident.id, "director1", "fr", UTC)
    # Making them is no change of the situation: both are current.
    assert not current().changed_after(made.created_at)
    assert not current().changed_after(report.created_at)
    hit_cases.declare_hit(store, incident.id, "director1", "supplier", "pathlab")
    assert current().changed_after(made.created_at)
    assert current().changed_after(report.created_at)
    again = restoration.replan(store, incident.id, "it1", FAST)
    assert not current().changed_after(again.created_at)
    restoration.mark_task(store, incident.id, "it1", "san", "started", "infra", FAST)
    assert current().changed_after(again.created_at)
    assert not current().changed_after(store.repository.latest_plan(incident.id).created_at)  # type: ignore[union-attr]
