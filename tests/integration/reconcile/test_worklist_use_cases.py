"""The reconciliation use-cases the command line and the crisis app share (bascule.reconcile.worklist):
the worklist with each registration beside its best candidate, the decision, the accounting; and
why no decision here can merge two records the EHR already holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.downtime_store import NOW, STRANGER, DowntimeWorld, copy_world, make_downtime_world

from bascule.downtime.links import links, unlink
from bascule.errors import UserError
from bascule.reconcile.worklist import decide, status, worklist


@pytest.fixture(scope="module")
def base_world(tmp_path_factory: pytest.TempPathFactory) -> DowntimeWorld:
    return make_downtime_world(tmp_path_factory.mktemp("worklist"))


@pytest.fixture()
def world(base_world: DowntimeWorld, tmp_path: Path) -> DowntimeWorld:
    return copy_world(base_world, tmp_path)


def test_the_worklist_puts_review_first_then_new_then_unsaved_auto(world: DowntimeWorld) -> None:
    items = worklist(world.store)
    assert [(i.downtime_id, i.match.decision) for i in items] == [
        (world.review_number, "review"),
        (world.new_number, "new"),
        (world.auto_number, "auto"),
    ]
    review, new, auto = items
    assert review.candidate_id == world.lookalike.id
    assert "given_disagrees" in review.match.reasons
    assert review.registration.given == "Zébulon" and review.registration.mrn is None
    assert review.candidate is not None
    assert (review.candidate.family, review.candidate.birth_date, review.candidate.mrn) == (
        world.lookalike.family,
        world.lookalike.birth_date,
        world.lookalike.mrn,
    )
    assert new.candidate is None and new.candidate_id is None
    assert (new.registration.family, new.registration.given) == (STRANGER["family"], STRANGER["given"])
    assert auto.candidate_id == world.known.id


def test_a_work_item_never_shows_patient_values_in_its_repr(world: DowntimeWorld) -> None:
    for item in worklist(world.store):
        shown = repr(item)
        assert item.downtime_id in shown
        for value in (world.lookalike.family, world.known.family, "Zébulon", STRANGER["family"]):
            assert value not in shown
        assert str(world.lookalike.birth_date) not in shown and str(world.lookalike.mrn) not in shown


def test_decisions_empty_the_worklist_and_count_as_reconciled(world: DowntimeWorld) -> None:
    before = status(world.store)
    assert before["numbers"]["by_state"] == {"registered": 3, "missing": 1}
    assert before["numbers"]["missing"] == [world.missing_number]
    decide(world.store, world.review_number, world.lookalike.id, "civ-martin", NOW)
    decide(world.store, world.new_number, None, "civ-martin", NOW)
    assert [i.downtime_id for i in worklist(world.store)] == [world.auto_number]
    made = links(world.store)
    assert made[world.review_number].patient_id == world.lookalike.id
    assert made[world.review_number].decision == "confirmed"
    assert made[world.new_number].patient_id is None and made[world.new_number].decision == "new"
    after = status(world.store)
    assert after["numbers"]["by_state"] == {"reconciled": 2, "registered": 1, "missing": 1}
    assert after["entries"]["by_state"] == {"ready": 2, "waiting": 1}
    assert after["all_done"] is False


def test_a_decision_is_never_changed_silently(world: DowntimeWorld) -> None:
    decide(world.store, world.review_number, world.lookalike.id, "civ-martin", NOW)
    decide(world.store, world.review_number, world.lookalike.id, "civ-martin", NOW)  # the same again: fine
    with pytest.raises(UserError) as refused:
        decide(world.store, world.review_number, None, "civ-dupont", NOW)
    assert refused.value.exit_code == 3 and refused.value.french
    with pytest.raises(UserError) as unknown:
        decide(world.store, world.new_number, "no-such-patient", "civ-martin", NOW)
    assert unknown.value.exit_code == 2
    with pytest.raises(UserError):
        decide(world.store, world.new_number[:-1] + "Z", None, "civ-martin", NOW)  # miscopied check letter


def test_no_decision_can_merge_two_records_the_ehr_holds(world: DowntimeWorld) -> None:
    """The two-person rule of the issue guards a merge of two existing EHR records. Here it would be
    a number declared new, whose patient the EHR created when its entries were sent, then found to be
    a known patient: changing the link needs `unlink` first, which is refused once an entry of the
    number was acknowledged, and a confirm over a link is refused. The merge is done in the EHR."""
    decide(world.store, world.new_number, None, "civ-martin", NOW)
    with sqlite3.connect(world.store) as db:
        (entry,) = db.execute(
            "SELECT id FROM downtime_entries WHERE downtime_number = ?", (world.new_number,)
        ).fetchone()
        db.execute(
            "INSERT INTO downtime_sent (id, version, state, target, reference, reason, at) "
            "VALUES (?, '1', 'acknowledged', 'fhir', 'Patient/123', NULL, ?)",
            (entry, NOW.isoformat()),
        )
    with pytest.raises(UserError) as changed:
        decide(world.store, world.new_number, world.known.id, "civ-martin", NOW)
    assert changed.value.exit_code == 3
    with pytest.raises(UserError) as undone:
        unlink(world.store, world.new_number, "civ-martin")
    assert undone.value.exit_code == 3
    assert links(world.store)[world.new_number].patient_id is None
